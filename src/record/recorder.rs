//! Drives the engine headless and hands every line of the run file to a
//! sink, in order: the header, then checkpoints each followed by its samples,
//! phases as they begin, and a summary — or, when `stop` names a signal, an
//! `interrupted` line instead. Progress goes to the sink too (not a line).

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use crate::config::Preset;
use crate::engine::batch_size::BatchSize;
use crate::engine::driver::default_threads;
use crate::engine::{DriverOptions, Engine, Sample, Step, Summary};

use super::line::{Interrupted, PhaseLine, Record, RunHeader, SamplesLine};

/// What the recorder hands to its sink.
pub enum Event<'a> {
    /// A line of the run file.
    Line(&'a Record),
    /// Sentences so far of `total`, after every batch.
    Progress { sentences: u64, total: u64 },
}

/// Sentences in the first batch between two looks at `stop`, and the time a
/// batch aims at (`BatchSize`: 25 to 100 ms). The engine bench drives the
/// engine with them too, so it measures the pace `run` gets.
pub const FIRST_BATCH: u64 = 1 << 14;
pub const BATCH_TIME: Duration = Duration::from_millis(50);

/// How a recording ended.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// The schedule is complete; the summary was the last line.
    Finished(Summary),
    /// A signal stopped it; the `interrupted` line was the last.
    Interrupted(Interrupted),
    /// The sink asked to stop (its reader went away); nothing more was written.
    SinkStopped,
}

/// Runs `preset` (already checked, overrides applied by `Engine::new`)
/// with `options`' sentences, seed and learner threads (every core when
/// unset; the output is the same for any count).
pub fn record(
    preset_name: &str,
    preset: &Preset,
    options: &DriverOptions,
    command: Vec<String>,
    stop: &dyn Fn() -> Option<&'static str>,
    sink: &mut dyn FnMut(Event) -> ControlFlow<()>,
) -> Outcome {
    let mut engine = Engine::new(preset, options.sentences, options.seed);
    engine.set_threads(options.threads.unwrap_or_else(|| default_threads(false)));
    let start = Instant::now();
    let total = engine.total_sentences();
    let mut checkpoints = 0u64;
    let mut last_sample: Option<Sample> = None;
    let mut batch = BatchSize::new(FIRST_BATCH, BATCH_TIME);
    let line = |r: Record, sink: &mut dyn FnMut(Event) -> ControlFlow<()>| sink(Event::Line(&r));
    if line(Record::Run(Box::new(RunHeader::new(preset_name, engine.preset(), command))), sink).is_break() {
        return Outcome::SinkStopped;
    }
    loop {
        if let Some(signal) = stop() {
            let i = Interrupted {
                kind: "interrupted".into(),
                signal: signal.into(),
                sentences: engine.sentences(),
                tokens: engine.tokens(),
                checkpoints,
            };
            let _ = line(Record::Interrupted(i.clone()), sink);
            return Outcome::Interrupted(i);
        }
        let (began, before) = (Instant::now(), engine.sentences());
        let flow = match engine.advance(batch.get()) {
            Step::Running => ControlFlow::Continue(()),
            Step::Checkpoint(c) => {
                checkpoints += 1;
                let n = c.sentences;
                match line(Record::Checkpoint(c), sink) {
                    ControlFlow::Continue(()) => match new_samples(&mut last_sample, engine.samples()) {
                        Some(fresh) => line(Record::Samples(SamplesLine::new(n, &fresh)), sink),
                        None => ControlFlow::Continue(()),
                    },
                    stop => stop,
                }
            }
            Step::Phase { index, name } => line(
                Record::Phase(PhaseLine { kind: "phase".into(), index, name, sentences: engine.sentences() }),
                sink,
            ),
            Step::Finished => break,
        };
        batch.adapt(engine.sentences() - before, began.elapsed());
        if flow.is_break() || sink(Event::Progress { sentences: engine.sentences(), total }).is_break() {
            return Outcome::SinkStopped;
        }
    }
    let summary = engine.summary(checkpoints, start.elapsed().as_secs_f64());
    if line(Record::Summary(summary.clone()), sink).is_break() {
        return Outcome::SinkStopped;
    }
    Outcome::Finished(summary)
}

/// The samples after the last one recorded (the engine keeps a ring of
/// recent sentences; each is recorded once), or `None` when none is new.
fn new_samples(last: &mut Option<Sample>, mut recent: Vec<Sample>) -> Option<Vec<Sample>> {
    let same = |a: &Sample, b: &Sample| a.words == b.words && a.rank == b.rank && a.fact == b.fact;
    if let Some(l) = last.as_ref()
        && let Some(i) = recent.iter().rposition(|s| same(s, l))
    {
        recent.drain(..=i);
    }
    *last = recent.last().cloned().or(last.take());
    (!recent.is_empty()).then_some(recent)
}
