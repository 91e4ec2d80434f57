//! The per-sentence learner loop, on every core (issue 12). Learners are
//! independent given the sentence stream, so the engine's thread draws the
//! sentences in batches and the learners on the engine's thread (the
//! "lanes": Bayes and capped) observe each batch on up to `threads` threads,
//! one learner per task, while the next batch is drawn. The helper threads
//! are started once and kept (a rayon pool), and meet at a barrier that
//! waits awake before it sleeps (`engine/barrier.rs`): a batch takes a few
//! hundred microseconds, and a thread's start or wake-up is a good share of
//! that.
//!
//! Determinism: every lane sees every sentence in stream order and sums its
//! own window, whichever thread runs it, so the output is the same byte for
//! byte for any thread count. (A learner that multiplies its sentences'
//! probabilities a run at a time aligns its runs to its window, not to the
//! batches.)
//!
//! Shared work: the syntax model of every Bayes and capped learner is the
//! same model trained on the same sentences, so one copy here scores and
//! trains on each sentence once, and each such lane's window adds its bits
//! (`Learner::observe_run_shared` leaves the syntax part out).

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};

use crate::learn::Learner;
use crate::learn::log2::Log2Product;
use crate::learn::odds::RUN;
use crate::learn::predictive::SyntaxModel;
use crate::sk::{Bits, GeneratorParams, Sentence, Statement};

use super::barrier::Barrier;
use super::worker::Window;

/// Sentences per batch: large enough that a step's synchronisation is a
/// small share of its work, small enough to stay in cache for every lane.
pub const BATCH: usize = 2048;

/// A learner run by the crew, with the window it sums into.
pub struct Lane<'a> {
    pub learner: &'a mut dyn Learner,
    pub window: &'a mut Window,
}

/// Sentences drawn, and what they state: the lanes of Bayes and capped
/// learners read only the statements, 24 bytes a sentence, so the lines of
/// the sentences, which the next draw overwrites, stay in the drawing
/// thread's cache (on two threads the draw ran 1.5 x slower while another
/// core read the sentences).
#[derive(Default)]
struct Batch {
    sentences: Vec<Sentence>,
    statements: Vec<Statement>,
    len: usize,
    /// Whether the crew's shared window summed them (some lane shares the
    /// syntax model).
    shared: bool,
}

/// What the window of every lane that shares the syntax model sums of the
/// stream besides the learner's own bits, summed once for all of them:
/// sentences, tokens and the oracle's bits one sentence at a time, the
/// shared syntax model's bits as the product of the window's probabilities,
/// multiplied a run of [`RUN`] sentences at a time (runs counted from the
/// window's start), its logarithm taken when the window is read.
#[derive(Clone, Debug)]
pub struct SharedWindow {
    model: SyntaxModel,
    window: Window,
    /// The product of the syntax probabilities of the window's runs.
    product: Log2Product,
    /// The probabilities of the sentences of the run not yet multiplied in.
    pending: Vec<f64>,
}

impl SharedWindow {
    pub fn new(p: &GeneratorParams) -> Self {
        SharedWindow {
            model: SyntaxModel::new(p),
            window: Window::default(),
            product: Log2Product::default(),
            pending: Vec::with_capacity(RUN),
        }
    }

    /// Scores `s` under the shared syntax model, trains the model on it and
    /// adds it to the window.
    pub fn observe(&mut self, s: &Sentence) {
        self.pending.push(self.model.prob_then_train(s));
        self.window.add(s, Bits::default());
        if self.pending.len() == RUN {
            self.product = self.product.times(SyntaxModel::product_of_run(&self.pending));
            self.pending.clear();
        }
    }

    /// The window so far, the pending run included; it stays open.
    pub fn peek(&self) -> Window {
        let product = self.product.times(SyntaxModel::product_of_run(&self.pending));
        let syntax = self.model.bits_of_window(self.window.sentences, product);
        Window { bits: Bits { syntax, ..self.window.bits }, ..self.window }
    }

    /// The window so far, the pending run included; a new one starts.
    pub fn close(&mut self) -> Window {
        let w = self.peek();
        self.window = Window::default();
        self.product = Log2Product::default();
        self.pending.clear();
        w
    }
}

/// Runs the lanes over the stream; owns the shared syntax model, the batch
/// buffers and the helper threads (kept from call to call: a call is a few
/// milliseconds, and starting a thread costs a good share of one).
#[derive(Default)]
pub struct Crew {
    threads: usize,
    shared: Option<SharedWindow>,
    batches: [Batch; 2],
    helpers: Option<rayon::ThreadPool>,
}

impl Crew {
    /// A crew on one thread for learners built from `p`.
    pub fn new(p: &GeneratorParams) -> Self {
        Crew { threads: 1, shared: Some(SharedWindow::new(p)), ..Default::default() }
    }

