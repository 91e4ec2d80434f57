//! What a Bayes-family learner's identity and fact bits are the logarithms
//! of, gathered one sentence at a time and summed a run of sentences at a
//! time.
//!
//! Scoring a sentence is two parts: looking up the learner's counts (which
//! depends on every sentence before it, so it goes one by one) and the
//! arithmetic on them (which depends on nothing else). The learners gather
//! the counts as [`Odds`] while they train. A window needs only the sum of
//! the bits, and a sum of logarithms is the logarithm of a product, so
//! [`OddsWindow`] multiplies the probabilities of [`RUN`] sentences at a time
//! in plain loops the compiler turns into vector instructions, into one
//! product per part for the whole window ([`Log2Product`]), whose logarithm
//! is taken when the window is read. A sentence scored alone
//! ([`Odds::bits`]) gets the same bits up to rounding (docs/benchmarks.md,
//! "Engine").

use super::log2::{Log2Product, log2, vectorized};
use super::predictive::{belief_prob, fact_kappa};
use crate::sk::GeneratorParams;

/// The counts behind one sentence's identity and fact bits.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Odds {
    /// Identity bits are `name - log2(entity / total)`: the entity's
    /// Pitman–Yor weight over the total, plus its spelling when it is new
    /// to the learner.
    pub entity: f64,
    pub total: f64,
    pub name: f64,
    /// The stated value's count in the stored fact's belief, and the
    /// belief's total (when `stored`).
    pub stated: f64,
    pub stated_total: f64,
    pub stored: bool,
    /// The stated value's count in the learned value marginal, and the
    /// attribute's total there.
    pub marginal: f64,
    pub marginal_total: f64,
}

/// The constants of a learner's fact code: `κ`, the marginal's weight in a
/// stored fact's belief, and the values per attribute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FactPrior {
    pub kappa: f64,
    pub values: f64,
}

impl FactPrior {
    /// The fact code of a learner of streams from `p`: `κ` from its fact
    /// noise ([`fact_kappa`]), and its values per attribute.
    pub fn of(p: &GeneratorParams) -> Self {
        FactPrior { kappa: fact_kappa(p.fact_noise), values: p.values as f64 }
    }
}

impl Odds {
    /// Identity and fact bits.
    #[inline(always)]
    pub fn bits(&self, prior: FactPrior) -> (f64, f64) {
        let (entity, fact) = self.probs(prior);
        (self.name - log2(entity), -log2(fact))
    }

    /// The entity's ratio in the identity bits and the stated value's
    /// probability.
    #[inline(always)]
    fn probs(&self, prior: FactPrior) -> (f64, f64) {
        // The value marginal: `dm_prob` with `gamma = 1` written out (the
        // same bits; its `k * gamma` cost 3% here, left in the vector loop).
        let h = (self.marginal + 1.0) / (self.marginal_total + prior.values);
        // A stored fact: a Dirichlet over values centred on the marginal.
        let belief = belief_prob(self.stated, self.stated_total, prior.kappa, h);
        (self.entity / self.total, if self.stored { belief } else { h })
    }

    /// The stated value's probability of [`Odds::probs`] as a fraction, for
    /// a window's product: the stored fact's `(n + κ h) / (N + κ)` with
    /// `h = (m + 1) / (M + V)` is `(n (M + V) + κ (m + 1)) / ((N + κ) (M + V))`,
    /// an unknown fact's `h` is `(m + 1) / (M + V)`.
    #[inline(always)]
    fn fact_fraction(&self, prior: FactPrior) -> (f64, f64) {
        let values = self.marginal_total + prior.values;
        let marginal = self.marginal + 1.0;
        if self.stored {
            (self.stated * values + prior.kappa * marginal, (self.stated_total + prior.kappa) * values)
        } else {
            (marginal, values)
        }
    }
}

/// Sentences whose probabilities are multiplied together.
pub const RUN: usize = 16;

/// The bits of a window of sentences, as the products of their identity
/// and fact probabilities (and the sum of the names' bits), with the odds
/// of the last sentences, up to [`RUN`] of them, field by field, not yet
/// multiplied in.
#[derive(Clone, Debug)]
pub struct OddsWindow {
    prior: FactPrior,
    /// The window's products, over the runs multiplied in.
    identity: Log2Product,
    fact: Log2Product,
    names: f64,
    len: usize,
    entity: [f64; RUN],
    total: [f64; RUN],
    name: [f64; RUN],
    /// The stated value's probability as a fraction ([`Odds::fact_fraction`]).
    stated: [f64; RUN],
    stated_of: [f64; RUN],
}

impl OddsWindow {
    /// An empty window of a learner whose fact code has `prior`.
    pub fn new(prior: FactPrior) -> Self {
        OddsWindow {
            prior,
            identity: Log2Product::default(),
            fact: Log2Product::default(),
            names: 0.0,
            len: 0,
            entity: [1.0; RUN],
            total: [1.0; RUN],
            name: [0.0; RUN],
            stated: [1.0; RUN],
            stated_of: [1.0; RUN],
        }
    }

    /// Adds the next sentence's odds; a run of [`RUN`] is multiplied into
    /// the window's products.
    #[inline]
    pub fn push(&mut self, o: Odds) {
        let i = self.len;
        self.entity[i] = o.entity;
        self.total[i] = o.total;
        self.name[i] = o.name;
        (self.stated[i], self.stated_of[i]) = o.fact_fraction(self.prior);
        self.len += 1;
        if self.len == RUN {
            (self.identity, self.fact, self.names) = self.with_run::<true>();
            self.len = 0;
        }
    }

