//! The training engine: owns a generator and learners, runs a schedule of
//! phases with prequential scoring, takes checkpoints, fits exponents and
//! computes the theory's predictions (`run`). `driver` runs it on its own
//! thread behind two channels, or headless.

pub mod barrier;
pub mod batch_size;
pub mod checkpoint;
pub mod distinct;
pub mod driver;
pub mod fits;
pub mod frontier;
pub mod messages;
pub mod parallel;
pub mod probes;
pub mod run;
pub mod worker;

pub use checkpoint::{Checkpoint, ExponentFit, LearnerPoint, PartBits, RankBin, Summary};
pub use driver::{DriverOptions, EngineHandle, run_headless, spawn};
pub use messages::{Control, FineTune, Progress, RunInfo, Sample, Update};
pub use run::{Engine, EngineError, Step};
