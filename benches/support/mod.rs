//! What the benches share: the generator's own pace, the reference every
//! figure is reported beside, and the median of repeated measurements. Each
//! bench includes it with `mod support;`.

// Each bench is its own crate and uses a subset of these.
#![allow(dead_code)]

use std::time::Instant;

use sk_tui::sk::{Generator, GeneratorParams, Sentence};

/// The generator alone on `p`: sentences/s and tokens/s over `n` sentences
/// drawn from `seed`.
pub fn generator_pace(p: &GeneratorParams, n: u64, seed: u64) -> (f64, f64) {
    generator_pace_spelling(p, n, seed, true)
}

/// `generator_pace` with the generator spelling each sentence's tokens or
/// not (`Generator::set_spelling`: an engine whose learners read no tokens
/// draws unspelled).
pub fn generator_pace_spelling(p: &GeneratorParams, n: u64, seed: u64, spell: bool) -> (f64, f64) {
    let mut g = Generator::new(p, seed);
    g.set_spelling(spell);
    let mut s = Sentence::default();
    let mut tokens = 0u64;
    let start = Instant::now();
    for _ in 0..n {
        g.next(&mut s);
        tokens += s.token_count as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    std::hint::black_box(&s);
    (n as f64 / secs, tokens as f64 / secs)
}

/// The median of `xs` (the upper one of an even count).
pub fn median(xs: Vec<f64>) -> f64 {
    median_best(xs).0
}

/// The median and the best (highest) of `xs`.
pub fn median_best(mut xs: Vec<f64>) -> (f64, f64) {
    xs.sort_by(f64::total_cmp);
    (xs[xs.len() / 2], xs[xs.len() - 1])
}
