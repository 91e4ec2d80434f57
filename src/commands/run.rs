//! `sk-tui run`: train headless and write a run file (docs/recorded-runs.md):
//! JSONL — a `run` header, checkpoints each followed by recent samples,
//! phases, then a summary — or CSV (the header as a `#` comment line, then
//! one row per checkpoint and learner), to stdout or to `--out FILE`.
//!
//! A file is written live: `FILE.partial` grows line by line (flushed after
//! each) and is renamed to `FILE` when the run finishes, so `FILE` only ever
//! holds a finished run. SIGINT, SIGTERM and SIGHUP stop the run at the next
//! batch and leave `FILE.partial` ending in an `interrupted` line (a second
//! signal exits at once). A progress bar (indicatif) goes to stderr when it
//! is a terminal. `--preset` also takes a run file: its header's preset and
//! seed, so the checkpoints come out byte for byte the same.

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sk_tui::engine::DriverOptions;
use sk_tui::engine::driver::default_threads;
use sk_tui::record::csv_row;
use sk_tui::record::line::Record;
use sk_tui::record::reader::partial_path;
use sk_tui::record::recorder::{Event, Outcome, record};

use super::Failure;
use crate::cli::Format;

/// The most threads `--threads` accepts.
const MAX_THREADS: usize = 1024;

pub fn run(
    preset: &str,
    sentences: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    out: Option<&Path>,
    format: Format,
) -> Result<(), Failure> {
    if let Some(t) = threads
        && !(1..=MAX_THREADS).contains(&t)
    {
        return Err(Failure::input(format!("--threads {t} is outside [1, {MAX_THREADS}]")));
    }
    let threads = threads.unwrap_or_else(|| default_threads(false));
    let mut loaded = super::load_preset(preset)?;
    if let Some(n) = sentences {
        loaded.preset = loaded.preset.with_sentences(n).map_err(Failure::input)?;
    }
    let signal = Arc::new(AtomicUsize::new(0));
    let _handlers = catch_signals(&signal)?;
    let mut sink = Sink::open(out, format)?;
    let bar = progress_bar();
    let mut failure: Option<Failure> = None;
    let command: Vec<String> = std::env::args().collect();
    let stop = || signal_name(signal.load(Ordering::Relaxed));
    let options = DriverOptions { sentences, seed, threads: Some(threads), ..Default::default() };
    let outcome = record(&loaded.name, &loaded.preset, &options, command, &stop, &mut |event| {
        let written = match event {
            Event::Line(r) => sink.record(r),
            Event::Progress { sentences, total } => {
                bar.set_length(total);
                bar.set_position(sentences);
                Ok(())
            }
        };
        written.map_or_else(
            |e| {
                // Nobody is reading (or the disk is full): stop training.
                failure = Some(e);
                ControlFlow::Break(())
            },
            ControlFlow::Continue,
        )
    });
    bar.finish_and_clear();
    if let Some(f) = failure {
        return Err(f);
    }
    match outcome {
        Outcome::Finished(summary) => {
            let target = sink.finish()?;
            eprintln!(
                "done: {} sentences, {} checkpoints in {:.1} s ({:.0} sentences/s) on {threads} learner thread{}{}",
                summary.sentences,
                summary.checkpoints,
                summary.elapsed_seconds,
                summary.sentences_per_second,
                if threads == 1 { "" } else { "s" },
                target.map(|p| format!(" -> {}", p.display())).unwrap_or_default()
            );
            Ok(())
        }
        Outcome::Interrupted(i) => {
            let kept = sink.keep_partial();
            let number = signal.load(Ordering::Relaxed) as i32;
            Err(Failure::Interrupted {
                message: format!(
                    "interrupted by {} after {} sentences{}",
                    i.signal,
                    i.sentences,
                    kept.map(|p| format!("; the partial run is in {}", p.display())).unwrap_or_default()
                ),
                signal: number,
            })
        }
        Outcome::SinkStopped => Ok(()),
    }
}

/// SIGINT, SIGTERM and SIGHUP set `signal` to their number; a second one
/// while it is set exits at once.
fn catch_signals(signal: &Arc<AtomicUsize>) -> Result<Vec<signal_hook::SigId>, Failure> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut ids = Vec::new();
    let fail = |e: std::io::Error| Failure::runtime(format!("cannot install signal handlers: {e}"));
    for s in [SIGINT, SIGTERM, SIGHUP] {
        let flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
        ids.push(signal_hook::flag::register_conditional_shutdown(s, 128 + s, flag.clone()).map_err(fail)?);
        ids.push(signal_hook::flag::register(s, flag).map_err(fail)?);
        ids.push(signal_hook::flag::register_usize(s, signal.clone(), s as usize).map_err(fail)?);
    }
    Ok(ids)
}

fn signal_name(n: usize) -> Option<&'static str> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    match n as i32 {
        0 => None,
        SIGINT => Some("SIGINT"),
        SIGTERM => Some("SIGTERM"),
        SIGHUP => Some("SIGHUP"),
        _ => Some("a signal"),
    }
}

