//! What the engine measures at a checkpoint: the JSONL contract of
//! `sk-tui run` (README, "JSONL schema") and the data every pane draws.
//! Checkpoints carry no wall-clock fields: the same preset and seed give the
//! same checkpoints byte for byte.

use crate::config::LearnerKind;
use serde::{Deserialize, Serialize};

/// A frequency-rank bin `[lo, hi]` (inclusive, 1-based): bin `b` holds ranks
/// `2^b ..= 2^(b+1) - 1`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RankBin {
    pub lo: u64,
    pub hi: u64,
}

/// Bits per sentence by part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PartBits {
    pub syntax: f64,
    pub identity: f64,
    pub fact: f64,
}

/// A fitted exponent with its standard error and the window of `n` (or of
/// model bits) it was fitted on. `value` is the positive exponent: excess
/// falls as `x^-value`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExponentFit {
    pub value: f64,
    pub stderr: f64,
    pub from: f64,
    pub to: f64,
}

/// One learner at one checkpoint. Rates are means over the window since the
/// previous checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearnerPoint {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: LearnerKind,
    pub model_bits: f64,
    pub params: u64,
    /// Sentences the learner has trained on (less than `sentences` for a
    /// neural learner that trains on a subsample).
    pub sentences_seen: u64,
    /// Sentences in this point's window (the rates below are means over it).
    pub window_sentences: u64,
    /// Sentences dropped because the learner could not keep up (a live run
    /// with `[run] pace = "sample"`); absent when none were.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub sentences_dropped: u64,
    pub loss_bits_per_token: f64,
    pub excess_bits_per_token: f64,
    pub excess_bits_per_sentence: f64,
    pub excess_by_part: PartBits,
    /// Prequential data bits: the exact sum of the learner's code lengths
    /// over every sentence it scored, in the whole run and in this phase.
    pub cumulative_data_bits: f64,
    pub phase_data_bits: f64,
    /// Fraction of probed facts answered correctly, per rank bin
    /// (pre-training entities): raw, chance included.
    pub memorized: Vec<f64>,
    /// The same for the entities introduced by fine-tuning phases, once there are any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub memorized_new: Option<Vec<f64>>,
    /// Knowledge beyond chance per rank bin: `(memorized - c) / (1 - c)`
    /// with `c = theory.chance_accuracy`.
    pub known: Vec<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub known_new: Option<Vec<f64>>,
    /// Facts known beyond chance times the information of a fact, `H(H_a)`,
    /// estimated from the probes: `Σ_bins known · facts in the bin · H(H_a)`.
    pub knowledge_bits: f64,
    /// After a phase changed facts: of the probed changed facts, the
    /// fraction still answered with the old value.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub stale_answers: Option<f64>,
    pub error_rate: f64,
    pub confident_error_rate: f64,
    pub data_exponent: Option<ExponentFit>,
    /// The exact expected fact excess per sentence over this window for a
    /// learner that holds what it can (zipf, no fact noise, pre-training):
    /// every fact for `bayes`, the top-ranked facts that fit the budget for a
    /// capped `oracle` learner.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected_fact_excess: Option<f64>,
    /// Exposures per fact at the 50% acquisition frontier: sentences seen ×
    /// the per-fact probability at the frontier rank (`engine::frontier`);
    /// zipf pre-training only, once the top bin is memorized and some bin
    /// is not.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub frontier_exposures: Option<f64>,
    /// The frontier rank's exponent against sentences seen over the last
    /// decade (`value`: the frontier grows as `n^value`; the theory's is
    /// `alpha` for a fixed exposure need).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub frontier_exponent: Option<ExponentFit>,
}

impl LearnerPoint {
    /// The fraction of the stream this learner trained on:
    /// `sentences_seen / (sentences_seen + sentences_dropped)`, 1 when it
    /// dropped nothing.
    pub fn stream_share(&self) -> f64 {
        let offered = self.sentences_seen + self.sentences_dropped;
        if self.sentences_dropped == 0 { 1.0 } else { self.sentences_seen as f64 / offered as f64 }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Fits across learners.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Fits {
    pub model_exponent: Option<ExponentFit>,
}

/// docs/theory.md, "Predictions the tool checks" at this checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TheoryPoint {
    pub data_exponent: f64,
    pub model_exponent: f64,
    pub heaps_exponent: f64,
    pub expected_distinct_entities: f64,
    /// Exact expected Bayes fact excess per sentence, the mean over this
    /// checkpoint's window (zipf, no fact noise, pre-training).
    pub expected_fact_excess: Option<f64>,
    /// The same at the window's end `n` (a point value, below the window mean).
    pub expected_fact_excess_at_n: Option<f64>,
    /// Accuracy of answering every fact with the value marginal's mode:
    /// `(1/F) Σ_a max_v H_a(v)`.
    pub chance_accuracy: f64,
    /// Predicted Bayes syntax excess per sentence, `d / (2 n ln 2)`.
    pub expected_syntax_excess: f64,
}

/// One checkpoint line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub kind: String,
    pub phase: u32,
    pub sentences: u64,
    pub tokens: u64,
    pub distinct_entities: u64,
    /// Sentences in this checkpoint's window (since the previous log-spaced one).
    pub window_sentences: u64,
    pub rank_bins: Vec<RankBin>,
    /// Rank bins of the new entities of fine-tuning phases, once there are any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub new_rank_bins: Option<Vec<RankBin>>,
    /// After a phase changed facts: the fraction of probed facts whose value changed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub changed_facts: Option<f64>,
    pub learners: Vec<LearnerPoint>,
    pub fits: Fits,
    pub theory: TheoryPoint,
}

/// The closing line of a headless run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub kind: String,
    pub sentences: u64,
    pub tokens: u64,
    pub checkpoints: u64,
    pub elapsed_seconds: f64,
    pub sentences_per_second: f64,
}
