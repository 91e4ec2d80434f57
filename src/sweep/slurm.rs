//! Slurm: the job-array script written into the sweep directory, its
//! submission with `sbatch --array=LIST%K`, and what `squeue`/`sacct` say
//! about its tasks. Each array task runs `sk-tui sweep GRID --out DIR --point
//! $SLURM_ARRAY_TASK_ID`, one point per task; the directory must be on a
//! filesystem every node sees.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use super::status::QueueView;
use super::{SweepError, write_atomically};

/// `--slurm` options.
#[derive(Clone, Debug, Default)]
pub struct SlurmOptions {
    pub partition: Option<String>,
    pub time: Option<String>,
    pub mem: Option<String>,
    /// Most tasks running at once (`%K`); all of them when `None`.
    pub max_parallel: Option<u32>,
    /// More `sbatch` arguments, passed as given.
    pub extra: Vec<String>,
}

/// Quotes a word for a POSIX shell.
fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The job-array script: `#SBATCH` lines for the options, then the task.
pub fn script(exe: &Path, grid: &Path, dir: &Path, name: &str, options: &SlurmOptions) -> String {
    let mut s =
        String::from("#!/bin/sh\n# Written by sk-tui sweep --slurm: one array task per grid point.\n");
    s += &format!("#SBATCH --job-name={}\n", shell_quote(&format!("sk-sweep-{name}")));
    s += &format!(
        "#SBATCH --output={}\n",
        shell_quote(&dir.join("logs").join("slurm-%A_%a.out").display().to_string())
    );
    s += "#SBATCH --ntasks=1\n";
    if let Some(p) = &options.partition {
        s += &format!("#SBATCH --partition={}\n", shell_quote(p));
    }
    if let Some(t) = &options.time {
        s += &format!("#SBATCH --time={}\n", shell_quote(t));
    }
    if let Some(m) = &options.mem {
        s += &format!("#SBATCH --mem={}\n", shell_quote(m));
    }
    s += &format!(
        "exec {} sweep {} --out {} --point \"$SLURM_ARRAY_TASK_ID\"\n",
        shell_quote(&exe.display().to_string()),
        shell_quote(&grid.display().to_string()),
        shell_quote(&dir.display().to_string())
    );
    s
}

/// `0-3,5,7-9`: the indices as ranges.
pub fn array_spec(indices: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let start = indices[i];
        let mut end = start;
        while i + 1 < indices.len() && indices[i + 1] == end + 1 {
            i += 1;
            end = indices[i];
        }
        parts.push(if start == end { start.to_string() } else { format!("{start}-{end}") });
        i += 1;
    }
    parts.join(",")
}

/// Writes the script and submits it for `indices`; returns the job id and the `--array` value.
pub fn submit(
    script_path: &Path,
    text: &str,
    indices: &[usize],
    options: &SlurmOptions,
) -> Result<(String, String), SweepError> {
    write_atomically(script_path, text)?;
    let limit = options.max_parallel.unwrap_or(indices.len() as u32).max(1);
    let array = format!("{}%{limit}", array_spec(indices));
    let output = Command::new("sbatch")
        .arg("--parsable")
        .arg(format!("--array={array}"))
        .args(&options.extra)
        .arg(script_path)
        .output()
        .map_err(|e| SweepError::Slurm(format!("cannot run sbatch: {e} (is Slurm installed here?)")))?;
    if !output.status.success() {
        return Err(SweepError::Slurm(format!(
            "sbatch --array={array} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    // --parsable prints `JOBID` or `JOBID;CLUSTER`.
    let stdout = String::from_utf8_lossy(&output.stdout);
    let job = stdout.trim().split(';').next().unwrap_or("").to_string();
    if job.is_empty() || !job.chars().all(|c| c.is_ascii_digit()) {
        return Err(SweepError::Slurm(format!("sbatch printed no job id: {stdout:?}")));
    }
    Ok((job, array))
}

/// `123_4` -> 4, for tasks of `job`.
fn task_index(job: &str, id: &str) -> Option<usize> {
    id.strip_prefix(job)?.strip_prefix('_')?.parse().ok()
}

/// What `squeue` and `sacct` say about the tasks of `job`. Either may be
/// missing (no Slurm on this machine, accounting disabled): then its part is empty.
pub fn query(job: &str) -> QueueView {
    let mut view = QueueView::default();
    if let Ok(out) = Command::new("squeue").args(["-h", "-r", "-j", job, "-o", "%i|%T"]).output() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        // A job that left the queue entirely is "Invalid job id": known, and empty.
        view.queue_known = out.status.success() || stderr.contains("Invalid job id");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some((id, state)) = line.split_once('|')
                && let Some(i) = task_index(job, id.trim())
            {
                view.queued.insert(i, state.trim().to_string());
            }
        }
    }
    if let Ok(out) = Command::new("sacct").args(["-n", "-P", "-X", "-j", job, "-o", "JobID,State"]).output()
        && out.status.success()
    {
        let mut accounted = HashMap::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some((id, state)) = line.split_once('|')
                && let Some(i) = task_index(job, id.trim())
            {
                accounted.insert(i, state.split_whitespace().next().unwrap_or("").to_string());
            }
        }
        view.accounted = accounted;
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_specs_compress_runs() {
        assert_eq!(array_spec(&[0, 1, 2, 3]), "0-3");
        assert_eq!(array_spec(&[1, 3, 4, 5, 9]), "1,3-5,9");
        assert_eq!(shell_quote("/a b/it's"), "'/a b/it'\\''s'");
    }
}
