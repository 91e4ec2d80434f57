//! The engine proper: a schedule of phases over generators and learners,
//! prequential scoring, log-spaced checkpoints with metrics, fits and the
//! theory's predictions. Deterministic: the driver adds the thread,
//! time-based checkpoints and samples; `parallel` spreads the learners over
//! threads without changing any output.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::config::{LearnerConfig, LearnerKind, Pace, PhaseConfig, PhaseGenerator, Policy, Preset};
use crate::learn::bayes::BayesLearner;
use crate::learn::capped::CappedLearner;
use crate::learn::neural::NeuralLearner;
use crate::learn::transformer::{TransformerLearner, longest_sentence};
use crate::learn::{Learner, Probe};
use crate::sk::knowledge::universe_of;
use crate::sk::rng::SkRng;
use crate::sk::source::Source;
use crate::sk::{Generator, GeneratorParams, Parts, Sentence, SourceKind, theory};

use super::checkpoint::{Checkpoint, Fits, LearnerPoint, PartBits, Summary, TheoryPoint};
use super::distinct::DistinctEntities;
use super::fits;
use super::frontier;
use super::messages::{RunInfo, Sample};
use super::parallel::{Crew, Lane};
use super::probes::{ProbeSet, knowledge_bits};
use super::worker::{Feed, Report, Request, Window, Worker};

/// One phase of the schedule: 0 is pre-training.
#[derive(Clone, Debug, PartialEq)]
pub struct PhasePlan {
    pub name: String,
    pub sentences: u64,
    pub generator: GeneratorParams,
    pub new_entities: Option<u64>,
    pub mix: f64,
    pub syntax_seed: Option<u64>,
}

/// What `advance` stopped at.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// The sentence budget of this call is used up.
    Running,
    Checkpoint(Box<Checkpoint>),
    /// A new phase began.
    Phase {
        index: u32,
        name: String,
    },
    Finished,
}

/// Where a learner runs: on the engine's thread, or on its own (neural).
enum Runner {
    Local(Box<dyn Learner>),
    Remote(Worker),
}

/// A value of the theory a checkpoint reports (`Engine::expected`).
enum Expectation {
    /// `E[K_n]`, the distinct entities after the run's sentences.
    Distinct,
    /// The exact fact excess per sentence of a learner holding the top
    /// `held` ranks, over the base stream's window `(start, length)`.
    FactExcess(f64, (u64, u64)),
}

