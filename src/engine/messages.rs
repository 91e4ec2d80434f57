//! The two channels between the engine thread and whoever drives it:
//! `Control` in, `Update` out.

use crate::config::{PhaseConfig, Preset};
use crate::sk::{GeneratorParams, Role};

use super::checkpoint::Checkpoint;

/// Commands to the engine thread. Each is handled between batches of sentences.
#[derive(Clone, Debug)]
pub enum Control {
    Pause,
    Resume,
    /// Start over with another preset (e.g. from the preset picker).
    Restart(Box<Preset>),
    /// Start over with the current preset's learners on changed generator parameters.
    Apply(Box<GeneratorParams>),
    /// Continue training on a changed distribution: a fine-tuning phase.
    FineTune(Box<FineTune>),
    Stop,
}

/// A fine-tuning phase started by hand: the changed generator and the phase.
#[derive(Clone, Debug)]
pub struct FineTune {
    pub generator: GeneratorParams,
    pub phase: PhaseConfig,
}

/// What the engine reports.
#[derive(Clone, Debug)]
pub enum Update {
    /// A run began (after start, restart or apply).
    Started(Box<RunInfo>),
    Checkpoint(Box<Checkpoint>),
    /// Recent sentences, newest last.
    Samples(Vec<Sample>),
    /// Sentences so far and the rate, a few times a second.
    Progress(Progress),
    /// A phase began: 0 is pre-training.
    Phase {
        index: u32,
        name: String,
    },
    /// A recoverable failure (bad parameters, engine panic); the UI shows it.
    Error(String),
    /// The schedule is complete.
    Finished {
        sentences: u64,
    },
}

/// Static facts about a run, for labels and overlays.
#[derive(Clone, Debug)]
pub struct RunInfo {
    pub preset_name: String,
    pub preset: Preset,
    /// Learner names in checkpoint order.
    pub learners: Vec<String>,
    /// Sentences in the whole schedule (pre-training and phases).
    pub total_sentences: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    pub sentences: u64,
    pub sentences_per_second: f64,
    pub paused: bool,
    /// Updates the engine could not send because the channel was full.
    pub dropped: u64,
}

/// A sentence for the samples pane.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Words with their roles (a name is one word).
    pub words: Vec<(String, Role)>,
    /// "Kavoshi · color = bazo".
    pub fact: String,
    pub rank: u64,
    /// Per learner (checkpoint order): does its probe of this fact answer wrongly?
    pub wrong: Vec<bool>,
}
