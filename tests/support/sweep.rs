//! Sweeps for the sweep tests: the grid files of tests/data, a sweep
//! started in the background, and what a sweep directory holds.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::binary::BIN;

/// A grid file of tests/data.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// `sk-tui sweep GRID --out OUT --jobs 2` in the background.
pub fn spawn_sweep(grid: &Path, out: &Path) -> Child {
    Command::new(BIN)
        .args(["sweep", grid.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", "2"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting sk-tui sweep")
}

/// The lines of a run file whose `kind` is `kind`.
pub fn lines_of_kind(path: &Path, kind: &str) -> Vec<String> {
    let needle = format!("\"kind\":\"{kind}\"");
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| l.contains(&needle))
        .map(str::to_string)
        .collect()
}

fn json(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// `DIR/sweep.json`.
pub fn record(dir: &Path) -> serde_json::Value {
    json(&dir.join("sweep.json")).expect("a readable sweep.json")
}

/// `DIR/status/NNNN.json`, once written.
pub fn point_status(dir: &Path, index: usize) -> Option<serde_json::Value> {
    json(&dir.join(format!("status/{index:04}.json")))
}
