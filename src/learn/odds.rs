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

use super::log2::{log2, vectorized};

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
        let identity = self.name - log2(self.entity / self.total);
        // The value marginal, Dirichlet(1)-multinomial.
        let h = (self.marginal + 1.0) / (self.marginal_total + prior.values);
        // A stored fact: a Dirichlet over values centred on the marginal.
        let belief = (self.stated + prior.kappa * h) / (self.stated_total + prior.kappa);
        (identity, -log2(if self.stored { belief } else { h }))
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

    /// Identity and fact bits of every slot, with the widest vectors the CPU
    /// has (the same bits at every width, [`vectorized`]).
    fn bits(&self, prior: FactPrior) -> ([f64; RUN], [f64; RUN]) {
        vectorized(
            #[inline(always)]
            || self.bits_portable(prior),
        )
    }

    /// Every slot, used or not (unused ones hold harmless odds): a loop of
    /// fixed length, without branches, is what vectorizes.
    #[inline(always)]
    fn bits_portable(&self, prior: FactPrior) -> ([f64; RUN], [f64; RUN]) {
        let mut identity = [0.0; RUN];
        let mut fact = [0.0; RUN];
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
            (identity[i], fact[i]) = o.bits(prior);
        }
        (identity, fact)
    }
}
