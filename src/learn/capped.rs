//! The capped learner (docs/theory.md, "The learners"): the Bayes learner with a knowledge
//! budget in bits. Stored items cost their bits: an entity's name
//! `L_name log2 V_name`, each of its facts `log2 V_a`; a fact is stored only
//! with its entity, and evicting an entity drops its facts.
//!
//! - Exposure threshold `r`: an entity is stored at its `r`-th sighting, a
//!   fact of a stored entity at its `r`-th sighting (sightings before the
//!   entity was stored count).
//! - Policies: `oracle` keeps the entities of highest true frequency (the
//!   structure-function order; frequency from the oracle's identity bits when
//!   the entity was last seen) and never admits a rarer one in exchange;
//!   `lfu` and `lru` always admit, evicting the least frequently / least
//!   recently seen of 8 stored entities sampled at random (sampled eviction,
//!   as Redis does: O(1) per sentence).
//! - Memory, counters included, is bounded by the budget: stored records are
//!   at most `budget / name bits`, and sightings of unstored entities live in
//!   a fixed-size candidate table (twice that many entries, at least 64,
//!   evicting the least-sighted of 8 sampled entries when full).

use crate::config::LearnerKind;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use super::odds::{FactPrior, Odds, OddsWindow};
use super::predictive::{
    FactBelief, KnowledgeCode, PitmanYorCode, SyntaxModel, ValueMarginal, answer, fact_odds, knowledge_steps,
};
use super::slots::Slots;
use super::{Answer, Learner, Probe};
use crate::config::Policy;
use crate::sk::rng::SkRng;
use crate::sk::{Bits, EntityId, GeneratorParams, Sentence, Statement};

const SAMPLE: usize = 8;

#[derive(Clone, Debug)]
struct Record {
    id: EntityId,
    count: u32,
    last_seen: u64,
    /// The oracle's identity bits when last seen: lower is more frequent.
    priority: f64,
}

/// Sightings of entities not (yet) stored, bounded.
#[derive(Clone, Debug)]
struct Candidates {
    capacity: usize,
    attributes: usize,
    slot: FxHashMap<EntityId, u32>,
    ids: Vec<EntityId>,
    counts: Vec<u32>,
    /// Per-attribute sightings, `ids.len() * F`.
    fact_counts: Vec<u16>,
}

impl Candidates {
    fn new(capacity: usize, attributes: usize) -> Self {
        Candidates {
            capacity,
            attributes,
            slot: FxHashMap::default(),
            ids: Vec::new(),
            counts: Vec::new(),
            fact_counts: Vec::new(),
        }
    }

    /// Records a sighting and returns the candidate's slot.
    fn sight(&mut self, e: EntityId, attribute: u32, rng: &mut SkRng) -> usize {
        let i = match self.slot.get(&e) {
            Some(&i) => i as usize,
            None => {
                if self.ids.len() >= self.capacity {
                    let victim = (0..SAMPLE)
                        .map(|_| rng.below(self.ids.len() as u64) as usize)
                        .min_by_key(|&i| self.counts[i])
                        .unwrap_or(0);
                    self.remove(victim);
                }
                self.slot.insert(e, self.ids.len() as u32);
                self.ids.push(e);
                self.counts.push(0);
                self.fact_counts.extend(std::iter::repeat_n(0, self.attributes));
                self.ids.len() - 1
            }
        };
        self.counts[i] += 1;
        let f = &mut self.fact_counts[i * self.attributes + attribute as usize];
        *f = f.saturating_add(1);
        i
    }

    fn remove(&mut self, i: usize) {
        let last = self.ids.len() - 1;
        self.slot.remove(&self.ids[i]);
        self.ids.swap(i, last);
        self.counts.swap(i, last);
        for a in 0..self.attributes {
            self.fact_counts.swap(i * self.attributes + a, last * self.attributes + a);
        }
        self.ids.pop();
        self.counts.pop();
        self.fact_counts.truncate(last * self.attributes);
        if i < last {
            self.slot.insert(self.ids[i], i as u32);
        }
    }
}

/// Oracle heap entry: the stored entity with the most identity bits (the
/// rarest) on top.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Rarest(f64, EntityId);

impl Eq for Rarest {}

impl PartialOrd for Rarest {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Rarest {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0).then(self.1.cmp(&o.1))
    }
}

