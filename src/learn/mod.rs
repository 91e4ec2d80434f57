//! The learners of docs/theory.md, "The learners" behind one trait: score a sentence in bits
//! (by part) before training on it, train on it, answer a probe, report size.
//! Pure: no I/O, no threads (the engine may run different learners on
//! different threads: each is `Send`).
//!
//! - `bayes`: the Bayes-optimal predictor with unlimited capacity.
//! - `capped`: Bayes with a knowledge budget in bits and an eviction policy.
//! - `neural`: a small next-token network trained by gradient descent.
//! - `transformer`: a small decoder-only transformer trained the same way.
//! - `optim`: the optimizer the two networks share (SGD or Adam, batches).
//! - `predictive`, `odds`, `log2`, `slots`: the predictive distributions
//!   Bayes and capped share, the counts their bits are logarithms of, the
//!   logarithm they are computed with, and where their records are.

pub mod bayes;
pub mod capped;
pub mod log2;
pub mod neural;
pub mod odds;
pub mod optim;
pub mod predictive;
pub mod slots;
pub mod transformer;

use crate::config::LearnerKind;
use crate::sk::knowledge::entity_id;
use crate::sk::{Bits, EntityId, Generator, Sentence, Statement, Token};

/// A question about one fact: what is `attribute` of `entity`?
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub entity: EntityId,
    pub attribute: u32,
    /// The entity's frequency rank (1-based).
    pub rank: u64,
    /// The true value.
    pub truth: u32,
    /// A canonical sentence prefix up to, not including, the value token:
    /// the most probable template of the attribute with the most probable
    /// fillers, and the entity's name. Used by token-level learners.
    pub prompt: Vec<Token>,
    /// The token id of value 0 of this attribute: value `v` is token
    /// `value_token_base + v`.
    pub value_token_base: Token,
    /// Values per attribute.
    pub values: u32,
}

impl Probe {
    /// The probe of `attribute` of the entity of frequency `rank` in
    /// `universe` under `g`, asked with the generator's canonical prompt.
    pub fn of(g: &Generator, universe: u32, rank: u64, attribute: u32) -> Probe {
        let entity = entity_id(universe, rank - 1);
        let mut prompt = Vec::new();
        g.canonical_prompt(entity, attribute, &mut prompt);
        Probe {
            entity,
            attribute,
            rank,
            truth: g.knowledge().true_value(entity, attribute),
            prompt,
            value_token_base: g.vocab().value(attribute, 0),
            values: g.params().values,
        }
    }
}

/// A learner's answer: its most probable value and that value's probability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Answer {
    pub value: u32,
    pub prob: f64,
}

/// A model trained online on the sentence stream.
pub trait Learner: Send {
    /// The name given in the preset.
    fn name(&self) -> &str;

    /// Which kind of learner this is.
    fn kind(&self) -> LearnerKind;

    /// Code length of `s` in bits under the current model, by part, before
    /// training on it (prequential coding).
    fn score(&mut self, s: &Sentence) -> Bits;

    /// Updates the model with `s`.
    fn train(&mut self, s: &Sentence);

    /// Whether the learner reads a sentence's tokens (`Sentence::tokens`);
    /// one that reads only the latent draws (entity, attribute, template,
    /// fillers, value) says no, and an engine whose learners all do draws
    /// sentences without spelling them.
    fn reads_tokens(&self) -> bool {
        true
    }

    /// Scores, then trains: the prequential step. Learners may fuse the two.
    fn observe(&mut self, s: &Sentence) -> Bits {
        let bits = self.score(s);
        self.train(s);
        bits
    }

    /// Whether this learner's syntax part is the Bayes syntax model of
    /// `predictive::SyntaxModel` (true concentrations, trained on every
    /// sentence): then its syntax bits are the same for every such learner,
    /// and an engine computes them once and drives the learner with
    /// `observe_run_shared` (or `observe_with_syntax`).
    fn shares_syntax(&self) -> bool {
        false
    }

    /// The prequential step with the syntax bits of `s` under the shared
    /// syntax model (before training on `s`). Only called when
    /// `shares_syntax`; a learner is driven either this way or by
    /// `score`/`train`/`observe`, never both (its own syntax model is then
    /// left untrained). The default ignores `syntax`.
    fn observe_with_syntax(&mut self, s: &Sentence, syntax: f64) -> Bits {
        let _ = syntax;
        self.observe(s)
    }

    /// `observe_with_syntax` over consecutive sentences, their syntax bits
    /// left to the shared model: the sums of their identity and fact bits
    /// (`syntax` zero). `statements` are the sentences' own
    /// (`Sentence::statement`): a learner that needs no more of a sentence
    /// reads only them (Bayes and capped). A learner may hold bits back
    /// until its window closes (Bayes and capped hold back all of them, as
    /// one product of probabilities per part): it returns them from
    /// `close_window` (and shows them in `pending_bits`). The default takes
    /// sentences one at a time and holds nothing back.
    fn observe_run_shared(&mut self, sentences: &[Sentence], statements: &[Statement]) -> Bits {
        let _ = statements;
        let mut sum = Bits::default();
        for s in sentences {
            sum += self.observe_with_syntax(s, 0.0);
        }
        Bits { syntax: 0.0, ..sum }
    }

    /// The bits held back by `observe_run_shared`, still held back.
    fn pending_bits(&self) -> Bits {
        Bits::default()
    }

    /// The bits held back by `observe_run_shared`, released: what a
    /// window that closes now must add.
    fn close_window(&mut self) -> Bits {
        Bits::default()
    }

    /// The most probable value of a fact, and its probability.
    fn probe(&self, p: &Probe) -> Answer;

    /// Size of the stored knowledge in bits (names and facts, docs/theory.md, "The learners");
    /// for a neural learner, 32 bits per parameter.
    fn model_bits(&self) -> f64;

    /// Parameter count: stored items for Bayes and capped learners, weights
    /// for neural ones.
    fn params(&self) -> u64;

    /// Sentences this learner has trained on (a neural learner that cannot
    /// keep up trains on a subsample).
    fn sentences_seen(&self) -> u64;
}
