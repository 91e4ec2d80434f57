//! Running one point: `sk-tui run --preset DIR/points/NNNN.toml --out
//! DIR/runs/NNNN.jsonl` as a child process of this binary, its stderr in
//! `DIR/logs/NNNN.log`, with the status file written before and after.
//! Local workers and Slurm array tasks both come here, so both write the same files.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::SweepError;
use super::dir::SweepDir;
use super::run_file::{RunFile, clear_unfinished};
use super::status::{PointStatus, finish_status};

/// How a point's run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Finished,
    Failed(String),
    /// Stopped because the sweep was told to stop.
    Interrupted,
}

/// Runs point `index` to its end. `on_start` gets the child's pid (to signal
/// it); `stopping` says the sweep was told to stop (a signal ending the child
/// is then an interruption, not a failure).
pub fn run_point(
    exe: &Path,
    dir: &SweepDir,
    index: usize,
    on_start: &mut dyn FnMut(u32),
    stopping: &dyn Fn() -> bool,
) -> Result<Outcome, SweepError> {
    let run = dir.run_file(index);
    let status_path = dir.status_file(index);
    clear_unfinished(&run);
    PointStatus::running(None).write(&status_path)?;
    let log_path = dir.log_file(index);
    let log = std::fs::File::create(&log_path).map_err(SweepError::io("cannot write", &log_path))?;
    let child = Command::new(exe)
        .arg("run")
        .arg("--preset")
        .arg(dir.point_preset(index))
        .arg("--out")
        .arg(&run)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            let message = format!("cannot start {}: {e}", exe.display());
            finish_status(&status_path, PointStatus::running(None), "failed", Some(message.clone()))?;
            return Ok(Outcome::Failed(message));
        }
    };
    let status = PointStatus::running(Some(child.id()));
    status.write(&status_path)?;
    on_start(child.id());
    let exit = child.wait().map_err(SweepError::io("waiting for the run of", &run))?;
    let finished = RunFile::read(&run).is_ok_and(|r| r.finished());
    let outcome = if exit.success() && finished {
        Outcome::Finished
    } else if stopping() {
        Outcome::Interrupted
    } else if let Some(signal) = exit.signal() {
        Outcome::Failed(format!("its run was killed by signal {signal} ({})", signal_name(signal)))
    } else if !exit.success() {
        let last = std::fs::read_to_string(&log_path)
            .ok()
            .and_then(|t| t.lines().rfind(|l| !l.trim().is_empty()).map(str::to_string))
            .unwrap_or_default();
        Outcome::Failed(format!("its run exited with code {}: {last}", exit.code().unwrap_or(-1)))
    } else {
        Outcome::Failed("its run exited without finishing its run file".into())
    };
    let (state, message) = match &outcome {
        Outcome::Finished => ("finished", None),
        Outcome::Failed(m) => ("failed", Some(m.clone())),
        Outcome::Interrupted => ("interrupted", Some("stopped by a signal; a rerun restarts it".into())),
    };
    finish_status(&status_path, status, state, message)?;
    Ok(outcome)
}

/// Sends SIGTERM to a child: `sk-tui run` then ends its file with an interruption.
pub fn terminate(pid: u32) {
    if pid > 0 && pid <= i32::MAX as u32 {
        // SAFETY: kill(2) on a pid of our own child.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGTERM);
        }
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGINT => "SIGINT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        _ => "signal",
    }
}
