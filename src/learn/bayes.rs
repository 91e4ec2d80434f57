//! The Bayes-optimal learner with unlimited capacity (docs/theory.md, "The learners"):
//! Dirichlet–multinomial syntax with the true concentrations, Pitman–Yor
//! identity over the entities seen, every fact memorized after one exposure,
//! unknown facts coded with the learned value marginal.
//!
//! A stored fact is a [`FactBelief`]: a Dirichlet over values centred on the
//! marginal with weight `κ` (`fact_kappa`: the noise rate's odds, or one in a
//! million without noise), so every value keeps a positive probability and a
//! fact that a later phase changes is overwritten once the new value has been
//! stated more often than the old one.

use crate::config::LearnerKind;

use super::odds::{FactPrior, Odds, OddsWindow};
use super::predictive::{
    FactBelief, KnowledgeCode, PitmanYorCode, SyntaxModel, ValueMarginal, answer, fact_odds, knowledge_steps,
};
use super::slots::Slots;
use super::{Answer, Learner, Probe};
use crate::sk::{Bits, EntityId, GeneratorParams, Sentence, Statement};

#[derive(Clone, Debug)]
pub struct BayesLearner {
    name: String,
    /// Its own syntax model, for `score`, `train` and `observe`; engines
    /// hand every such learner the bits of one shared model instead
    /// (`observe_with_syntax`).
    syntax: SyntaxModel,
    identity: PitmanYorCode,
    marginal: ValueMarginal,
    /// `κ`, the marginal's weight in a stored fact's belief, and the values
    /// per attribute.
    prior: FactPrior,
    fact_bits_each: f64,
    attributes: usize,
    /// Each seen entity's record: one lookup per sentence.
    slot: Slots,
    /// Sentences about each seen entity, by record.
    counts: Vec<u32>,
    /// The belief about each fact, `record * F + attribute`,
    /// `FactBelief::NONE` when not seen.
    values: Vec<FactBelief>,
    /// Distinct facts seen.
    facts: u64,
    sentences: u64,
    /// The window's sentences whose bits are held back until it closes
    /// (`KnowledgeCode::observe_knowledge_run`).
    pending: OddsWindow,
}

impl BayesLearner {
    pub fn new(name: &str, p: &GeneratorParams) -> Self {
        let prior = FactPrior::of(p);
        BayesLearner {
            name: name.into(),
            syntax: SyntaxModel::new(p),
            identity: PitmanYorCode::new(p),
            marginal: ValueMarginal::new(p),
            prior,
            fact_bits_each: p.fact_bits(),
            attributes: p.attributes as usize,
            slot: Slots::default(),
            counts: Vec::new(),
            values: Vec::new(),
            facts: 0,
            sentences: 0,
            pending: OddsWindow::new(prior),
        }
    }

    /// Distinct entities seen.
    pub fn entities(&self) -> u64 {
        self.counts.len() as u64
    }

    /// Distinct facts seen.
    pub fn facts(&self) -> u64 {
        self.facts
    }

    /// `train_knowledge` of a sentence whose entity (`record`) or fact is
    /// new: the fact is stored; true when the entity was given a record.
    #[inline(never)]
    fn train_new(&mut self, s: &Statement, record: Option<usize>) -> bool {
        let (i, added) = match record {
            Some(i) => (i, false),
            None => {
                let i = self.counts.len();
                self.slot.insert(s.entity, i);
                self.counts.push(0);
                self.values.extend(std::iter::repeat_n(FactBelief::NONE, self.attributes));
                (i, true)
            }
        };
        self.counts[i] += 1;
        let belief = &mut self.values[i * self.attributes + s.attribute as usize];
        debug_assert!(!belief.is_stored(), "a stated fact already stored is trained inline");
        *belief = FactBelief::new(s.value);
        self.facts += 1;
        self.marginal.add(s.attribute, s.value);
        self.sentences += 1;
        added
    }

    /// The belief about a stored fact of the entity with `record`.
    fn belief(&self, record: Option<usize>, attribute: u32) -> Option<&FactBelief> {
        let b = &self.values[record? * self.attributes + attribute as usize];
        b.is_stored().then_some(b)
    }
}

impl KnowledgeCode for BayesLearner {
    fn syntax_model(&mut self) -> &mut SyntaxModel {
        &mut self.syntax
    }

    fn fact_prior(&self) -> FactPrior {
        self.prior
    }

    fn pending(&mut self) -> &mut OddsWindow {
        &mut self.pending
    }

    fn pending_window(&self) -> &OddsWindow {
        &self.pending
    }

    fn odds(&self, s: &Statement, record: Option<usize>) -> Odds {
        let k = self.counts.len() as u64;
        let count = record.map(|i| self.counts[i]);
        let mut odds = self.identity.odds(count, self.sentences, k, self.sentences);
        fact_odds(self.belief(record, s.attribute), s, &self.marginal, &mut odds);
        odds
    }

