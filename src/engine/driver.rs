//! Runs the engine on its own thread behind two crossbeam channels
//! (`Control` in, `Update` out), or headless on the caller's thread.
//!
//! The engine thread never blocks on a slow reader: updates wait in an
//! outbox that is flushed with `try_send`; when it grows past its bound,
//! progress and samples are coalesced to the latest and then the oldest
//! updates are dropped and counted (`Progress::dropped`). Control is checked
//! between batches sized to take about 5 ms, so `Stop` is answered well
//! within 100 ms. A panic in the engine becomes `Update::Error` and the
//! thread waits for a restart or stop.
//!
//! A paced live run (`[run] pace = "all"`) goes at the slowest learner's
//! speed without blocking on it: when a learner on its own thread must catch
//! up, `advance` returns early and the thread waits for that learner at most
//! `PACE_SLICE` before it looks at its controls again, so pause, restart and
//! stop stay as prompt as when nothing waits.

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError, bounded};

use crate::config::{LoadedPreset, Preset};

use super::batch_size::BatchSize;
use super::checkpoint::Summary;
use super::messages::{Control, Progress, Update};
use super::run::{Engine, Step};

/// How the engine is driven.
#[derive(Clone, Debug, Default)]
pub struct DriverOptions {
    /// Live: time-based checkpoints, progress and samples a few times a second.
    pub live: bool,
    /// Overrides `[run] sentences`.
    pub sentences: Option<u64>,
    /// Overrides `[run] seed`.
    pub seed: Option<u64>,
    /// Threads for the Bayes and capped learners (output unchanged by it);
    /// `None`: every core for `run_headless`, all but one for `spawn` (the
    /// caller's thread, the UI's, keeps a core).
    pub threads: Option<usize>,
    /// For tests: the engine panics after this many sentences.
    #[doc(hidden)]
    pub panic_at: Option<u64>,
}

/// The UI's end of a running engine thread.
pub struct EngineHandle {
    pub control: Sender<Control>,
    pub updates: Receiver<Update>,
    thread: Option<JoinHandle<()>>,
}