/// `[####      ]  45%  4.5M/10M sentences  1.2 M sentences/s  ETA 0:12`
/// on stderr when it is a terminal (indicatif draws nothing otherwise). The
/// ETA shows once two seconds have given the rate a base to stand on.
fn progress_bar() -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(10));
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let style = ProgressStyle::with_template(
        "[{bar:30}] {percent:>3}%  {human_pos}/{human_len} sentences  {rate} sentences/s  ETA {eta_settled}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("## ")
    .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = write!(w, "{:.2} M", s.per_sec() / 1e6);
    })
    .with_key("eta_settled", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
        if s.elapsed() < Duration::from_secs(2) || s.pos() == 0 {
            let _ = write!(w, "-");
        } else {
            let secs = s.eta().as_secs();
            let _ = write!(w, "{}:{:02}", secs / 60, secs % 60);
        }
    });
    bar.set_style(style);
    bar
}

/// Where the lines go: a stream (stdout, or a target that exists and is not
/// a regular file: a device, a FIFO) written in place, or `FILE.partial`
/// renamed to `FILE` at the end.
struct Sink {
    out: Out,
    format: Format,
    /// Whether the CSV column names are written.
    csv_started: bool,
}

enum Out {
    Stream(std::io::BufWriter<Box<dyn Write>>),
    File { partial: PathBuf, target: PathBuf, file: std::io::BufWriter<std::fs::File> },
}

impl Sink {
    fn open(out: Option<&Path>, format: Format) -> Result<Sink, Failure> {
        let stream = |w: Box<dyn Write>| Out::Stream(std::io::BufWriter::new(w));
        let out = match out {
            None => stream(Box::new(std::io::stdout())),
            Some(target) if target.is_dir() => {
                return Err(Failure::input(format!(
                    "--out {} is a directory; name a file",
                    target.display()
                )));
            }
            Some(target) => {
                let cannot =
                    |e: std::io::Error| Failure::input(format!("cannot write {}: {e}", target.display()));
                if target.exists() && !target.is_file() {
                    stream(Box::new(std::fs::OpenOptions::new().write(true).open(target).map_err(cannot)?))
                } else {
                    if target.file_name().is_none() {
                        return Err(Failure::input(format!("--out {} names no file", target.display())));
                    }
                    let partial = partial_path(target);
                    // A new file, not the old one truncated: a viewer
                    // following an unfinished run here sees it restart.
                    if let Err(e) = std::fs::remove_file(&partial)
                        && e.kind() != std::io::ErrorKind::NotFound
                    {
                        return Err(cannot(e));
                    }
                    let file = std::fs::File::create(&partial).map_err(cannot)?;
                    Out::File { partial, target: target.to_path_buf(), file: std::io::BufWriter::new(file) }
                }
            }
        };
        Ok(Sink { out, format, csv_started: false })
    }

    fn writer(&mut self) -> &mut dyn Write {
        match &mut self.out {
            Out::Stream(w) => w,
            Out::File { file, .. } => file,
        }
    }

    /// Writes a line of the run file and flushes it, so readers see whole lines.
    fn record(&mut self, r: &Record) -> Result<(), Failure> {
        let text = match (self.format, r) {
            (Format::Jsonl, _) => Some(r.to_json()),
            (Format::Csv, Record::Run(_) | Record::Interrupted(_)) => Some(format!("# {}", r.to_json())),
            (Format::Csv, Record::Checkpoint(c)) => {
                let mut bytes = Vec::new();
                let mut csv =
                    csv::WriterBuilder::new().has_headers(!self.csv_started).from_writer(&mut bytes);
                for row in csv_row::rows(c) {
                    csv.serialize(row).map_err(|e| Failure::runtime(format!("writing CSV: {e}")))?;
                }
                csv.flush().map_err(Failure::writing)?;
                drop(csv);
                self.csv_started = true;
                self.writer().write_all(&bytes).map_err(Failure::writing)?;
                None
            }
            (Format::Csv, _) => None,
        };
        let w = self.writer();
        if let Some(t) = text {
            writeln!(w, "{t}").map_err(Failure::writing)?;
        }
        w.flush().map_err(Failure::writing)
    }

    /// Flushes and, for a file, renames `FILE.partial` to `FILE`.
    fn finish(mut self) -> Result<Option<PathBuf>, Failure> {
        match &mut self.out {
            Out::Stream(w) => {
                w.flush().map_err(Failure::writing)?;
                Ok(None)
            }
            Out::File { partial, target, file } => {
                let fail = |what: &Path, e: std::io::Error| {
                    Failure::runtime(format!("writing {}: {e}", what.display()))
                };
                file.flush().map_err(|e| fail(partial, e))?;
                file.get_ref().sync_all().map_err(|e| fail(partial, e))?;
                std::fs::rename(&partial, &target).map_err(|e| fail(target, e))?;
                Ok(Some(target.clone()))
            }
        }
    }

    /// After an interruption: flushes, and names the partial file left.
    fn keep_partial(mut self) -> Option<PathBuf> {
        let _ = self.writer().flush();
        match &self.out {
            Out::File { partial, .. } => Some(partial.clone()),
            Out::Stream(_) => None,
        }
    }
}
