//! Reading a point's run file, finished or still growing.
//!
//! A run file is JSONL: an optional `{"kind":"run",...}` header, one
//! `{"kind":"checkpoint",...}` line per checkpoint, then `{"kind":"summary",...}`
//! when the run finished, or `{"kind":"interrupted",...}` when a signal stopped
//! it. Lines of other kinds are skipped, and so is a torn last line. While a
//! run is going, its lines are in `FILE.partial` or in a hidden temporary
//! `.FILE.PID.tmp` beside it, renamed to `FILE` on success.

use std::path::{Path, PathBuf};

use crate::engine::Checkpoint;

/// What a run file holds.
#[derive(Clone, Debug, Default)]
pub struct RunFile {
    /// The checkpoint lines, verbatim.
    pub checkpoint_lines: Vec<String>,
    pub checkpoints: Vec<Checkpoint>,
    /// The header line, when the run wrote one.
    pub header: Option<serde_json::Value>,
    /// A summary line is present.
    pub summarized: bool,
    /// An `interrupted` line is present.
    pub interrupted: bool,
}

impl RunFile {
    /// Reads a run file; lines that do not parse, or whose kind is unknown, are skipped.
    pub fn read(path: &Path) -> std::io::Result<RunFile> {
        let text = std::fs::read_to_string(path)?;
        let mut out = RunFile::default();
        for line in text.lines() {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else { continue };
            match value.get("kind").and_then(|k| k.as_str()) {
                Some("checkpoint") => {
                    if let Ok(c) = serde_json::from_value::<Checkpoint>(value) {
                        out.checkpoints.push(c);
                        out.checkpoint_lines.push(line.to_string());
                    }
                }
                Some("run") => out.header = Some(value),
                Some("summary") => out.summarized = true,
                Some("interrupted") => out.interrupted = true,
                _ => {}
            }
        }
        Ok(out)
    }

    /// A run that ended normally: summarized and not interrupted.
    pub fn finished(&self) -> bool {
        self.summarized && !self.interrupted
    }
}

/// Whether the run at `path` finished.
pub fn is_finished(path: &Path) -> bool {
    RunFile::read(path).is_ok_and(|r| r.finished())
}

/// The files a run still going writes to, newest first: `FILE.partial` and
/// `.FILE.*.tmp`.
pub fn partial_files(path: &Path) -> Vec<PathBuf> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else { return Vec::new() };
    let dir = path.parent().unwrap_or(Path::new("."));
    let hidden = format!(".{name}.");
    let partial = format!("{name}.partial");
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n == partial || (n.starts_with(&hidden) && n.ends_with(".tmp"))
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found.into_iter().map(|(_, p)| p).collect()
}

/// The run's lines so far: the finished file, else the newest partial one.
pub fn read_latest(path: &Path) -> Option<RunFile> {
    if let Ok(r) = RunFile::read(path) {
        return Some(r);
    }
    partial_files(path).iter().find_map(|p| RunFile::read(p).ok())
}

/// Removes what an earlier attempt left: the final file if it did not
/// finish, and partial files. Called before a point is run again.
pub fn clear_unfinished(path: &Path) {
    if path.exists() && !is_finished(path) {
        let _ = std::fs::remove_file(path);
    }
    for p in partial_files(path) {
        let _ = std::fs::remove_file(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_kinds_and_torn_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        std::fs::write(
            &path,
            "{\"kind\":\"run\",\"x\":1}\n{\"kind\":\"future\"}\n{\"kind\":\"summary\"}\n{\"kind\":\"chec",
        )
        .unwrap();
        let r = RunFile::read(&path).unwrap();
        assert!(r.finished() && r.header.is_some() && r.checkpoints.is_empty());
        std::fs::write(&path, "{\"kind\":\"summary\"}\n{\"kind\":\"interrupted\"}\n").unwrap();
        assert!(!is_finished(&path));
        std::fs::write(dir.path().join("r.jsonl.partial"), "").unwrap();
        std::fs::write(dir.path().join(".r.jsonl.77.tmp"), "").unwrap();
        assert_eq!(partial_files(&path).len(), 2);
        clear_unfinished(&path);
        assert!(!path.exists() && partial_files(&path).is_empty());
    }
}
