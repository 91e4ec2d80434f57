//! The syntax model (docs/theory.md, "Syntax: templates and fillers"): for each attribute `T` templates, each a
//! fixed sequence of slots, chosen with probabilities `theta_a ~ Dir(gamma_t)`;
//! each filler slot `j` draws a word with probabilities `phi_j ~ Dir(gamma_f)`.
//!
//! Skeletons (sk-tui choice): each template takes one of the sentence
//! `FRAMES` at random — literal words around the NAME slot, the VALUE slot
//! and the attribute's relation word, NAME always before VALUE, so a
//! left-to-right model has read the name when it must predict the value —
//! and inserts its `filler_slots` filler slots at random places after the
//! first word. Sentences read as English ("Kavoshi 's color is really bazo").

use super::alias::AliasTable;
use super::frames::{FRAMES, N, R, V, W, function_word_index};
use super::params::GeneratorParams;
use super::rng::SkRng;
use super::vocab::{Token, Vocab};

/// A frame with `fillers` filler slots (numbered from `first_slot`) inserted
/// at random places after its first word.
fn draw_skeleton(rng: &mut SkRng, vocab: &Vocab, attribute: u32, fillers: u32, first_slot: u32) -> Vec<Slot> {
    let frame = FRAMES[rng.below(FRAMES.len() as u64) as usize];
    let mut body: Vec<Slot> = frame
        .iter()
        .map(|part| match *part {
            W(word) => Slot::Literal(vocab.function_word(function_word_index(word).unwrap_or(0))),
            N => Slot::Name,
            V => Slot::Value,
            R => Slot::Literal(vocab.relation(attribute)),
        })
        .collect();
    for j in 0..fillers {
        let at = 1 + rng.below(body.len() as u64) as usize;
        body.insert(at, Slot::Filler(first_slot + j));
    }
    body
}

/// One position of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Literal(Token),
    Name,
    Value,
    /// A filler slot, by its index among all `J` slots of this syntax.
    Filler(u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub attribute: u32,
    pub slots: Vec<Slot>,
}

/// Templates, their probabilities and the filler distributions of one format.
#[derive(Clone, Debug)]
pub struct Syntax {
    /// Index `a * T + t`.
    templates: Vec<Template>,
    /// `theta_a`, one table per attribute.
    theta: Vec<AliasTable>,
    /// `phi_j`, one table per filler slot.
    phi: Vec<AliasTable>,
    per_attribute: u32,
    /// Which format this is (0 for pre-training; a fine-tuning phase with a
    /// new `syntax_seed` gets another): template and slot ids are offset by it
    /// so learners never confuse two formats.
    format: u32,
}

impl Syntax {
    pub fn new(p: &GeneratorParams, vocab: &Vocab, seed: u64, format: u32) -> Self {
        let mut rng = SkRng::new(seed, 0x5947_4158 + format as u64);
        let mut templates = Vec::with_capacity((p.attributes * p.templates) as usize);
        let mut next_slot = 0u32;
        for a in 0..p.attributes {
            for _ in 0..p.templates {
                // Distinct skeletons within an attribute, so that a sentence's
                // words determine its template (the oracle's bits are then the
                // sentence's probability). `GeneratorParams::check` caps T at
                // `distinct_templates`, so the rejection loop ends.
                let body = loop {
                    let body = draw_skeleton(&mut rng, vocab, a, p.filler_slots, next_slot);
                    let taken = templates[(a * p.templates) as usize..].iter().any(|t: &Template| {
                        t.slots.len() == body.len()
                            && t.slots.iter().zip(&body).all(|(x, y)| match (x, y) {
                                (Slot::Filler(_), Slot::Filler(_)) => true,
                                _ => x == y,
                            })
                    });
                    if !taken {
                        break body;
                    }
                };
                next_slot += p.filler_slots;
                templates.push(Template { attribute: a, slots: body });
            }
        }
        let theta = (0..p.attributes)
            .map(|_| AliasTable::new(&rng.dirichlet(p.template_concentration, p.templates as usize)))
            .collect();
        let phi = (0..next_slot)
            .map(|_| AliasTable::new(&rng.dirichlet(p.filler_concentration, p.filler_words as usize)))
            .collect();
        Syntax { templates, theta, phi, per_attribute: p.templates, format }
    }

