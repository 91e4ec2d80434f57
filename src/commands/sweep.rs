//! `sk-tui sweep`: run a grid on local workers (with a progress bar), one
//! point in the foreground (`--point`, what a Slurm array task runs), or
//! submit it to Slurm; `sweep status` and `sweep summary` read a sweep directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sk_tui::sweep::columns::{aligned, point_cells};
use sk_tui::sweep::dir::{SlurmRecord, SweepRecord};
use sk_tui::sweep::pool::{PoolEvent, run_local};
use sk_tui::sweep::runner::Outcome;
use sk_tui::sweep::slurm::{SlurmOptions, query, script, submit};
use sk_tui::sweep::status::{QueueView, point_state, point_states};
use sk_tui::sweep::summary::{summarize, table};
use sk_tui::sweep::{Grid, Point, PointState, SweepDir, SweepError, unix_now};

use super::{Failure, print_out};
use crate::cli::{SweepAction, SweepArgs, SweepStart};

impl From<SweepError> for Failure {
    fn from(e: SweepError) -> Self {
        match e {
            SweepError::Directory(_) => Failure::input(e.to_string()),
            SweepError::Io { .. } | SweepError::Slurm(_) => Failure::runtime(e.to_string()),
        }
    }
}

pub fn run(args: SweepArgs) -> Result<(), Failure> {
    match args.action {
        Some(SweepAction::Status { dir, wait }) => status(&dir, wait),
        Some(SweepAction::Summary { dir, json }) => summary(&dir, json),
        None => start(args.start),
    }
}

fn start(args: SweepStart) -> Result<(), Failure> {
    let (Some(grid_path), Some(out)) = (args.grid.as_deref(), args.out.as_deref()) else {
        return Err(Failure::input("sweep needs a grid file and --out DIR"));
    };
    let grid = Grid::load(grid_path)?;
    let points = grid.points()?;
    let dir = SweepDir::new(&std::path::absolute(out).unwrap_or_else(|_| out.into()), points.len());
    dir.prepare(&grid, &points)?;
    let exe = std::env::current_exe()
        .map_err(|e| Failure::runtime(format!("cannot find the sk-tui binary: {e}")))?;
    if let Some(index) = args.point {
        return one_point(&exe, &grid, &points, &dir, index);
    }
    if args.slurm {
        let options = SlurmOptions {
            partition: args.partition,
            time: args.time,
            mem: args.mem,
            max_parallel: args.max_parallel,
            extra: args.sbatch_args,
        };
        return submit_array(&exe, &grid, &points, &dir, &options);
    }
    let jobs =
        args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |j| j as usize);
    local(&exe, &grid, &points, &dir, jobs)
}

/// The record to keep updating: the existing one's Slurm field survives a local rerun.
fn fresh_record(dir: &SweepDir, grid: &Grid, points: &[Point], states: &[PointState]) -> SweepRecord {
    let slurm = SweepDir::open(&dir.root).ok().and_then(|(_, r)| r.slurm);
    dir.record(grid, points, states, slurm)
}

fn queue_of(record: &SweepRecord) -> Option<QueueView> {
    record.slurm.as_ref().map(|s| query(&s.job_id))
}

/// Ctrl-C and SIGTERM set the returned flag instead of ending the process.
fn stop_flag() -> Result<Arc<AtomicBool>, Failure> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, stop.clone())
            .map_err(|e| Failure::runtime(format!("cannot install a signal handler: {e}")))?;
    }
    Ok(stop)
}

fn total_sentences(p: &Point) -> u64 {
    p.preset.phases.iter().fold(p.preset.run.sentences, |t, ph| t.saturating_add(ph.sentences))
}