struct Trainee {
    runner: Runner,
    /// Sums since the last checkpoint (local learners).
    window: Window,
    /// `(sentences seen, excess bits per sentence)` at each checkpoint of the current phase.
    history: Vec<(f64, f64)>,
    /// Capped `oracle` learners: their budget, for the model fit.
    oracle_budget: Option<f64>,
    /// Prequential bits of the closed windows: whole run and this phase.
    data_bits: f64,
    phase_data_bits: f64,
    /// `(sentences seen, frontier rank)` at each checkpoint of the current phase.
    frontier: Vec<(f64, f64)>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EngineError {
    #[error("{0}")]
    Incompatible(String),
}

pub struct Engine {
    preset: Preset,
    seed: u64,
    plan: Vec<PhasePlan>,
    phase: usize,
    phase_end: u64,
    base: Generator,
    fresh: Option<Generator>,
    mix: f64,
    mix_rng: SkRng,
    trainees: Vec<Trainee>,
    /// Runs the local learners over the stream (threads, shared syntax).
    crew: Crew,
    sentences: u64,
    tokens: u64,
    base_sentences: u64,
    fresh_sentences: u64,
    /// Distinct entities seen, in all and per universe (pycrp ranks are
    /// creation order: a universe's probe bins hold the entities created in
    /// it so far).
    seen: DistinctEntities,
    next_checkpoint: u64,
    probes: Arc<ProbeSet>,
    new_probes: Option<Arc<ProbeSet>>,
    recent: VecDeque<Sentence>,
    live: bool,
    /// How learners on their own threads are fed (`set_live`).
    feed: Feed,
    /// Paced: a log-spaced checkpoint waits for every learner to catch up.
    due: bool,
    /// Time spent measuring at checkpoints (for the benchmark; never output).
    metrics_time: std::time::Duration,
    value_entropy: f64,
    /// Accuracy of answering with the value marginal's mode.
    chance: f64,
    /// Sentences (all, and of the base stream) when the current window began.
    window_start: u64,
    window_start_base: u64,
}

/// Recent sentences kept for the samples pane.
pub const SAMPLES_KEPT: usize = 12;

/// The samples are every this many-th sentence of the stream.
const SAMPLE_EVERY: u64 = 61;

impl Engine {
    /// An engine for a valid preset (see `Preset::check`). `sentences` and
    /// `seed` override `[run]`.
    pub fn new(preset: &Preset, sentences: Option<u64>, seed: Option<u64>) -> Self {
        let mut preset = preset.clone();
        if let Some(n) = sentences {
            preset.run.sentences = n;
        }
        if let Some(s) = seed {
            preset.run.seed = s;
        }
        let seed = preset.run.seed;
        let g = &preset.generator;
        let mut plan = vec![PhasePlan {
            name: "pre-training".into(),
            sentences: preset.run.sentences,
            generator: g.clone(),
            new_entities: None,
            mix: 0.0,
            syntax_seed: None,
        }];
        plan.extend(preset.phases.iter().map(|p| phase_plan(p, g)));
        let mut base = Generator::new(g, seed);
        let total: u64 = plan.iter().map(|p| p.sentences).sum();
        let probes = Arc::new(ProbeSet::new(
            &base,
            probe_max_rank(&base, total),
            preset.run.probe_facts_per_bin,
            seed,
        ));
        let mut spelling = false;
        let trainees = preset
            .learners
            .iter()
            .enumerate()
            .map(|(i, cfg)| Trainee {
                runner: {
                    let l = build_learner(cfg, &base, seed.wrapping_add(i as u64));
                    spelling |= l.reads_tokens();
                    if cfg.kind.is_network() { Runner::Remote(Worker::spawn(l)) } else { Runner::Local(l) }
                },
                window: Window::default(),
                history: Vec::new(),
                frontier: Vec::new(),
                oracle_budget: (cfg.kind == LearnerKind::Capped && cfg.policy == Policy::Oracle)
                    .then_some(cfg.budget_bits.unwrap_or(0.0)),
                data_bits: 0.0,
                phase_data_bits: 0.0,
            })
            .collect();
        base.set_spelling(spelling);
        let value_entropy = base.knowledge().value_law().entropy_bits();
        let crew = Crew::new(base.params());
        let chance = chance_accuracy(&base);
        Engine {
            phase_end: preset.run.sentences,
            preset,
            seed,
            plan,
            phase: 0,
            base,
            fresh: None,
            mix: 0.0,
            mix_rng: SkRng::new(seed, 0x313C),
            crew,
            trainees,
            sentences: 0,
            tokens: 0,
            base_sentences: 0,
            fresh_sentences: 0,
            seen: DistinctEntities::default(),
            next_checkpoint: 10,
            probes,
            new_probes: None,
            recent: VecDeque::new(),
            live: false,
            feed: Feed::Wait,
            due: false,
            metrics_time: std::time::Duration::ZERO,
            value_entropy,
            chance,
            window_start: 0,
            window_start_base: 0,
        }
    }

    /// Headless runs wait for a learner on its own thread, so their output
    /// is deterministic. Live runs never block on one: paced
    /// (`[run] pace = "all"`), the engine draws no sentence while a learner's
    /// queue is full and holds a log-spaced checkpoint until every learner
    /// has caught up, so it measures what headless measures; sampled, a
    /// learner that cannot keep up trains on a subsample.
    pub fn set_live(&mut self, live: bool) {
        self.live = live;
        self.feed = match (live, self.preset.run.pace) {
            (false, _) => Feed::Wait,
            (true, Pace::All) => Feed::Hold,
            (true, Pace::Sample) => Feed::Drop,
        };
        for t in &mut self.trainees {
            if let Runner::Remote(w) = &mut t.runner {
                w.set_feed(self.feed);
            }
        }
    }

    /// Paced: whether a learner must catch up before the engine goes on
    /// (`advance` then returns `Step::Running` without drawing).
    pub fn learners_behind(&mut self) -> bool {
        let due = self.due;
        self.trainees.iter_mut().any(|t| match &mut t.runner {
            Runner::Remote(w) => w.behind(due),
            Runner::Local(_) => false,
        })
    }

