//! Predictive distributions shared by the Bayes and capped learners
//! (docs/theory.md, "The learners"): Dirichlet–multinomial for templates, fillers and the
//! value marginal, and the Pitman–Yor predictive for entity identity.

use super::Answer;
use super::log2::{Log2Product, log2, vectorized};
use super::odds::{FactPrior, Odds, OddsWindow, RUN};
use crate::sk::{Bits, EntityId, GeneratorParams, Sentence, Statement};

/// Dirichlet–multinomial predictive over `k` outcomes with concentration `gamma`:
/// `P(i) = (n_i + gamma) / (n + k gamma)`.
#[inline]
pub fn dm_prob(count: u32, total: u32, k: u32, gamma: f64) -> f64 {
    (count as f64 + gamma) / (total as f64 + k as f64 * gamma)
}

/// `P(v)` under a stored fact's belief (`FactBelief`): `n` statements of
/// `v` out of `total`, and the marginal's `P(v | a)` with weight `kappa`.
#[inline(always)]
pub fn belief_prob(n: f64, total: f64, kappa: f64, marginal: f64) -> f64 {
    (n + kappa * marginal) / (total + kappa)
}

/// The syntax part of a Bayes learner: template and filler counts with the
/// true concentrations. Template ids of every format share one table.
#[derive(Clone, Debug)]
pub struct SyntaxModel {
    attributes: u32,
    templates: u32,
    filler_words: u32,
    gamma_t: f64,
    gamma_f: f64,
    /// `log2 F`, the attribute's bits.
    attribute_bits: f64,
    /// Count of each global template id.
    template_counts: Vec<u32>,
    /// Sentences per (format, attribute), index `format * F + a`.
    attribute_totals: Vec<u32>,
    /// Count of each (global slot, word), index `slot * V_fill + word`.
    filler_counts: Vec<u32>,
    /// Draws per global slot.
    slot_totals: Vec<u32>,
}

impl SyntaxModel {
    pub fn new(p: &GeneratorParams) -> Self {
        SyntaxModel {
            attributes: p.attributes,
            templates: p.templates,
            filler_words: p.filler_words,
            gamma_t: p.template_concentration,
            gamma_f: p.filler_concentration,
            attribute_bits: (p.attributes as f64).log2(),
            template_counts: Vec::new(),
            attribute_totals: Vec::new(),
            filler_counts: Vec::new(),
            slot_totals: Vec::new(),
        }
    }

    fn attribute_index(&self, s: &Sentence) -> usize {
        let format = s.template / (self.attributes * self.templates);
        (format * self.attributes + s.attribute) as usize
    }

    /// `log2 F - log2 P(t | a) - Σ_j log2 P(w_j | slot j)`.
    pub fn bits(&self, s: &Sentence) -> f64 {
        self.attribute_bits - log2(self.prob(s))
    }

    /// The product of up to [`RUN`] sentences' template and filler
    /// probabilities (`prob`'s own outputs), in vector registers.
    pub fn product_of_run(probs: &[f64]) -> Log2Product {
        let mut all = [1.0; RUN];
        all[..probs.len()].copy_from_slice(probs);
        vectorized(
            #[inline(always)]
            || Log2Product::ratio(&all, &[1.0; RUN]),
        )
    }

    /// The summed bits of `sentences` whose template and filler
    /// probabilities have the product `probs`.
    pub fn bits_of_window(&self, sentences: u64, probs: Log2Product) -> f64 {
        sentences as f64 * self.attribute_bits - probs.log2()
    }

    /// `P(t | a) Π_j P(w_j | slot j)`.
    pub fn prob(&self, s: &Sentence) -> f64 {
        let t = *self.template_counts.get(s.template as usize).unwrap_or(&0);
        let total = *self.attribute_totals.get(self.attribute_index(s)).unwrap_or(&0);
        // One logarithm of the product of the template's and fillers'
        // probabilities (at most 9 factors, none below ~1e-12: no underflow).
        let mut prob = dm_prob(t, total, self.templates, self.gamma_t);
        let v = self.filler_words as usize;
        for &(slot, word) in &s.fillers {
            let c = *self.filler_counts.get(slot as usize * v + word as usize).unwrap_or(&0);
            let n = *self.slot_totals.get(slot as usize).unwrap_or(&0);
            prob *= dm_prob(c, n, self.filler_words, self.gamma_f);
        }
        prob
    }

