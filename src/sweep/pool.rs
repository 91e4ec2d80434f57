//! The local pool: N worker threads, each running one point at a time as a
//! child process, until the points run out or the sweep is told to stop.
//! Stopping lets no new point start, sends SIGTERM to the running children
//! (each ends its run file with an interruption) and waits for them, so the
//! directory is consistent when `run_local` returns.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{RecvTimeoutError, unbounded};

use super::dir::SweepDir;
use super::run_file::{partial_files, read_latest};
use super::runner::{Outcome, run_point, terminate};

/// What the pool reports while it runs.
#[derive(Clone, Debug)]
pub enum PoolEvent {
    Started(usize),
    Ended {
        index: usize,
        outcome: Outcome,
        elapsed: Duration,
    },
    /// A point could not even be attempted (its files could not be written).
    Error {
        index: usize,
        message: String,
    },
    /// About once a second: the fraction of sentences done by each running point.
    Tick(Vec<(usize, f64)>),
}

/// Runs `points` on `jobs` workers. `totals[i]` is point `i`'s sentence count
/// (for the fractions of [`PoolEvent::Tick`]); `stop` is set by a signal handler.
pub fn run_local(
    exe: &Path,
    dir: &SweepDir,
    points: &[usize],
    totals: &[u64],
    jobs: usize,
    stop: &AtomicBool,
    observer: &mut dyn FnMut(PoolEvent),
) {
    let queue = Mutex::new(points.iter().copied().collect::<VecDeque<usize>>());
    let running: Mutex<HashMap<usize, u32>> = Mutex::default();
    let stopping = AtomicBool::new(false);
    // A signal may reach a child before the pool has passed it on: either flag
    // makes the child's end an interruption.
    let told_to_stop = || stopping.load(Ordering::SeqCst) || stop.load(Ordering::SeqCst);
    let (tx, rx) = unbounded::<PoolEvent>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1).min(points.len()) {
            let tx = tx.clone();
            let (queue, running, told_to_stop) = (&queue, &running, &told_to_stop);
            scope.spawn(move || {
                loop {
                    if told_to_stop() {
                        break;
                    }
                    let Some(index) = queue.lock().map_or(None, |mut q| q.pop_front()) else { break };
                    let _ = tx.send(PoolEvent::Started(index));
                    let start = Instant::now();
                    let mut on_start = |pid: u32| {
                        if let Ok(mut r) = running.lock() {
                            r.insert(index, pid);
                        }
                        // A stop that came while the child was starting.
                        if told_to_stop() {
                            terminate(pid);
                        }
                    };
                    let result = run_point(exe, dir, index, &mut on_start, told_to_stop);
                    if let Ok(mut r) = running.lock() {
                        r.remove(&index);
                    }
                    let event = match result {
                        Ok(outcome) => PoolEvent::Ended { index, outcome, elapsed: start.elapsed() },
                        Err(e) => PoolEvent::Error { index, message: e.to_string() },
                    };
                    let _ = tx.send(event);
                }
            });
        }
        drop(tx);
        let mut last_tick = Instant::now();
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(event) => observer(event),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {}
            }
            if stop.load(Ordering::SeqCst) && !stopping.swap(true, Ordering::SeqCst) {
                let pids: Vec<u32> =
                    running.lock().map(|r| r.values().copied().collect()).unwrap_or_default();
                pids.into_iter().for_each(terminate);
            }
            if last_tick.elapsed() >= Duration::from_secs(1) {
                last_tick = Instant::now();
                let indices: Vec<usize> =
                    running.lock().map(|r| r.keys().copied().collect()).unwrap_or_default();
                let fractions = indices
                    .into_iter()
                    .map(|i| (i, fraction_done(&dir.run_file(i), totals.get(i).copied().unwrap_or(0))))
                    .collect();
                observer(PoolEvent::Tick(fractions));
            }
        }
    });
}

/// Sentences at the last checkpoint of a run still going, over its total.
fn fraction_done(run: &Path, total: u64) -> f64 {
    if total == 0 || partial_files(run).is_empty() {
        return 0.0;
    }
    read_latest(run)
        .and_then(|r| r.checkpoints.last().map(|c| (c.sentences as f64 / total as f64).min(1.0)))
        .unwrap_or(0.0)
}