    /// Paced: a log-spaced checkpoint waits for the learners to catch up (a
    /// look now would see a window the checkpoint has not closed yet).
    pub fn checkpoint_due(&self) -> bool {
        self.due
    }

    /// Waits up to `timeout` for a learner `learners_behind` waits for.
    pub fn wait_for_learners(&mut self, timeout: std::time::Duration) {
        let due = self.due;
        for t in &mut self.trainees {
            if let Runner::Remote(w) = &mut t.runner
                && w.behind(due)
            {
                return w.wait(timeout);
            }
        }
    }

    /// Threads for the learners on the engine's side (1 by default); the
    /// output does not depend on it.
    pub fn set_threads(&mut self, threads: usize) {
        self.crew.set_threads(threads);
    }

    pub fn preset(&self) -> &Preset {
        &self.preset
    }

    pub fn sentences(&self) -> u64 {
        self.sentences
    }

    pub fn tokens(&self) -> u64 {
        self.tokens
    }

    pub fn phase(&self) -> u32 {
        self.phase as u32
    }

    /// Sentences in the whole schedule.
    pub fn total_sentences(&self) -> u64 {
        self.plan.iter().map(|p| p.sentences).sum()
    }

    /// The closing line of a headless run of this engine.
    pub fn summary(&self, checkpoints: u64, elapsed_seconds: f64) -> Summary {
        Summary {
            kind: "summary".into(),
            sentences: self.sentences,
            tokens: self.tokens,
            checkpoints,
            elapsed_seconds,
            sentences_per_second: self.sentences as f64 / elapsed_seconds.max(1e-9),
        }
    }

    /// What the UI needs to label a run of this engine.
    pub fn run_info(&self, preset_name: &str) -> RunInfo {
        RunInfo {
            preset_name: preset_name.to_string(),
            preset: self.preset.clone(),
            learners: self.learner_names(),
            total_sentences: self.total_sentences(),
        }
    }

    pub fn learner_names(&self) -> Vec<String> {
        self.trainees.iter().map(|t| t.runner.name().to_string()).collect()
    }

    /// Trains on up to `budget` sentences, stopping early at a checkpoint, a
    /// phase change or the end of the schedule, or when paced and a learner
    /// must catch up (`learners_behind`).
    pub fn advance(&mut self, budget: u64) -> Step {
        // Paced with learners on their own threads: one sentence at a time,
        // so the engine stops drawing as soon as one must catch up.
        let paced =
            self.feed == Feed::Hold && self.trainees.iter().any(|t| matches!(t.runner, Runner::Remote(_)));
        let mut left = budget;
        while left > 0 {
            if self.feed == Feed::Hold {
                if self.learners_behind() {
                    return Step::Running;
                }
                if std::mem::take(&mut self.due) {
                    return Step::Checkpoint(Box::new(self.checkpoint()));
                }
            }
            if self.sentences >= self.phase_end {
                return self.next_phase();
            }
            // Up to the next stop: the budget, the phase's end or a checkpoint.
            let span = if paced {
                1
            } else {
                left.min(self.phase_end - self.sentences)
                    .min(self.next_checkpoint.saturating_sub(self.sentences).max(1))
            };
            self.run_span(span);
            left -= span;
            if self.sentences == self.next_checkpoint || self.sentences == self.phase_end {
                while self.next_checkpoint <= self.sentences {
                    self.next_checkpoint =
                        next_log_point(self.next_checkpoint, self.preset.run.checkpoints_per_decade);
                }
                if self.feed == Feed::Hold {
                    self.due = true;
                    continue;
                }
                return Step::Checkpoint(Box::new(self.checkpoint()));
            }
        }
        Step::Running
    }