    pub fn format(&self) -> u32 {
        self.format
    }

    /// Templates per attribute, `T`.
    pub fn templates_per_attribute(&self) -> u32 {
        self.per_attribute
    }

    /// The template at local index `a * T + t`.
    pub fn template(&self, local: u32) -> &Template {
        &self.templates[local as usize]
    }

    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// `theta_a`.
    pub fn template_law(&self, attribute: u32) -> &AliasTable {
        &self.theta[attribute as usize]
    }

    /// `phi_j`.
    pub fn filler_law(&self, slot: u32) -> &AliasTable {
        &self.phi[slot as usize]
    }

    /// `J`, filler slots in all.
    pub fn filler_slots(&self) -> u32 {
        self.phi.len() as u32
    }

    /// Global id of a template (unique across formats).
    pub fn template_id(&self, local: u32) -> u32 {
        self.format * self.templates.len() as u32 + local
    }

    /// Global id of a filler slot (unique across formats).
    pub fn slot_id(&self, slot: u32) -> u32 {
        self.format * self.phi.len() as u32 + slot
    }

    /// Expected syntax bits per sentence: `log2 F + E_a H(theta_a) + E Σ_j H(phi_j)`.
    pub fn entropy_bits(&self) -> f64 {
        let f = self.theta.len() as f64;
        let mut h = f.log2();
        for (a, theta) in self.theta.iter().enumerate() {
            let mut per_attribute = theta.entropy_bits();
            for (t, &p) in theta.probs().iter().enumerate() {
                let template = &self.templates[a * self.per_attribute as usize + t];
                let fillers: f64 = template
                    .slots
                    .iter()
                    .filter_map(|s| match s {
                        Slot::Filler(j) => Some(self.phi[*j as usize].entropy_bits()),
                        _ => None,
                    })
                    .sum();
                per_attribute += p * fillers;
            }
            h += per_attribute / f;
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sk::frames::distinct_templates;

    #[test]
    fn every_template_has_one_name_before_one_value() {
        let p = GeneratorParams { templates: 7, filler_slots: 2, ..Default::default() };
        let s = Syntax::new(&p, &Vocab::new(&p), 5, 0);
        assert_eq!(s.templates().len(), 28);
        assert_eq!(s.filler_slots(), 56);
        for t in s.templates() {
            let name = t.slots.iter().position(|&x| x == Slot::Name).unwrap();
            let value = t.slots.iter().position(|&x| x == Slot::Value).unwrap();
            assert!(name < value);
            assert_eq!(t.slots.iter().filter(|&&x| x == Slot::Name || x == Slot::Value).count(), 2);
            assert_eq!(t.slots.iter().filter(|x| matches!(x, Slot::Filler(_))).count(), 2);
        }
    }

    #[test]
    fn templates_of_an_attribute_are_distinct_word_patterns() {
        for (k, t) in [(0u32, 10u32), (1, 40), (2, 200)] {
            assert!(t as u64 <= distinct_templates(k));
            let p = GeneratorParams { templates: t, filler_slots: k, ..Default::default() };
            let s = Syntax::new(&p, &Vocab::new(&p), 3, 0);
            let pattern = |t: &Template| {
                t.slots
                    .iter()
                    .map(|s| if let Slot::Filler(_) = s { Slot::Filler(0) } else { *s })
                    .collect::<Vec<_>>()
            };
            for a in 0..p.attributes as usize {
                let of_a = &s.templates()[a * t as usize..(a + 1) * t as usize];
                let mut seen: Vec<Vec<Slot>> = of_a.iter().map(pattern).collect();
                seen.sort_by_key(|v| format!("{v:?}"));
                seen.dedup();
                assert_eq!(seen.len(), t as usize, "k = {k}: duplicate templates");
            }
        }
    }

    #[test]
    fn formats_differ_and_are_seeded() {
        let p = GeneratorParams::default();
        let v = Vocab::new(&p);
        let a = Syntax::new(&p, &v, 5, 0);
        assert_eq!(a.templates(), Syntax::new(&p, &v, 5, 0).templates());
        assert_ne!(a.templates(), Syntax::new(&p, &v, 5, 1).templates());
        assert_ne!(a.templates(), Syntax::new(&p, &v, 6, 0).templates());
    }
}
