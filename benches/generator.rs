//! Generator throughput on one core (issue 2): zipf with K = 10^6 and pycrp
//! at alpha = 0.8 up to n = 10^7. Prints sentences/s and tokens/s, the median
//! of five repetitions. Run: `cargo bench --bench generator`.

mod support;

use sk_tui::sk::{GeneratorParams, SourceKind};

fn report(label: &str, p: &GeneratorParams, n: u64) {
    let mut runs: Vec<(f64, f64)> = (0..5).map(|i| support::generator_pace(p, n, 100 + i)).collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (sps, tps) = runs[2];
    println!(
        "{label:<44} {:>7.2} M sentences/s {:>7.1} M tokens/s  (median of 5, n = {n})",
        sps / 1e6,
        tps / 1e6
    );
}

fn main() {
    let zipf = GeneratorParams { entities: 1_000_000, alpha: 0.6, ..Default::default() };
    report("zipf K=1e6 alpha=0.6", &zipf, 10_000_000);
    let heavy =
        GeneratorParams { entities: 1_000_000_000_000, alpha: 0.9, name_length: 7, ..Default::default() };
    report("zipf K=1e12 alpha=0.9 (tail sampler)", &heavy, 10_000_000);
    let py = GeneratorParams {
        source: SourceKind::Pycrp,
        alpha: 0.8,
        beta: 1.0,
        name_length: 6,
        ..Default::default()
    };
    report("pycrp alpha=0.8 beta=1, n = 0..1e7", &py, 10_000_000);
}