    /// The prequential step: `s`'s bits before training, then trains on it.
    pub fn observe(&mut self, s: &Sentence) -> f64 {
        self.attribute_bits - log2(self.prob_then_train(s))
    }

    /// `prob(s)`, then trains on `s`: each count is read and bumped in one
    /// go. The same as the two calls, as a sentence's filler slots are
    /// distinct (a template numbers its own), so no count it reads is one
    /// it bumped.
    pub fn prob_then_train(&mut self, s: &Sentence) -> f64 {
        debug_assert!(s.fillers.iter().enumerate().all(|(i, a)| s.fillers[..i].iter().all(|b| b.0 != a.0)));
        let a = self.attribute_index(s);
        let t = count_then_bump(&mut self.template_counts, s.template as usize);
        let total = count_then_bump(&mut self.attribute_totals, a);
        let mut prob = dm_prob(t, total, self.templates, self.gamma_t);
        let v = self.filler_words as usize;
        for &(slot, word) in &s.fillers {
            let c = count_then_bump(&mut self.filler_counts, slot as usize * v + word as usize);
            let n = count_then_bump(&mut self.slot_totals, slot as usize);
            prob *= dm_prob(c, n, self.filler_words, self.gamma_f);
        }
        prob
    }

    pub fn train(&mut self, s: &Sentence) {
        bump(&mut self.template_counts, s.template as usize);
        let a = self.attribute_index(s);
        bump(&mut self.attribute_totals, a);
        let v = self.filler_words as usize;
        for &(slot, word) in &s.fillers {
            bump(&mut self.filler_counts, slot as usize * v + word as usize);
            bump(&mut self.slot_totals, slot as usize);
        }
    }
}

/// Increments `counts[i]`, growing the table when a new format appears.
#[inline]
fn bump(counts: &mut Vec<u32>, i: usize) {
    count_then_bump(counts, i);
}

/// `counts[i]` (0 past the table), then `bump`s it.
#[inline]
fn count_then_bump(counts: &mut Vec<u32>, i: usize) -> u32 {
    match counts.get_mut(i) {
        Some(c) => {
            *c += 1;
            *c - 1
        }
        None => {
            grow(counts, i);
            0
        }
    }
}

/// `bump` of an index past the table.
#[cold]
fn grow(counts: &mut Vec<u32>, i: usize) {
    counts.resize(i + 1, 0);
    counts[i] = 1;
}

/// The learned value marginal of each attribute: a Dirichlet(1)–multinomial
/// over the values of facts learned so far (one count per distinct fact).
#[derive(Clone, Debug)]
pub struct ValueMarginal {
    values: u32,
    counts: Vec<u32>,
    totals: Vec<u32>,
    /// The most counted value of each attribute.
    mode: Vec<u32>,
}

impl ValueMarginal {
    pub fn new(p: &GeneratorParams) -> Self {
        ValueMarginal {
            values: p.values,
            counts: vec![0; (p.attributes * p.values) as usize],
            totals: vec![0; p.attributes as usize],
            mode: vec![0; p.attributes as usize],
        }
    }

    /// The facts learned with `value` for `attribute`, and all facts
    /// learned of `attribute`.
    #[inline]
    pub fn counts(&self, attribute: u32, value: u32) -> (u32, u32) {
        (self.counts[(attribute * self.values + value) as usize], self.totals[attribute as usize])
    }

    #[inline]
    pub fn prob(&self, attribute: u32, value: u32) -> f64 {
        let c = self.counts[(attribute * self.values + value) as usize];
        dm_prob(c, self.totals[attribute as usize], self.values, 1.0)
    }

    pub fn add(&mut self, attribute: u32, value: u32) {
        let i = (attribute * self.values + value) as usize;
        self.counts[i] += 1;
        self.totals[attribute as usize] += 1;
        let m = &mut self.mode[attribute as usize];
        if self.counts[i] > self.counts[(attribute * self.values + *m) as usize] {
            *m = value;
        }
    }

    /// A learned fact changed its value from `old` to `new`.
    pub fn replace(&mut self, attribute: u32, old: u32, new: u32) {
        let base = (attribute * self.values) as usize;
        self.counts[base + old as usize] -= 1;
        self.counts[base + new as usize] += 1;
        let counts = &self.counts[base..base + self.values as usize];
        // The first value with the highest count, as `add` would keep it.
        let mut best = 0;
        for (v, &c) in counts.iter().enumerate() {
            if c > counts[best] {
                best = v;
            }
        }
        let m = &mut self.mode[attribute as usize];
        if counts[best] > counts[*m as usize] {
            *m = best as u32;
        }
    }

