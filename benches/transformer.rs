//! Benchmark of the transformer learner: sentences and tokens per second of
//! the default transformer (`type = "transformer"` defaults: 2 layers, width
//! 64, 4 heads, context 8, Adam on batches of 16) trained online on the
//! default generator's stream, the achieved fraction of the arithmetic
//! floor, and the default MLP learner measured in the same run as the
//! reference.
//!
//! The floor: the multiply-adds a training step needs (`floor_flops`,
//! counted from the shapes: forward, the two backward products, Adam)
//! at the rate the crate's own `dots4` kernel reaches on data in L1 cache on
//! this core (`kernel_peak`) — the best the passes could do with their
//! kernels, without loads from memory or any other overhead.
//!
//! `cargo bench --bench transformer` (release profile, one thread);
//! `TRANSFORMER_BENCH_SENTENCES` and `TRANSFORMER_BENCH_REPS` shorten a run.

mod support;

use std::time::Instant;

use sk_tui::config::{LearnerConfig, LearnerKind};
use sk_tui::learn::Learner;
use sk_tui::learn::neural::NeuralLearner;
use sk_tui::learn::transformer::{TransformerLearner, longest_sentence};
use sk_tui::sk::{Generator, GeneratorParams, Sentence};
use support::median;

const SENTENCES: usize = 20_000;
const REPETITIONS: usize = 3;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Floating-point operations (a multiply-add is two) of one training step
/// on `s`, from the shapes: per position the block matrices (`12 d^2`
/// multiply-adds), attention over the window (`2 w d`), the two-level
/// softmax (`(K + |class|) d`); backward twice forward for each product;
/// Adam `10` operations per weight per batch, spread over its sentences.
fn floor_flops(l: &TransformerLearner, s: &Sentence, vocab_blocks: &[(usize, usize)], of: &[u32]) -> f64 {
    let shape = l.net().shape;
    let d = shape.width as f64;
    let mut fma = 0.0;
    for (i, &t) in s.tokens.iter().enumerate() {
        let window = (i + 1).min(shape.context) as f64;
        let (a, b) = vocab_blocks[of[t as usize] as usize];
        let per_layer = 12.0 * d * d + 2.0 * window * d;
        fma += shape.layers as f64 * per_layer + (vocab_blocks.len() + (b - a)) as f64 * d;
    }
    3.0 * 2.0 * fma + 10.0 * l.params() as f64 / 16.0
}

/// Operations per second of `dots4` on 64-float rows held in L1.
fn kernel_peak() -> f64 {
    use sk_tui::learn::neural::kernels::dots4;
    let a: Vec<f32> = (0..64).map(|i| i as f32 * 1e-3).collect();
    let b: Vec<Vec<f32>> = (0..4).map(|q| (0..64).map(|i| (i + q) as f32 * 1e-3).collect()).collect();
    let mut best = 0f64;
    for _ in 0..5 {
        let reps = 2_000_000;
        let start = Instant::now();
        let mut acc = [0f32; 4];
        for _ in 0..reps {
            let out = dots4(std::hint::black_box(&a), [&b[0], &b[1], &b[2], &b[3]]);
            for q in 0..4 {
                acc[q] += out[q];
            }
        }
        std::hint::black_box(acc);
        best = best.max(reps as f64 * 4.0 * 64.0 * 2.0 / start.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    let params = GeneratorParams::default();
    let n = env_or("TRANSFORMER_BENCH_SENTENCES", SENTENCES).max(1);
    let reps = env_or("TRANSFORMER_BENCH_REPS", REPETITIONS).max(1);
    let mut g = Generator::new(&params, 1);
    let stream: Vec<Sentence> = (0..n)
        .map(|_| {
            let mut s = Sentence::default();
            g.next(&mut s);
            s
        })
        .collect();
    let tokens: usize = stream.iter().map(|s| s.tokens.len()).sum();
    let vocab = g.vocab().clone();
    let tf_cfg = LearnerConfig { name: "tf".into(), kind: LearnerKind::Transformer, ..Default::default() };
    let nn_cfg = LearnerConfig { name: "nn".into(), kind: LearnerKind::Neural, ..Default::default() };
    let (mut tf_rates, mut nn_rates) = (Vec::new(), Vec::new());
    let mut bits = 0.0;
    let mut flops = 0.0;
    let mut tf_params = 0;
    for rep in 0..reps {
        let mut tf = TransformerLearner::new("tf", &tf_cfg, &vocab, longest_sentence(&params), rep as u64);
        tf_params = tf.params();
        if rep == 0 {
            let (blocks, of) = (tf.net().classes.ranges.clone(), tf.net().classes.of.clone());
            flops = stream.iter().map(|s| floor_flops(&tf, s, &blocks, &of)).sum();
        }
        let start = Instant::now();
        for s in &stream {
            bits += tf.observe(s).total();
        }
        tf_rates.push(n as f64 / start.elapsed().as_secs_f64());
        let mut nn = NeuralLearner::new("nn", &nn_cfg, &vocab, rep as u64);
        let start = Instant::now();
        for s in &stream {
            bits += nn.observe(s).total();
        }
        nn_rates.push(n as f64 / start.elapsed().as_secs_f64());
    }
    let peak = kernel_peak();
    let tf_rate = median(tf_rates.clone());
    let per_sentence = flops / n as f64;
    let achieved = tf_rate * per_sentence;
    let tokens_per_sentence = tokens as f64 / n as f64;
    println!(
        "default transformer (2 layers, width 64, 4 heads, context 8, adam, batch 16), default generator: {tf_params} weights, vocabulary {}",
        vocab.size()
    );
    println!(
        "  {tf_rate:.0} sentences/s, {:.0} tokens/s (median of {reps} runs of {n} sentences; min {:.0}, max {:.0})",
        tf_rate * tokens_per_sentence,
        tf_rates.iter().copied().fold(f64::INFINITY, f64::min),
        tf_rates.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "  arithmetic: {:.2} Mflop per sentence; achieved {:.2} Gflop/s; dots4 in L1 {:.2} Gflop/s; fraction of the floor {:.1}%",
        per_sentence / 1e6,
        achieved / 1e9,
        peak / 1e9,
        100.0 * achieved / peak
    );
    let nn_rate = median(nn_rates.clone());
    println!(
        "reference, default MLP (embedding 32, hidden 64, context 8, sgd), same stream: {nn_rate:.0} sentences/s, {:.0} tokens/s (min {:.0}, max {:.0})",
        nn_rate * tokens_per_sentence,
        nn_rates.iter().copied().fold(f64::INFINITY, f64::min),
        nn_rates.iter().copied().fold(0.0, f64::max)
    );
    std::hint::black_box(bits);
}
