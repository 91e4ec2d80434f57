//! The learners on several threads (issue 12): checkpoint lines are byte
//! for byte the same for any thread count, the engine's one shared syntax
//! model gives the bits each Bayes and capped learner's own model gave
//! (the learners' own bits come summed a run of sentences at a time: equal
//! up to rounding, bounded below), and a learner that panics on a worker thread surfaces as a panic
//! on the caller's thread instead of a hang.

mod support;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sk_tui::config::Policy;
use sk_tui::engine::parallel::{BATCH, Crew, Lane};
use sk_tui::engine::worker::Window;
use sk_tui::learn::bayes::BayesLearner;
use sk_tui::learn::capped::CappedLearner;
use sk_tui::learn::log2::log2;
use sk_tui::learn::predictive::SyntaxModel;
use sk_tui::learn::{Answer, Learner, Probe};
use sk_tui::sk::{Bits, Generator, GeneratorParams, Parts, Sentence, Statement};
use support::binary::command;

/// Checkpoint lines of `sk-tui run` (the header, which holds the command
/// line, and the summary, which holds timings, dropped).
fn checkpoint_lines(preset: &str, threads: usize) -> (Vec<String>, String) {
    let out = command()
        .args(["run", "--preset", preset, "--sentences", "200000", "--seed", "5"])
        .args(["--threads", &threads.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let summary = lines.pop().unwrap();
    assert!(summary.contains("\"kind\":\"summary\""), "{summary}");
    let header = lines.remove(0);
    assert!(header.contains("\"kind\":\"run\""), "{header}");
    (lines, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn checkpoint_lines_are_byte_identical_with_one_two_and_three_threads() {
    // Many learners (data-scaling), phases with a new format and a mix
    // (finetune), fact noise (hallucination).
    for preset in ["data-scaling", "finetune", "hallucination"] {
        let (one, err) = checkpoint_lines(preset, 1);
        assert!(one.len() > 40, "{preset}: {} lines", one.len());
        assert!(err.contains("on 1 learner thread"), "{preset}: {err}");
        for threads in [2, 3] {
            let (many, err) = checkpoint_lines(preset, threads);
            assert!(err.contains(&format!("on {threads} learner threads")), "{preset}: {err}");
            assert_eq!(one.len(), many.len(), "{preset}: {threads} threads");
            for (i, (a, b)) in one.iter().zip(&many).enumerate() {
                assert_eq!(a, b, "{preset}: line {i} differs with {threads} threads");
            }
        }
    }
}

#[test]
fn a_thread_count_outside_its_range_is_rejected() {
    let out = command().args(["run", "--threads", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--threads 0") && err.contains("[1, 1024]"), "{err}");
}

/// The Bayes syntax model written out plainly: counts in hash maps, the
/// Dirichlet-multinomial predictive of the template given (format,
/// attribute) and of each filler given its slot, multiplied, one logarithm
/// (the same order of operations and the same `log2` as the learners', so
/// equal bit for bit).
struct ReferenceSyntax {
    p: GeneratorParams,
    templates: HashMap<u32, u32>,
    per_attribute: HashMap<(u32, u32), u32>,
    fillers: HashMap<(u32, u32), u32>,
    per_slot: HashMap<u32, u32>,
}

impl ReferenceSyntax {
    fn new(p: &GeneratorParams) -> Self {
        ReferenceSyntax {
            p: p.clone(),
            templates: HashMap::new(),
            per_attribute: HashMap::new(),
            fillers: HashMap::new(),
            per_slot: HashMap::new(),
        }
    }

    fn key(&self, s: &Sentence) -> (u32, u32) {
        (s.template / (self.p.attributes * self.p.templates), s.attribute)
    }

    fn bits(&self, s: &Sentence) -> f64 {
        let dm = |c: u32, n: u32, k: u32, g: f64| (c as f64 + g) / (n as f64 + k as f64 * g);
        let c = self.templates.get(&s.template).copied().unwrap_or(0);
        let n = self.per_attribute.get(&self.key(s)).copied().unwrap_or(0);
        let mut prob = dm(c, n, self.p.templates, self.p.template_concentration);
        for &(slot, word) in &s.fillers {
            let c = self.fillers.get(&(slot, word)).copied().unwrap_or(0);
            let n = self.per_slot.get(&slot).copied().unwrap_or(0);
            prob *= dm(c, n, self.p.filler_words, self.p.filler_concentration);
        }
        (self.p.attributes as f64).log2() - log2(prob)
    }

    fn train(&mut self, s: &Sentence) {
        *self.templates.entry(s.template).or_default() += 1;
        *self.per_attribute.entry(self.key(s)).or_default() += 1;
        for &(slot, word) in &s.fillers {
            *self.fillers.entry((slot, word)).or_default() += 1;
            *self.per_slot.entry(slot).or_default() += 1;
        }
    }
}

/// Counts the sentences it is handed (and panics at `fail_at`); must never
/// be asked to score alone.
#[derive(Default)]
struct Recorder {
    sentences: usize,
    fail_at: Option<usize>,
}

impl Learner for Recorder {
    fn name(&self) -> &str {
        "recorder"
    }
    fn kind(&self) -> sk_tui::config::LearnerKind {
        sk_tui::config::LearnerKind::Bayes
    }
    fn score(&mut self, _: &Sentence) -> Bits {
        panic!("the recorder shares the syntax model: score is never called")
    }
    fn train(&mut self, _: &Sentence) {
        panic!("the recorder shares the syntax model: train is never called")
    }
    fn shares_syntax(&self) -> bool {
        true
    }
    fn observe_run_shared(&mut self, sentences: &[Sentence], _: &[Statement]) -> Bits {
        if self.fail_at.is_some_and(|at| (self.sentences..self.sentences + sentences.len()).contains(&at)) {
            panic!("recorder fault");
        }
        self.sentences += sentences.len();
        Bits::default()
    }
    fn probe(&self, _: &Probe) -> Answer {
        Answer { value: 0, prob: 0.0 }
    }
    fn model_bits(&self) -> f64 {
        0.0
    }
    fn params(&self) -> u64 {
        0
    }
    fn sentences_seen(&self) -> u64 {
        self.sentences as u64
    }
}

/// A stream in two formats: sentences of format 1 (other templates, other
/// filler slots) interleaved from the middle on, as in a fine-tuning phase.
fn two_format_stream(p: &GeneratorParams, n: usize) -> Vec<Sentence> {
    let mut base = Generator::new(p, 11);
    let parts = Parts { syntax_seed: 99, format: 1, stream: 1, ..Parts::from_seed(11) };
    let mut other = Generator::with_parts(p, parts);
    (0..n)
        .map(|i| {
            let mut s = Sentence::default();
            if i > n / 2 && i % 3 == 0 {
                other.next(&mut s)
            } else {
                base.next(&mut s)
            }
            s
        })
        .collect()
}

/// A sum of non-negative terms with its rounding error carried along
/// (Neumaier): within two units in the last place of the exact sum.
#[derive(Clone, Copy, Default)]
struct Exact {
    sum: f64,
    carry: f64,
}

impl Exact {
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        self.carry += if self.sum.abs() >= x.abs() { (self.sum - t) + x } else { (x - t) + self.sum };
        self.sum = t;
    }

    fn value(&self) -> f64 {
        self.sum + self.carry
    }
}

/// A learner's window as the crew sums it (its own identity and fact bits
/// with the crew's shared window), against the same learner's bits sentence
/// by sentence (`alone`, summed in order, and `exact`, the syntax, identity
/// and fact parts summed exactly):
/// - sentences, tokens and oracle bits are summed one sentence at a time
///   either way: equal bit for bit;
/// - syntax, identity and fact bits come as one logarithm of the product
///   of the window's probabilities, multiplied a run of 16 sentences at a
///   time. Each probability takes a few operations on counts (a syntax
///   probability up to nine factors), the products one more per factor, the
///   window's product one per run: under 64 roundings per sentence in all,
///   so under `64 eps / ln 2 < 128 eps` bits, plus an ulp of the window's
///   sum; the sentence-by-sentence bits err as much. The identity part adds
///   the names' bits, summed a run at a time: adding the `n / 16`
///   non-negative run sums errs by at most `(n / 16) eps` times the total.
fn within_rounding(got: &Window, alone: &Window, exact: &[Exact; 3], what: &str) {
    assert_eq!((got.sentences, got.tokens), (alone.sentences, alone.tokens), "{what}");
    assert_eq!(got.oracle, alone.oracle, "{what}: oracle bits");
    let n = got.sentences as f64;
    let eps = f64::EPSILON;
    let parts = [got.bits.syntax, got.bits.identity, got.bits.fact];
    for ((part, got), want) in ["syntax", "identity", "fact"].iter().zip(parts).zip(exact) {
        let bound = (n / 16.0 + 4.0) * eps * want.value() + 2.0 * 128.0 * eps * n;
        let off = (got - want.value()).abs();
        assert!(off <= bound, "{what}: {part}: {got} vs {} (off {off:e} > bound {bound:e})", want.value());
    }
}

#[test]
fn the_shared_syntax_model_gives_each_learner_the_bits_of_its_own() {
    let p = GeneratorParams { templates: 6, filler_slots: 2, filler_words: 50, ..Default::default() };
    let n = 5 * BATCH + 17;
    let stream = two_format_stream(&p, n);
    // The reference, sentence by sentence: bits before training.
    let mut reference = ReferenceSyntax::new(&p);
    let want: Vec<f64> = stream
        .iter()
        .map(|s| {
            let b = reference.bits(s);
            reference.train(s);
            b
        })
        .collect();
    // The shared model, sentence by sentence.
    let mut shared = SyntaxModel::new(&p);
    for (i, (s, want)) in stream.iter().zip(&want).enumerate() {
        let got = shared.observe(s);
        assert_eq!(got.to_bits(), want.to_bits(), "sentence {i}: {got} vs {want}");
    }
    // Learners with their own syntax model, driven alone.
    let mut own_bayes = BayesLearner::new("b", &p);
    let mut own_capped = CappedLearner::new("c", &p, 3e4, Policy::Lfu, 2, 7);
    let mut own_oracle = CappedLearner::new("o", &p, 3e4, Policy::Oracle, 1, 7);
    let mut alone = [(); 3].map(|_| Window::default());
    let mut exact = [[Exact::default(); 3]; 3];
    for (s, &syntax) in stream.iter().zip(&want) {
        let own: [&mut dyn Learner; 3] = [&mut own_bayes, &mut own_capped, &mut own_oracle];
        for ((learner, window), exact) in own.into_iter().zip(&mut alone).zip(&mut exact) {
            let bits = learner.observe(s);
            // Each learner's own syntax model gives the reference's bits.
            assert_eq!(bits.syntax.to_bits(), syntax.to_bits(), "{}", learner.name());
            window.add(s, bits);
            exact[0].add(bits.syntax);
            exact[1].add(bits.identity);
            exact[2].add(bits.fact);
        }
    }
    for threads in [1, 3] {
        let mut crew = Crew::new(&p);
        crew.set_threads(threads);
        let mut bayes = BayesLearner::new("b", &p);
        let mut capped = CappedLearner::new("c", &p, 3e4, Policy::Lfu, 2, 7);
        let mut oracle = CappedLearner::new("o", &p, 3e4, Policy::Oracle, 1, 7);
        let mut recorder = Recorder::default();
        let mut windows = [(); 4].map(|_| Window::default());
        let [wb, wr, wc, wo] = &mut windows;
        let mut lanes = [
            Lane { learner: &mut bayes, window: wb },
            Lane { learner: &mut recorder, window: wr },
            Lane { learner: &mut capped, window: wc },
            Lane { learner: &mut oracle, window: wo },
        ];
        let mut next = stream.iter();
        // Two calls, as the engine makes one per span between checkpoints.
        for part in [1000, n as u64 - 1000] {
            crew.run(part, &mut lanes, &mut |batch| {
                batch.iter_mut().for_each(|s| s.copy_from(next.next().unwrap()))
            });
        }
        // The windows close: each learner's last, partial run is summed,
        // and the crew's shared window (with its own partial run) joins
        // each lane's.
        let shared = crew.close_shared();
        let learners: [&mut dyn Learner; 3] = [&mut bayes, &mut capped, &mut oracle];
        for (i, learner) in [0, 2, 3].into_iter().zip(learners) {
            windows[i].bits += learner.close_window();
            windows[i] = windows[i].with_shared(&shared);
        }
        assert_eq!(recorder.sentences, n);
        within_rounding(&windows[0], &alone[0], &exact[0], "bayes");
        within_rounding(&windows[2], &alone[1], &exact[1], "capped");
        within_rounding(&windows[3], &alone[2], &exact[2], "capped oracle");
        assert_eq!(bayes.entities(), own_bayes.entities());
        assert_eq!(capped.stored_entities(), own_capped.stored_entities());
        assert_eq!(oracle.stored_entities(), own_oracle.stored_entities());
    }
}

#[test]
fn a_learner_that_panics_on_a_worker_thread_panics_the_caller_instead_of_hanging() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let p = GeneratorParams::default();
        let mut crew = Crew::new(&p);
        crew.set_threads(3);
        let mut g = Generator::new(&p, 1);
        let mut bayes = BayesLearner::new("b", &p);
        let mut faulty = Recorder { fail_at: Some(3 * BATCH + 5), ..Default::default() };
        let (mut w1, mut w2) = (Window::default(), Window::default());
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut lanes = [
                Lane { learner: &mut bayes, window: &mut w1 },
                Lane { learner: &mut faulty, window: &mut w2 },
            ];
            crew.run(20 * BATCH as u64, &mut lanes, &mut |batch| batch.iter_mut().for_each(|s| g.next(s)));
        }));
        let message = outcome.err().and_then(|e| e.downcast_ref::<&str>().map(|s| s.to_string()));
        let _ = tx.send(message);
    });
    let message = rx.recv_timeout(Duration::from_secs(60)).expect("the crew hung after a learner panicked");
    assert_eq!(message.as_deref(), Some("recorder fault"));
}

/// A checkpoint's theory sums run on the crew's threads (`Crew::map`): the
/// results come back in the items' order, each computed once, whatever the
/// thread count, with items of very unequal cost (so threads finish out of
/// order).
#[test]
fn the_crew_maps_items_in_order_on_any_thread_count() {
    let items: Vec<u64> = (0..23).map(|i| (i * 7919) % 23).collect();
    let calls = AtomicUsize::new(0);
    let f = |&i: &u64| {
        calls.fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(Duration::from_micros(50 * (i % 5)));
        (0..=i * 1000).map(|k| k as f64).sum::<f64>()
    };
    let want: Vec<f64> = items.iter().map(|&i| (0..=i * 1000).map(|k| k as f64).sum()).collect();
    let p = GeneratorParams::default();
    for threads in [1, 2, 3, 8] {
        let mut crew = Crew::new(&p);
        crew.set_threads(threads);
        calls.store(0, Ordering::Relaxed);
        assert_eq!(crew.map(&items, f), want, "{threads} threads");
        assert_eq!(calls.load(Ordering::Relaxed), items.len(), "{threads} threads");
        assert!(crew.map(&[] as &[u64], f).is_empty());
    }
}
