//! A learner trained on its own thread (the neural learners, issue 5), so
//! the Bayes and capped learners keep their speed. The engine hands it
//! sentences in batches; at a checkpoint it asks for the window's sums and
//! the probe answers.
//!
//! Live runs never wait for it: a batch that finds the queue full is dropped,
//! and the learner reports the sentences it actually trained on. Headless
//! runs wait, so every sentence is trained on and the output is
//! deterministic.

use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

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

enum Job {
    Train(Vec<Sentence>),
    Report {
        probes: Arc<ProbeSet>,
        new_probes: Option<Arc<ProbeSet>>,
        confidence: f64,
        reply: Sender<Report>,
    },
    Ask {
        probes: Vec<Probe>,
        reply: Sender<Vec<bool>>,
    },
}

pub struct Worker {
    name: String,
    kind: &'static str,
    jobs: Option<Sender<Job>>,
    batch: Vec<Sentence>,
    /// Sentences dropped because the worker was busy (live runs only).
    dropped: u64,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn spawn(mut learner: Box<dyn Learner>) -> Self {
        let name = learner.name().to_string();
        let kind = learner.kind();
        let (tx, rx): (Sender<Job>, Receiver<Job>) = bounded(QUEUE);
        let thread = std::thread::Builder::new()
            .name(format!("sk-learner-{name}"))
            .spawn(move || {
                let mut window = Window::default();
                for job in rx {
                    match job {
                        Job::Train(batch) => {
                            for s in &batch {
                                let bits = learner.observe(s);
                                window.add(s, bits);
                            }
                        }
                        Job::Report { probes, new_probes, confidence, reply } => {
                            let _ = reply.send(Report {
                                window: std::mem::take(&mut window),
                                score: probes.score(learner.as_ref(), confidence),
                                new_score: new_probes.map(|p| p.score(learner.as_ref(), confidence)),
                                model_bits: learner.model_bits(),
                                params: learner.params(),
                                sentences_seen: learner.sentences_seen(),
                            });
                        }
                        Job::Ask { probes, reply } => {
                            let _ = reply
                                .send(probes.iter().map(|p| learner.probe(p).value != p.truth).collect());
                        }
                    }
                }
            })
            .expect("spawning a learner thread");
        Worker {
            name,
            kind,
            jobs: Some(tx),
            batch: Vec::with_capacity(BATCH),
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

    /// The window since the last report and the probe answers, after every
    /// queued sentence is trained on.
    pub fn report(
        &mut self,
        probes: &Arc<ProbeSet>,
        new_probes: Option<&Arc<ProbeSet>>,
        confidence: f64,
        wait: bool,
    ) -> Option<Report> {
        self.flush(wait);
        let (reply, answer) = bounded(1);
        let job = Job::Report { probes: probes.clone(), new_probes: new_probes.cloned(), confidence, reply };
        self.jobs.as_ref()?.send(job).ok()?;
        answer.recv().ok()
    }

    /// Which of these facts the learner answers wrongly.
    pub fn wrong(&self, probes: Vec<Probe>) -> Option<Vec<bool>> {
        let (reply, answer) = bounded(1);
        self.jobs.as_ref()?.send(Job::Ask { probes, reply }).ok()?;
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
