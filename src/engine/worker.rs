//! A learner trained on its own thread (the neural learners, issue 5), so
//! the Bayes and capped learners keep their speed. The engine hands it
//! sentences in batches; at a checkpoint it asks for the window's sums and
//! the probe answers.
//!
//! What happens when the learner cannot keep up is the worker's [`Feed`]:
//! - `Wait` (headless runs): the engine blocks until the queue has room, and
//!   reports come after every queued sentence, so every sentence is trained
//!   on and the output is deterministic.
//! - `Hold` (paced live runs, `[run] pace = "all"`): a batch that finds the
//!   queue full is kept, and the engine draws no further sentence until it
//!   has gone in (`blocked`, `wait`). Every sentence is trained on, as
//!   headless, but the engine's thread never blocks on training, so it stays
//!   free to answer pause, restart and stop.
//! - `Drop` (sampled live runs, `pace = "sample"`): the batch is dropped and
//!   its sentences counted (`dropped`); the learner trains on a subsample.
//!
//! Live reports that only look (timed checkpoints) and questions jump the
//! queue: they are answered between two sentences.

use crate::config::LearnerKind;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, SendTimeoutError, Sender, TrySendError, bounded, unbounded};

use crate::learn::{Learner, Probe};
use crate::sk::{Bits, Sentence};

use super::probes::{ProbeScore, ProbeSet};

/// Sentences per batch sent to the worker.
pub const BATCH: usize = 64;
/// Batches that may wait in the worker's queue.
pub const QUEUE: usize = 4;

/// What a worker does with a batch that finds its queue full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feed {
    /// Block until there is room (headless).
    Wait,
    /// Keep the batch; the engine stops drawing until it has gone in (paced live).
    Hold,
    /// Drop the batch and count its sentences (sampled live).
    Drop,
}

/// Sums over the sentences trained on since the last report.
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    pub sentences: u64,
    pub tokens: u64,
    pub bits: Bits,
    pub oracle: Bits,
}

impl Window {
    pub fn add(&mut self, s: &Sentence, bits: Bits) {
        self.sentences += 1;
        self.tokens += s.token_count as u64;
        self.bits += bits;
        self.oracle += s.oracle;
    }

    /// This window's learner's identity and fact bits with what `shared`
    /// summed for every learner alike: sentences, tokens, the oracle's and
    /// the shared syntax model's bits.
    pub fn with_shared(&self, shared: &Window) -> Window {
        Window { bits: Bits { syntax: shared.bits.syntax, ..self.bits }, ..*shared }
    }
}

/// What the worker reports at a checkpoint.
#[derive(Clone, Debug)]
pub struct Report {
    pub window: Window,
    pub score: ProbeScore,
    pub new_score: Option<ProbeScore>,
    pub model_bits: f64,
    pub params: u64,
    pub sentences_seen: u64,
}

impl Report {
    /// A learner's measurements at a checkpoint, on whichever thread it
    /// runs; `request.take` closes its `window`. The window includes the
    /// bits the learner holds back (`Learner::close_window`): released into
    /// it when it closes, only looked at otherwise.
    pub fn of(l: &mut dyn Learner, window: &mut Window, request: &Request) -> Report {
        let window = if request.take {
            window.bits += l.close_window();
            std::mem::take(window)
        } else {
            let mut now = *window;
            now.bits += l.pending_bits();
            now
        };
        let l = &*l;
        let score = |probes: &ProbeSet| probes.score(l, request.confidence, request.chance);
        Report {
            window,
            score: score(&request.probes),
            new_score: request.new_probes.as_deref().map(score),
            model_bits: l.model_bits(),
            params: l.params(),
            sentences_seen: l.sentences_seen(),
        }
    }
}

/// What a checkpoint asks of a learner.
#[derive(Clone, Debug)]
pub struct Request {
    pub probes: Arc<ProbeSet>,
    pub new_probes: Option<Arc<ProbeSet>>,
    pub confidence: f64,
    /// Accuracy of answering with the value marginal's mode (for `known`).
    pub chance: f64,
    /// Close the window (a log-spaced checkpoint) or only look at it.
    pub take: bool,
}

enum Job {
    Train(Vec<Sentence>),
    Report { request: Request, reply: Sender<Report> },
    Ask { probes: Vec<Probe>, reply: Sender<Vec<bool>> },
}