    /// The marginal's most probable value and its probability.
    pub fn mode(&self, attribute: u32) -> (u32, f64) {
        let v = self.mode[attribute as usize];
        (v, self.prob(attribute, v))
    }
}

/// The smallest weight a learner gives the value marginal inside a stored
/// fact's belief (`κ` of [`FactBelief`]): about one in a million. It keeps
/// every value's probability positive, so a fact that a later phase changes
/// costs finite bits (about 20 plus the marginal's bits), while a fact that
/// never changes costs at most `log2(1 + κ) ≈ 1.4e-6` bits per statement.
pub const KAPPA_MIN: f64 = 1.0 / (1u64 << 20) as f64;

/// The prior weight `κ` of the value marginal in a fact's belief for a
/// stream with fact noise `eps`: `eps / (1 - eps)`, so that after one
/// statement the belief is the noise channel `(1-eps)[v = w] + eps Ĥ(v)`;
/// at least [`KAPPA_MIN`].
pub fn fact_kappa(eps: f64) -> f64 {
    (eps / (1.0 - eps)).max(KAPPA_MIN)
}

/// What a learner believes about one stored fact: a Dirichlet over values
/// centred on the learned value marginal `Ĥ` with weight `κ`, updated with
/// the values the stream stated,
/// `P(v) = (n_v + κ Ĥ(v)) / (N + κ)`.
/// Two values are tracked, the leading one and its latest rival (exact for
/// any fact stated with at most two values, which is every fact without
/// noise, before and after one change); a third value replaces the rival.
/// The rival takes the lead once its count exceeds the leader's: the fact
/// is overwritten after enough contrary evidence. Counts are halved when
/// one saturates, keeping their ratio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FactBelief {
    pub value: u32,
    count: u16,
    rival: u32,
    rival_count: u16,
}

impl FactBelief {
    pub const NONE: FactBelief = FactBelief { value: u32::MAX, count: 0, rival: u32::MAX, rival_count: 0 };

    /// A fact stored from one statement of `value`.
    pub fn new(value: u32) -> Self {
        FactBelief { value, count: 1, rival: u32::MAX, rival_count: 0 }
    }

    pub fn is_stored(&self) -> bool {
        self.count > 0
    }

    /// Adds a statement of `value`; returns the previous leading value when
    /// the lead changed. A count reaching `u16::MAX` halves both.
    pub fn observe(&mut self, value: u32) -> Option<u32> {
        if value == self.value {
            // The leader stays ahead (the rival's count is never above its).
            self.count = self.count.saturating_add(1);
            if self.count == u16::MAX {
                self.halve();
            }
            return None;
        }
        if value == self.rival {
            self.rival_count = self.rival_count.saturating_add(1);
        } else {
            self.rival = value;
            self.rival_count = 1;
        }
        if self.count == u16::MAX || self.rival_count == u16::MAX {
            self.halve();
        }
        if self.rival_count > self.count {
            let old = self.value;
            std::mem::swap(&mut self.value, &mut self.rival);
            std::mem::swap(&mut self.count, &mut self.rival_count);
            return Some(old);
        }
        None
    }

    fn halve(&mut self) {
        self.count = self.count.div_ceil(2);
        self.rival_count = self.rival_count.div_ceil(2);
    }

    /// The statements of `value` counted, and of all values.
    #[inline]
    pub fn counts(&self, value: u32) -> (f64, f64) {
        let n = if value == self.value {
            self.count
        } else if value == self.rival {
            self.rival_count
        } else {
            0
        };
        // The total summed as integers: exact, and one conversion.
        (n as f64, (self.count as u32 + self.rival_count as u32) as f64)
    }

    /// `P(v)` under the belief.
    #[inline]
    pub fn prob(&self, value: u32, attribute: u32, kappa: f64, marginal: &ValueMarginal) -> f64 {
        let (n, total) = self.counts(value);
        belief_prob(n, total, kappa, marginal.prob(attribute, value))
    }
}