    /// Records are only ever added, never moved. The common case, a
    /// stored fact of a seen entity stated again, inline; the rest in
    /// `train_new`.
    #[inline]
    fn train_knowledge(&mut self, s: &Statement, record: Option<usize>) -> bool {
        if let Some(i) = record {
            let belief = &mut self.values[i * self.attributes + s.attribute as usize];
            if belief.is_stored() {
                if let Some(old) = belief.observe(s.value) {
                    self.marginal.replace(s.attribute, old, s.value);
                }
                self.counts[i] += 1;
                self.sentences += 1;
                return false;
            }
        }
        self.train_new(s, record)
    }

    fn record(&self, e: EntityId) -> Option<usize> {
        self.slot.get(e)
    }
}

impl Learner for BayesLearner {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> LearnerKind {
        LearnerKind::Bayes
    }

    knowledge_steps!();

    fn probe(&self, p: &Probe) -> Answer {
        answer(self.belief(self.record(p.entity), p.attribute), p.attribute, self.prior.kappa, &self.marginal)
    }

    fn model_bits(&self) -> f64 {
        self.counts.len() as f64 * self.identity.name_bits + self.facts as f64 * self.fact_bits_each
    }

    fn params(&self) -> u64 {
        self.counts.len() as u64 + self.facts
    }

