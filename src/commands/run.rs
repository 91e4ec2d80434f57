//! `sk-tui run`: train headless. JSONL (one line per checkpoint, then a
//! summary) or CSV (one row per checkpoint and learner) to stdout or to a
//! file written atomically; a progress bar on stderr when it is a terminal.

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sk_tui::config::resolve_preset;
use sk_tui::engine::driver::default_threads;
use sk_tui::engine::{Checkpoint, DriverOptions, Update, run_headless};

use super::Failure;
use crate::cli::Format;

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
    if let Some(n) = sentences
        && !(1..=1_000_000_000_000).contains(&n)
    {
        return Err(Failure::input(format!("--sentences {n} is outside [1, 10^12]")));
    }
    let loaded = resolve_preset(preset)?;
    let mut sink = Sink::open(out)?;
    let options = DriverOptions { live: false, sentences, seed, threads, panic_at: None };
    let mut bar = std::io::stderr().is_terminal().then(ProgressBar::new);
    let mut total = 0u64;
    let mut failure: Option<Failure> = None;
    let mut header = format == Format::Csv;
    let summary = run_headless(&loaded, &options, &mut |u| {
        let written = match &u {
            Update::Started(info) => {
                total = info.total_sentences;
                Ok(())
            }
            Update::Checkpoint(c) => match format {
                Format::Jsonl => sink.line(&serde_json::to_string(c).unwrap_or_default()),
                Format::Csv => {
                    let mut r = Ok(());
                    if std::mem::take(&mut header) {
                        r = sink.line(CSV_HEADER);
                    }
                    r.and_then(|_| csv_rows(c).iter().try_for_each(|row| sink.line(row)))
                }
            },
            Update::Progress(p) => {
                if let Some(b) = bar.as_mut() {
                    b.draw(p.sentences, total);
                }
                Ok(())
            }
            _ => Ok(()),
        };
        match written {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                // Nobody is reading (or the disk is full): stop training.
                failure = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    if let Some(b) = bar.as_mut() {
        b.clear();
    }
    if let Some(f) = failure {
        return if f.code == BROKEN_PIPE { Ok(()) } else { Err(f) };
    }
    let finished = if format == Format::Jsonl {
        sink.line(&serde_json::to_string(&summary).unwrap_or_default())
    } else {
        Ok(())
    };
    let target = match finished.and_then(|_| sink.finish()) {
        Ok(target) => target,
        Err(f) if f.code == BROKEN_PIPE => return Ok(()),
        Err(f) => return Err(f),
    };
    let threads = threads.unwrap_or_else(|| default_threads(false));
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

/// The most threads `--threads` accepts.
const MAX_THREADS: usize = 1024;

/// A stream (stdout, or a target that exists and is not a regular file: a
/// device, a FIFO) written in place; or a temporary file renamed over the
/// target at the end.
enum Sink {
    Stream(std::io::BufWriter<Box<dyn Write>>),
    File { tmp: PathBuf, target: PathBuf, file: std::io::BufWriter<std::fs::File> },
}

/// A failure code that means "the reader went away": not an error.
const BROKEN_PIPE: i32 = -1;

/// A failed write: a closed pipe is the reader going away, anything else a runtime failure.
fn write_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure { message: "broken pipe".into(), code: BROKEN_PIPE }
    } else {
        Failure::runtime(format!("writing output: {e}"))
    }
}

impl Sink {
    fn open(out: Option<&Path>) -> Result<Sink, Failure> {
        let stream = |w: Box<dyn Write>| Ok(Sink::Stream(std::io::BufWriter::new(w)));
        let Some(target) = out else { return stream(Box::new(std::io::stdout())) };
        if target.is_dir() {
            return Err(Failure::input(format!("--out {} is a directory; name a file", target.display())));
        }
        let cannot = |e: std::io::Error| Failure::input(format!("cannot write {}: {e}", target.display()));
        if target.exists() && !target.is_file() {
            return stream(Box::new(std::fs::OpenOptions::new().write(true).open(target).map_err(cannot)?));
        }
        let name = target
            .file_name()
            .ok_or_else(|| Failure::input(format!("--out {} names no file", target.display())))?;
        let tmp = target.with_file_name(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
        let file = std::fs::File::create(&tmp).map_err(cannot)?;
        Ok(Sink::File { tmp, target: target.to_path_buf(), file: std::io::BufWriter::new(file) })
    }

    fn line(&mut self, text: &str) -> Result<(), Failure> {
        match self {
            Sink::Stream(w) => writeln!(w, "{text}"),
            Sink::File { file, .. } => writeln!(file, "{text}"),
        }
        .map_err(write_failure)
    }

    fn finish(mut self) -> Result<Option<PathBuf>, Failure> {
        match &mut self {
            Sink::Stream(w) => {
                w.flush().map_err(write_failure)?;
                Ok(None)
            }
            Sink::File { tmp, target, file } => {
                let fail = |what: &Path, e: std::io::Error| {
                    Failure::runtime(format!("writing {}: {e}", what.display()))
                };
                file.flush().map_err(|e| fail(tmp, e))?;
                file.get_ref().sync_all().map_err(|e| fail(tmp, e))?;
                std::fs::rename(&tmp, &target).map_err(|e| fail(target, e))?;
                Ok(Some(target.clone()))
            }
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if let Sink::File { tmp, .. } = self {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

const CSV_HEADER: &str = "phase,sentences,tokens,distinct_entities,learner,type,model_bits,params,sentences_seen,\
loss_bits_per_token,excess_bits_per_token,excess_bits_per_sentence,excess_syntax,excess_identity,excess_fact,\
error_rate,confident_error_rate,data_exponent,data_exponent_stderr,model_exponent,theory_data_exponent,\
theory_model_exponent,expected_distinct_entities,expected_fact_excess,memorized";

fn csv_rows(c: &Checkpoint) -> Vec<String> {
    let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    c.learners
        .iter()
        .map(|l| {
            let memorized: Vec<String> = l.memorized.iter().map(|m| format!("{m}")).collect();
            format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                c.phase,
                c.sentences,
                c.tokens,
                c.distinct_entities,
                csv_text(&l.name),
                l.kind,
                l.model_bits,
                l.params,
                l.sentences_seen,
                l.loss_bits_per_token,
                l.excess_bits_per_token,
                l.excess_bits_per_sentence,
                l.excess_by_part.syntax,
                l.excess_by_part.identity,
                l.excess_by_part.fact,
                l.error_rate,
                l.confident_error_rate,
                opt(l.data_exponent.map(|f| f.value)),
                opt(l.data_exponent.map(|f| f.stderr)),
                opt(c.fits.model_exponent.map(|f| f.value)),
                c.theory.data_exponent,
                c.theory.model_exponent,
                c.theory.expected_distinct_entities,
                opt(c.theory.expected_fact_excess),
                memorized.join(";")
            )
        })
        .collect()
}

fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// `[#####     ]  45%  1.2 M sentences/s  ETA 0:12` on stderr.
struct ProgressBar {
    start: Instant,
    last: Instant,
}

impl ProgressBar {
    fn new() -> Self {
        ProgressBar { start: Instant::now(), last: Instant::now() - std::time::Duration::from_secs(1) }
    }

    fn draw(&mut self, done: u64, total: u64) {
        if self.last.elapsed().as_millis() < 100 {
            return;
        }
        self.last = Instant::now();
        let frac = if total == 0 { 0.0 } else { (done as f64 / total as f64).min(1.0) };
        let width = 30;
        let filled = (frac * width as f64) as usize;
        let secs = self.start.elapsed().as_secs_f64();
        let rate = done as f64 / secs.max(1e-9);
        let eta = if rate > 0.0 { (total.saturating_sub(done)) as f64 / rate } else { 0.0 };
        eprint!(
            "\r[{}{}] {:>3.0}%  {:.2} M sentences/s  ETA {}:{:02} ",
            "#".repeat(filled),
            " ".repeat(width - filled),
            frac * 100.0,
            rate / 1e6,
            (eta / 60.0) as u64,
            (eta % 60.0) as u64
        );
    }

    fn clear(&mut self) {
        eprint!("\r{}\r", " ".repeat(72));
    }
}