pub struct Worker {
    name: String,
    kind: LearnerKind,
    feed: Feed,
    /// Training batches and in-order reports.
    jobs: Option<Sender<Job>>,
    /// Reports that only look, and questions: answered between two sentences.
    urgent: Sender<Job>,
    batch: Vec<Sentence>,
    /// A batch that found the queue full (`Feed::Hold`).
    held: Option<Vec<Sentence>>,
    /// Sentences sent into the queue.
    sent: u64,
    /// Sentences the learner has trained on (written by its thread).
    trained: Arc<AtomicU64>,
    /// A token after each batch trained, to wait on.
    progress: Receiver<()>,
    /// Tells the thread to stop training (the worker is gone).
    cancel: Arc<AtomicBool>,
    /// A report asked for and not yet collected.
    pending: Option<Receiver<Report>>,
    /// Sentences dropped because the worker was busy (`Feed::Drop`).
    dropped: u64,
    thread: Option<JoinHandle<()>>,
}

/// The learner's side: trains, answers, and keeps the window's sums.
struct Trainer {
    learner: Box<dyn Learner>,
    window: Window,
    trained: Arc<AtomicU64>,
    progress: Sender<()>,
    cancel: Arc<AtomicBool>,
}

impl Trainer {
    fn handle(&mut self, job: Job, urgent: &Receiver<Job>) {
        match job {
            Job::Train(batch) => {
                for s in &batch {
                    while let Ok(j) = urgent.try_recv() {
                        self.handle(j, urgent);
                    }
                    if self.cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    let bits = self.learner.observe(s);
                    self.window.add(s, bits);
                    self.trained.fetch_add(1, Ordering::Release);
                }
                let _ = self.progress.try_send(());
            }
            Job::Report { request: r, reply } => {
                let _ = reply.send(Report::of(self.learner.as_mut(), &mut self.window, &r));
            }
            Job::Ask { probes, reply } => {
                let _ = reply.send(probes.iter().map(|p| self.learner.probe(p).value != p.truth).collect());
            }
        }
    }
}

