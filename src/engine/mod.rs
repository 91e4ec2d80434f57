//! The training engine: owns a generator and learners, runs a schedule of
//! phases with prequential scoring, takes checkpoints, fits exponents and
//! computes the theory's predictions. `driver` runs it on its own thread.

pub mod checkpoint;
pub mod messages;

pub use checkpoint::{Checkpoint, ExponentFit, LearnerPoint, PartBits, RankBin, Summary};
pub use messages::{Control, FineTune, Progress, RunInfo, Sample, Update};
