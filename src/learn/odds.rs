//! What a Bayes-family learner's identity and fact bits are the logarithms
//! of, gathered one sentence at a time and turned into bits a run of
//! sentences at a time.
//!
//! Scoring a sentence is two parts: looking up the learner's counts (which
//! depends on every sentence before it, so it goes one by one) and the
//! arithmetic on them, two divisions and two logarithms (which depends on
//! nothing else). The learners gather the counts as [`Odds`] while they
//! train; [`OddsRun`] then does the arithmetic for up to [`RUN`] sentences
//! in one pass of plain loops, which the compiler turns into vector
//! instructions. A sentence scored alone goes through the same
//! [`Odds::bits`], so both paths give the same bits.

use super::log2::{log2, log2_each, vectorized};
use super::predictive::belief_prob;

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
}

/// Sentences whose bits are computed together.
pub const RUN: usize = 16;

/// The odds of up to [`RUN`] sentences, field by field.
#[derive(Clone, Debug)]
pub struct OddsRun {
    len: usize,
    entity: [f64; RUN],
    total: [f64; RUN],
    name: [f64; RUN],
    stated: [f64; RUN],
    stated_total: [f64; RUN],
    stored: [bool; RUN],
    marginal: [f64; RUN],
    marginal_total: [f64; RUN],
}

impl Default for OddsRun {
    fn default() -> Self {
        OddsRun {
            len: 0,
            entity: [1.0; RUN],
            total: [1.0; RUN],
            name: [0.0; RUN],
            stated: [0.0; RUN],
            stated_total: [0.0; RUN],
            stored: [false; RUN],
            marginal: [0.0; RUN],
            marginal_total: [0.0; RUN],
        }
    }
}

impl OddsRun {
    /// Adds the next sentence's odds; at most [`RUN`] between `finish`es.
    #[inline]
    pub fn push(&mut self, o: Odds) {
        let i = self.len;
        self.entity[i] = o.entity;
        self.total[i] = o.total;
        self.name[i] = o.name;
        self.stated[i] = o.stated;
        self.stated_total[i] = o.stated_total;
        self.stored[i] = o.stored;
        self.marginal[i] = o.marginal;
        self.marginal_total[i] = o.marginal_total;
        self.len += 1;
    }

    /// Pushes each sentence's bits to `out` in order, with its `syntax`
    /// bits, and empties the run.
    pub fn finish(&mut self, prior: FactPrior, syntax: &[f64], out: &mut Vec<crate::sk::Bits>) {
        let (identity, fact) = self.bits(prior);
        for ((&syntax, identity), fact) in syntax.iter().zip(identity).zip(fact).take(self.len) {
            out.push(crate::sk::Bits { syntax, identity, fact });
        }
        self.len = 0;
    }

    /// Identity and fact bits of every slot, in vector registers (the same
    /// bits at every width, [`vectorized`]).
    fn bits(&self, prior: FactPrior) -> ([f64; RUN], [f64; RUN]) {
        vectorized(
            #[inline(always)]
            || self.bits_portable(prior),
        )
    }

    /// Every slot, used or not (unused ones hold harmless odds): loops of
    /// fixed length, without branches, are what vectorize. The same
    /// operations as [`Odds::bits`], so the same bits.
    #[inline(always)]
    fn bits_portable(&self, prior: FactPrior) -> ([f64; RUN], [f64; RUN]) {
        // The identity ratios, then the facts' probabilities.
        let mut x = [0.0; 2 * RUN];
        for i in 0..RUN {
            let o = Odds {
                entity: self.entity[i],
                total: self.total[i],
                name: self.name[i],
                stated: self.stated[i],
                stated_total: self.stated_total[i],
                stored: self.stored[i],
                marginal: self.marginal[i],
                marginal_total: self.marginal_total[i],
            };
            (x[i], x[RUN + i]) = o.probs(prior);
        }
        log2_each(&mut x);
        let mut identity = [0.0; RUN];
        let mut fact = [0.0; RUN];
        for i in 0..RUN {
            identity[i] = self.name[i] - x[i];
            fact[i] = -x[RUN + i];
        }
        (identity, fact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sk::Bits;
    use crate::sk::rng::SkRng;

    /// The vector pass (AVX2 where the CPU has it) gives every sentence the
    /// bits it gets scored alone, bit for bit, over odds of every kind: new
    /// and seen entities, stored facts and unknown ones, runs cut short.
    #[test]
    fn a_run_gives_each_sentence_the_bits_it_gets_alone() {
        let mut rng = SkRng::new(5, 1);
        let prior = FactPrior { kappa: 1.0 / (1u64 << 20) as f64, values: 64.0 };
        let mut run = OddsRun::default();
        for len in [RUN, 1, 7, RUN, 3] {
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
            let syntax: Vec<f64> = (0..len).map(|i| i as f64).collect();
            odds.iter().for_each(|&o| run.push(o));
            let mut got = Vec::new();
            run.finish(prior, &syntax, &mut got);
            let want: Vec<Bits> = odds
                .iter()
                .zip(&syntax)
                .map(|(o, &syntax)| {
                    let (identity, fact) = std::hint::black_box(o).bits(prior);
                    Bits { syntax, identity, fact }
                })
                .collect();
            assert_eq!(got.len(), len);
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(
                    (g.identity.to_bits(), g.fact.to_bits()),
                    (w.identity.to_bits(), w.fact.to_bits()),
                    "{g:?} vs {w:?}"
                );
            }
        }
    }
}