/// The fact part of a sentence's odds for a learner that holds `belief`
/// about the fact (or nothing: then the learned marginal codes the value).
#[inline]
pub fn fact_odds(belief: Option<&FactBelief>, s: &Statement, marginal: &ValueMarginal, odds: &mut Odds) {
    if let Some(b) = belief {
        let (n, total) = b.counts(s.value);
        odds.stated = n;
        odds.stated_total = total;
        odds.stored = true;
    }
    let (m, m_total) = marginal.counts(s.attribute, s.value);
    odds.marginal = m as f64;
    odds.marginal_total = m_total as f64;
}

/// A learner's answer to a probe: the leading value of its belief with its
/// probability, or, for an unknown fact, the marginal's mode.
#[inline]
pub fn answer(belief: Option<&FactBelief>, attribute: u32, kappa: f64, marginal: &ValueMarginal) -> Answer {
    match belief {
        Some(b) => Answer { value: b.value, prob: b.prob(b.value, attribute, kappa, marginal) },
        None => {
            let (value, prob) = marginal.mode(attribute);
            Answer { value, prob }
        }
    }
}

/// A count as a float: the same value as `n as f64` for the counts a run
/// reaches (below 2^63), in one conversion (`u64` takes several on x86-64
/// without AVX-512).
#[inline(always)]
fn exact(n: u64) -> f64 {
    debug_assert!(n < 1 << 63);
    n as i64 as f64
}

/// The Pitman–Yor predictive of identity (docs/theory.md, "The learners"): a seen entity
/// with count `c` costs `-log2((c - alpha)/(n + beta))`; a new one
/// `-log2 p_new + L_name log2 V_name` with `p_new` the remaining mass.
#[derive(Clone, Copy, Debug)]
pub struct PitmanYorCode {
    pub alpha: f64,
    pub beta: f64,
    pub name_bits: f64,
}

impl PitmanYorCode {
    pub fn new(p: &GeneratorParams) -> Self {
        PitmanYorCode { alpha: p.alpha, beta: p.beta, name_bits: p.name_bits() }
    }

    /// The identity part of the odds (`Odds::entity`, `total`, `name`) of
    /// an entity seen `count` times, when the known entities have counts
    /// summing to `known_total` over `known` entities, out of `n` sentences.
    /// With every seen entity known this is the exact PY predictive; with
    /// fewer (a capped learner), unknown entities share the rest.
    #[inline]
    pub fn odds(&self, count: Option<u32>, n: u64, known: u64, known_total: u64) -> Odds {
        let total = exact(n) + self.beta;
        let (entity, total, name) = match count {
            _ if n == 0 => (1.0, 1.0, self.name_bits),
            Some(c) => (c as f64 - self.alpha, total, 0.0),
            None => (total - exact(known_total) + self.alpha * exact(known), total, self.name_bits),
        };
        Odds { entity, total, name, ..Odds::default() }
    }
}

/// `KnowledgeCode::look_up`'s mark of an entity without a record (record
/// indices are below 2^32: `Slots` keeps them as `u32`).
const NO_RECORD: u32 = u32::MAX;

/// A Bayes-family learner (Bayes, capped): the syntax model plus its own
/// code for identity and facts, which needs the learner's record of the
/// sentence's entity, looked up once per sentence. The provided methods are
/// the learner's `score`, `train`, `observe` and `observe_with_syntax`.
pub trait KnowledgeCode {
    fn syntax_model(&mut self) -> &mut SyntaxModel;

    /// The learner's record of an entity, if it keeps one.
    fn record(&self, e: EntityId) -> Option<usize>;

    /// The constants of the learner's fact code.
    fn fact_prior(&self) -> FactPrior;

    /// The counts behind the identity and fact bits of a sentence that
    /// states `s`, before training on it.
    fn odds(&self, s: &Statement, record: Option<usize>) -> Odds;

    /// Trains identity and facts on a sentence that states `s`; true when
    /// that changed the record table (an entity given a record, a record
    /// moved or dropped), so records looked up before may be stale.
    fn train_knowledge(&mut self, s: &Statement, record: Option<usize>) -> bool;

    fn score_sentence(&mut self, s: &Sentence) -> Bits {
        let (identity, fact) = self.odds(&s.statement(), self.record(s.entity)).bits(self.fact_prior());
        Bits { syntax: self.syntax_model().bits(s), identity, fact }
    }

    fn train_sentence(&mut self, s: &Sentence) {
        self.syntax_model().train(s);
        let record = self.record(s.entity);
        self.train_knowledge(&s.statement(), record);
    }

    /// The prequential step with the learner's own syntax model.
    fn observe_sentence(&mut self, s: &Sentence) -> Bits {
        let syntax = self.syntax_model().observe(s);
        self.observe_knowledge(s, syntax)
    }