    fn sentences_seen(&self) -> u64 {
        self.sentences
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sk::Generator;

    /// A tiny setting whose whole outcome space is enumerable: 1 attribute,
    /// 2 templates, 1 filler slot of 3 words, 3 values.
    fn tiny() -> GeneratorParams {
        GeneratorParams {
            entities: 5,
            attributes: 1,
            values: 3,
            templates: 2,
            filler_words: 3,
            filler_slots: 1,
            name_length: 1,
            name_alphabet: 8,
            ..Default::default()
        }
    }

    #[test]
    fn probabilities_over_an_enumerable_setting_sum_to_one() {
        // After some training, sum 2^-bits over every (template, filler, entity
        // among seen + one new, value). The spelling code of docs/theory.md, "The learners"
        // (L_name log2 V_name bits) spreads the new-entity mass over all
        // V_name^L_name names, so one new entity stands for all of them.
        let p = tiny();
        let mut g = Generator::new(&p, 3);
        let mut l = BayesLearner::new("b", &p);
        let mut s = Sentence::default();
        for _ in 0..40 {
            g.next(&mut s);
            l.observe(&s);
        }
        let seen: Vec<EntityId> = l.slot.ids().collect();
        let all_names = p.name_space() as f64;
        let syntax = g.syntax();
        let mut total = 0.0;
        for t in 0..p.templates {
            for w in 0..p.filler_words {
                for (i, e) in seen.iter().map(Some).chain([None]).enumerate() {
                    for v in 0..p.values {
                        let mut q = s.clone();
                        q.template = syntax.template_id(t);
                        q.fillers = vec![(syntax.slot_id(t), w)];
                        q.entity = e.copied().unwrap_or(1 << 40);
                        q.attribute = 0;
                        q.value = v;
                        let b = l.score(&q);
                        let weight = if i == seen.len() { all_names } else { 1.0 };
                        total += weight * (-b.total()).exp2();
                    }
                }
            }
        }
        assert!((total - 1.0).abs() < 1e-9, "total probability {total}");
    }

    /// The prequential total of a sequence equals minus log2 of the closed-form
    /// marginal likelihood: Dirichlet-multinomial for templates, fillers and
    /// the value marginal, the Pitman-Yor exchangeable partition probability
    /// (plus spelling) for identity. A wrong count, prior or order fails it.
    #[test]
    fn prequential_total_is_minus_log2_of_the_marginal_likelihood() {
        use crate::sk::theory::ln_gamma_ratio;
        use std::collections::HashMap;
        let p = GeneratorParams {
            templates: 5,
            filler_slots: 2,
            template_concentration: 0.7,
            ..Default::default()
        };
        let mut g = Generator::new(&p, 9);
        let mut l = BayesLearner::new("a", &p);
        let mut s = Sentence::default();
        let mut total = Bits::default();
        let mut templates: HashMap<u32, u64> = HashMap::new();
        let mut per_attribute: HashMap<u32, u64> = HashMap::new();
        let mut fillers: HashMap<(u32, u32), u64> = HashMap::new();
        let mut per_slot: HashMap<u32, u64> = HashMap::new();
        let mut entities: HashMap<EntityId, u64> = HashMap::new();
        let mut facts: HashMap<(EntityId, u32), u32> = HashMap::new();
        // Repeated statements of a stored fact: -log2((c + κ Ĥ(w)) / (c + κ))
        // with c earlier statements and Ĥ the DM(1) value marginal then.
        let kappa = crate::learn::predictive::KAPPA_MIN;
        let mut statements: HashMap<(EntityId, u32), u64> = HashMap::new();
        let mut marginal: HashMap<(u32, u32), u64> = HashMap::new();
        let mut marginal_total: HashMap<u32, u64> = HashMap::new();
        let mut repeat_bits = 0.0;
        let n = 20_000u64;
        for _ in 0..n {
            g.next(&mut s);
            total += l.observe(&s);
            let c = statements.entry((s.entity, s.attribute)).or_default();
            if *c > 0 {
                let h = (*marginal.get(&(s.attribute, s.value)).unwrap_or(&0) as f64 + 1.0)
                    / (*marginal_total.get(&s.attribute).unwrap_or(&0) as f64 + p.values as f64);
                repeat_bits -= ((*c as f64 + kappa * h) / (*c as f64 + kappa)).log2();
            } else {
                *marginal.entry((s.attribute, s.value)).or_default() += 1;
                *marginal_total.entry(s.attribute).or_default() += 1;
            }
            *c += 1;
            *templates.entry(s.template).or_default() += 1;
            *per_attribute.entry(s.attribute).or_default() += 1;
            for &(slot, w) in &s.fillers {
                *fillers.entry((slot, w)).or_default() += 1;
                *per_slot.entry(slot).or_default() += 1;
            }
            *entities.entry(s.entity).or_default() += 1;
            facts.entry((s.entity, s.attribute)).or_insert(s.value);
        }
        let bits = |ln: f64| -ln / std::f64::consts::LN_2;
        // Syntax: attribute choice, then DM(gamma_t) over T, DM(gamma_f) over V_fill.
        let (gt, gf) = (p.template_concentration, p.filler_concentration);
        let mut ln = 0.0;
        for &c in templates.values() {
            ln += ln_gamma_ratio(gt, c as f64);
        }
        for &c in per_attribute.values() {
            ln -= ln_gamma_ratio(p.templates as f64 * gt, c as f64);
        }
        for &c in fillers.values() {
            ln += ln_gamma_ratio(gf, c as f64);
        }
        for &c in per_slot.values() {
            ln -= ln_gamma_ratio(p.filler_words as f64 * gf, c as f64);
        }
        let syntax = n as f64 * (p.attributes as f64).log2() + bits(ln);
        // Identity: the Pitman-Yor exchangeable partition probability.
        let (a, b) = (p.alpha, p.beta);
        let k = entities.len() as f64;
        let mut ln = -ln_gamma_ratio(b + 1.0, n as f64 - 1.0);
        ln += (1..entities.len()).map(|i| (b + i as f64 * a).ln()).sum::<f64>();
        ln += entities.values().map(|&c| ln_gamma_ratio(1.0 - a, c as f64 - 1.0)).sum::<f64>();
        let identity = bits(ln) + k * p.name_bits();
        // Facts: each new fact's value under DM(1) over the values of the
        // facts learned before it, per attribute.
        let mut values: HashMap<(u32, u32), u64> = HashMap::new();
        let mut learned: HashMap<u32, u64> = HashMap::new();
        for (&(_, attr), &v) in &facts {
            *values.entry((attr, v)).or_default() += 1;
            *learned.entry(attr).or_default() += 1;
        }
        let mut ln = values.values().map(|&c| ln_gamma_ratio(1.0, c as f64)).sum::<f64>();
        ln -= learned.values().map(|&m| ln_gamma_ratio(p.values as f64, m as f64)).sum::<f64>();
        let fact = bits(ln) + repeat_bits;
        for (got, want, part) in [
            (total.syntax, syntax, "syntax"),
            (total.identity, identity, "identity"),
            (total.fact, fact, "fact"),
        ] {
            assert!((got - want).abs() < 1e-9 * want, "{part}: prequential {got} vs closed form {want}");
        }
    }

    #[test]
    fn facts_are_memorized_after_one_exposure() {
        let p = GeneratorParams::default();
        let mut g = Generator::new(&p, 2);
        let mut l = BayesLearner::new("b", &p);
        let mut s = Sentence::default();
        for _ in 0..1000 {
            g.next(&mut s);
            l.observe(&s);
            let probe = Probe {
                entity: s.entity,
                attribute: s.attribute,
                rank: s.rank,
                truth: s.true_value,
                prompt: vec![],
                value_token_base: 0,
                values: p.values,
            };
            assert_eq!(l.probe(&probe).value, s.true_value);
            // A stored fact costs at most log2(1 + κ) bits.
            assert!(l.score(&s).fact <= crate::learn::predictive::KAPPA_MIN.ln_1p() / std::f64::consts::LN_2);
        }
    }
}
