//! Benchmark of the neural learner: sentences and token updates per second of
//! the default network (`LearnerConfig` defaults, default generator) trained
//! online on a generated stream, per sentence (the default) and in
//! mini-batches (`batch = 16`), where the time goes, and the achieved
//! fraction of the machine's peak floating-point rate. Printed beside two
//! references measured in the same run: the generator's own pace on the same
//! stream, and the peak of a tight multiply/add loop (`peak`).
//!
//! `cargo bench --bench neural` (release profile, one thread). Arguments
//! that are not flags select the configurations whose label contains one of
//! them (`cargo bench --bench neural -- default`); `NEURAL_BENCH_SENTENCES` and
//! `NEURAL_BENCH_REPS` shorten a run while profiling.

mod support;

use std::time::Instant;

use sk_tui::config::{LearnerConfig, LearnerKind};
use sk_tui::learn::Learner;
use sk_tui::learn::neural::{NeuralLearner, StepProfile};
use sk_tui::sk::{Generator, GeneratorParams, Sentence};
use support::median;

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

/// CPU time of this thread in seconds (the machine is shared: wall-clock
/// rates fall when other processes run, CPU-time rates much less).
fn thread_cpu_seconds() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// The generator's own pace on `params`: sentences/s, median of five runs of 2M.
fn generator_pace(params: &GeneratorParams) -> f64 {
    median((0..5).map(|i| support::generator_pace(params, 2_000_000, 100 + i).0).collect())
}

/// The machine's peak in flop/s of one core: twelve independent chains of
/// `a = a x + y` on full vectors, the best of seven runs. Returns
/// `(separate multiply and add, fused multiply-add, vector width in f32)` at
/// the widest width the CPU has; the learner's kernels use separate multiply
/// and add (their rounding must not depend on the instruction set).
fn peak() -> (f64, f64, usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use peak_x86::*;
        type Chains = fn(usize) -> f32;
        let (width, mul_add, fma): (usize, Chains, Chains) = if std::arch::is_x86_feature_detected!("avx512f")
        {
            (16, avx512_mul_add, avx512_fma)
        } else if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            (8, avx2_mul_add, avx2_fma)
        } else {
            (4, sse_mul_add, sse_mul_add)
        };
        let best = |f: fn(usize) -> f32| {
            let iters = 5_000_000;
            (0..7)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(f(iters));
                    (iters * CHAINS * width * 2) as f64 / start.elapsed().as_secs_f64()
                })
                .fold(0.0, f64::max)
        };
        (best(mul_add), best(fma), width)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        (f64::NAN, f64::NAN, 0)
    }
}

#[cfg(target_arch = "x86_64")]
mod peak_x86 {
    use std::arch::x86_64::*;

    pub const CHAINS: usize = 12;

    macro_rules! chains {
        ($name:ident, $feat:literal, $t:ty, $set1:ident, $step:expr) => {
            pub fn $name(iters: usize) -> f32 {
                #[target_feature(enable = $feat)]
                fn run(iters: usize) -> f32 {
                    let x = $set1(std::hint::black_box(1.000_001f32));
                    let y = $set1(std::hint::black_box(0.999_999f32));
                    let mut a: [$t; CHAINS] = [$set1(0.0); CHAINS];
                    for _ in 0..iters {
                        for v in a.iter_mut() {
                            *v = $step(*v, x, y);
                        }
                    }
                    let lanes: [[f32; size_of::<$t>() / 4]; CHAINS] =
                        // SAFETY: a vector of f32 lanes has the layout of an array of them.
                        unsafe { std::mem::transmute(a) };
                    lanes.iter().map(|l| l[0]).sum()
                }
                // SAFETY: called only after the feature was detected (`peak`).
                unsafe { run(iters) }
            }
        };
    }

    chains!(avx512_mul_add, "avx512f", __m512, _mm512_set1_ps, |a, x, y| _mm512_add_ps(
        _mm512_mul_ps(a, x),
        y
    ));
    chains!(avx512_fma, "avx512f", __m512, _mm512_set1_ps, |a, x, y| _mm512_fmadd_ps(a, x, y));
    chains!(avx2_mul_add, "avx2,fma", __m256, _mm256_set1_ps, |a, x, y| _mm256_add_ps(
        _mm256_mul_ps(a, x),
        y
    ));
    chains!(avx2_fma, "avx2,fma", __m256, _mm256_set1_ps, |a, x, y| _mm256_fmadd_ps(a, x, y));
    chains!(sse_mul_add, "sse2", __m128, _mm_set1_ps, |a, x, y| _mm_add_ps(_mm_mul_ps(a, x), y));
}

