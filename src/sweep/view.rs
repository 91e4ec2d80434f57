//! What `sk-tui view DIR` needs of a sweep directory: the run files there
//! now, the ones that appear later (points that start after the view
//! opened), and the axis its exponents chart is drawn against.
//!
//! A point's run file is `runs/NNNN.jsonl`, or `runs/NNNN.jsonl.partial`
//! while it runs (the follower reads on through the rename). New files are
//! found by listing `runs/` on the follower's tick: one directory read per
//! tick, however many points the grid has.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::SweepError;
use super::dir::{SweepDir, SweepRecord};
use crate::record::exponents::ALPHA;
use crate::record::follow::Discover;
use crate::record::reader::partial_path;
use crate::ui::sweep_chart::SweepChart;

/// A sweep directory opened for viewing.
pub struct SweepView {
    pub chart: SweepChart,
    /// The run files present when it was opened, in point order.
    pub files: Vec<PathBuf>,
    /// Finds the run files of points that start later.
    pub discover: Discover,
}

/// Whether `path` is a sweep directory (it holds `sweep.json`).
pub fn is_sweep_dir(path: &Path) -> bool {
    path.is_dir() && path.join("sweep.json").is_file()
}

/// Opens `root` for viewing.
pub fn open(root: &Path) -> Result<SweepView, SweepError> {
    let (dir, record) = SweepDir::open(root)?;
    let chart = chart_of(root, &record);
    let mut discover = discoverer(dir, record.points.len());
    let files = discover();
    Ok(SweepView { chart, files, discover })
}

/// The chart's axis: `generator.alpha` if it varies, else the first axis
/// that varies over numbers.
pub fn chart_of(root: &Path, record: &SweepRecord) -> SweepChart {
    let varying: Vec<&super::dir::AxisRecord> = record.axes.iter().filter(|a| !a.fixed).collect();
    let numeric: Vec<&str> =
        varying.iter().filter(|a| a.values.iter().all(|v| v.is_number())).map(|a| a.key.as_str()).collect();
    let key = numeric.iter().find(|k| **k == ALPHA).or(numeric.first()).map(|k| k.to_string());
    let name = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| root.display().to_string());
    SweepChart {
        name,
        others: varying.iter().map(|a| a.key.clone()).filter(|k| Some(k) != key.as_ref()).collect(),
        key,
        points: record.points.len(),
        shown: false,
    }
}

/// A function that returns, each call, the run files of points not returned
/// before: `NNNN.jsonl` if it is there, else `NNNN.jsonl.partial`.
pub fn discoverer(dir: SweepDir, points: usize) -> Discover {
    let mut found = vec![false; points];
    let runs = dir.root.join("runs");
    Box::new(move || {
        if found.iter().all(|f| *f) {
            return Vec::new();
        }
        let names: HashSet<std::ffi::OsString> = std::fs::read_dir(&runs)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        let mut out = Vec::new();
        for (i, seen) in found.iter_mut().enumerate().filter(|(_, f)| !**f) {
            let file = dir.run_file(i);
            let present = |p: &Path| p.file_name().is_some_and(|n| names.contains(n));
            let partial = partial_path(&file);
            let chosen = if present(&file) {
                Some(file)
            } else if present(&partial) {
                Some(partial)
            } else {
                None
            };
            if let Some(p) = chosen {
                *seen = true;
                out.push(p);
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_found_once_finished_or_partial() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = SweepDir::new(tmp.path(), 3);
        std::fs::create_dir_all(tmp.path().join("runs")).unwrap();
        let mut discover = discoverer(dir.clone(), 3);
        assert!(discover().is_empty());
        std::fs::write(partial_path(&dir.run_file(1)), "").unwrap();
        std::fs::write(dir.run_file(2), "").unwrap();
        std::fs::write(tmp.path().join("runs/.0000.jsonl.7.tmp"), "").unwrap();
        assert_eq!(discover(), [partial_path(&dir.run_file(1)), dir.run_file(2)]);
        // Its rename to the final name is followed through the open file, not found again.
        std::fs::rename(partial_path(&dir.run_file(1)), dir.run_file(1)).unwrap();
        assert!(discover().is_empty());
        std::fs::write(dir.run_file(0), "").unwrap();
        assert_eq!(discover(), [dir.run_file(0)]);
    }
}