impl Worker {
    /// Starts the learner's thread; it is fed as `Feed::Wait` until `set_feed`.
    pub fn spawn(learner: Box<dyn Learner>) -> Self {
        let name = learner.name().to_string();
        let kind = learner.kind();
        let (tx, rx): (Sender<Job>, Receiver<Job>) = bounded(QUEUE);
        let (urgent_tx, urgent_rx): (Sender<Job>, Receiver<Job>) = unbounded();
        let (progress_tx, progress_rx) = bounded(1);
        let trained = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let trainer = Trainer {
            learner,
            window: Window::default(),
            trained: trained.clone(),
            progress: progress_tx,
            cancel: cancel.clone(),
        };
        let thread = std::thread::Builder::new()
            .name(format!("sk-learner-{name}"))
            .spawn(move || {
                let mut trainer = trainer;
                loop {
                    // Urgent jobs first; stop once the in-order queue is closed.
                    while let Ok(j) = urgent_rx.try_recv() {
                        trainer.handle(j, &urgent_rx);
                    }
                    crossbeam_channel::select! {
                        recv(urgent_rx) -> j => if let Ok(j) = j { trainer.handle(j, &urgent_rx) },
                        recv(rx) -> j => match j {
                            Ok(j) => trainer.handle(j, &urgent_rx),
                            Err(_) => return,
                        },
                    }
                }
            })
            .expect("spawning a learner thread");
        Worker {
            name,
            kind,
            feed: Feed::Wait,
            jobs: Some(tx),
            urgent: urgent_tx,
            batch: Vec::with_capacity(BATCH),
            held: None,
            sent: 0,
            trained,
            progress: progress_rx,
            cancel,
            pending: None,
            dropped: 0,
            thread: Some(thread),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> LearnerKind {
        self.kind
    }

    pub fn set_feed(&mut self, feed: Feed) {
        self.feed = feed;
    }

    /// Sentences dropped so far because the worker could not keep up.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Queues a sentence (as the worker's `Feed` says when the queue is full).
    pub fn offer(&mut self, s: &Sentence) {
        self.batch.push(s.clone());
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    /// Hands the partial batch to the queue now.
    pub fn flush(&mut self) {
        if self.batch.is_empty() || self.held.is_some() {
            return;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let Some(jobs) = &self.jobs else { return };
        let n = batch.len() as u64;
        match self.feed {
            Feed::Wait => {
                if jobs.send(Job::Train(batch)).is_ok() {
                    self.sent += n;
                }
            }
            Feed::Hold => match jobs.try_send(Job::Train(batch)) {
                Ok(()) => self.sent += n,
                Err(TrySendError::Full(Job::Train(b))) => self.held = Some(b),
                Err(_) => {}
            },
            Feed::Drop => match jobs.try_send(Job::Train(batch)) {
                Ok(()) => self.sent += n,
                Err(TrySendError::Full(_)) => self.dropped += n,
                Err(_) => {}
            },
        }
    }

    /// Whether a held batch still waits for room (`Feed::Hold`); tries to
    /// send it first.
    pub fn blocked(&mut self) -> bool {
        let Some(batch) = self.held.take() else { return false };
        let n = batch.len() as u64;
        match self.jobs.as_ref().map(|j| j.try_send(Job::Train(batch))) {
            Some(Err(TrySendError::Full(Job::Train(b)))) => {
                self.held = Some(b);
                true
            }
            Some(Ok(())) => {
                self.sent += n;
                false
            }
            _ => false,
        }
    }

    /// Whether the engine must wait for this learner: it holds a batch, or,
    /// with `until_caught_up`, the learner has not yet trained on every
    /// sentence offered to it.
    pub fn behind(&mut self, until_caught_up: bool) -> bool {
        if !until_caught_up {
            return self.blocked();
        }
        self.flush();
        self.blocked() || !self.batch.is_empty() || self.trained.load(Ordering::Acquire) < self.sent
    }

    /// Waits up to `timeout` for the learner to make room for a held batch,
    /// or to finish a batch.
    pub fn wait(&mut self, timeout: Duration) {
        match (self.held.take(), &self.jobs) {
            (Some(batch), Some(jobs)) => {
                let n = batch.len() as u64;
                match jobs.send_timeout(Job::Train(batch), timeout) {
                    Ok(()) => self.sent += n,
                    Err(SendTimeoutError::Timeout(Job::Train(b))) => self.held = Some(b),
                    Err(_) => {}
                }
            }
            _ => {
                let _ = self.progress.recv_timeout(timeout);
            }
        }
    }

    /// Hands over the held and the partial batch, blocking if need be.
    fn flush_blocking(&mut self) {
        let Some(jobs) = &self.jobs else { return };
        for batch in [self.held.take(), Some(std::mem::take(&mut self.batch))].into_iter().flatten() {
            let n = batch.len() as u64;
            if n > 0 && jobs.send(Job::Train(batch)).is_ok() {
                self.sent += n;
            }
        }
    }

    /// Asks for the window since the last report and the probe answers;
    /// `report` collects them. Asking every worker first lets them probe in
    /// parallel. A report that closes the window comes after every sentence
    /// offered unless sentences are dropped; one that only looks is answered
    /// between two sentences in live runs.
    pub fn request_report(&mut self, request: &Request) {
        let in_order = match self.feed {
            Feed::Wait => true,
            Feed::Hold => request.take,
            Feed::Drop => false,
        };
        if in_order {
            self.flush_blocking();
        } else {
            self.flush();
        }
        let (reply, answer) = bounded(1);
        let job = Job::Report { request: request.clone(), reply };
        let sent = match (&self.jobs, in_order) {
            (Some(jobs), true) => jobs.send(job).is_ok(),
            _ => self.urgent.send(job).is_ok(),
        };
        if sent {
            self.pending = Some(answer);
        }
    }

    /// The report asked for by `request_report` (asking now if it was not);
    /// `None` if the learner's thread has died.
    pub fn report(&mut self, request: &Request) -> Option<Report> {
        if self.pending.is_none() {
            self.request_report(request);
        }
        self.pending.take()?.recv().ok()
    }

    /// Which of these facts the learner answers wrongly (answered between
    /// two sentences, whatever is queued).
    pub fn wrong(&self, probes: Vec<Probe>) -> Option<Vec<bool>> {
        let (reply, answer) = bounded(1);
        self.urgent.send(Job::Ask { probes, reply }).ok()?;
        answer.recv().ok()
    }
}

impl Drop for Worker {
    /// Closes the queue and tells the thread to stop training; it exits on
    /// its own after the sentence in hand (not joined, so stopping the engine
    /// never waits for training).
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.jobs.take();
        self.thread.take();
    }
}