    /// The shared window so far (see [`SharedWindow`]), left open: what a
    /// checkpoint that only looks adds to each sharing lane's window.
    pub fn peek_shared(&self) -> Window {
        self.shared.as_ref().map(SharedWindow::peek).unwrap_or_default()
    }

    /// The shared window so far, closed: what a checkpoint that closes the
    /// windows adds to each sharing lane's.
    pub fn close_shared(&mut self) -> Window {
        self.shared.as_mut().map(SharedWindow::close).unwrap_or_default()
    }

    /// Threads the lanes may use, the caller's included (at least 1).
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.max(1);
    }

    pub fn threads(&self) -> usize {
        self.threads.max(1)
    }

    /// Runs `n` sentences: `produce` writes the next sentences of the
    /// stream into each slice it is given, in order (always on the calling
    /// thread, a batch at a time), then every lane observes
    /// each of them in order. The lanes must be the same learners, in the
    /// same order, at every call (the shared syntax model follows the stream
    /// from the first call on).
    pub fn run(&mut self, n: u64, lanes: &mut [Lane], produce: &mut dyn FnMut(&mut [Sentence])) {
        let threads = self.threads().min(lanes.len() + 1);
        let shared = lanes.iter().any(|l| l.learner.shares_syntax());
        let mut syntax = if shared { self.shared.as_mut() } else { None };
        let steps = n.div_ceil(BATCH as u64) as usize;
        // One batch has no drawing to overlap: run it here (a paced live
        // run goes one sentence at a time). So does a crew whose helper
        // threads the system refused.
        let helpers = if threads > 1 && steps > 1 { helpers(&mut self.helpers, threads - 1) } else { None };
        if let Some(helpers) = helpers {
            return run_parallel(&mut self.batches, helpers, n, lanes, produce, syntax);
        }
        let batch = &mut self.batches[0];
        let mut left = n;
        while left > 0 {
            let len = left.min(BATCH as u64) as usize;
            fill(batch, len, produce, syntax.as_deref_mut());
            for lane in lanes.iter_mut() {
                observe(lane, batch);
            }
            left -= len as u64;
        }
    }

    /// `f` of each of `items`, in order, computed on up to the crew's
    /// threads (the caller's included): for a checkpoint's independent
    /// sums, which the lanes' threads would otherwise wait out idle. Each
    /// result is the same whichever thread computes it.
    pub fn map<T: Sync, R: Send>(&mut self, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
        let threads = self.threads();
        let wanted = threads.min(items.len()).saturating_sub(1);
        // The lanes' pool as it is (rebuilding it for another count would
        // start threads at every checkpoint), or one for the crew's threads.
        let pool = if wanted == 0 {
            None
        } else if self.helpers.is_some() {
            self.helpers.as_ref()
        } else {
            helpers(&mut self.helpers, threads - 1)
        };
        let Some(pool) = pool else {
            return items.iter().map(f).collect();
        };
        let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
        // Every thread takes the next item not yet taken, until none is left.
        let next = AtomicUsize::new(0);
        let work = || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let (Some(item), Some(result)) = (items.get(i), results.get(i)) else { return };
            let r = f(item);
            *result.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        };
        pool.in_place_scope(|scope| {
            for _ in 0..wanted.min(pool.current_num_threads()) {
                scope.spawn(|_| work());
            }
            work();
        });
        results
            .into_iter()
            .map(|r| r.into_inner().unwrap_or_else(|e| e.into_inner()).expect("every item was computed"))
            .collect()
    }
}

/// The pool of `count` helper threads, started at first need and again
/// when the count changes; none if the system refuses a thread.
fn helpers(pool: &mut Option<rayon::ThreadPool>, count: usize) -> Option<&rayon::ThreadPool> {
    if pool.as_ref().is_none_or(|p| p.current_num_threads() != count) {
        *pool = rayon::ThreadPoolBuilder::new()
            .num_threads(count)
            .thread_name(|i| format!("sk-tui learners {}", i + 1))
            .build()
            .ok();
    }
    pool.as_ref()
}

/// Draws `len` sentences into `batch`, and adds them to the shared window
/// when some lane shares it.
fn fill(
    batch: &mut Batch,
    len: usize,
    produce: &mut dyn FnMut(&mut [Sentence]),
    shared: Option<&mut SharedWindow>,
) {
    if batch.sentences.len() < len {
        batch.sentences.resize_with(len, Sentence::default);
    }
    produce(&mut batch.sentences[..len]);
    batch.statements.clear();
    batch.statements.extend(batch.sentences[..len].iter().map(Sentence::statement));
    batch.shared = shared.is_some();
    if let Some(shared) = shared {
        batch.sentences[..len].iter().for_each(|s| shared.observe(s));
    }
    batch.len = len;
}

