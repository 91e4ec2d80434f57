//! sk-tui: a terminal laboratory for the Syntax-Knowledge model of language
//! model scaling (Pan, Wang, Liao, Li, 2025). See docs/theory.md and docs/design.md.
//!
//! Boxes, each depending only on those before it: `sk` (the generator),
//! `config` (presets, themes), `learn` (the learners), `engine` (training,
//! metrics, theory, the engine thread), `record` (run files: writing, reading,
//! following), `ui` (the dashboard), `plot` (figures of recorded runs, with
//! the dashboard's quantities), `sweep` (grids of runs on local workers or a
//! Slurm job array). One exception to the order: the dashboard's `e` key
//! (`ui::app`) writes the focused pane through `plot`.

pub mod config;
pub mod engine;
pub mod learn;
pub mod plot;
pub mod record;
pub mod sk;
pub mod sweep;
pub mod ui;