fn local(exe: &Path, grid: &Grid, points: &[Point], dir: &SweepDir, jobs: usize) -> Result<(), Failure> {
    let n = points.len();
    let mut states = point_states(dir, n, None);
    let mut record = fresh_record(dir, grid, points, &states);
    let todo: Vec<usize> =
        (0..n).filter(|&i| !matches!(states[i], PointState::Finished | PointState::Running(_))).collect();
    let finished_before = states.iter().filter(|s| **s == PointState::Finished).count();
    let busy = states.iter().filter(|s| matches!(s, PointState::Running(_))).count();
    dir.write_record(&record)?;
    if todo.is_empty() {
        eprintln!(
            "{finished_before} of {n} points finished{}; nothing to run in {}",
            if busy > 0 { format!(", {busy} running elsewhere") } else { String::new() },
            dir.root.display()
        );
        return Ok(());
    }
    eprintln!(
        "sweep {}: {n} points, {finished_before} finished, {} to run on {} local worker(s) -> {}",
        grid.file,
        todo.len(),
        jobs.min(todo.len()),
        dir.root.display()
    );
    let stop = stop_flag()?;
    let bar = ProgressBar::with_draw_target(Some(n as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {pos}/{len} points  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_position(finished_before as u64);
    let totals: Vec<u64> = points.iter().map(total_sentences).collect();
    let started = Instant::now();
    let mut done_now = finished_before;
    let mut running: Vec<(usize, f64)> = Vec::new();
    let mut failed = 0usize;
    let mut interrupted = 0usize;
    let mut observer = |event: PoolEvent| {
        match event {
            PoolEvent::Started(i) => running.push((i, 0.0)),
            PoolEvent::Tick(fractions) => running = fractions,
            PoolEvent::Ended { index, outcome, elapsed } => {
                running.retain(|(i, _)| *i != index);
                let label = points[index].label();
                let line = match &outcome {
                    Outcome::Finished => {
                        done_now += 1;
                        bar.inc(1);
                        format!("point {index} finished in {:.1} s ({label})", elapsed.as_secs_f64())
                    }
                    Outcome::Failed(why) => {
                        failed += 1;
                        format!("point {index} FAILED ({label}): {why}")
                    }
                    Outcome::Interrupted => {
                        interrupted += 1;
                        format!("point {index} interrupted ({label})")
                    }
                };
                bar.suspend(|| eprintln!("{line}"));
                states[index] = point_state(dir, index, None);
                if let Err(e) = dir.update_states(&mut record, &states) {
                    bar.suspend(|| eprintln!("warning: {e}"));
                }
            }
            PoolEvent::Error { index, message } => {
                failed += 1;
                bar.suspend(|| eprintln!("point {index} could not run: {message}"));
            }
        }
        bar.set_message(rate_message(done_now - finished_before, &running, todo.len(), started.elapsed()));
    };
    run_local(exe, dir, &todo, &totals, jobs, &stop, &mut observer);
    bar.finish_and_clear();
    let states = point_states(dir, n, None);
    dir.update_states(&mut record, &states)?;
    let finished = states.iter().filter(|s| **s == PointState::Finished).count();
    eprintln!(
        "{finished} of {n} points finished in {:.1} s; {}",
        started.elapsed().as_secs_f64(),
        dir.record_file().display()
    );
    if stop.load(Ordering::SeqCst) {
        return Err(Failure::Interrupted {
            message: format!("interrupted: {interrupted} point(s) stopped; rerun the same command to resume"),
            signal: signal_hook::consts::SIGINT,
        });
    }
    if failed > 0 || finished < n {
        return Err(Failure::runtime(format!(
            "{} of {n} points did not finish; `sk-tui sweep status {}` says why, and rerunning resumes",
            n - finished,
            dir.root.display()
        )));
    }
    Ok(())
}

/// `2 running (41%, 12%)  1.3 points/min  ETA 0:04:10`: the rate counts the
/// running points' fractions of their sentences, so the first ETA comes
/// before the first point ends.
fn rate_message(finished: usize, running: &[(usize, f64)], todo: usize, elapsed: Duration) -> String {
    let partial: f64 = running.iter().map(|(_, f)| f).sum();
    let done = finished as f64 + partial;
    let minutes = elapsed.as_secs_f64() / 60.0;
    let fractions: Vec<String> = running.iter().map(|(_, f)| format!("{:.0}%", f * 100.0)).collect();
    let mut msg = format!("{} running ({})", running.len(), fractions.join(", "));
    if done > 0.0 && minutes > 0.0 {
        let rate = done / minutes;
        let eta = ((todo as f64 - done).max(0.0) / rate * 60.0) as u64;
        msg += &format!("  {rate:.2} points/min  ETA {}:{:02}:{:02}", eta / 3600, eta / 60 % 60, eta % 60);
    }
    msg
}

fn one_point(exe: &Path, grid: &Grid, points: &[Point], dir: &SweepDir, index: usize) -> Result<(), Failure> {
    let n = points.len();
    if index >= n {
        return Err(Failure::input(format!(
            "--point {index} is outside [0, {}]: the grid has {n} points",
            n - 1
        )));
    }
    if point_state(dir, index, None) == PointState::Finished {
        eprintln!("point {index} already finished ({})", dir.run_file(index).display());
        return Ok(());
    }
    let stop = stop_flag()?;
    let mut outcome = None;
    run_local(exe, dir, &[index], &[total_sentences(&points[index])], 1, &stop, &mut |e| match e {
        PoolEvent::Ended { outcome: o, .. } => outcome = Some(o),
        PoolEvent::Error { message, .. } => outcome = Some(Outcome::Failed(message)),
        _ => {}
    });
    // Keep sweep.json current; concurrent tasks each write a whole, consistent file.
    if let Ok((_, mut record)) = SweepDir::open(&dir.root) {
        let _ = dir.update_states(&mut record, &point_states(dir, n, None));
    } else {
        let _ = dir.write_record(&fresh_record(dir, grid, points, &point_states(dir, n, None)));
    }
    match outcome {
        Some(Outcome::Finished) => {
            eprintln!("point {index} finished: {}", dir.run_file(index).display());
            Ok(())
        }
        Some(Outcome::Interrupted) => Err(Failure::Interrupted {
            message: format!("point {index} interrupted"),
            signal: signal_hook::consts::SIGINT,
        }),
        Some(Outcome::Failed(why)) => Err(Failure::runtime(format!("point {index} failed: {why}"))),
        None => Err(Failure::runtime(format!("point {index} did not run"))),
    }
}

fn submit_array(
    exe: &Path,
    grid: &Grid,
    points: &[Point],
    dir: &SweepDir,
    options: &SlurmOptions,
) -> Result<(), Failure> {
    let n = points.len();
    let previous = SweepDir::open(&dir.root).ok().map(|(_, r)| r);
    let queue = previous.as_ref().and_then(queue_of);
    let mut states = point_states(dir, n, queue.as_ref());
    let todo: Vec<usize> =
        (0..n).filter(|&i| !(states[i] == PointState::Finished || states[i].is_active())).collect();
    if todo.is_empty() {
        let record = fresh_record(dir, grid, points, &states);
        dir.write_record(&record)?;
        eprintln!(
            "nothing to submit: every point is finished, queued or running ({})",
            dir.record_file().display()
        );
        return Ok(());
    }
    // The points being rerun start afresh: their old status files would hide the queue.
    for &i in &todo {
        let _ = std::fs::remove_file(dir.status_file(i));
    }
    // sweep.json exists before any task can start (tasks check the directory holds their sweep).
    dir.write_record(&fresh_record(dir, grid, points, &point_states(dir, n, None)))?;
    let name = grid.path.file_stem().map_or_else(|| "grid".into(), |s| s.to_string_lossy().into_owned());
    let text = script(exe, &grid.path, &dir.root, &name, options);
    let script_path = dir.script_file();
    let (job_id, array) = submit(&script_path, &text, &todo, options)?;
    for &i in &todo {
        states[i] = PointState::Queued;
    }
    let slurm = SlurmRecord {
        job_id: job_id.clone(),
        array: array.clone(),
        script: script_path.display().to_string(),
        submitted_unix: unix_now(),
    };
    dir.write_record(&dir.record(grid, points, &states, Some(slurm)))?;
    print_out(&format!("{job_id}\n"))?;
    eprintln!(
        "submitted Slurm job {job_id}: --array={array} ({} of {n} points); follow it with `sk-tui sweep status {} --wait`",
        todo.len(),
        dir.root.display()
    );
    Ok(())
}

fn open(dir: &Path) -> Result<(SweepDir, SweepRecord), Failure> {
    SweepDir::open(dir).map_err(|e| Failure::input(e.to_string()))
}

fn status(path: &Path, wait: bool) -> Result<(), Failure> {
    let (dir, mut record) = open(path)?;
    let n = record.points.len();
    let mut last_line = String::new();
    let states = loop {
        let queue = queue_of(&record);
        let states = point_states(&dir, n, queue.as_ref());
        dir.update_states(&mut record, &states)?;
        if !wait || !states.iter().any(PointState::is_active) {
            break states;
        }
        let line = counts(&states);
        if line != last_line {
            eprintln!("waiting: {line}");
            last_line = line;
        }
        std::thread::sleep(Duration::from_secs(2));
    };
    let axes: Vec<String> = record.axes.iter().filter(|a| !a.fixed).map(|a| a.key.clone()).collect();
    let mut header = vec!["point".to_string()];
    header.extend(axes.iter().cloned());
    header.extend(["state".into(), "detail".into()]);
    let mut rows = vec![header];
    for (p, s) in record.points.iter().zip(&states) {
        let mut r = point_cells(p.index, &p.values, &axes);
        r.push(s.name().into());
        r.push(s.detail().unwrap_or_default());
        rows.push(r);
    }
    let mut text = aligned(&rows);
    if let Some(s) = &record.slurm {
        text += &format!("Slurm job {} (--array={}), script {}\n", s.job_id, s.array, s.script);
    }
    text += &format!("{n} points: {}\n", counts(&states));
    print_out(&text)?;
    if wait && states.iter().any(|s| *s != PointState::Finished) {
        return Err(Failure::runtime(format!(
            "{} of {n} points did not finish",
            states.iter().filter(|s| **s != PointState::Finished).count()
        )));
    }
    Ok(())
}

fn counts(states: &[PointState]) -> String {
    let names = ["finished", "running", "queued", "pending", "failed", "interrupted"];
    names
        .iter()
        .map(|name| (name, states.iter().filter(|s| s.name() == *name).count()))
        .filter(|(_, c)| *c > 0)
        .map(|(name, c)| format!("{c} {name}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary(path: &Path, json: bool) -> Result<(), Failure> {
    let (dir, record) = open(path)?;
    let queue = queue_of(&record);
    let states = point_states(&dir, record.points.len(), queue.as_ref());
    let rows = summarize(&dir, &record, &states);
    if json {
        let value =
            serde_json::json!({ "kind": "sweep-summary", "dir": PathBuf::from(path), "points": rows });
        print_out(&(serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"))
    } else {
        let axes: Vec<String> = record.axes.iter().filter(|a| !a.fixed).map(|a| a.key.clone()).collect();
        print_out(&format!(
            "{}tolerance: 4 stderr of the fit + the finite-size bias of the exact expectation (data exponent), \
             or + 10% of the theory (model exponent); see docs/sweeps.md\n",
            table(&rows, &axes)
        ))
    }
}
