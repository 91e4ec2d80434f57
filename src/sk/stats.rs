//! Statistics of the generator alone (`sk-tui stats`): Heaps' law, Zipf's
//! law and the oracle's code length, measured against docs/theory.md, "Predictions the tool checks".

use rustc_hash::FxHashMap;

use super::fit::{LineFit, fit_power_law};
use super::generator::Generator;
use super::sentence::Sentence;
use super::theory;

/// What `stats` measures over a stream.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamStats {
    pub sentences: u64,
    pub tokens: u64,
    pub distinct_entities: u64,
    pub expected_distinct_entities: f64,
    /// Slope of `ln K_n` against `ln n` over the last two decades of `n`.
    pub heaps_fit: Option<LineFit>,
    /// Slope of `ln count` against `ln rank` over the well-sampled head.
    pub rank_frequency_fit: Option<LineFit>,
    pub oracle_bits: f64,
    /// Exact for zipf, `None` for pycrp.
    pub entropy_bits_per_sentence: Option<f64>,
}

/// Ranks whose count is at least this enter the rank–frequency fit
/// (relative Poisson error at most 10%).
pub const WELL_SAMPLED: u32 = 100;

/// Draws `n` sentences and measures them.
pub fn measure(g: &mut Generator, n: u64) -> StreamStats {
    let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
    let mut s = Sentence::default();
    let mut tokens = 0u64;
    let mut oracle = 0.0;
    let mut heaps = Vec::new();
    let mut next_mark = 10.0f64;
    for i in 1..=n {
        g.next(&mut s);
        tokens += s.token_count as u64;
        oracle += s.oracle.total();
        *counts.entry(s.entity).or_insert(0) += 1;
        if i as f64 >= next_mark {
            heaps.push((i as f64, counts.len() as f64));
            next_mark *= 10f64.powf(0.1);
        }
    }
    let n_f = n as f64;
    let heaps_fit = fit_power_law(heaps.iter().copied().filter(|&(x, _)| x >= n_f / 100.0));
    let mut sorted: Vec<u32> = counts.values().copied().collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let rank_frequency_fit = fit_power_law(
        sorted
            .iter()
            .take_while(|&&c| c >= WELL_SAMPLED)
            .enumerate()
            .map(|(i, &c)| ((i + 1) as f64, c as f64)),
    );
    StreamStats {
        sentences: n,
        tokens,
        distinct_entities: counts.len() as u64,
        expected_distinct_entities: theory::expected_distinct(g, n_f),
        heaps_fit,
        rank_frequency_fit,
        oracle_bits: oracle,
        entropy_bits_per_sentence: theory::sentence_entropy_bits(g),
    }
}