impl EngineHandle {
    /// Stops the engine and waits for its thread.
    pub fn shutdown(mut self) {
        let _ = self.control.send(Control::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for EngineHandle {
    fn drop(&mut self) {
        let _ = self.control.send(Control::Stop);
    }
}

/// Capacity of the update channel; the outbox behind it holds this many more.
pub const UPDATE_CAPACITY: usize = 256;
const OUTBOX_BOUND: usize = 1024;
const PROGRESS_EVERY: Duration = Duration::from_millis(200);
const TIMED_CHECKPOINT_EVERY: Duration = Duration::from_millis(500);
const SAMPLES_EVERY: Duration = Duration::from_millis(700);
const BATCH_TARGET: Duration = Duration::from_millis(5);
/// Longest wait for a learner to catch up between two looks at the controls.
pub const PACE_SLICE: Duration = Duration::from_millis(10);

/// Threads for the learners when none are asked for: the machine's cores,
/// less one for the UI thread in a live run.
pub fn default_threads(live: bool) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if live { cores.saturating_sub(1).max(1) } else { cores }
}

/// Starts the engine thread.
pub fn spawn(preset: LoadedPreset, options: DriverOptions) -> EngineHandle {
    let (control_tx, control_rx) = bounded::<Control>(64);
    let (update_tx, update_rx) = bounded::<Update>(UPDATE_CAPACITY);
    let thread = std::thread::Builder::new()
        .name("sk-engine".into())
        .spawn(move || EngineThread::new(preset, options, control_rx, update_tx).run())
        .expect("spawning the engine thread");
    EngineHandle { control: control_tx, updates: update_rx, thread: Some(thread) }
}

struct EngineThread {
    name: String,
    first: Option<Preset>,
    /// The preset of the run started last (kept when its engine fails).
    current: Option<Preset>,
    options: DriverOptions,
    control: Receiver<Control>,
    updates: Sender<Update>,
    outbox: VecDeque<Update>,
    dropped: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Running,
    Paused,
    /// Finished, failed, or waiting for a restart.
    Idle,
}

impl EngineThread {
    fn new(
        preset: LoadedPreset,
        options: DriverOptions,
        control: Receiver<Control>,
        updates: Sender<Update>,
    ) -> Self {
        EngineThread {
            name: preset.name,
            first: Some(preset.preset),
            current: None,
            options,
            control,
            updates,
            outbox: VecDeque::new(),
            dropped: 0,
        }
    }

    fn run(mut self) {
        let Some(preset) = self.first.take() else { return };
        let mut engine = self.start(&preset);
        let mut state = if engine.is_some() { State::Running } else { State::Idle };
        let mut clock = Clock::new();
        loop {
            // Control: block briefly while paused or idle, poll while running.
            let command = if state == State::Running {
                self.control.try_recv().ok()
            } else {
                match self.control.recv_timeout(Duration::from_millis(50)) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            };
            if let Some(c) = command {
                if !self.obey(c, &mut engine, &mut state) {
                    return;
                }
                if let Some(e) = &engine {
                    clock.rate = RateMeter::new(e.sentences());
                }
            }
            self.flush();
            let Some(e) = engine.as_mut() else { continue };
            if state != State::Running {
                continue;
            }
            match self.step(e, &mut clock) {
                Ok(finished) => {
                    if finished {
                        state = State::Idle;
                    }
                }
                Err(msg) => {
                    self.post(Update::Error(format!("the engine failed: {msg}")));
                    engine = None;
                    state = State::Idle;
                    self.flush();
                }
            }
        }
    }

    /// Carries out a control command; false for `Stop`.
    fn obey(&mut self, c: Control, engine: &mut Option<Engine>, state: &mut State) -> bool {
        match c {
            Control::Stop => return false,
            Control::Pause if *state == State::Running => *state = State::Paused,
            Control::Resume if *state == State::Paused => *state = State::Running,
            Control::Pause | Control::Resume => {}
            Control::Restart(p) => {
                // Stop the old run's learners before building the new ones.
                drop(engine.take());
                *engine = self.start(&p);
                *state = if engine.is_some() { State::Running } else { State::Idle };
            }
            Control::Apply(g) => {
                let mut p = self.current.clone().unwrap_or_default();
                p.generator = *g;
                drop(engine.take());
                *engine = self.start(&p);
                *state = if engine.is_some() { State::Running } else { State::Idle };
            }
            Control::FineTune(ft) => {
                if let Some(e) = engine.as_mut() {
                    match e.fine_tune(ft.generator, ft.phase) {
                        Ok(()) => *state = State::Running,
                        Err(err) => self.post(Update::Error(err.to_string())),
                    }
                }
            }
        }
        if self.options.live
            && let Some(e) = &engine
        {
            let p = self.progress(e, 0.0, *state == State::Paused);
            self.post(Update::Progress(p));
        }
        true
    }

    /// Advances the running engine by one batch and posts what it produced;
    /// true when the run finished, the panic's message if the engine failed.
    fn step(&mut self, e: &mut Engine, clock: &mut Clock) -> Result<bool, String> {
        let started = Instant::now();
        let before = e.sentences();
        let panic_at = self.options.panic_at;
        let live = self.options.live;
        let want_timed = live && clock.last_timed.elapsed() >= TIMED_CHECKPOINT_EVERY;
        let want_samples = live && clock.last_samples.elapsed() >= SAMPLES_EVERY;
        // Everything that touches the engine runs under catch_unwind.
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if panic_at.is_some_and(|n| e.sentences() + clock.batch.get() >= n) {
                panic!("injected engine fault at {} sentences", e.sentences());
            }
            let step = e.advance(clock.batch.get());
            // Not while a paced checkpoint waits: its window is not closed yet.
            let timed = (want_timed && step == Step::Running && !e.checkpoint_due()).then(|| e.peek());
            let samples = (want_samples || step == Step::Finished).then(|| e.samples());
            (step, timed, samples)
        }));
        let (step, timed, samples) = match outcome {
            Ok(parts) => parts,
            Err(payload) => {
                return Err(payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unknown panic".into()));
            }
        };
        // Aim for batches of ~5 ms.
        let done = e.sentences() - before;
        let cut_short = step == Step::Running && done != clock.batch.get();
        clock.batch.adapt(done, started.elapsed());
        if let Some(c) = timed {
            clock.last_timed = Instant::now();
            self.post(Update::Checkpoint(Box::new(c)));
        }
        if let Some(s) = samples {
            clock.last_samples = Instant::now();
            self.post(Update::Samples(s));
        }
        let finished = step == Step::Finished;
        match step {
            Step::Running => {}
            Step::Checkpoint(c) => {
                clock.last_timed = Instant::now();
                self.post(Update::Checkpoint(c));
            }
            Step::Phase { index, name } => self.post(Update::Phase { index, name }),
            Step::Finished => {
                let sentences = e.sentences();
                let p = self.progress(e, 0.0, false);
                self.post(Update::Progress(p));
                self.post(Update::Finished { sentences });
            }
        }
        if cut_short && e.learners_behind() {
            e.wait_for_learners(PACE_SLICE);
        }
        if live && clock.last_progress.elapsed() >= PROGRESS_EVERY {
            clock.last_progress = Instant::now();
            let r = clock.rate.rate(e.sentences());
            let p = self.progress(e, r, false);
            self.post(Update::Progress(p));
        }
        Ok(finished)
    }