#[derive(Clone, Debug)]
pub struct CappedLearner {
    name: String,
    policy: Policy,
    exposures: u32,
    budget: f64,
    used: f64,
    attributes: usize,
    syntax: SyntaxModel,
    identity: PitmanYorCode,
    marginal: ValueMarginal,
    /// `κ`, the marginal's weight in a stored fact's belief, and the values
    /// per attribute.
    prior: FactPrior,
    fact_cost: f64,
    slot: Slots,
    records: Vec<Record>,
    /// Stored facts, `records.len() * F`, `FactBelief::NONE` when not stored.
    facts: Vec<FactBelief>,
    /// Sightings of each fact of a stored entity.
    fact_sightings: Vec<u16>,
    stored_facts: u64,
    /// `Σ count` over stored entities.
    known_total: u64,
    candidates: Candidates,
    rarest: BinaryHeap<Rarest>,
    rng: SkRng,
    sentences: u64,
    /// Records added, moved or dropped so far (admissions and evictions).
    record_changes: u64,
    /// The window's sentences whose bits are held back until it closes
    /// (`KnowledgeCode::observe_knowledge_run`).
    pending: OddsWindow,
}

impl CappedLearner {
    pub fn new(
        name: &str,
        p: &GeneratorParams,
        budget_bits: f64,
        policy: Policy,
        exposures: u32,
        seed: u64,
    ) -> Self {
        let max_records = (budget_bits / p.name_bits()).max(0.0) as usize;
        let prior = FactPrior::of(p);
        let capacity = (2 * max_records).clamp(64, 1 << 22);
        CappedLearner {
            name: name.into(),
            policy,
            exposures: exposures.max(1),
            budget: budget_bits,
            used: 0.0,
            attributes: p.attributes as usize,
            syntax: SyntaxModel::new(p),
            identity: PitmanYorCode::new(p),
            marginal: ValueMarginal::new(p),
            prior,
            fact_cost: p.fact_bits(),
            slot: Slots::default(),
            records: Vec::new(),
            facts: Vec::new(),
            fact_sightings: Vec::new(),
            stored_facts: 0,
            known_total: 0,
            candidates: Candidates::new(capacity, p.attributes as usize),
            rarest: BinaryHeap::new(),
            rng: SkRng::new(seed, 0xCA99ED),
            sentences: 0,
            record_changes: 0,
            pending: OddsWindow::new(prior),
        }
    }

