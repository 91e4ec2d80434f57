//! The fixed probe set of a run: facts sampled in each log2 frequency-rank
//! bin, asked of every learner at every checkpoint. Bin `b` holds ranks
//! `2^b ..= 2^(b+1) - 1`.

use crate::learn::{Learner, Probe};
use crate::sk::Generator;
use crate::sk::knowledge::entity_id;
use crate::sk::rng::SkRng;

use super::checkpoint::RankBin;

/// Probes and the rank bin each belongs to.
#[derive(Clone, Debug)]
pub struct ProbeSet {
    pub bins: Vec<RankBin>,
    pub probes: Vec<Probe>,
    pub bin_of: Vec<usize>,
}

/// What a learner answered to a probe set.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeScore {
    /// Fraction memorized per bin.
    pub memorized: Vec<f64>,
    pub error_rate: f64,
    pub confident_error_rate: f64,
}

/// The bins covering ranks `1..=max_rank`.
pub fn rank_bins(max_rank: u64) -> Vec<RankBin> {
    let mut bins = Vec::new();
    let mut lo = 1u64;
    while lo <= max_rank {
        let hi = lo.saturating_mul(2).saturating_sub(1).min(max_rank);
        bins.push(RankBin { lo, hi });
        if hi == max_rank {
            break;
        }
        lo = hi + 1;
    }
    bins
}

/// `m` distinct numbers from `0..n` (Floyd's algorithm), in draw order.
fn distinct_sample(rng: &mut SkRng, n: u64, m: u64) -> Vec<u64> {
    let mut chosen = rustc_hash::FxHashSet::default();
    let mut out = Vec::with_capacity(m as usize);
    for j in n - m..n {
        let t = rng.below(j + 1);
        let pick = if chosen.contains(&t) { j } else { t };
        chosen.insert(pick);
        out.push(pick);
    }
    out
}

impl ProbeSet {
    /// `per_bin` facts in each bin of ranks `1..=max_rank` of the generator's
    /// universe: every fact when a bin has no more, else a seeded sample.
    pub fn new(g: &Generator, max_rank: u64, per_bin: u32, seed: u64) -> Self {
        let universe = g.parts().universe;
        let attributes = g.params().attributes as u64;
        let mut rng = SkRng::new(seed, 0x9120BE + universe as u64);
        let bins = rank_bins(max_rank);
        let mut probes = Vec::new();
        let mut bin_of = Vec::new();
        for (b, bin) in bins.iter().enumerate() {
            let facts = (bin.hi - bin.lo + 1).saturating_mul(attributes);
            let picks: Vec<u64> = if facts <= per_bin as u64 {
                (0..facts).collect()
            } else {
                distinct_sample(&mut rng, facts, per_bin as u64)
            };
            for pick in picks {
                let rank = bin.lo + pick / attributes;
                let attribute = (pick % attributes) as u32;
                let entity = entity_id(universe, rank - 1);
                let mut prompt = Vec::new();
                g.canonical_prompt(entity, attribute, &mut prompt);
                probes.push(Probe {
                    entity,
                    attribute,
                    rank,
                    truth: g.knowledge().true_value(entity, attribute),
                    prompt,
                    value_token_base: g.vocab().value(attribute, 0),
                    values: g.params().values,
                });
                bin_of.push(b);
            }
        }
        ProbeSet { bins, probes, bin_of }
    }

    /// Asks every probe of a learner.
    pub fn score(&self, learner: &dyn Learner, confidence: f64) -> ProbeScore {
        let mut right = vec![0u32; self.bins.len()];
        let mut total = vec![0u32; self.bins.len()];
        let (mut errors, mut confident) = (0u64, 0u64);
        for (p, &b) in self.probes.iter().zip(&self.bin_of) {
            let a = learner.probe(p);
            total[b] += 1;
            if a.value == p.truth {
                right[b] += 1;
            } else {
                errors += 1;
                if a.prob >= confidence {
                    confident += 1;
                }
            }
        }
        let n = self.probes.len().max(1) as f64;
        ProbeScore {
            memorized: right
                .iter()
                .zip(&total)
                .map(|(&r, &t)| if t == 0 { 0.0 } else { r as f64 / t as f64 })
                .collect(),
            error_rate: errors as f64 / n,
            confident_error_rate: confident as f64 / n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_tile_the_ranks() {
        let bins = rank_bins(1000);
        assert_eq!(bins[0], RankBin { lo: 1, hi: 1 });
        assert_eq!(bins[3], RankBin { lo: 8, hi: 15 });
        assert_eq!(bins.last().unwrap().hi, 1000);
        for w in bins.windows(2) {
            assert_eq!(w[0].hi + 1, w[1].lo);
        }
        assert_eq!(rank_bins(1_000_000_000_000).len(), 40);
    }

    #[test]
    fn probes_in_a_bin_are_distinct_facts() {
        let mut rng = SkRng::new(1, 2);
        let mut s = distinct_sample(&mut rng, 70, 64);
        s.sort();
        s.dedup();
        assert_eq!(s.len(), 64);
        assert!(s.iter().all(|&x| x < 70));
    }
}
