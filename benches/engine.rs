//! End-to-end engine throughput on one core (issue 3): the `data-scaling`
//! preset (one Bayes and six capped learners) headless, with the share of
//! time spent on checkpoint metrics and probes. Run: `cargo bench --bench engine`.
//! Peak memory at 10^7 and 10^8 sentences is measured on the binary
//! (README, "Benchmarks").

use std::time::Instant;

use sk_tui::config::library::embedded_preset;
use sk_tui::engine::{Engine, Step};

fn main() {
    let preset = embedded_preset("data-scaling").expect("embedded preset").preset;
    for &n in &[10_000_000u64] {
        let mut runs = Vec::new();
        for seed in 0..3 {
            let mut e = Engine::new(&preset, Some(n), Some(seed));
            let start = Instant::now();
            let mut checkpoints = 0;
            loop {
                match e.advance(1 << 20) {
                    Step::Checkpoint(_) => checkpoints += 1,
                    Step::Finished => break,
                    _ => {}
                }
            }
            let secs = start.elapsed().as_secs_f64();
            runs.push((n as f64 / secs, e.metrics_seconds() / secs, checkpoints));
        }
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (rate, share, checkpoints) = runs[1];
        println!(
            "data-scaling (1 bayes + 6 capped), n = {n}: {:.2} M sentences/s; checkpoints {checkpoints}, metrics and probes {:.2}% of run time (median of 3)",
            rate / 1e6,
            share * 100.0
        );
    }
}