    /// The prequential step with syntax bits from the shared model.
    fn observe_knowledge(&mut self, s: &Sentence, syntax: f64) -> Bits {
        let (s, record) = (s.statement(), self.record(s.entity));
        let (identity, fact) = self.odds(&s, record).bits(self.fact_prior());
        self.train_knowledge(&s, record);
        Bits { syntax, identity, fact }
    }

    /// The window of sentences observed whose bits are not yet summed.
    fn pending(&mut self) -> &mut OddsWindow;

    fn pending_window(&self) -> &OddsWindow;

    /// `observe_knowledge` over consecutive sentences (their syntax bits
    /// left to the shared model), their identity and fact bits held back
    /// until the window closes ([`OddsWindow`]: the window's probabilities
    /// multiplied a run of [`RUN`] sentences at a time, from the last
    /// `close_window` on, across calls, so the sums do not depend on how the
    /// stream is cut into calls; one logarithm per part when read).
    /// - The records of a chunk of sentences are looked up before any of
    ///   them is observed: the lookups are independent, so their cache
    ///   misses overlap instead of coming one after another. When training
    ///   changes the record table, the chunk's remaining lookups are done
    ///   again.
    ///
    /// Same records as one sentence at a time; the same sums up to rounding
    /// (docs/benchmarks.md, "Engine").
    fn observe_knowledge_run(&mut self, statements: &[Statement]) {
        for chunk in statements.chunks(RUN) {
            let mut found = [NO_RECORD; RUN];
            self.look_up(chunk, &mut found);
            for (i, s) in chunk.iter().enumerate() {
                let record = (found[i] != NO_RECORD).then_some(found[i] as usize);
                // Pushed after training: with no store into the window
                // between them, reading and updating the tables share
                // their lookups and bounds checks.
                let odds = self.odds(s, record);
                let changed = self.train_knowledge(s, record);
                self.pending().push(odds);
                if changed {
                    self.look_up_again(&chunk[i + 1..], &mut found[i + 1..]);
                }
            }
        }
    }

    /// The records of `statements`' entities, into `found` ([`NO_RECORD`]
    /// for none: half the size of an `Option<usize>`).
    #[inline(always)]
    fn look_up(&self, statements: &[Statement], found: &mut [u32]) {
        for (f, s) in found.iter_mut().zip(statements) {
            *f = self.record(s.entity).map_or(NO_RECORD, |i| i as u32);
        }
    }

    /// `look_up` after the record table changed: out of the common step's
    /// loop, so its bookkeeping stays out too.
    #[cold]
    #[inline(never)]
    fn look_up_again(&self, statements: &[Statement], found: &mut [u32]) {
        self.look_up(statements, found);
    }

    /// The sums of the pending window's bits, which stays pending.
    fn pending_sums(&self) -> Bits {
        let (identity, fact) = self.pending_window().peek();
        Bits { identity, fact, ..Bits::default() }
    }

    /// Sums the pending window's bits now and starts a new window.
    fn close_knowledge_window(&mut self) -> Bits {
        let (identity, fact) = self.pending().finish();
        Bits { identity, fact, ..Bits::default() }
    }
}

/// The prequential methods of `Learner` for a `KnowledgeCode` learner (its
/// syntax part is the shared model's), written once for Bayes and capped.
macro_rules! knowledge_steps {
    () => {
        fn score(&mut self, s: &Sentence) -> Bits {
            self.score_sentence(s)
        }

        fn train(&mut self, s: &Sentence) {
            self.train_sentence(s)
        }

        fn observe(&mut self, s: &Sentence) -> Bits {
            self.observe_sentence(s)
        }

        fn shares_syntax(&self) -> bool {
            true
        }

        fn reads_tokens(&self) -> bool {
            false
        }

        fn observe_with_syntax(&mut self, s: &Sentence, syntax: f64) -> Bits {
            self.observe_knowledge(s, syntax)
        }

        fn observe_run_shared(&mut self, _: &[Sentence], statements: &[Statement]) -> Bits {
            // Every bit is held back until the window closes.
            self.observe_knowledge_run(statements);
            Bits::default()
        }

        fn pending_bits(&self) -> Bits {
            self.pending_sums()
        }

        fn close_window(&mut self) -> Bits {
            self.close_knowledge_window()
        }
    };
}
pub(crate) use knowledge_steps;
