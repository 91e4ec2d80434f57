//! The lines of a run file, one JSON object each, told apart by `kind`:
//!
//! - `run`: the header, first: sk-tui's version, the preset's name, the
//!   fully resolved preset (every default filled in), the seed and the
//!   command line. Enough to rerun it: `sk-tui run --preset FILE`.
//! - `checkpoint`: the engine's measurements (`engine::Checkpoint`).
//! - `phase`: a fine-tuning phase began.
//! - `samples`: a few recent sentences after a checkpoint, for the samples pane.
//! - `summary`: the last line of a finished run, the only one with wall-clock time.
//! - `interrupted`: the last line of a run stopped by a signal.
//!
//! Only the summary carries wall-clock fields, so every other line is the
//! same byte for byte for the same preset and seed.

use serde::{Deserialize, Serialize};

use crate::config::Preset;
use crate::engine::{Checkpoint, Progress, RunInfo, Sample, Summary, Update};
use crate::sk::Role;

/// Sentences kept per checkpoint in a `samples` line (the newest ones).
pub const SAMPLES_PER_CHECKPOINT: usize = 8;

/// The run file's schema; a reader refuses a newer one.
pub const SCHEMA: u32 = 1;

/// The first line: what produced the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunHeader {
    pub kind: String,
    /// sk-tui's version.
    pub version: String,
    pub schema: u32,
    pub preset_name: String,
    /// The preset as run: `[run] sentences` and `seed` include the
    /// command-line overrides.
    pub preset: Preset,
    pub seed: u64,
    /// The command line, as arguments.
    pub command: Vec<String>,
}

impl RunHeader {
    /// The header of a run of `preset` (overrides already applied).
    pub fn new(preset_name: &str, preset: &Preset, command: Vec<String>) -> Self {
        RunHeader {
            kind: "run".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            schema: SCHEMA,
            preset_name: preset_name.into(),
            preset: preset.clone(),
            seed: preset.run.seed,
            command,
        }
    }

    /// What the dashboard knows of a run when it starts.
    pub fn run_info(&self) -> RunInfo {
        let p = &self.preset;
        RunInfo {
            preset_name: self.preset_name.clone(),
            preset: p.clone(),
            learners: p.learners.iter().map(|l| l.name.clone()).collect(),
            total_sentences: p.phases.iter().fold(p.run.sentences, |t, ph| t.saturating_add(ph.sentences)),
        }
    }
}

/// A phase began (0 is pre-training, never written).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseLine {
    pub kind: String,
    pub index: u32,
    pub name: String,
    /// Sentences before the phase.
    pub sentences: u64,
}

/// A sentence as the samples pane shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedSample {
    /// Words with their roles: `syntax`, `name` or `value`.
    pub words: Vec<(String, String)>,
    pub fact: String,
    pub rank: u64,
    /// Per learner (checkpoint order): does its probe of this fact answer wrongly?
    pub wrong: Vec<bool>,
}

/// Recent sentences after the checkpoint at `sentences`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SamplesLine {
    pub kind: String,
    pub sentences: u64,
    pub samples: Vec<RecordedSample>,
}

/// The last line of a run stopped by a signal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interrupted {
    pub kind: String,
    /// `SIGINT`, `SIGTERM` or `SIGHUP`.
    pub signal: String,
    pub sentences: u64,
    pub tokens: u64,
    pub checkpoints: u64,
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Syntax => "syntax",
        Role::Name => "name",
        Role::Value => "value",
    }
}

fn role_of(name: &str) -> Role {
    match name {
        "name" => Role::Name,
        "value" => Role::Value,
        _ => Role::Syntax,
    }
}

impl SamplesLine {
    /// The newest `SAMPLES_PER_CHECKPOINT` of `samples`.
    pub fn new(sentences: u64, samples: &[Sample]) -> Self {
        let from = samples.len().saturating_sub(SAMPLES_PER_CHECKPOINT);
        SamplesLine {
            kind: "samples".into(),
            sentences,
            samples: samples[from..]
                .iter()
                .map(|s| RecordedSample {
                    words: s.words.iter().map(|(w, r)| (w.clone(), role_name(*r).to_string())).collect(),
                    fact: s.fact.clone(),
                    rank: s.rank,
                    wrong: s.wrong.clone(),
                })
                .collect(),
        }
    }

    pub fn to_samples(&self) -> Vec<Sample> {
        self.samples
            .iter()
            .map(|s| Sample {
                words: s.words.iter().map(|(w, r)| (w.clone(), role_of(r))).collect(),
                fact: s.fact.clone(),
                rank: s.rank,
                wrong: s.wrong.clone(),
            })
            .collect()
    }
}