    /// Draws `n` sentences and trains every learner on them: the local ones
    /// through the crew, the remote ones by handing them each sentence.
    fn run_span(&mut self, n: u64) {
        let mut trainees = std::mem::take(&mut self.trainees);
        let mut crew = std::mem::take(&mut self.crew);
        let mut lanes = Vec::new();
        let mut remotes = Vec::new();
        for t in &mut trainees {
            match &mut t.runner {
                Runner::Local(l) => lanes.push(Lane { learner: l.as_mut(), window: &mut t.window }),
                Runner::Remote(w) => remotes.push(w),
            }
        }
        crew.run(n, &mut lanes, &mut |batch| {
            // Every SAMPLE_EVERY-th sentence is kept for the samples,
            // spelled: a countdown to the next, from the batch's start.
            let mut until_kept = SAMPLE_EVERY - self.sentences % SAMPLE_EVERY;
            for s in batch {
                until_kept -= 1;
                let kept = until_kept == 0;
                if kept {
                    until_kept = SAMPLE_EVERY;
                }
                self.draw(s, kept);
                for w in remotes.iter_mut() {
                    w.offer(s);
                }
                self.sentences += 1;
                self.tokens += s.token_count as u64;
                self.seen.insert(s.entity);
                if kept {
                    // Reuse the oldest sample's buffers once the ring is full.
                    let mut kept = if self.recent.len() == SAMPLES_KEPT {
                        self.recent.pop_front().unwrap_or_default()
                    } else {
                        Sentence::default()
                    };
                    kept.copy_from(s);
                    self.recent.push_back(kept);
                }
            }
        });
        drop(lanes);
        self.trainees = trainees;
        self.crew = crew;
    }

    /// Draws the next sentence of the stream; `spell`: with its tokens,
    /// even when the generators do not spell (`Generator::set_spelling`).
    fn draw(&mut self, s: &mut Sentence, spell: bool) {
        let generator = match &mut self.fresh {
            Some(fresh) if self.mix == 0.0 || self.mix_rng.open01() >= self.mix => {
                fresh.next(s);
                s.oracle.identity -= (1.0 - self.mix).log2();
                self.fresh_sentences += 1;
                &*fresh
            }
            fresh => {
                self.base.next(s);
                if fresh.is_some() {
                    s.oracle.identity -= self.mix.log2();
                }
                self.base_sentences += 1;
                &self.base
            }
        };
        if spell && !generator.spells() {
            generator.spell(s);
        }
    }

    fn next_phase(&mut self) -> Step {
        if self.phase + 1 >= self.plan.len() {
            return Step::Finished;
        }
        self.phase += 1;
        let plan = self.plan[self.phase].clone();
        // Exponents are fitted within a phase: a change of distribution is a
        // jump in the excess, not a point on the same power law.
        for t in &mut self.trainees {
            t.history.clear();
            t.phase_data_bits = 0.0;
            t.frontier.clear();
        }
        self.phase_end = self.sentences + plan.sentences;
        self.mix = plan.mix;
        let universe = if plan.new_entities.is_some() { self.phase as u32 } else { 0 };
        let base_parts = self.base.parts();
        let (syntax_seed, format) = match plan.syntax_seed {
            Some(s) => (s, self.phase as u32),
            None => (base_parts.syntax_seed, base_parts.format),
        };
        let mut params = plan.generator.clone();
        if let Some(k) = plan.new_entities {
            params.entities = k;
        }
        // New entities take the names after every earlier universe's.
        let name_offset = self.preset.generator.name_capacity()
            + self.plan[1..self.phase].iter().filter_map(|p| p.new_entities).sum::<u64>();
        let parts =
            Parts { seed: self.seed, universe, syntax_seed, format, stream: self.phase as u32, name_offset };
        let mut fresh = Generator::with_parts(&params, parts);
        fresh.set_spelling(self.base.spells());
        if universe == 0 {
            // The same entities: a pycrp process goes on from where it is.
            match &self.fresh {
                Some(f) if f.parts().universe == 0 => fresh.continue_source(f),
                _ => fresh.continue_source(&self.base),
            }
        }
        if universe == 0 && plan.generator != self.preset.generator {
            // The same entities on a changed generator: probes ask for the
            // facts as this phase states them.
            self.probes = Arc::new(self.probes.retold(&fresh));
            self.chance = chance_accuracy(&fresh);
        }
        if plan.new_entities.is_some() {
            let max_rank = probe_max_rank(&fresh, plan.sentences);
            self.new_probes = Some(Arc::new(ProbeSet::new(
                &fresh,
                max_rank,
                self.preset.run.probe_facts_per_bin,
                self.seed,
            )));
        }
        self.fresh = Some(fresh);
        self.fresh_sentences = 0;
        Step::Phase { index: self.phase as u32, name: plan.name }
    }

