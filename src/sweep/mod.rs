//! Sweeps: a grid of runs (a base preset and axes of values), run on local
//! workers or as a Slurm job array, meeting again as files in one directory.
//!
//! Every point runs as a child process `sk-tui run --preset DIR/points/NNNN.toml
//! --out DIR/runs/NNNN.jsonl`, whoever launches it (a local worker or a Slurm
//! array task), so both modes write identical files, and a killed run is a
//! failed child. The directory is the only state: `sweep.json` is rewritten
//! from the per-point status files and run files, never trusted over them.

pub mod columns;
pub mod dir;
pub mod grid;
pub mod pool;
pub mod run_file;
pub mod runner;
pub mod slurm;
pub mod status;
pub mod summary;
pub mod view;

pub use dir::SweepDir;
pub use grid::{Grid, Point};
pub use status::PointState;

/// A failure of a sweep that is not the user's input.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{what} {path}: {source}")]
    Io { what: &'static str, path: std::path::PathBuf, source: std::io::Error },
    #[error("{0}")]
    Directory(String),
    #[error("{0}")]
    Slurm(String),
}

impl SweepError {
    pub fn io(what: &'static str, path: &std::path::Path) -> impl FnOnce(std::io::Error) -> SweepError {
        let path = path.to_path_buf();
        move |source| SweepError::Io { what, path, source }
    }
}

/// Writes `text` to `path` through a temporary file in the same directory and
/// a rename, so a reader sees the old contents or the new, never a part.
pub fn write_atomically(path: &std::path::Path, text: &str) -> Result<(), SweepError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text).map_err(SweepError::io("cannot write", &tmp))?;
    std::fs::rename(&tmp, path).map_err(SweepError::io("cannot write", path))
}

/// This machine's host name (as Slurm nodes and status files name it).
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
