//! The Syntax-Knowledge generator (docs/theory.md, "The generator"): knowledge source, entities
//! and facts, and syntax, composed into a stream of sentences.

use super::knowledge::{Knowledge, entity_id};
use super::params::GeneratorParams;
use super::rng::SkRng;
use super::sentence::{Role, Sentence};
use super::source::Source;
use super::syntax::{Slot, Syntax};
use super::vocab::{EOS, Vocab};

/// Which entities and which format a generator speaks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    /// Seed of knowledge (names, facts) and of the entity draws.
    pub seed: u64,
    /// 0 for pre-training; a fine-tuning phase's new entities live in another.
    pub universe: u32,
    /// Seed of the syntax (templates, theta, phi).
    pub syntax_seed: u64,
    /// Index of the format, so template ids of two formats never collide.
    pub format: u32,
    /// Which random stream draws the sentences (a phase's own), so a later
    /// phase never replays an earlier one's sentences.
    pub stream: u32,
    /// Where this universe's entities start in the name space.
    pub name_offset: u64,
}

impl Parts {
    pub fn from_seed(seed: u64) -> Self {
        Parts { seed, universe: 0, syntax_seed: seed, format: 0, stream: 0, name_offset: 0 }
    }
}

#[derive(Clone, Debug)]
pub struct Generator {
    params: GeneratorParams,
    parts: Parts,
    vocab: Vocab,
    syntax: Syntax,
    knowledge: Knowledge,
    source: Source,
    rng: SkRng,
    sentences: u64,
    /// `log2 F`, the oracle's bits for the attribute, taken once.
    attribute_bits: f64,
    /// Whether `next` writes tokens and roles (`set_spelling`).
    spelling: bool,
}

impl Generator {
    /// A generator for valid parameters (see `GeneratorParams::check`).
    pub fn new(params: &GeneratorParams, seed: u64) -> Self {
        Self::with_parts(params, Parts::from_seed(seed))
    }

    pub fn with_parts(params: &GeneratorParams, parts: Parts) -> Self {
        let vocab = Vocab::new(params);
        let syntax = Syntax::new(params, &vocab, parts.syntax_seed, parts.format);
        let knowledge = Knowledge::new(params, parts.seed, parts.universe, parts.name_offset);
        Generator {
            params: params.clone(),
            parts,
            vocab,
            syntax,
            knowledge,
            source: Source::new(params),
            rng: SkRng::new(
                parts.seed,
                0x5354_5245_414d + parts.universe as u64 + ((parts.stream as u64) << 20),
            ),
            sentences: 0,
            attribute_bits: (params.attributes as f64).log2(),
            spelling: true,
        }
    }

    pub fn params(&self) -> &GeneratorParams {
        &self.params
    }