    /// Builds an engine for a preset, or reports why it cannot.
    fn start(&mut self, preset: &Preset) -> Option<Engine> {
        if let Err(list) = preset.checked() {
            self.post(Update::Error(format!("not started: {list}")));
            return None;
        }
        self.current = Some(preset.clone());
        let (sentences, seed) = (self.options.sentences, self.options.seed);
        let built = catch_unwind(AssertUnwindSafe(|| Engine::new(preset, sentences, seed)));
        let Ok(mut engine) = built else {
            self.post(Update::Error(
                "the engine failed to start on this preset (a bug: please report it)".into(),
            ));
            return None;
        };
        engine.set_live(self.options.live);
        engine.set_threads(self.options.threads.unwrap_or_else(|| default_threads(true)));
        self.post(Update::Started(Box::new(engine.run_info(&self.name))));
        Some(engine)
    }

    fn progress(&self, e: &Engine, sentences_per_second: f64, paused: bool) -> Progress {
        Progress { sentences: e.sentences(), sentences_per_second, paused, dropped: self.dropped }
    }

    /// Queues an update; never blocks.
    fn post(&mut self, u: Update) {
        self.outbox.push_back(u);
        self.flush();
        if self.outbox.len() > OUTBOX_BOUND {
            self.coalesce();
        }
    }

    fn flush(&mut self) {
        while let Some(u) = self.outbox.pop_front() {
            match self.updates.try_send(u) {
                Ok(()) => {}
                Err(TrySendError::Full(u)) => {
                    self.outbox.push_front(u);
                    return;
                }
                Err(TrySendError::Disconnected(_)) => {
                    self.outbox.clear();
                    return;
                }
            }
        }
    }

    /// Keeps only the newest progress and samples, then drops the oldest.
    fn coalesce(&mut self) {
        let before = self.outbox.len();
        let last_progress = self.outbox.iter().rposition(|u| matches!(u, Update::Progress(_)));
        let last_samples = self.outbox.iter().rposition(|u| matches!(u, Update::Samples(_)));
        let mut i = 0;
        self.outbox.retain(|u| {
            let keep = match u {
                Update::Progress(_) => Some(i) == last_progress,
                Update::Samples(_) => Some(i) == last_samples,
                _ => true,
            };
            i += 1;
            keep
        });
        while self.outbox.len() > OUTBOX_BOUND / 2 {
            self.outbox.pop_front();
        }
        self.dropped += (before - self.outbox.len()) as u64;
    }
}

/// Sentences per second over the last few seconds.
/// The live loop's batch size and clocks, kept from step to step.
struct Clock {
    batch: BatchSize,
    last_progress: Instant,
    last_timed: Instant,
    last_samples: Instant,
    rate: RateMeter,
}

impl Clock {
    fn new() -> Self {
        let now = Instant::now();
        Clock {
            batch: BatchSize::new(1024, BATCH_TARGET),
            last_progress: now,
            last_timed: now,
            last_samples: now,
            rate: RateMeter::new(0),
        }
    }
}

struct RateMeter {
    marks: VecDeque<(Instant, u64)>,
}

impl RateMeter {
    fn new(sentences: u64) -> Self {
        RateMeter { marks: VecDeque::from([(Instant::now(), sentences)]) }
    }

    fn rate(&mut self, sentences: u64) -> f64 {
        let now = Instant::now();
        self.marks.push_back((now, sentences));
        while self.marks.len() > 2 && now.duration_since(self.marks[0].0) > Duration::from_secs(3) {
            self.marks.pop_front();
        }
        let (t0, n0) = self.marks[0];
        let dt = now.duration_since(t0).as_secs_f64();
        if dt > 0.0 { (sentences - n0) as f64 / dt } else { 0.0 }
    }
}

/// Runs a preset to the end on this thread: checkpoints, phase changes and
/// the finish go to `sink` in order; the sink can stop the run early (its
/// reader has gone). Returns the summary of what was run.
pub fn run_headless(
    preset: &LoadedPreset,
    options: &DriverOptions,
    sink: &mut dyn FnMut(Update) -> ControlFlow<()>,
) -> Summary {
    let mut engine = Engine::new(&preset.preset, options.sentences, options.seed);
    engine.set_threads(options.threads.unwrap_or_else(|| default_threads(options.live)));
    let start = Instant::now();
    let mut checkpoints = 0;
    let mut flow = sink(Update::Started(Box::new(engine.run_info(&preset.name))));
    while flow.is_continue() {
        flow = match engine.advance(1 << 16) {
            Step::Running => ControlFlow::Continue(()),
            Step::Checkpoint(c) => {
                checkpoints += 1;
                sink(Update::Checkpoint(c))
            }
            Step::Phase { index, name } => sink(Update::Phase { index, name }),
            Step::Finished => break,
        };
        if flow.is_continue() {
            flow = sink(Update::Progress(Progress {
                sentences: engine.sentences(),
                sentences_per_second: engine.sentences() as f64 / start.elapsed().as_secs_f64().max(1e-9),
                paused: false,
                dropped: 0,
            }));
        }
    }
    if flow.is_continue() {
        let _ = sink(Update::Samples(engine.samples()));
        let _ = sink(Update::Finished { sentences: engine.sentences() });
    }
    engine.summary(checkpoints, start.elapsed().as_secs_f64())
}