    /// The window's products and names with the run's multiplied in;
    /// `FULL`: every slot of the run is used (as `push` finds it), so the
    /// slots are read in place, with no mask.
    #[inline]
    fn with_run<const FULL: bool>(&self) -> (Log2Product, Log2Product, f64) {
        let (identity, fact, names) = vectorized(
            #[inline(always)]
            || if FULL { self.full_run() } else { self.run() },
        );
        (self.identity.times(identity), self.fact.times(fact), self.names + names)
    }

    /// The sums over the window's sentences of their identity and fact
    /// bits, and empties the window: one logarithm per part.
    pub fn finish(&mut self) -> (f64, f64) {
        let sums = self.peek();
        *self = OddsWindow::new(self.prior);
        sums
    }

    /// The sums `finish` would give, leaving the window as it is.
    pub fn peek(&self) -> (f64, f64) {
        let (identity, fact, names) = self.with_run::<false>();
        (names - identity.log2(), -fact.log2())
    }

    /// The run's products of identity and fact probabilities, and the sum
    /// of its names' bits, over every slot, used or not (an unused one's
    /// factors are one): loops of fixed length, without branches, are what
    /// vectorize.
    #[inline(always)]
    fn run(&self) -> (Log2Product, Log2Product, f64) {
        // Slots past `len` keep an earlier run's odds.
        let used = |i: usize, x: f64, otherwise: f64| if i < self.len { x } else { otherwise };
        let (mut entity, mut total, mut stated, mut of) = ([1.0; RUN], [1.0; RUN], [1.0; RUN], [1.0; RUN]);
        let mut names = [0.0; RUN];
        for i in 0..RUN {
            entity[i] = used(i, self.entity[i], 1.0);
            total[i] = used(i, self.total[i], 1.0);
            stated[i] = used(i, self.stated[i], 1.0);
            of[i] = used(i, self.stated_of[i], 1.0);
            names[i] = used(i, self.name[i], 0.0);
        }
        products(&entity, &total, &stated, &of, &names)
    }

    /// `run` of a full run: the same products, of the slots in place.
    #[inline(always)]
    fn full_run(&self) -> (Log2Product, Log2Product, f64) {
        products(&self.entity, &self.total, &self.stated, &self.stated_of, &self.name)
    }
}

/// The products of a run's identity ratios (`entity / total`) and fact
/// ratios (`stated / of`), and the sum of its names' bits.
#[inline(always)]
fn products(
    entity: &[f64; RUN],
    total: &[f64; RUN],
    stated: &[f64; RUN],
    of: &[f64; RUN],
    names: &[f64; RUN],
) -> (Log2Product, Log2Product, f64) {
    // The names' bits in four lanes, then the lanes in a fixed order.
    let mut lanes = [0.0; 4];
    for chunk in names.chunks_exact(4) {
        for j in 0..4 {
            lanes[j] += chunk[j];
        }
    }
    let names = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    (Log2Product::ratio(entity, total), Log2Product::ratio(stated, of), names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sk::rng::SkRng;

    /// A window's sums are the sums of its sentences' bits scored one at a
    /// time, up to rounding: each sentence's probability takes under 64
    /// roundings either way (the window's product one more per run), under
    /// `64 eps / ln 2 < 128 eps` bits, and the one-at-a-time bits are
    /// summed here with their error carried, so the two differ by at most
    /// `2 * 128 eps` bits per sentence, plus the sum of the names' bits, a
    /// run at a time (`len / 16 + 4` ulps of the total). Over odds of every
    /// kind: new and seen entities, stored facts and unknown ones, windows
    /// of whole runs, of many and of a part of one (whose unused slots hold
    /// the odds of the run before).
    #[test]
    fn a_window_sums_the_bits_each_sentence_gets_alone() {
        let mut rng = SkRng::new(5, 1);
        let prior = FactPrior { kappa: 1.0 / (1u64 << 20) as f64, values: 64.0 };
        let mut window = OddsWindow::new(prior);
        for len in [RUN, 1, 7, 3 * RUN + 5, RUN, 3, 40 * RUN, 12] {
            let odds: Vec<Odds> = (0..len)
                .map(|_| {
                    let total = 1.0 + rng.below(1 << 30) as f64 + 0.5;
                    let stored_total = 1.0 + rng.below(60_000) as f64;
                    let marginal_total = rng.below(1 << 20) as f64;
                    Odds {
                        entity: (1 + rng.below(total as u64)) as f64 - 0.5,
                        total,
                        name: if rng.below(4) == 0 { 24.0 } else { 0.0 },
                        stated: rng.below(stored_total as u64 + 1) as f64,
                        stated_total: stored_total,
                        stored: rng.below(2) == 0,
                        marginal: rng.below(marginal_total as u64 + 1) as f64,
                        marginal_total,
                    }
                })
                .collect();
            odds.iter().for_each(|&o| window.push(o));
            let got = window.finish();
            // Neumaier sums of the bits one at a time.
            let mut want = [(0.0f64, 0.0f64); 2];
            for o in &odds {
                let (identity, fact) = o.bits(prior);
                for ((sum, carry), x) in want.iter_mut().zip([identity, fact]) {
                    let t = *sum + x;
                    *carry += if sum.abs() >= x.abs() { (*sum - t) + x } else { (x - t) + *sum };
                    *sum = t;
                }
            }
            for (got, (sum, carry)) in [got.0, got.1].into_iter().zip(want) {
                let want = sum + carry;
                let n = len as f64;
                let bound = (n / 16.0 + 4.0) * f64::EPSILON * want + 2.0 * 128.0 * f64::EPSILON * n;
                assert!((got - want).abs() <= bound, "window of {len}: {got} vs {want} (bound {bound:e})");
            }
        }
    }
}