    /// Ends the current phase now and continues with `phase` on `generator`:
    /// a fine-tuning phase started by hand. The generator must keep the
    /// vocabulary and structure the learners were built for.
    pub fn fine_tune(&mut self, generator: GeneratorParams, phase: PhaseConfig) -> Result<(), EngineError> {
        // The same path as a preset's `[phase.generator]`: the changes to
        // the pre-training generator a phase may make.
        let mut phase = phase;
        phase.generator =
            PhaseGenerator::between(&self.preset.generator, &generator).map_err(EngineError::Incompatible)?;
        if let Some(why) = phase.pointless_mix() {
            return Err(EngineError::Incompatible(why.into()));
        }
        let mut plan = phase_plan(&phase, &self.preset.generator);
        if plan.name.is_empty() {
            plan.name = format!("fine-tune {}", self.phase + 1);
        }
        self.plan.truncate(self.phase + 1);
        self.plan.push(plan);
        self.phase_end = self.sentences;
        Ok(())
    }

    /// Seconds spent in `checkpoint` so far (metrics, probes, fits, theory).
    pub fn metrics_seconds(&self) -> f64 {
        self.metrics_time.as_secs_f64()
    }

    /// Measures every learner over the window since the last checkpoint,
    /// records the point for the exponent fits and starts a new window.
    pub fn checkpoint(&mut self) -> Checkpoint {
        self.measure_timed(true)
    }

    /// A look at the learners now, for live motion between log-spaced
    /// checkpoints: over the window so far, neither recorded for the fits
    /// nor closing the window (so live fits equal headless ones and history
    /// stays bounded by the log-spaced checkpoints).
    pub fn peek(&mut self) -> Checkpoint {
        self.measure_timed(false)
    }

    fn measure_timed(&mut self, record: bool) -> Checkpoint {
        let started = std::time::Instant::now();
        let c = self.measure_all(record);
        self.metrics_time += started.elapsed();
        c
    }