/// One lane over one batch.
fn observe(lane: &mut Lane, batch: &Batch) {
    let sentences = &batch.sentences[..batch.len];
    if lane.learner.shares_syntax() && batch.shared {
        // Only the learner's identity and fact bits: the rest is in the
        // shared window.
        lane.window.bits += lane.learner.observe_run_shared(sentences, &batch.statements);
    } else {
        for s in sentences {
            let bits = lane.learner.observe(s);
            lane.window.add(s, bits);
        }
    }
}

/// The pipelined loop. Step `j` draws batch `j` (calling thread) while all
/// threads take the lanes of batch `j - 1`, one task per lane; a barrier
/// ends each step. After a panic anywhere the threads skip their work but
/// keep meeting at the barriers to the end (none may leave early: the others
/// would wait for it forever); it is then raised again on the calling thread.
fn run_parallel(
    batches: &mut [Batch; 2],
    helpers: &rayon::ThreadPool,
    n: u64,
    lanes: &mut [Lane],
    produce: &mut dyn FnMut(&mut [Sentence]),
    mut syntax: Option<&mut SharedWindow>,
) {
    let steps = n.div_ceil(BATCH as u64) as usize;
    let lane_count = lanes.len();
    let [a, b] = batches;
    let buffers = [RwLock::new(a), RwLock::new(b)];
    let cells: Vec<Mutex<&mut Lane>> = lanes.iter_mut().map(Mutex::new).collect();
    let barrier = Barrier::new(helpers.current_num_threads() + 1);
    // Lanes of step j claimed so far, in slot j % 2: the low half counts
    // lanes taken from the front (0, 1, …), the high half from the back
    // (L-1, L-2, …). The spawned threads take from the front as soon as a
    // step starts; the calling thread, which first draws the next batch,
    // from the back. So each thread tends to take the same lanes step after
    // step, and a lane's tables stay in that core's cache.
    let claims = [AtomicU64::new(0), AtomicU64::new(0)];
    let failed = AtomicBool::new(false);
    let failure: Mutex<Option<Box<dyn Any + Send>>> = Mutex::new(None);
    let record = |payload: Box<dyn Any + Send>| {
        failed.store(true, Ordering::SeqCst);
        if let Ok(mut f) = failure.lock() {
            f.get_or_insert(payload);
        }
    };
    // Takes lanes of step `step`, from the front or the back, until none is left.
    let work = |step: usize, from_back: bool| {
        let claimed = &claims[step % 2];
        loop {
            let mut now = claimed.load(Ordering::Acquire);
            let lane = loop {
                let (front, back) = ((now & u32::MAX as u64) as usize, (now >> 32) as usize);
                if front + back >= lane_count {
                    return;
                }
                let (next, lane) =
                    if from_back { (now + (1 << 32), lane_count - 1 - back) } else { (now + 1, front) };
                match claimed.compare_exchange_weak(now, next, Ordering::AcqRel, Ordering::Acquire) {
                    Ok(_) => break lane,
                    Err(seen) => now = seen,
                }
            };
            let done = catch_unwind(AssertUnwindSafe(|| {
                let batch = buffers[(step - 1) % 2].read().unwrap_or_else(|e| e.into_inner());
                let mut cell = cells[lane].lock().unwrap_or_else(|e| e.into_inner());
                observe(&mut cell, &batch);
            }));
            if let Err(payload) = done {
                record(payload);
            }
        }
    };
    helpers.in_place_scope(|scope| {
        for _ in 0..helpers.current_num_threads() {
            scope.spawn(|_| {
                for step in 0..=steps {
                    if step > 0 && !failed.load(Ordering::SeqCst) {
                        work(step, false);
                    }
                    barrier.wait();
                }
            });
        }
        let mut left = n;
        for step in 0..=steps {
            // Step `step + 1` claims in the slot step `step - 1` used, which
            // every thread left at the last barrier.
            claims[(step + 1) % 2].store(0, Ordering::Release);
            if step < steps && !failed.load(Ordering::SeqCst) {
                let len = left.min(BATCH as u64) as usize;
                left -= len as u64;
                let drawn = catch_unwind(AssertUnwindSafe(|| {
                    let mut batch = buffers[step % 2].write().unwrap_or_else(|e| e.into_inner());
                    fill(&mut batch, len, produce, syntax.as_deref_mut());
                }));
                if let Err(payload) = drawn {
                    record(payload);
                }
            }
            if step > 0 && !failed.load(Ordering::SeqCst) {
                work(step, true);
            }
            barrier.wait();
        }
    });
    if let Some(payload) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        resume_unwind(payload);
    }
}