    pub fn parts(&self) -> Parts {
        self.parts
    }

    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }

    pub fn syntax(&self) -> &Syntax {
        &self.syntax
    }

    /// Continues `earlier`'s entity process (same universe): a pycrp
    /// source keeps its seating, so the next phase does not restart at n = 0.
    pub fn continue_source(&mut self, earlier: &Generator) {
        if let (Source::Pycrp(mine), Source::Pycrp(theirs)) = (&mut self.source, &earlier.source) {
            mine.adopt_seating(theirs);
        }
    }

    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Sentences drawn so far.
    pub fn sentences(&self) -> u64 {
        self.sentences
    }

    /// The canonical prompt of a fact: the attribute's most probable template
    /// with each filler slot at its most probable word and the entity's name,
    /// up to (not including) the value token. Used to probe learners.
    pub fn canonical_prompt(
        &self,
        entity: crate::sk::EntityId,
        attribute: u32,
        out: &mut Vec<crate::sk::Token>,
    ) {
        out.clear();
        let theta = self.syntax.template_law(attribute);
        let t = argmax(theta.probs()) as u32;
        let local = attribute * self.syntax.templates_per_attribute() + t;
        for &slot in &self.syntax.template(local).slots {
            match slot {
                Slot::Literal(token) => out.push(token),
                Slot::Filler(j) => {
                    out.push(self.vocab.filler(argmax(self.syntax.filler_law(j).probs()) as u32))
                }
                Slot::Name => self.knowledge.name_tokens(entity, &self.vocab, out),
                Slot::Value => return,
            }
        }
    }

    /// Whether `next` writes each sentence's tokens and roles (the
    /// default). Learners that read only the latent draws (Bayes, capped)
    /// need none; the engine then turns spelling off and spells only the
    /// sentences it shows ([`Generator::spell`]). Either way the stream of
    /// draws, and every other field of the sentence, is the same.
    pub fn set_spelling(&mut self, on: bool) {
        self.spelling = on;
    }

    pub fn spells(&self) -> bool {
        self.spelling
    }

    /// Draws the next sentence into `s`.
    pub fn next(&mut self, s: &mut Sentence) {
        s.clear();
        let draw = self.source.draw(&mut self.rng);
        let entity = entity_id(self.parts.universe, draw.index);
        let f = self.params.attributes;
        let attribute = self.rng.below(f as u64) as u32;
        let theta = self.syntax.template_law(attribute);
        let t = theta.sample(self.rng.next_u64()) as u32;
        let local = attribute * self.syntax.templates_per_attribute() + t;
        let mut syntax_bits = theta.bits(t as usize) + self.attribute_bits;
        let truth = self.knowledge.true_value(entity, attribute);
        let (value, fact_bits) = self.knowledge.stated_value(truth, &mut self.rng);
        let template = self.syntax.template(local);
        for &slot in &template.slots {
            if let Slot::Filler(j) = slot {
                let phi = self.syntax.filler_law(j);
                let word = phi.sample(self.rng.next_u64()) as u32;
                syntax_bits += phi.bits(word as usize);
                s.fillers.push((self.syntax.slot_id(j), word));
            }
        }
        // Every slot is one token but the name, which is `L_name`; then EOS.
        s.token_count = template.slots.len() + self.params.name_length as usize;
        s.entity = entity;
        s.rank = draw.index + 1;
        s.first_seen = draw.new;
        s.attribute = attribute;
        s.template = self.syntax.template_id(local);
        s.value = value;
        s.true_value = truth;
        s.oracle.syntax = syntax_bits;
        s.oracle.identity = draw.bits;
        s.oracle.fact = fact_bits;
        self.sentences += 1;
        if self.spelling {
            self.spell(s);
        }
    }

    /// Writes the tokens and roles of a sentence this generator drew, from
    /// its draws (template, fillers, entity, value); draws nothing.
    pub fn spell(&self, s: &mut Sentence) {
        s.tokens.clear();
        s.roles.clear();
        let local = s.template - self.syntax.template_id(0);
        let mut fillers = s.fillers.iter();
        for &slot in &self.syntax.template(local).slots {
            match slot {
                Slot::Literal(token) => {
                    s.tokens.push(token);
                    s.roles.push(Role::Syntax);
                }
                Slot::Filler(_) => {
                    let &(_, word) = fillers.next().expect("one drawn word per filler slot");
                    s.tokens.push(self.vocab.filler(word));
                    s.roles.push(Role::Syntax);
                }
                Slot::Name => {
                    let start = s.tokens.len();
                    self.knowledge.name_tokens(s.entity, &self.vocab, &mut s.tokens);
                    s.roles.resize(s.roles.len() + s.tokens.len() - start, Role::Name);
                }
                Slot::Value => {
                    s.value_pos = s.tokens.len();
                    s.tokens.push(self.vocab.value(s.attribute, s.value));
                    s.roles.push(Role::Value);
                }
            }
        }
        s.tokens.push(EOS);
        s.roles.push(Role::Syntax);
    }
}

fn argmax(p: &[f64]) -> usize {
    p.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(p: &GeneratorParams, seed: u64, n: usize) -> Vec<Vec<u32>> {
        let mut g = Generator::new(p, seed);
        let mut s = Sentence::default();
        (0..n)
            .map(|_| {
                g.next(&mut s);
                s.tokens.clone()
            })
            .collect()
    }

    #[test]
    fn same_seed_same_stream_other_seed_other_stream() {
        for p in [
            GeneratorParams::default(),
            GeneratorParams { source: crate::sk::SourceKind::Pycrp, name_length: 6, ..Default::default() },
        ] {
            assert_eq!(stream(&p, 1, 500), stream(&p, 1, 500));
            assert_ne!(stream(&p, 1, 500), stream(&p, 2, 500));
        }
    }

    /// A generator that does not spell draws the same stream, and spelling
    /// a sentence afterwards gives the tokens and roles it would have had,
    /// in every format (a fine-tuning phase's syntax).
    #[test]
    fn spelling_later_gives_the_same_sentence() {
        let p = GeneratorParams { fact_noise: 0.1, ..Default::default() };
        for format in [0, 2] {
            let parts = Parts { format, syntax_seed: 9, ..Parts::from_seed(3) };
            let mut spelled = Generator::with_parts(&p, parts);
            let mut bare = Generator::with_parts(&p, parts);
            bare.set_spelling(false);
            let (mut a, mut b) = (Sentence::default(), Sentence::default());
            for _ in 0..2000 {
                spelled.next(&mut a);
                bare.next(&mut b);
                assert!(b.tokens.is_empty() && b.roles.is_empty());
                assert_eq!(b.token_count, a.tokens.len());
                bare.spell(&mut b);
                assert_eq!(format!("{a:?}"), format!("{b:?}"));
            }
        }
    }

    #[test]
    fn roles_align_with_tokens() {
        let p = GeneratorParams { fact_noise: 0.2, ..Default::default() };
        let mut g = Generator::new(&p, 4);
        let mut s = Sentence::default();
        for _ in 0..1000 {
            g.next(&mut s);
            assert_eq!(s.tokens.len(), s.roles.len());
            assert_eq!(s.tokens.len(), s.token_count);
            assert_eq!(s.roles.iter().filter(|&&r| r == Role::Name).count(), p.name_length as usize);
            assert_eq!(s.roles[s.value_pos], Role::Value);
            assert_eq!(s.tokens[s.value_pos], g.vocab().value(s.attribute, s.value));
            assert_eq!(*s.tokens.last().unwrap(), EOS);
            assert_eq!(s.true_value, g.knowledge().true_value(s.entity, s.attribute));
        }
    }
}
