//! The per-sentence learner loop, on every core (issue 12). Learners are
//! independent given the sentence stream, so the engine's thread draws the
//! sentences in batches and the learners on the engine's thread (the
//! "lanes": Bayes and capped) observe each batch on up to `threads` threads,
//! one learner per task, while the next batch is drawn.
//!
//! Determinism: every lane sees every sentence in stream order and sums its
//! own window, whichever thread runs it, so the output is the same byte for
//! byte for any thread count. (A learner that sums its bits a run of
//! sentences at a time aligns its runs to its window, not to the batches.)
//!
//! Shared work: the syntax model of every Bayes and capped learner is the
//! same model trained on the same sentences, so one copy here scores and
//! trains on each sentence once, and each such lane's window adds its bits
//! (`Learner::observe_run_shared` leaves the syntax part out).

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Barrier, Mutex, RwLock};

use crate::learn::Learner;
use crate::learn::predictive::SyntaxModel;
use crate::sk::{Bits, GeneratorParams, Sentence};

use super::worker::Window;

/// Sentences per batch: large enough that a step's synchronisation is a
/// small share of its work, small enough to stay in cache for every lane.
pub const BATCH: usize = 2048;

/// A learner run by the crew, with the window it sums into.
pub struct Lane<'a> {
    pub learner: &'a mut dyn Learner,
    pub window: &'a mut Window,
}

/// Sentences drawn, with the shared syntax model's bits for each.
#[derive(Default)]
struct Batch {
    sentences: Vec<Sentence>,
    /// What every learner's window sums of each sentence besides its own
    /// bits: its tokens and the oracle's bits, side by side (read once per
    /// learner, without touching the sentences again).
    sums: Vec<(u64, Bits)>,
    /// Syntax bits under the shared model, when some lane shares it.
    syntax: Vec<f64>,
    len: usize,
}

/// Runs the lanes over the stream; owns the shared syntax model and the
/// batch buffers (reused from call to call).
#[derive(Default)]
pub struct Crew {
    threads: usize,
    syntax: Option<SyntaxModel>,
    batches: [Batch; 2],
}

impl Crew {
    /// A crew on one thread for learners built from `p`.
    pub fn new(p: &GeneratorParams) -> Self {
        Crew { threads: 1, syntax: Some(SyntaxModel::new(p)), batches: Default::default() }
    }

    /// Threads the lanes may use, the caller's included (at least 1).
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads.max(1);
    }

    pub fn threads(&self) -> usize {
        self.threads.max(1)
    }

    /// Runs `n` sentences: `produce` writes each next sentence of the stream
    /// (always on the calling thread, in order), then every lane observes
    /// each of them in order. The lanes must be the same learners, in the
    /// same order, at every call (the shared syntax model follows the stream
    /// from the first call on).
    pub fn run(&mut self, n: u64, lanes: &mut [Lane], produce: &mut dyn FnMut(&mut Sentence)) {
        let threads = self.threads().min(lanes.len() + 1);
        let shared = lanes.iter().any(|l| l.learner.shares_syntax());
        let syntax = if shared { self.syntax.as_mut() } else { None };
        let steps = n.div_ceil(BATCH as u64) as usize;
        // One batch has no drawing to overlap: run it here (a paced live
        // run goes one sentence at a time).
        if threads <= 1 || steps <= 1 {
            let mut syntax = syntax;
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
            return;
        }
        run_parallel(&mut self.batches, threads, n, lanes, produce, syntax);
    }
}

/// Draws `len` sentences into `batch` and scores them under the shared
/// syntax model (then trains it on them).
fn fill(
    batch: &mut Batch,
    len: usize,
    produce: &mut dyn FnMut(&mut Sentence),
    syntax: Option<&mut SyntaxModel>,
) {
    if batch.sentences.len() < len {
        batch.sentences.resize_with(len, Sentence::default);
    }
    batch.syntax.clear();
    batch.sums.clear();
    for s in &mut batch.sentences[..len] {
        produce(s);
        batch.sums.push((s.token_count as u64, s.oracle));
    }
    if let Some(model) = syntax {
        model.observe_run(&batch.sentences[..len], &mut batch.syntax);
    }
    batch.len = len;
}

/// One lane over one batch.
fn observe(lane: &mut Lane, batch: &Batch) {
    let sentences = &batch.sentences[..batch.len];
    if lane.learner.shares_syntax() && batch.syntax.len() == batch.len {
        // The learner's identity and fact bits come summed a run at a
        // time; each sentence's tokens, oracle and syntax bits one by one.
        let knowledge = lane.learner.observe_run_shared(sentences);
        for (&(tokens, oracle), &syntax) in batch.sums.iter().zip(&batch.syntax) {
            lane.window.add_parts(tokens, oracle, Bits { syntax, ..Bits::default() });
        }
        lane.window.bits += knowledge;
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
    threads: usize,
    n: u64,
    lanes: &mut [Lane],
    produce: &mut dyn FnMut(&mut Sentence),
    mut syntax: Option<&mut SyntaxModel>,
) {
    let steps = n.div_ceil(BATCH as u64) as usize;
    let lane_count = lanes.len();
    let [a, b] = batches;
    let buffers = [RwLock::new(a), RwLock::new(b)];
    let cells: Vec<Mutex<&mut Lane>> = lanes.iter_mut().map(Mutex::new).collect();
    let barrier = Barrier::new(threads);
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
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(|| {
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
