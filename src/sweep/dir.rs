//! A sweep directory: its layout and `sweep.json`.
//!
//! ```text
//! DIR/grid.toml          a copy of the grid file, as it was when the sweep began
//! DIR/sweep.json         the grid, the points and their state (rewritten as they change)
//! DIR/points/NNNN.toml   each point's resolved preset
//! DIR/runs/NNNN.jsonl    each point's run file (`sk-tui run --out`)
//! DIR/status/NNNN.json   who runs the point, and how it ended
//! DIR/logs/NNNN.log      the run's stderr
//! DIR/sweep.sbatch       the Slurm job-array script (Slurm mode)
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::grid::{Grid, Point};
use super::status::PointState;
use super::{SweepError, unix_now, write_atomically};

/// The directory of one sweep.
#[derive(Clone, Debug)]
pub struct SweepDir {
    pub root: PathBuf,
    /// Digits of point numbers in file names (at least 4).
    width: usize,
}

/// `sweep.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SweepRecord {
    /// `"sweep"`.
    pub kind: String,
    /// The grid file's absolute path.
    pub grid: String,
    /// Where the base preset came from.
    pub base: String,
    pub axes: Vec<AxisRecord>,
    pub points: Vec<PointRecord>,
    /// The last Slurm submission, in Slurm mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slurm: Option<SlurmRecord>,
    /// Seconds since the Unix epoch when this file was written.
    pub updated_unix: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AxisRecord {
    pub key: String,
    pub values: Vec<serde_json::Value>,
    /// One value for every point.
    pub fixed: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PointRecord {
    pub index: usize,
    /// The value of each varying axis, by key.
    pub values: serde_json::Map<String, serde_json::Value>,
    /// Paths relative to the sweep directory.
    pub preset: String,
    pub run: String,
    /// `pending`, `queued`, `running`, `finished`, `failed` or `interrupted`.
    pub state: String,
    /// Why it failed, or where it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SlurmRecord {
    pub job_id: String,
    /// The `--array` specification submitted.
    pub array: String,
    pub script: String,
    pub submitted_unix: u64,
}

impl SweepDir {
    pub fn new(root: &Path, points: usize) -> SweepDir {
        let digits = points.saturating_sub(1).max(1).to_string().len();
        SweepDir { root: root.into(), width: digits.max(4) }
    }

    /// Opens an existing sweep directory by its `sweep.json`.
    pub fn open(root: &Path) -> Result<(SweepDir, SweepRecord), SweepError> {
        let path = root.join("sweep.json");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            SweepError::Directory(format!(
                "{} is not a sweep directory: cannot read {}: {e}",
                root.display(),
                path.display()
            ))
        })?;
        let record: SweepRecord = serde_json::from_str(&text)
            .map_err(|e| SweepError::Directory(format!("{}: not a sweep record: {e}", path.display())))?;
        Ok((SweepDir::new(root, record.points.len()), record))
    }

    fn name(&self, index: usize) -> String {
        format!("{index:0w$}", w = self.width)
    }

    pub fn point_preset(&self, index: usize) -> PathBuf {
        self.root.join("points").join(format!("{}.toml", self.name(index)))
    }

    pub fn run_file(&self, index: usize) -> PathBuf {
        self.root.join("runs").join(format!("{}.jsonl", self.name(index)))
    }

    pub fn status_file(&self, index: usize) -> PathBuf {
        self.root.join("status").join(format!("{}.json", self.name(index)))
    }

    pub fn log_file(&self, index: usize) -> PathBuf {
        self.root.join("logs").join(format!("{}.log", self.name(index)))
    }

    pub fn record_file(&self) -> PathBuf {
        self.root.join("sweep.json")
    }

    pub fn script_file(&self) -> PathBuf {
        self.root.join("sweep.sbatch")
    }

    /// Creates the layout and the point presets. A directory that already
    /// holds a sweep must hold this one (same points, same presets): a rerun
    /// resumes it; a different grid needs a different directory.
    pub fn prepare(&self, grid: &Grid, points: &[Point]) -> Result<(), SweepError> {
        if self.root.exists() && !self.root.is_dir() {
            return Err(SweepError::Directory(format!(
                "--out {} exists and is not a directory",
                self.root.display()
            )));
        }
        let existing = SweepDir::open(&self.root).ok();
        if existing.is_none()
            && self.root.is_dir()
            && std::fs::read_dir(&self.root)
                .map_err(SweepError::io("cannot read", &self.root))?
                .next()
                .is_some()
        {
            return Err(SweepError::Directory(format!(
                "--out {} is not empty and holds no sweep.json; name a new or empty directory",
                self.root.display()
            )));
        }
        if let Some((_, record)) = &existing
            && record.points.len() != points.len()
        {
            return Err(SweepError::Directory(format!(
                "{} holds a sweep of {} points, this grid has {}; use another --out",
                self.root.display(),
                record.points.len(),
                points.len()
            )));
        }
        for sub in ["points", "runs", "status", "logs"] {
            let d = self.root.join(sub);
            std::fs::create_dir_all(&d).map_err(SweepError::io("cannot create", &d))?;
        }
        for p in points {
            let path = self.point_preset(p.index);
            let text = p.preset_toml(&grid.file);
            match std::fs::read_to_string(&path) {
                Ok(old) if strip_comments(&old) == strip_comments(&text) => {}
                Ok(_) if existing.is_some() => {
                    return Err(SweepError::Directory(format!(
                        "{} holds another sweep: point {} ({}) has a different preset in {}; use another --out",
                        self.root.display(),
                        p.index,
                        p.label(),
                        path.display()
                    )));
                }
                _ => write_atomically(&path, &text)?,
            }
        }
        let copy = self.root.join("grid.toml");
        if !copy.exists() {
            write_atomically(&copy, &grid.text)?;
        }
        Ok(())
    }

    /// A record of the grid with every point's state.
    pub fn record(
        &self,
        grid: &Grid,
        points: &[Point],
        states: &[PointState],
        slurm: Option<SlurmRecord>,
    ) -> SweepRecord {
        let json = |v: &toml::Value| serde_json::to_value(v).unwrap_or(serde_json::Value::Null);
        SweepRecord {
            kind: "sweep".into(),
            grid: grid.path.display().to_string(),
            base: grid.base_origin.clone(),
            axes: grid
                .axes
                .iter()
                .map(|a| AxisRecord {
                    key: a.key.clone(),
                    values: a.values.iter().map(json).collect(),
                    fixed: a.fixed,
                })
                .collect(),
            points: points
                .iter()
                .zip(states)
                .map(|(p, s)| PointRecord {
                    index: p.index,
                    values: p.coords.iter().map(|(k, v)| (k.clone(), json(v))).collect(),
                    preset: self.relative(&self.point_preset(p.index)),
                    run: self.relative(&self.run_file(p.index)),
                    state: s.name().into(),
                    detail: s.detail(),
                })
                .collect(),
            slurm,
            updated_unix: unix_now(),
        }
    }

    /// Rewrites `sweep.json` with new point states, keeping everything else.
    pub fn update_states(&self, record: &mut SweepRecord, states: &[PointState]) -> Result<(), SweepError> {
        for (p, s) in record.points.iter_mut().zip(states) {
            p.state = s.name().into();
            p.detail = s.detail();
        }
        record.updated_unix = unix_now();
        self.write_record(record)
    }

    pub fn write_record(&self, record: &SweepRecord) -> Result<(), SweepError> {
        let text = serde_json::to_string_pretty(record).unwrap_or_default();
        write_atomically(&self.record_file(), &(text + "\n"))
    }

    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }
}

/// A preset file's TOML without its comment lines (the header names the grid
/// file as it was given, which may differ between runs of the same sweep).
fn strip_comments(text: &str) -> String {
    text.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n")
}
