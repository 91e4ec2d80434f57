//! sk-tui: a terminal laboratory for the Syntax-Knowledge model of language
//! model scaling (Pan, Wang, Liao, Li, 2025). See THEORY.md and DESIGN.md.
//!
//! Boxes, each depending only on those before it: `sk` (the generator),
//! `learn` (the learners), `config` (presets, themes), `engine` (training,
//! metrics, theory, the engine thread), `record` (run files: writing, reading,
//! following), `plot` (figures of recorded runs), `ui` (the dashboard),
//! `sweep` (grids of runs on local workers or a Slurm job array).

pub mod config;
pub mod engine;
pub mod learn;
pub mod plot;
pub mod record;
pub mod sk;
pub mod sweep;
pub mod ui;