    pub fn budget_bits(&self) -> f64 {
        self.budget
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    pub fn exposures(&self) -> u32 {
        self.exposures
    }

    /// Entities stored now.
    pub fn stored_entities(&self) -> usize {
        self.records.len()
    }

    /// Entries in the candidate table (bounded by its capacity).
    pub fn candidate_entries(&self) -> usize {
        self.candidates.ids.len()
    }

    /// The stored fact of the entity with `record`, if it is stored.
    fn known_fact(&self, record: Option<usize>, attribute: u32) -> Option<&FactBelief> {
        let b = &self.facts[record? * self.attributes + attribute as usize];
        b.is_stored().then_some(b)
    }

    /// The record of a stored entity.
    fn at(&self, e: EntityId) -> usize {
        self.slot.get(e).expect("a stored entity has a record")
    }

    /// Frees at least `bits` by evicting entities other than `keep`; the
    /// oracle only evicts entities rarer than `priority`. False if it cannot.
    fn make_room(&mut self, bits: f64, keep: Option<EntityId>, priority: f64) -> bool {
        while self.budget - self.used < bits {
            let victim = match self.policy {
                Policy::Oracle => {
                    let Some(top) = self.pop_rarest(keep) else { return false };
                    if top.0 <= priority {
                        self.rarest.push(top);
                        return false;
                    }
                    self.at(top.1)
                }
                Policy::Lfu | Policy::Lru => {
                    let n = self.records.len();
                    if n == 0 || (n == 1 && keep.is_some()) {
                        return false;
                    }
                    let mut best: Option<usize> = None;
                    for _ in 0..SAMPLE {
                        let i = self.rng.below(n as u64) as usize;
                        if Some(self.records[i].id) == keep {
                            continue;
                        }
                        let worse = |a: &Record, b: &Record| match self.policy {
                            Policy::Lfu => (a.count, a.last_seen) < (b.count, b.last_seen),
                            _ => a.last_seen < b.last_seen,
                        };
                        if best.is_none_or(|b| worse(&self.records[i], &self.records[b])) {
                            best = Some(i);
                        }
                    }
                    match best {
                        Some(i) => i,
                        None => continue,
                    }
                }
            };
            self.evict(victim);
        }
        true
    }

    /// The rarest stored entity other than `keep`, with its current priority.
    fn pop_rarest(&mut self, keep: Option<EntityId>) -> Option<Rarest> {
        let mut kept = None;
        let found = loop {
            let top = self.rarest.pop()?;
            let Some(i) = self.slot.get(top.1) else { continue };
            let current = self.records[i].priority;
            if current != top.0 {
                self.rarest.push(Rarest(current, top.1));
                continue;
            }
            if Some(top.1) == keep {
                kept = Some(top);
                continue;
            }
            break Some(top);
        };
        if let Some(k) = kept {
            self.rarest.push(k);
        }
        found
    }

    fn evict(&mut self, i: usize) {
        let f = self.attributes;
        let stored = self.facts[i * f..(i + 1) * f].iter().filter(|b| b.is_stored()).count();
        self.used -= self.identity.name_bits + stored as f64 * self.fact_cost;
        self.stored_facts -= stored as u64;
        self.known_total -= self.records[i].count as u64;
        let last = self.records.len() - 1;
        self.slot.remove(self.records[i].id);
        self.records.swap_remove(i);
        for a in 0..f {
            self.facts.swap(i * f + a, last * f + a);
            self.fact_sightings.swap(i * f + a, last * f + a);
        }
        self.facts.truncate(last * f);
        self.fact_sightings.truncate(last * f);
        if i < last {
            self.slot.insert(self.records[i].id, i);
        }
        self.record_changes += 1;
    }

    fn store_fact(&mut self, i: usize, attribute: u32, value: u32) {
        let id = self.records[i].id;
        let priority = self.records[i].priority;
        if !self.make_room(self.fact_cost, Some(id), priority) {
            return;
        }
        // Eviction may have moved the record.
        let i = self.at(id);
        self.facts[i * self.attributes + attribute as usize] = FactBelief::new(value);
        self.used += self.fact_cost;
        self.stored_facts += 1;
        self.marginal.add(attribute, value);
    }

    fn admit(&mut self, s: &Statement, candidate: usize) {
        if !self.make_room(self.identity.name_bits, None, s.identity) {
            return;
        }
        let f = self.attributes;
        let count = self.candidates.counts[candidate];
        let sightings: Vec<u16> = self.candidates.fact_counts[candidate * f..(candidate + 1) * f].to_vec();
        self.candidates.remove(candidate);
        let i = self.records.len();
        self.slot.insert(s.entity, i);
        self.records.push(Record { id: s.entity, count, last_seen: self.sentences, priority: s.identity });
        self.facts.extend(std::iter::repeat_n(FactBelief::NONE, f));
        self.fact_sightings.extend_from_slice(&sightings);
        self.used += self.identity.name_bits;
        self.known_total += count as u64;
        self.record_changes += 1;
        if self.policy == Policy::Oracle {
            self.rarest.push(Rarest(s.identity, s.entity));
        }
        // Only the fact of this sentence has a value to store now: the
        // other attributes' values were seen while the entity was a
        // candidate, and candidates keep counts, not values.
        if sightings[s.attribute as usize] as u32 >= self.exposures {
            self.store_fact(i, s.attribute, s.value);
        }
    }
}

impl KnowledgeCode for CappedLearner {
    fn syntax_model(&mut self) -> &mut SyntaxModel {
        &mut self.syntax
    }