struct Reference {
    generator: f64,
    peak_mul_add: f64,
    peak_fma: f64,
}

fn bench(label: &str, params: &GeneratorParams, cfg: &LearnerConfig, reference: &Reference) {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| label.contains(f.as_str())) {
        return;
    }
    let repetitions = env_or("NEURAL_BENCH_REPS", REPETITIONS).max(1);
    let sentences = stream(params, env_or("NEURAL_BENCH_SENTENCES", SENTENCES).max(1));
    let tokens: usize = sentences.iter().map(|s| s.tokens.len()).sum();
    let vocab = Generator::new(params, 1).vocab().clone();
    let mut rates = Vec::new();
    let mut cpu_rates = Vec::new();
    let mut bits = 0.0;
    for rep in 0..repetitions {
        let mut l = NeuralLearner::new("bench", cfg, &vocab, rep as u64);
        let (start, cpu) = (Instant::now(), thread_cpu_seconds());
        for s in &sentences {
            bits += l.observe(s).total();
        }
        rates.push(sentences.len() as f64 / start.elapsed().as_secs_f64());
        cpu_rates.push(sentences.len() as f64 / (thread_cpu_seconds() - cpu));
    }
    let mut l = NeuralLearner::new("bench", cfg, &vocab, 0);
    let flops: u64 = sentences.iter().map(|s| l.training_flops(&s.tokens)).sum();
    let mut prof = StepProfile::default();
    for s in &sentences {
        bits += l.observe_profiled(s, &mut prof).total();
    }
    let t = prof.total().as_secs_f64();
    let share = |d: std::time::Duration| 100.0 * d.as_secs_f64() / t;
    let per_token = tokens as f64 / sentences.len() as f64;
    let rate = median(rates.clone());
    let achieved = rate * flops as f64 / sentences.len() as f64;
    println!(
        "{label}: vocab {} embedding {} hidden {} context {} params {}, optimizer {:?} batch {}, passes built for {:?}",
        vocab.size(),
        cfg.embedding,
        cfg.hidden,
        cfg.context,
        l.params(),
        cfg.optimizer(),
        cfg.batch(),
        l.isa()
    );
    println!(
        "  {:.1}k sentences/s = {:.0}k token updates/s (median of {repetitions} runs of {} sentences, {per_token:.2} tokens each; min {:.1}k, max {:.1}k sentences/s); {:.2}% of the generator's pace",
        rate / 1e3,
        rate * per_token / 1e3,
        sentences.len(),
        rates.iter().copied().fold(f64::INFINITY, f64::min) / 1e3,
        rates.iter().copied().fold(0.0, f64::max) / 1e3,
        100.0 * rate / reference.generator
    );
    println!("  per second of this thread's CPU time: {:.1}k sentences/s", median(cpu_rates) / 1e3);
    println!(
        "  arithmetic {:.2} Mflop/sentence -> {:.1} Gflop/s = {:.0}% of the FMA peak (the kernels fuse), {:.0}% of the separate multiply+add peak",
        flops as f64 / sentences.len() as f64 / 1e6,
        achieved / 1e9,
        100.0 * achieved / reference.peak_fma,
        100.0 * achieved / reference.peak_mul_add
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
    let (peak_mul_add, peak_fma, width) = peak();
    let generator = generator_pace(&GeneratorParams::default());
    println!(
        "reference, same run: default generator {:.2} M sentences/s; one-core peak ({width} f32 lanes) {:.1} Gflop/s with separate multiply and add, {:.1} Gflop/s with FMA",
        generator / 1e6,
        peak_mul_add / 1e9,
        peak_fma / 1e9
    );
    let reference = Reference { generator, peak_mul_add, peak_fma };
    let default = LearnerConfig { name: "nn".into(), kind: LearnerKind::Neural, ..Default::default() };
    bench("default network, default generator", &GeneratorParams::default(), &default, &reference);
    let batched = LearnerConfig { batch: Some(16), ..default.clone() };
    bench(
        "default network, mini-batch 16, default generator",
        &GeneratorParams::default(),
        &batched,
        &reference,
    );
    let wide = LearnerConfig { embedding: 64, hidden: 64, ..default.clone() };
    let big_vocab = GeneratorParams { values: 256, name_alphabet: 256, ..Default::default() };
    bench("embedding 64, hidden 64, 1.4k-token vocabulary", &big_vocab, &wide, &reference);
}
