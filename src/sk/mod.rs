//! The Syntax-Knowledge generator of docs/theory.md, "The generator": pure, seeded, no I/O.
//!
//! - `params`: the `[generator]` parameters and their ranges.
//! - `rng`, `alias`, `rank_sum`: sampling and summation machinery.
//! - `zipf`, `pycrp`, `source`: which entity a sentence is about.
//! - `knowledge`: entities' names and facts.
//! - `syntax`, `vocab`: templates, fillers, tokens and their words.
//! - `sentence`, `generator`: the stream itself.
//! - `theory`, `fit`, `stats`: docs/theory.md, "Predictions the tool checks" and measurements against it.

pub mod alias;
pub mod fit;
pub mod frames;
pub mod generator;
pub mod knowledge;
pub mod params;
pub mod pycrp;
pub mod rank_sum;
pub mod rng;
pub mod sentence;
pub mod source;
pub mod stats;
pub mod syntax;
pub mod theory;
pub mod vocab;
pub mod zipf;

pub use generator::{Generator, Parts};
pub use knowledge::EntityId;
pub use params::{GeneratorParams, SourceKind};
pub use sentence::{Bits, Role, Sentence, Statement};
pub use vocab::{Token, Vocab};
