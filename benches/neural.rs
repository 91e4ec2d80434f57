//! Benchmark of the neural learner: token updates per second of the default
//! network (`LearnerConfig` defaults, default generator) trained online on a
//! generated stream, and where the time goes.
//!
//! `cargo bench --bench neural` (release profile, one thread). Arguments
//! that are not flags select the configurations whose label contains one of
//! them (`cargo bench --bench neural -- hidden`); `NEURAL_BENCH_SENTENCES` and
//! `NEURAL_BENCH_REPS` shorten a run while profiling.

use std::time::Instant;

use sk_tui::config::{LearnerConfig, LearnerKind};
use sk_tui::learn::Learner;
use sk_tui::learn::neural::{NeuralLearner, StepProfile};
use sk_tui::sk::{Generator, GeneratorParams, Sentence};

const SENTENCES: usize = 60_000;
const REPETITIONS: usize = 5;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn stream(params: &GeneratorParams, n: usize) -> Vec<Sentence> {
    let mut g = Generator::new(params, 1);
    (0..n)
        .map(|_| {
            let mut s = Sentence::default();
            g.next(&mut s);
            s
        })
        .collect()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn bench(label: &str, params: &GeneratorParams, cfg: &LearnerConfig) {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| label.contains(f.as_str())) {
        return;
    }
    let repetitions = env_or("NEURAL_BENCH_REPS", REPETITIONS).max(1);
    let sentences = stream(params, env_or("NEURAL_BENCH_SENTENCES", SENTENCES).max(1));
    let tokens: usize = sentences.iter().map(|s| s.tokens.len()).sum();
    let vocab = Generator::new(params, 1).vocab().clone();
    let mut rates = Vec::new();
    let mut bits = 0.0;
    for rep in 0..repetitions {
        let mut l = NeuralLearner::new("bench", cfg, &vocab, rep as u64);
        let start = Instant::now();
        for s in &sentences {
            bits += l.observe(s).total();
        }
        rates.push(tokens as f64 / start.elapsed().as_secs_f64());
    }
    let mut l = NeuralLearner::new("bench", cfg, &vocab, 0);
    let mut prof = StepProfile::default();
    for s in &sentences {
        bits += l.observe_profiled(s, &mut prof).total();
    }
    let t = prof.total().as_secs_f64();
    let share = |d: std::time::Duration| 100.0 * d.as_secs_f64() / t;
    println!(
        "{label}: vocab {} embedding {} hidden {} context {} params {}",
        vocab.size(),
        cfg.embedding,
        cfg.hidden,
        cfg.context,
        l.params()
    );
    println!(
        "  {:.0} token updates/s (median of {repetitions} runs of {tokens} tokens; min {:.0}, max {:.0})",
        median(rates.clone()),
        rates.iter().copied().fold(f64::INFINITY, f64::min),
        rates.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "  time share: hidden fwd {:.1}%, output fwd {:.1}%, output bwd {:.1}%, hidden bwd {:.1}%, output update {:.1}%, hidden update {:.1}%  (output layer {:.1}%)",
        share(prof.hidden_forward),
        share(prof.output_forward),
        share(prof.output_backward),
        share(prof.hidden_backward),
        share(prof.output_update),
        share(prof.hidden_update),
        100.0 * prof.output_share()
    );
    std::hint::black_box(bits);
}

fn main() {
    let default = LearnerConfig { name: "nn".into(), kind: LearnerKind::Neural, ..Default::default() };
    bench("default network, default generator", &GeneratorParams::default(), &default);
    let wide = LearnerConfig { embedding: 64, hidden: 64, ..default.clone() };
    let big_vocab = GeneratorParams { values: 256, name_alphabet: 256, ..Default::default() };
    bench("embedding 64, hidden 64, 1.4k-token vocabulary", &big_vocab, &wide);
}
