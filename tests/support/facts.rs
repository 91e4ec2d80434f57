//! Streams and fact probes for the neural learners' tests: a seeded stream
//! of sentences, the probe of a fact (the generator's canonical prompt), the
//! facts of a band of frequency ranks, and the share a learner memorized.

use sk_tui::learn::{Learner, Probe};
use sk_tui::sk::{Generator, GeneratorParams, Sentence};

/// Log-spaced bins of frequency rank over a universe of 2000 entities.
pub const BINS: [(u64, u64); 6] = [(1, 3), (4, 15), (16, 63), (64, 255), (256, 1023), (1024, 2000)];

/// The first `n` sentences of the generator of `params` seeded with `seed`.
pub fn sentences(params: &GeneratorParams, seed: u64, n: usize) -> Vec<Sentence> {
    let mut g = Generator::new(params, seed);
    (0..n)
        .map(|_| {
            let mut s = Sentence::default();
            g.next(&mut s);
            s
        })
        .collect()
}

/// The probe of the fact (entity of frequency rank `rank`, `attribute`),
/// asked with the generator's canonical prompt.
pub fn probe(g: &Generator, rank: u64, attribute: u32) -> Probe {
    Probe::of(g, 0, rank, attribute)
}

/// Every fact of ranks `lo..=hi`.
pub fn probes(g: &Generator, lo: u64, hi: u64) -> Vec<Probe> {
    (lo..=hi)
        .flat_map(|r| (0..g.params().attributes).map(move |a| (r, a)))
        .map(|(r, a)| probe(g, r, a))
        .collect()
}

/// The share of the facts `ps` whose most probable value is the true one.
pub fn memorized(l: &impl Learner, ps: &[Probe]) -> f64 {
    ps.iter().filter(|p| l.probe(p).value == p.truth).count() as f64 / ps.len() as f64
}