    fn measure_all(&mut self, record: bool) -> Checkpoint {
        let confidence = self.preset.run.confidence;
        let n = self.sentences as f64;
        let mut learners = Vec::with_capacity(self.trainees.len());
        let request = Request {
            probes: self.probes.clone(),
            new_probes: self.new_probes.clone(),
            confidence,
            chance: self.chance,
            take: record,
        };
        let window_base = (self.window_start_base, self.base_sentences - self.window_start_base);
        let facts_per_bin = self.facts_per_bin(&self.probes, &self.base);
        let new_facts_per_bin =
            self.new_probes.as_ref().zip(self.fresh.as_ref()).map(|(p, f)| self.facts_per_bin(p, f));
        let probes_per_bin = self.probes.probes_per_bin();
        let new_probes_per_bin = self.new_probes.as_ref().map(|p| p.probes_per_bin());
        // The theory's expectations (sums over every rank of the universe,
        // most of a checkpoint's time) on the crew's threads: the distinct
        // entities, the fact excess of a learner holding every rank over the
        // window and at n, and that of each capped oracle learner.
        let all = f64::INFINITY;
        let mut expectations = vec![
            Expectation::Distinct,
            Expectation::FactExcess(all, window_base),
            Expectation::FactExcess(all, (self.base_sentences, 0)),
        ];
        let expected_of: Vec<Option<usize>> = self
            .trainees
            .iter()
            .map(|t| match (t.runner.kind(), t.oracle_budget) {
                (LearnerKind::Bayes, _) => Some(1),
                (_, Some(budget)) => {
                    expectations.push(Expectation::FactExcess(self.held_ranks(budget), window_base));
                    Some(expectations.len() - 1)
                }
                _ => None,
            })
            .collect();
        let expected = self.expected(&expectations);
        for t in &mut self.trainees {
            if let Runner::Remote(w) = &mut t.runner {
                w.request_report(&request);
            }
        }
        // The frontier needs each rank's probability: zipf pre-training.
        let law = match (self.base.source(), &self.fresh) {
            (Source::Zipf(law), None) => Some(law),
            _ => None,
        };
        let attributes = self.preset.generator.attributes;
        // What the crew summed once for every learner that shares the
        // syntax model: sentences, tokens, oracle and syntax bits.
        let shared = if record { self.crew.close_shared() } else { self.crew.peek_shared() };
        for (i, t) in self.trainees.iter_mut().enumerate() {
            let m = t.measure(&request);
            let w = match &t.runner {
                Runner::Local(l) if l.shares_syntax() => m.window.with_shared(&shared),
                _ => m.window,
            };
            let excess = w.bits - w.oracle;
            let per_sentence = |x: f64| if w.sentences == 0 { f64::NAN } else { x / w.sentences as f64 };
            let per_token = |x: f64| if w.tokens == 0 { f64::NAN } else { x / w.tokens as f64 };
            let seen = m.sentences_seen;
            let excess_per_sentence = per_sentence(excess.total());
            // Exponents are fitted on the fact part, whose exact finite-size
            // expectation is known (docs/theory.md); identity and syntax bend
            // the total at finite n. Windows shorter than a tenth of n (the
            // end of a phase) are too noisy to fit.
            if record && w.sentences > 0 && w.sentences * 10 >= seen {
                t.history.push((seen as f64, per_sentence(excess.fact)));
            }
            let data_bits = t.data_bits + w.bits.total();
            let phase_data_bits = t.phase_data_bits + w.bits.total();
            if record {
                (t.data_bits, t.phase_data_bits) = (data_bits, phase_data_bits);
            }
            let (score, new_score) = (m.score, m.new_score);
            let (h, c) = (self.value_entropy, self.chance);
            let mut knowledge = knowledge_bits(&score, &probes_per_bin, c, &facts_per_bin, h);
            if let (Some(s), Some(f), Some(p)) = (&new_score, &new_facts_per_bin, &new_probes_per_bin) {
                knowledge += knowledge_bits(s, p, c, f, h);
            }
            let expected_fact_excess = expected_of[i].and_then(|j| expected[j]);
            let rank = law.and(frontier::frontier_rank(&self.probes.bins, &score.memorized));
            if let (true, Some(r)) = (record, rank) {
                t.frontier.push((seen as f64, r));
            }
            learners.push(LearnerPoint {
                name: t.runner.name().to_string(),
                kind: t.runner.kind(),
                model_bits: m.model_bits,
                params: m.params,
                sentences_seen: seen,
                window_sentences: w.sentences,
                sentences_dropped: t.runner.dropped(),
                loss_bits_per_token: per_token(w.bits.total()),
                excess_bits_per_token: per_token(excess.total()),
                excess_bits_per_sentence: excess_per_sentence,
                excess_by_part: PartBits {
                    syntax: per_sentence(excess.syntax),
                    identity: per_sentence(excess.identity),
                    fact: per_sentence(excess.fact),
                },
                cumulative_data_bits: data_bits,
                phase_data_bits,
                memorized: score.memorized,
                memorized_new: new_score.as_ref().map(|s| s.memorized.clone()),
                known: score.known,
                known_new: new_score.as_ref().map(|s| s.known.clone()),
                knowledge_bits: knowledge,
                stale_answers: score.stale,
                error_rate: score.error_rate,
                confident_error_rate: score.confident_error_rate,
                data_exponent: fits::data_exponent(&t.history),
                expected_fact_excess,
                frontier_exposures: law
                    .zip(rank)
                    .map(|(law, r)| frontier::exposures(seen as f64, law.density(r), attributes)),
                frontier_exponent: law.and_then(|_| frontier::frontier_exponent(&t.frontier)),
            });
        }
        let knowledge_seen = self.knowledge_seen_bits();
        let budgets: Vec<(f64, f64)> = self
            .trainees
            .iter()
            .zip(&learners)
            .filter_map(|(t, p)| t.oracle_budget.map(|m| (m, p.excess_by_part.fact)))
            .collect();
        let g = &self.preset.generator;
        let alpha = match g.source {
            SourceKind::Zipf => 1.0 / g.zipf_s(),
            SourceKind::Pycrp => g.alpha,
        };
        let window_sentences = self.sentences - self.window_start;
        if record {
            self.window_start = self.sentences;
            self.window_start_base = self.base_sentences;
        }
        Checkpoint {
            kind: "checkpoint".into(),
            phase: self.phase as u32,
            sentences: self.sentences,
            tokens: self.tokens,
            distinct_entities: self.seen.len(),
            window_sentences,
            rank_bins: self.probes.bins.clone(),
            new_rank_bins: self.new_probes.as_ref().map(|p| p.bins.clone()),
            changed_facts: self.probes.changed_fraction(),
            learners,
            fits: Fits { model_exponent: fits::model_exponent(&budgets, knowledge_seen) },
            theory: TheoryPoint {
                data_exponent: theory::data_exponent(alpha),
                model_exponent: theory::model_exponent(alpha),
                heaps_exponent: theory::heaps_exponent(alpha),
                expected_distinct_entities: expected[0].unwrap_or(f64::NAN),
                expected_fact_excess: expected[1],
                expected_fact_excess_at_n: expected[2],
                chance_accuracy: self.chance,
                expected_syntax_excess: theory::syntax_excess(g.syntax_dimension(), n.max(1.0)),
            },
        }
    }

