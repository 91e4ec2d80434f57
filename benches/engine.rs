//! End-to-end engine throughput (issues 3 and 12): the `data-scaling` preset
//! (one Bayes and six capped learners) headless on 1 and 2 learner threads,
//! each beside the generator's own pace on the same generator measured in
//! the same run (interleaved, so both see the same machine load), with the
//! share of time spent on checkpoint metrics and probes, and where one
//! thread's time goes (the shared syntax model and each learner alone).
//! Run: `cargo bench --bench engine`. Peak memory at 10^7 and 10^8 sentences
//! is measured on the binary (docs/benchmarks.md).

mod support;

use std::time::Instant;

use sk_tui::config::library::embedded_preset;
use sk_tui::engine::batch_size::BatchSize;
use sk_tui::engine::parallel::{BATCH, SharedWindow};
use sk_tui::engine::run::build_learner;
use sk_tui::engine::{Engine, Step};
use sk_tui::record::recorder::{BATCH_TIME, FIRST_BATCH};
use sk_tui::sk::{Generator, Sentence, Statement};
use support::median_best;

const N: u64 = 10_000_000;

/// Repeats of each measurement (`ENGINE_BENCH_REPS`, default 3): a shared
/// machine's pace varies from run to run, so both the median and the best
/// are reported.
fn repeats() -> u64 {
    std::env::var("ENGINE_BENCH_REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(3).max(1)
}

/// Sentences per second of the engine, and the share of time in metrics.
/// The engine advances by batches of `run`'s own size (`BatchSize`, as the
/// recorder sizes them: about 50 ms each), so the learner threads' pipeline
/// fills and drains as often as in `run`.
fn engine_pace(preset: &sk_tui::config::Preset, seed: u64, threads: usize) -> (f64, f64) {
    let mut e = Engine::new(preset, Some(N), Some(seed));
    e.set_threads(threads);
    let mut batch = BatchSize::new(FIRST_BATCH, BATCH_TIME);
    let start = Instant::now();
    loop {
        let (began, before) = (Instant::now(), e.sentences());
        if e.advance(batch.get()) == Step::Finished {
            break;
        }
        batch.adapt(e.sentences() - before, began.elapsed());
    }
    let secs = start.elapsed().as_secs_f64();
    (N as f64 / secs, e.metrics_seconds() / secs)
}

/// The machine's CPU ticks so far, total and stolen by the hypervisor
/// (`/proc/stat`'s `cpu` line; zeros where there is none).
fn cpu_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> =
        stat.lines().next().unwrap_or("").split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    (fields.iter().take(8).sum(), fields.get(7).copied().unwrap_or(0))
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() {
    let preset = embedded_preset("data-scaling").expect("embedded preset").preset;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let repeats = repeats();
    let ticks = cpu_ticks();
    println!(
        "data-scaling (1 bayes + 6 capped), n = {N}, {repeats} repeats; {cores} cores; load average before: {}",
        load()
    );
    let (mut generator, mut bare, mut one, mut two, mut share) = (vec![], vec![], vec![], vec![], vec![]);
    for seed in 0..repeats {
        generator.push(support::generator_pace(&preset.generator, N, seed).0);
        bare.push(support::generator_pace_spelling(&preset.generator, N, seed, false).0);
        let (rate, metrics) = engine_pace(&preset, seed, 1);
        one.push(rate);
        share.push(metrics);
        two.push(engine_pace(&preset, seed, 2).0);
    }
    // Each repeat's two-thread pace over its one-thread pace, measured
    // seconds apart: the machine's slower swings cancel in it.
    let ratios: Vec<f64> = two.iter().zip(&one).map(|(t, o)| t / o).collect();
    let ((g, g_best), (b, b_best), (e1, e1_best), (e2, e2_best)) =
        (median_best(generator), median_best(bare), median_best(one), median_best(two));
    println!("  paces in M sentences/s, median (best)");
    println!("  generator alone (same params)   {:>6.2} ({:.2})", g / 1e6, g_best / 1e6);
    println!(
        "  generator alone, unspelled      {:>6.2} ({:.2})  (no tokens written, as this engine draws)",
        b / 1e6,
        b_best / 1e6
    );
    println!(
        "  engine, 1 learner thread        {:>6.2} ({:.2})  = {:.2} x the generator; metrics and probes {:.2}% of run time",
        e1 / 1e6,
        e1_best / 1e6,
        e1 / g,
        median_best(share).0 * 100.0
    );
    println!(
        "  engine, 2 learner threads       {:>6.2} ({:.2})  = {:.2} x the generator, {:.2} x one thread (per repeat: median {:.2}, range {:.2}-{:.2})",
        e2 / 1e6,
        e2_best / 1e6,
        e2 / g,
        e2 / e1,
        median_best(ratios.clone()).0,
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.iter().copied().fold(0.0, f64::max),
    );
    let learners = preset.learners.len() as f64;
    println!(
        "  learners' time per sentence on one thread (engine minus the unspelled generator): {:.0} ns, {:.0} ns per learner",
        (1.0 / e1 - 1.0 / b) * 1e9,
        (1.0 / e1 - 1.0 / b) * 1e9 / learners
    );
    breakdown(&preset, repeats);
    let (total, stolen) = cpu_ticks();
    let (total, stolen) = (total - ticks.0, stolen - ticks.1);
    println!(
        "  load average after: {}; CPU time stolen by the hypervisor during the bench: {:.1}%",
        load(),
        100.0 * stolen as f64 / total.max(1) as f64
    );
}

/// Where one thread's time goes, timed part by part as the engine runs them
/// on one thread: each batch is drawn (untimed), scored by the shared syntax
/// model, then observed by each learner in turn. Median over the repeats of
/// 10^6 sentences.
fn breakdown(preset: &sk_tui::config::Preset, repeats: u64) {
    const M: usize = 1_000_000;
    let parts = preset.learners.len() + 1;
    let mut runs: Vec<Vec<f64>> = vec![Vec::new(); parts];
    for seed in 0..repeats {
        let mut g = Generator::new(&preset.generator, seed);
        let mut shared = SharedWindow::new(&preset.generator);
        let mut learners: Vec<_> = preset.learners.iter().map(|c| build_learner(c, &g, seed)).collect();
        let mut batch = vec![Sentence::default(); BATCH];
        let mut secs = vec![0.0; parts];
        for _ in 0..M / BATCH {
            batch.iter_mut().for_each(|s| g.next(s));
            let statements: Vec<Statement> = batch.iter().map(Sentence::statement).collect();
            let start = Instant::now();
            batch.iter().for_each(|s| shared.observe(s));
            secs[0] += start.elapsed().as_secs_f64();
            for (l, t) in learners.iter_mut().zip(&mut secs[1..]) {
                let start = Instant::now();
                std::hint::black_box(l.observe_run_shared(&batch, &statements));
                *t += start.elapsed().as_secs_f64();
            }
        }
        let n = (M / BATCH * BATCH) as f64;
        for (r, t) in runs.iter_mut().zip(secs) {
            r.push(t * 1e9 / n);
        }
    }
    let names = std::iter::once("shared window (syntax, oracle)")
        .chain(preset.learners.iter().map(|c| c.name.as_str()));
    println!("  one thread, part by part, ns per sentence (median):");
    let mut total = 0.0;
    for (name, r) in names.zip(runs) {
        let ns = median_best(r).0;
        total += ns;
        println!("    {name:<31} {ns:>6.0}");
    }
    println!("    sum                             {total:>6.0}");
}
