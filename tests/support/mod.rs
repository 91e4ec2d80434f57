//! What the integration tests share, one concept a file: running the
//! binary, reading a sweep directory, streams and fact probes for the
//! learner tests, a headless engine run, the dashboard fed from recorded
//! runs, and a tmux server of a test's own. Each test file includes it with `mod support;`.

// Each test file is its own crate and uses a subset of these helpers; the
// rest would warn as dead code in that crate.
#![allow(dead_code)]

pub mod binary;
pub mod engine;
pub mod facts;
pub mod recorded;
pub mod sweep;
pub mod tmux;
