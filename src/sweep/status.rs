//! The state of each point, from the files (the run file, the status file its
//! runner writes) and, when the sweep went to Slurm, from the queue.
//!
//! A finished run file is the only proof of a finished point. A status file
//! that says `running` is believed while its runner lives: on this host the
//! runner's pid is checked; on another host the Slurm queue is asked, and a
//! task that left the queue without writing its end (a node that died, a task
//! killed past its time limit) is a failed point.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::dir::SweepDir;
use super::run_file::{is_finished, partial_files};
use super::{SweepError, host_name, unix_now, write_atomically};

/// What a point's runner writes to `status/NNNN.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointStatus {
    /// `running`, `finished`, `failed` or `interrupted`.
    pub state: String,
    pub host: String,
    /// The process that writes this file's final state (a local sweep or a Slurm task).
    pub runner_pid: u32,
    /// The `sk-tui run` child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_pid: Option<u32>,
    /// `JOBID_TASK` when run by Slurm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slurm_task: Option<String>,
    pub started_unix: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_unix: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl PointStatus {
    pub fn running(child_pid: Option<u32>) -> PointStatus {
        let slurm_task = match (std::env::var("SLURM_ARRAY_JOB_ID"), std::env::var("SLURM_ARRAY_TASK_ID")) {
            (Ok(j), Ok(t)) => Some(format!("{j}_{t}")),
            _ => None,
        };
        PointStatus {
            state: "running".into(),
            host: host_name(),
            runner_pid: std::process::id(),
            child_pid,
            slurm_task,
            started_unix: unix_now(),
            ended_unix: None,
            message: None,
        }
    }

    pub fn read(path: &Path) -> Option<PointStatus> {
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
    }

    pub fn write(&self, path: &Path) -> Result<(), SweepError> {
        write_atomically(path, &serde_json::to_string(self).unwrap_or_default())
    }
}

/// A point's state.
#[derive(Clone, Debug, PartialEq)]
pub enum PointState {
    /// Not started.
    Pending,
    /// Waiting in the Slurm queue.
    Queued,
    /// Running, where.
    Running(String),
    Finished,
    /// Failed, why.
    Failed(String),
    /// Stopped by a signal (Ctrl-C, scancel); a rerun restarts it.
    Interrupted,
}

impl PointState {
    pub fn name(&self) -> &'static str {
        match self {
            PointState::Pending => "pending",
            PointState::Queued => "queued",
            PointState::Running(_) => "running",
            PointState::Finished => "finished",
            PointState::Failed(_) => "failed",
            PointState::Interrupted => "interrupted",
        }
    }

    pub fn detail(&self) -> Option<String> {
        match self {
            PointState::Running(w) | PointState::Failed(w) => Some(w.clone()),
            _ => None,
        }
    }

    /// Running or queued: someone will still write this point.
    pub fn is_active(&self) -> bool {
        matches!(self, PointState::Running(_) | PointState::Queued)
    }
}

/// Array tasks as Slurm sees them: by array index, the queue state
/// (`PENDING`, `RUNNING`, ...) and, from accounting, the final state.
#[derive(Clone, Debug, Default)]
pub struct QueueView {
    /// `squeue` answered.
    pub queue_known: bool,
    pub queued: HashMap<usize, String>,
    /// `sacct` answered: final states (`COMPLETED`, `FAILED`, `NODE_FAIL`, ...).
    pub accounted: HashMap<usize, String>,
}

/// Whether a process with this pid exists on this host.
pub fn pid_alive(pid: u32) -> bool {
    if pid == 0 || pid > i32::MAX as u32 {
        return false;
    }
    // Signal 0 checks existence without signalling; EPERM means it exists.
    // SAFETY: kill(2) with signal 0 has no effect on the target.
    let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The state of point `index`.
pub fn point_state(dir: &SweepDir, index: usize, queue: Option<&QueueView>) -> PointState {
    let run = dir.run_file(index);
    if is_finished(&run) {
        return PointState::Finished;
    }
    let in_queue = queue.and_then(|q| q.queued.get(&index));
    let accounted = queue.and_then(|q| q.accounted.get(&index));
    match PointStatus::read(&dir.status_file(index)) {
        Some(s) if s.state == "running" => {
            let here = host_name();
            if s.host == here && s.slurm_task.is_none() {
                if pid_alive(s.runner_pid) {
                    PointState::Running(format!("{} pid {}", s.host, s.child_pid.unwrap_or(s.runner_pid)))
                } else {
                    PointState::Failed(format!("its runner (pid {} on {}) is gone", s.runner_pid, s.host))
                }
            } else {
                match (queue, in_queue) {
                    (Some(_), Some(q)) if q == "RUNNING" || q == "COMPLETING" => PointState::Running(
                        format!("{} (Slurm task {})", s.host, s.slurm_task.unwrap_or_default()),
                    ),
                    (Some(q), _) if q.queue_known => PointState::Failed(format!(
                        "Slurm task {} on {} left the queue without finishing{}",
                        s.slurm_task.as_deref().unwrap_or("?"),
                        s.host,
                        accounted
                            .map(|a| format!(" ({a})"))
                            .unwrap_or_else(|| " (node failure or time limit?)".into())
                    )),
                    // No queue to ask: believe the file.
                    _ => PointState::Running(s.host),
                }
            }
        }
        Some(s) if s.state == "interrupted" => PointState::Interrupted,
        Some(s) if s.state == "failed" || s.state == "finished" => {
            PointState::Failed(s.message.unwrap_or_else(|| "the run file is missing or incomplete".into()))
        }
        _ => match (in_queue, accounted) {
            (Some(q), _) if q == "RUNNING" || q == "COMPLETING" => {
                PointState::Running("Slurm task starting".into())
            }
            (Some(_), _) => PointState::Queued,
            (None, Some(a)) if a != "COMPLETED" => {
                PointState::Failed(format!("Slurm task ended {a} before it started"))
            }
            _ if !partial_files(&run).is_empty() => {
                PointState::Failed("a partial run file and no runner".into())
            }
            _ => PointState::Pending,
        },
    }
}

/// Every point's state.
pub fn point_states(dir: &SweepDir, points: usize, queue: Option<&QueueView>) -> Vec<PointState> {
    (0..points).map(|i| point_state(dir, i, queue)).collect()
}

/// Marks a status file's end.
pub fn finish_status(
    path: &Path,
    mut status: PointStatus,
    state: &str,
    message: Option<String>,
) -> Result<(), SweepError> {
    status.state = state.into();
    status.ended_unix = Some(unix_now());
    status.message = message;
    status.write(path)
}