    /// Bits of all knowledge seen so far: every seen entity's name and, as
    /// an upper bound, all its facts.
    fn knowledge_seen_bits(&self) -> f64 {
        let g = &self.preset.generator;
        self.seen.len() as f64 * (g.name_bits() + g.attributes as f64 * g.fact_bits())
    }

    /// The theory's `expectations` at this point of the run, in order, on
    /// the crew's threads; `None` where the theory has no such value.
    fn expected(&mut self, expectations: &[Expectation]) -> Vec<Option<f64>> {
        let (base, base_sentences) = (&self.base, self.base_sentences as f64);
        // A fresh universe's entities are new (a fresh draw of the same
        // universe, as fine-tuning on changed facts draws, is not).
        let fresh = self.fresh.as_ref().filter(|f| f.parts().universe != 0);
        let fresh_sentences = self.fresh_sentences as f64;
        // The exact fact excess: zipf pre-training without fact noise.
        let law = match (base.source(), &self.fresh) {
            (Source::Zipf(law), None) if self.preset.generator.fact_noise <= 0.0 => Some(law),
            _ => None,
        };
        let (f, h) = (self.preset.generator.attributes, self.value_entropy);
        self.crew.map(expectations, |e| match *e {
            Expectation::Distinct => Some(
                theory::expected_distinct(base, base_sentences)
                    + fresh.map_or(0.0, |g| theory::expected_distinct(g, fresh_sentences)),
            ),
            Expectation::FactExcess(held, (start, length)) => {
                law.map(|law| theory::expected_fact_excess_zipf(law, f, h, held, start as f64, length as f64))
            }
        })
    }

    /// Ranks a capped `oracle` learner with `budget` bits holds when full:
    /// whole entities (name and every fact), the last one in part.
    fn held_ranks(&self, budget: f64) -> f64 {
        let g = &self.preset.generator;
        budget / (g.name_bits() + g.attributes as f64 * g.fact_bits())
    }

    /// Facts in each bin of a probe set of `g`'s universe.
    fn facts_per_bin(&self, probes: &ProbeSet, g: &Generator) -> Vec<f64> {
        let entities = match g.source() {
            Source::Zipf(law) => law.k(),
            // Ranks of a pycrp universe are creation order: those created so far.
            Source::Pycrp(_) => self.seen.in_universe(g.parts().universe),
        };
        probes.facts_per_bin(self.preset.generator.attributes, entities)
    }

    /// Recent sentences with, per learner, whether its probe of the fact is wrong.
    pub fn samples(&self) -> Vec<Sample> {
        let vocab = self.base.vocab();
        let recent = self
            .recent
            .iter()
            .map(|s| {
                let g = match &self.fresh {
                    Some(f) if universe_of(s.entity) == f.parts().universe => f,
                    _ => &self.base,
                };
                let mut prompt = Vec::new();
                g.canonical_prompt(s.entity, s.attribute, &mut prompt);
                let probe = Probe {
                    entity: s.entity,
                    attribute: s.attribute,
                    rank: s.rank,
                    truth: s.true_value,
                    prompt,
                    value_token_base: vocab.value(s.attribute, 0),
                    values: self.preset.generator.values,
                };
                Pending { words: s.words(vocab), fact: s.fact_text(vocab), rank: s.rank, probe }
            })
            .collect::<Vec<_>>();
        let mut wrong: Vec<Vec<bool>> = vec![Vec::new(); recent.len()];
        for t in &self.trainees {
            let answers: Vec<bool> = match &t.runner {
                Runner::Local(l) => recent.iter().map(|r| l.probe(&r.probe).value != r.probe.truth).collect(),
                Runner::Remote(w) => w
                    .wrong(recent.iter().map(|r| r.probe.clone()).collect())
                    .unwrap_or_else(|| vec![false; recent.len()]),
            };
            for (i, a) in answers.into_iter().enumerate() {
                wrong[i].push(a);
            }
        }
        recent
            .into_iter()
            .zip(wrong)
            .map(|(r, wrong)| Sample { words: r.words, fact: r.fact, rank: r.rank, wrong })
            .collect()
    }
}

/// A sample before the learners' answers are known.
struct Pending {
    words: Vec<(String, crate::sk::Role)>,
    fact: String,
    rank: u64,
    probe: Probe,
}

impl Runner {
    fn name(&self) -> &str {
        match self {
            Runner::Local(l) => l.name(),
            Runner::Remote(w) => w.name(),
        }
    }

