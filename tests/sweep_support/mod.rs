//! The shared test helpers (tests/support) under the name tests/sweep_slurm.rs
//! still includes; that test needs a running Slurm to be checked, so it moves
//! to `mod support;` when it can be run. Nothing is defined here.

#[path = "../support/mod.rs"]
mod support;

pub use support::binary::{BIN, sk, text};
pub use support::sweep::{data, lines_of_kind, point_status, record};