/// One parsed line.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    Run(Box<RunHeader>),
    Checkpoint(Box<Checkpoint>),
    Phase(PhaseLine),
    Samples(SamplesLine),
    Summary(Summary),
    Interrupted(Interrupted),
}

/// A line that is not a record, with its place.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct BadLine {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The kinds a line can have.
pub const KINDS: &str = "run, checkpoint, phase, samples, summary, interrupted";

/// Parses one line; the error is `(column, message)`.
pub fn parse_record(text: &str) -> Result<Record, (usize, String)> {
    #[derive(Deserialize)]
    struct Kind {
        kind: String,
    }
    let json = |e: serde_json::Error| {
        let what = if e.is_eof() { "truncated line" } else { "not a run-file line" };
        // The place is the caller's `file:line:column`, not serde's own.
        let text = e.to_string();
        let message = text.rfind(" at line ").map_or(text.as_str(), |i| &text[..i]);
        (e.column().max(1), format!("{what}: {message}"))
    };
    let Kind { kind } = serde_json::from_str(text).map_err(json)?;
    let record = match kind.as_str() {
        "run" => {
            let h: RunHeader = serde_json::from_str(text).map_err(json)?;
            if h.schema > SCHEMA {
                return Err((
                    1,
                    format!("run file schema {} is newer than this sk-tui's ({SCHEMA})", h.schema),
                ));
            }
            Record::Run(Box::new(h))
        }
        "checkpoint" => Record::Checkpoint(Box::new(serde_json::from_str(text).map_err(json)?)),
        "phase" => Record::Phase(serde_json::from_str(text).map_err(json)?),
        "samples" => Record::Samples(serde_json::from_str(text).map_err(json)?),
        "summary" => Record::Summary(serde_json::from_str(text).map_err(json)?),
        "interrupted" => Record::Interrupted(serde_json::from_str(text).map_err(json)?),
        other => return Err((1, format!("unknown kind {other:?} (known: {KINDS})"))),
    };
    Ok(record)
}

impl Record {
    /// The updates the engine thread would have sent for this line.
    pub fn updates(&self) -> Vec<Update> {
        match self {
            Record::Run(h) => vec![Update::Started(Box::new(h.run_info()))],
            Record::Checkpoint(c) => vec![
                Update::Checkpoint(c.clone()),
                Update::Progress(Progress { sentences: c.sentences, ..Default::default() }),
            ],
            Record::Phase(p) => vec![Update::Phase { index: p.index, name: p.name.clone() }],
            Record::Samples(s) => vec![Update::Samples(s.to_samples())],
            Record::Summary(s) => vec![
                Update::Progress(Progress {
                    sentences: s.sentences,
                    sentences_per_second: s.sentences_per_second,
                    ..Default::default()
                }),
                Update::Finished { sentences: s.sentences },
            ],
            Record::Interrupted(i) => vec![Update::Finished { sentences: i.sentences }],
        }
    }

    /// Sentences this line reports, if it reports a count.
    pub fn sentences(&self) -> Option<u64> {
        match self {
            Record::Run(_) => None,
            Record::Checkpoint(c) => Some(c.sentences),
            Record::Phase(p) => Some(p.sentences),
            Record::Samples(s) => Some(s.sentences),
            Record::Summary(s) => Some(s.sentences),
            Record::Interrupted(i) => Some(i.sentences),
        }
    }

    /// The line as written: compact JSON, no newline.
    pub fn to_json(&self) -> String {
        let text = match self {
            Record::Run(h) => serde_json::to_string(h),
            Record::Checkpoint(c) => serde_json::to_string(c),
            Record::Phase(p) => serde_json::to_string(p),
            Record::Samples(s) => serde_json::to_string(s),
            Record::Summary(s) => serde_json::to_string(s),
            Record::Interrupted(i) => serde_json::to_string(i),
        };
        text.unwrap_or_default()
    }

    /// Whether this is the last line of a run.
    pub fn ends_run(&self) -> bool {
        matches!(self, Record::Summary(_) | Record::Interrupted(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips_and_bad_lines_are_located() {
        let h = RunHeader::new("default", &Preset::default(), vec!["sk-tui".into(), "run".into()]);
        let text = serde_json::to_string(&h).unwrap();
        assert!(text.starts_with("{\"kind\":\"run\","), "{text}");
        assert_eq!(parse_record(&text), Ok(Record::Run(Box::new(h))));
        let (col, msg) = parse_record(&text[..40]).unwrap_err();
        assert!(msg.starts_with("truncated line"), "{msg}");
        assert!(col > 1);
        let (_, msg) = parse_record("{\"kind\":\"nonsense\"}").unwrap_err();
        assert!(msg.contains("unknown kind"), "{msg}");
        assert!(parse_record("garbage").unwrap_err().1.starts_with("not a run-file line"));
    }
}