    fn kind(&self) -> LearnerKind {
        match self {
            Runner::Local(l) => l.kind(),
            Runner::Remote(w) => w.kind(),
        }
    }

    fn dropped(&self) -> u64 {
        match self {
            Runner::Local(_) => 0,
            Runner::Remote(w) => w.dropped(),
        }
    }
}

impl Trainee {
    /// The learner's measurements; `request.take` closes its window.
    fn measure(&mut self, request: &Request) -> Report {
        match &mut self.runner {
            Runner::Local(l) => Report::of(l.as_mut(), &mut self.window, request),
            // A learner thread that died panicked: surface it here, where
            // the driver turns panics into error updates.
            Runner::Remote(w) => w.report(request).unwrap_or_else(|| panic!("learner {} stopped", w.name())),
        }
    }
}

/// Accuracy of answering every fact with the value law's mode (docs/theory.md,
/// "Knowledge beyond chance"): `max_v H_a(v)`, the same law for every attribute.
fn chance_accuracy(g: &Generator) -> f64 {
    g.knowledge().value_law().probs().iter().copied().fold(0.0, f64::max)
}

/// A phase of the schedule: the pre-training generator with the phase's changes.
fn phase_plan(p: &PhaseConfig, generator: &GeneratorParams) -> PhasePlan {
    PhasePlan {
        name: p.name.clone(),
        sentences: p.sentences,
        generator: p.generator.apply(generator),
        new_entities: p.new_entities,
        mix: p.mix,
        syntax_seed: p.syntax_seed,
    }
}

/// Ranks the probe set covers: the whole zipf universe; for pycrp, twice the
/// entities expected by the end of the run.
fn probe_max_rank(g: &Generator, sentences: u64) -> u64 {
    match g.source() {
        Source::Zipf(law) => law.k(),
        Source::Pycrp(_) => (2.0 * theory::expected_distinct(g, sentences as f64)).clamp(2.0, 1e12) as u64,
    }
}

/// Builds a learner from its `[[learner]]` table.
pub fn build_learner(cfg: &LearnerConfig, g: &Generator, seed: u64) -> Box<dyn Learner> {
    let p = g.params();
    match cfg.kind {
        LearnerKind::Bayes => Box::new(BayesLearner::new(&cfg.name, p)),
        LearnerKind::Capped => Box::new(CappedLearner::new(
            &cfg.name,
            p,
            cfg.budget_bits.unwrap_or(0.0),
            cfg.policy,
            cfg.exposures,
            seed,
        )),
        LearnerKind::Neural => Box::new(NeuralLearner::new(&cfg.name, cfg, g.vocab(), seed)),
        LearnerKind::Transformer => {
            Box::new(TransformerLearner::new(&cfg.name, cfg, g.vocab(), longest_sentence(p), seed))
        }
    }
}

/// The next point of the log-spaced schedule `ceil(10^(j / per_decade))` after `n`.
pub fn next_log_point(n: u64, per_decade: u32) -> u64 {
    let per = per_decade as f64;
    let mut j = ((n.max(1) as f64).log10() * per).floor();
    loop {
        let p = 10f64.powf(j / per).ceil() as u64;
        if p > n {
            return p;
        }
        j += 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_schedule_is_increasing_and_dense_per_decade() {
        let mut n = 10;
        let mut points = vec![];
        while n < 1_000_000 {
            n = next_log_point(n, 10);
            points.push(n);
        }
        assert!(points.windows(2).all(|w| w[0] < w[1]));
        let in_decade = points.iter().filter(|&&p| (1000..10_000).contains(&p)).count();
        assert_eq!(in_decade, 10);
    }
}