    /// The stored record of an entity.
    #[inline]
    fn record(&self, e: EntityId) -> Option<usize> {
        self.slot.get(e)
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

    fn odds(&self, s: &Statement, slot: Option<usize>) -> Odds {
        let count = slot.map(|i| self.records[i].count);
        let stored = self.records.len() as u64;
        let mut odds = self.identity.odds(count, self.sentences, stored, self.known_total);
        fact_odds(self.known_fact(slot, s.attribute), s, &self.marginal, &mut odds);
        odds
    }

    /// The common case here, a stored fact stated again, inline; the rest
    /// (sightings of what is not stored yet, admissions, evictions) in
    /// `train_unstored`.
    #[inline]
    fn train_knowledge(&mut self, s: &Statement, slot: Option<usize>) -> bool {
        self.sentences += 1;
        if let Some(i) = slot {
            let r = &mut self.records[i];
            r.count += 1;
            r.last_seen = self.sentences;
            r.priority = s.identity;
            self.known_total += 1;
            let fact = &mut self.facts[i * self.attributes + s.attribute as usize];
            if fact.is_stored() {
                if let Some(old) = fact.observe(s.value) {
                    self.marginal.replace(s.attribute, old, s.value);
                }
                return false;
            }
        }
        self.train_unstored(s, slot)
    }
}

impl CappedLearner {
    /// `train_knowledge` of a sentence whose fact is not stored, its entity
    /// (`slot`) stored or not, after the entity's record was updated; true
    /// when it admitted or evicted an entity.
    #[inline(never)]
    fn train_unstored(&mut self, s: &Statement, slot: Option<usize>) -> bool {
        let changes = self.record_changes;
        match slot {
            Some(i) => {
                let seen = &mut self.fact_sightings[i * self.attributes + s.attribute as usize];
                *seen = seen.saturating_add(1);
                if *seen as u32 >= self.exposures {
                    self.store_fact(i, s.attribute, s.value);
                }
            }
            None => {
                let c = self.candidates.sight(s.entity, s.attribute, &mut self.rng);
                if self.candidates.counts[c] >= self.exposures {
                    self.admit(s, c);
                }
            }
        }
        self.record_changes != changes
    }
}

impl Learner for CappedLearner {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> LearnerKind {
        LearnerKind::Capped
    }

    knowledge_steps!();

    fn probe(&self, p: &Probe) -> Answer {
        answer(
            self.known_fact(self.record(p.entity), p.attribute),
            p.attribute,
            self.prior.kappa,
            &self.marginal,
        )
    }

    fn model_bits(&self) -> f64 {
        self.used
    }

    fn params(&self) -> u64 {
        self.records.len() as u64 + self.stored_facts
    }

    fn sentences_seen(&self) -> u64 {
        self.sentences
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::bayes::BayesLearner;
    use crate::sk::Generator;

    fn run(l: &mut dyn Learner, p: &GeneratorParams, n: usize) -> f64 {
        let mut g = Generator::new(p, 4);
        let mut s = Sentence::default();
        (0..n)
            .map(|_| {
                g.next(&mut s);
                l.observe(&s).total()
            })
            .sum()
    }

    #[test]
    fn memory_stays_within_budget_for_every_policy() {
        let p = GeneratorParams::default();
        for policy in [Policy::Oracle, Policy::Lfu, Policy::Lru] {
            for r in [1, 3] {
                let budget = 5_000.0;
                let mut l = CappedLearner::new("c", &p, budget, policy, r, 1);
                let mut g = Generator::new(&p, 4);
                let mut s = Sentence::default();
                for _ in 0..100_000 {
                    g.next(&mut s);
                    l.observe(&s);
                    assert!(l.used <= budget + 1e-9);
                }
                let exact: f64 =
                    l.records.len() as f64 * p.name_bits() + l.stored_facts as f64 * p.fact_bits();
                assert!((exact - l.used).abs() < 1e-6, "{policy:?}: accounting drifted");
                assert!(l.candidate_entries() <= l.candidates.capacity);
                assert!(
                    l.used > budget - p.name_bits() - p.fact_bits(),
                    "{policy:?} r={r}: budget not used ({})",
                    l.used
                );
            }
        }
    }

    #[test]
    fn oracle_keeps_the_most_frequent_entities() {
        let p = GeneratorParams::default();
        let per_entity = p.name_bits() + p.attributes as f64 * p.fact_bits();
        let mut l = CappedLearner::new("c", &p, 50.0 * per_entity, Policy::Oracle, 1, 1);
        run(&mut l, &p, 200_000);
        // 50 entities fit; after 200k sentences of alpha = 0.6 the top 50
        // ranks are all seen with all facts, so exactly ranks 1..=50 remain.
        let mut ranks: Vec<u64> =
            l.records.iter().map(|r| crate::sk::knowledge::index_of(r.id) + 1).collect();
        ranks.sort();
        assert_eq!(ranks, (1..=50).collect::<Vec<_>>());
    }

    #[test]
    fn a_huge_budget_is_the_bayes_learner() {
        let p = GeneratorParams::default();
        let mut big = CappedLearner::new("c", &p, 1e12, Policy::Lru, 1, 1);
        let mut bayes = BayesLearner::new("b", &p);
        let a = run(&mut big, &p, 50_000);
        let b = run(&mut bayes, &p, 50_000);
        assert!((a - b).abs() < 1e-6 * b, "{a} vs {b}");
    }
}
