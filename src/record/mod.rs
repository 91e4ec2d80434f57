//! Recorded runs: the run file that `sk-tui run` writes and `sk-tui view`
//! and `sk-tui plot` read (docs/recorded-runs.md).
//!
//! - `line`: the kinds of line in a run file (header, checkpoint, phase,
//!   samples, summary, interrupted) and how one line is parsed.
//! - `recorder`: drives the engine and hands each record to a sink.
//! - `reader`: a whole run file, read once (strict: for `plot`).
//! - `follow`: files that may still grow, read tail -f style into `Update`s.
//! - `compare`: what differs between runs, to name them.
//! - `csv_row`: the CSV form of a checkpoint.
//! - `exponents`: fitted exponents of runs against a key that varies, and
//!   the theory's curves (the exponents figure and the sweep chart).

pub mod compare;
pub mod csv_row;
pub mod exponents;
pub mod follow;
pub mod line;
pub mod reader;
pub mod recorder;

pub use compare::{differing_keys, run_labels};
pub use line::{
    BadLine, Interrupted, PhaseLine, Record, RecordedSample, RunHeader, SAMPLES_PER_CHECKPOINT, SamplesLine,
    parse_record,
};
pub use reader::{RunFile, read_run_file, run_files_in};
