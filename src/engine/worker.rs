//! A learner trained on its own thread (the neural learners, issue 5), so
//! the Bayes and capped learners keep their speed. The engine hands it
//! sentences in batches; at a checkpoint it asks for the window's sums and
//! the probe answers.
//!
//! Live runs never wait for its training: a batch that finds the queue full
//! is dropped, the learner reports the sentences it actually trained on, and
//! reports and questions jump the queue (answered between two sentences).
//! Headless runs wait, and reports come after every queued sentence, so every
//! sentence is trained on and the output is deterministic.

use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded, unbounded};

use crate::learn::{Learner, Probe};
use crate::sk::{Bits, Sentence};

use super::probes::{ProbeScore, ProbeSet};

/// Sentences per batch sent to the worker.
pub const BATCH: usize = 64;
/// Batches that may wait in the worker's queue.
const QUEUE: usize = 4;

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
        self.tokens += s.tokens.len() as u64;
        self.bits += bits;
        self.oracle += s.oracle;
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
    /// Headless: answer after every queued sentence (deterministic); live: now.
    pub wait: bool,
}

enum Job {
    Train(Vec<Sentence>),
    Report { request: Request, reply: Sender<Report> },
    Ask { probes: Vec<Probe>, reply: Sender<Vec<bool>> },
}

pub struct Worker {
    name: String,
    kind: &'static str,
    /// Training batches and, headless, reports: in order.
    jobs: Option<Sender<Job>>,
    /// Live reports and questions, answered between two sentences.
    urgent: Sender<Job>,
    batch: Vec<Sentence>,
    /// A report asked for and not yet collected.
    pending: Option<Receiver<Report>>,
    /// Sentences dropped because the worker was busy (live runs only).
    dropped: u64,
    thread: Option<JoinHandle<()>>,
}

/// The learner's side: trains, answers, and keeps the window's sums.
struct Trainer {
    learner: Box<dyn Learner>,
    window: Window,
}

impl Trainer {
    fn handle(&mut self, job: Job, urgent: &Receiver<Job>) {
        match job {
            Job::Train(batch) => {
                for s in &batch {
                    while let Ok(j) = urgent.try_recv() {
                        self.handle(j, urgent);
                    }
                    let bits = self.learner.observe(s);
                    self.window.add(s, bits);
                }
            }
            Job::Report { request: r, reply } => {
                let l = self.learner.as_ref();
                let _ = reply.send(Report {
                    window: if r.take { std::mem::take(&mut self.window) } else { self.window },
                    score: r.probes.score(l, r.confidence, r.chance),
                    new_score: r.new_probes.map(|p| p.score(l, r.confidence, r.chance)),
                    model_bits: l.model_bits(),
                    params: l.params(),
                    sentences_seen: l.sentences_seen(),
                });
            }
            Job::Ask { probes, reply } => {
                let _ = reply.send(probes.iter().map(|p| self.learner.probe(p).value != p.truth).collect());
            }
        }
    }
}

impl Worker {
    pub fn spawn(learner: Box<dyn Learner>) -> Self {
        let name = learner.name().to_string();
        let kind = learner.kind();
        let (tx, rx): (Sender<Job>, Receiver<Job>) = bounded(QUEUE);
        let (urgent_tx, urgent_rx): (Sender<Job>, Receiver<Job>) = unbounded();
        let thread = std::thread::Builder::new()
            .name(format!("sk-learner-{name}"))
            .spawn(move || {
                let mut trainer = Trainer { learner, window: Window::default() };
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
            jobs: Some(tx),
            urgent: urgent_tx,
            batch: Vec::with_capacity(BATCH),
            pending: None,
            dropped: 0,
            thread: Some(thread),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Sentences dropped so far because the worker could not keep up.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Queues a sentence; `wait` decides what happens when the queue is full.
    pub fn offer(&mut self, s: &Sentence, wait: bool) {
        self.batch.push(s.clone());
        if self.batch.len() >= BATCH {
            self.flush(wait);
        }
    }

    fn flush(&mut self, wait: bool) {
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let Some(jobs) = &self.jobs else { return };
        if wait {
            let _ = jobs.send(Job::Train(batch));
        } else if let Err(TrySendError::Full(Job::Train(b))) = jobs.try_send(Job::Train(batch)) {
            self.dropped += b.len() as u64;
        }
    }

    /// Asks for the window since the last report and the probe answers;
    /// `report` collects them. Asking every worker first lets them probe in
    /// parallel.
    pub fn request_report(&mut self, request: &Request) {
        self.flush(request.wait);
        let (reply, answer) = bounded(1);
        let job = Job::Report { request: request.clone(), reply };
        let sent = match (&self.jobs, request.wait) {
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
    /// Closes the queue; the thread finishes its last batch and exits on its
    /// own (not joined, so stopping the engine never waits for training).
    fn drop(&mut self) {
        self.jobs.take();
        self.thread.take();
    }
}
