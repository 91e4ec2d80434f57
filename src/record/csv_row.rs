//! The CSV form of a run: one row per checkpoint and learner, the columns
//! named by this struct's fields (the csv crate writes the header row and
//! quotes where needed). Empty cells are fits not made yet.

use serde::Serialize;

use crate::engine::Checkpoint;

/// One row: a learner at a checkpoint.
#[derive(Debug, Serialize)]
pub struct CsvRow<'a> {
    pub phase: u32,
    pub sentences: u64,
    pub tokens: u64,
    pub distinct_entities: u64,
    pub learner: &'a str,
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub model_bits: f64,
    pub params: u64,
    pub sentences_seen: u64,
    pub loss_bits_per_token: f64,
    pub excess_bits_per_token: f64,
    pub excess_bits_per_sentence: f64,
    pub excess_syntax: f64,
    pub excess_identity: f64,
    pub excess_fact: f64,
    pub error_rate: f64,
    pub confident_error_rate: f64,
    pub data_exponent: Option<f64>,
    pub data_exponent_stderr: Option<f64>,
    pub model_exponent: Option<f64>,
    pub theory_data_exponent: f64,
    pub theory_model_exponent: f64,
    pub expected_distinct_entities: f64,
    pub expected_fact_excess: Option<f64>,
    /// Fraction memorized per rank bin, `;`-separated.
    pub memorized: String,
}

/// The rows of a checkpoint, in learner order.
pub fn rows(c: &Checkpoint) -> impl Iterator<Item = CsvRow<'_>> {
    c.learners.iter().map(move |l| CsvRow {
        phase: c.phase,
        sentences: c.sentences,
        tokens: c.tokens,
        distinct_entities: c.distinct_entities,
        learner: &l.name,
        kind: l.kind.name(),
        model_bits: l.model_bits,
        params: l.params,
        sentences_seen: l.sentences_seen,
        loss_bits_per_token: l.loss_bits_per_token,
        excess_bits_per_token: l.excess_bits_per_token,
        excess_bits_per_sentence: l.excess_bits_per_sentence,
        excess_syntax: l.excess_by_part.syntax,
        excess_identity: l.excess_by_part.identity,
        excess_fact: l.excess_by_part.fact,
        error_rate: l.error_rate,
        confident_error_rate: l.confident_error_rate,
        data_exponent: l.data_exponent.map(|f| f.value),
        data_exponent_stderr: l.data_exponent.map(|f| f.stderr),
        model_exponent: c.fits.model_exponent.map(|f| f.value),
        theory_data_exponent: c.theory.data_exponent,
        theory_model_exponent: c.theory.model_exponent,
        expected_distinct_entities: c.theory.expected_distinct_entities,
        expected_fact_excess: c.theory.expected_fact_excess,
        memorized: l.memorized.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(";"),
    })
}
