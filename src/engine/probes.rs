//! The fixed probe set of a run: facts sampled in each log2 frequency-rank
//! bin, asked of every learner at every checkpoint. Bin `b` holds ranks
//! `2^b ..= 2^(b+1) - 1`.

use crate::learn::{Learner, Probe};
use crate::sk::Generator;
use crate::sk::rng::SkRng;

use super::checkpoint::RankBin;

/// Probes and the rank bin each belongs to.
#[derive(Clone, Debug)]
pub struct ProbeSet {
    pub bins: Vec<RankBin>,
    pub probes: Vec<Probe>,
    pub bin_of: Vec<usize>,
    /// Each probe's value before a phase changed the facts (`None` while no
    /// phase has): an answer equal to it where the truth moved is stale.
    pub original: Option<Vec<u32>>,
}

/// What a learner answered to a probe set.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeScore {
    /// Fraction answered correctly per bin.
    pub memorized: Vec<f64>,
    /// Knowledge beyond chance per bin, `(accuracy - c) / (1 - c)`.
    pub known: Vec<f64>,
    pub error_rate: f64,
    pub confident_error_rate: f64,
    /// Of the probed facts a phase changed, the fraction still answered with
    /// the old value.
    pub stale: Option<f64>,
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
                probes.push(Probe::of(g, universe, rank, attribute));
                bin_of.push(b);
            }
        }
        ProbeSet { bins, probes, bin_of, original: None }
    }

    /// The same facts asked of the stream of `g` (a phase on the same
    /// entities): truths and prompts as `g` states them, the values before
    /// the first change kept in `original`.
    pub fn retold(&self, g: &Generator) -> ProbeSet {
        let mut next = self.clone();
        next.original =
            Some(self.original.clone().unwrap_or_else(|| self.probes.iter().map(|p| p.truth).collect()));
        for p in &mut next.probes {
            p.truth = g.knowledge().true_value(p.entity, p.attribute);
            p.prompt.clear();
            g.canonical_prompt(p.entity, p.attribute, &mut p.prompt);
        }
        next
    }

    /// Probes in each bin.
    pub fn probes_per_bin(&self) -> Vec<u32> {
        let mut n = vec![0u32; self.bins.len()];
        for &b in &self.bin_of {
            n[b] += 1;
        }
        n
    }

    /// Fraction of the probed facts whose value a phase changed.
    pub fn changed_fraction(&self) -> Option<f64> {
        let original = self.original.as_ref()?;
        let changed = self.probes.iter().zip(original).filter(|(p, o)| p.truth != **o).count();
        Some(changed as f64 / self.probes.len().max(1) as f64)
    }

    /// Asks every probe of a learner; `chance` is the accuracy of answering
    /// with the value marginal's mode.
    pub fn score(&self, learner: &dyn Learner, confidence: f64, chance: f64) -> ProbeScore {
        let mut right = vec![0u32; self.bins.len()];
        let mut total = vec![0u32; self.bins.len()];
        let (mut errors, mut confident) = (0u64, 0u64);
        let (mut changed, mut stale) = (0u64, 0u64);
        for (i, (p, &b)) in self.probes.iter().zip(&self.bin_of).enumerate() {
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
            if let Some(old) = self.original.as_ref().map(|o| o[i]).filter(|&o| o != p.truth) {
                changed += 1;
                stale += (a.value == old) as u64;
            }
        }
        let n = self.probes.len().max(1) as f64;
        let memorized: Vec<f64> =
            right.iter().zip(&total).map(|(&r, &t)| if t == 0 { 0.0 } else { r as f64 / t as f64 }).collect();
        ProbeScore {
            known: memorized.iter().map(|&m| beyond_chance(m, chance)).collect(),
            memorized,
            error_rate: errors as f64 / n,
            confident_error_rate: confident as f64 / n,
            stale: self
                .original
                .as_ref()
                .map(|_| if changed == 0 { 0.0 } else { stale as f64 / changed as f64 }),
        }
    }

    /// Facts in each bin of the universe: the bin's ranks times `F`, the
    /// ranks capped at `entities` (for pycrp, the entities created so far).
    pub fn facts_per_bin(&self, attributes: u32, entities: u64) -> Vec<f64> {
        self.bins
            .iter()
            .map(|b| (b.hi.min(entities) + 1).saturating_sub(b.lo) as f64 * attributes as f64)
            .collect()
    }
}

/// Knowledge beyond chance: `(accuracy - c) / (1 - c)` (docs/theory.md,
/// "Knowledge beyond chance"); 0 for a learner that only answers with the
/// marginal's mode, 1 for one that knows every fact.
pub fn beyond_chance(accuracy: f64, chance: f64) -> f64 {
    if chance >= 1.0 { 0.0 } else { (accuracy - chance) / (1.0 - chance) }
}

/// The knowledge a learner holds in bits, estimated from its probes
/// (docs/theory.md, "Knowledge in bits"): `Σ_bins known_bin · facts_in_bin
/// · H(H_a)` over the bins from rank 1 up to the first whose knowledge is
/// not significant, `known <= 2 se` with `se = sqrt(acc (1 - acc) /
/// probes) / (1 - c)`. Bins from there on count as knowing nothing: a bin
/// of 2^20 ranks probed 64 times has a standard error of about 1.5% of a
/// million facts, noise that would swamp everything the learner knows. A
/// learner's knowledge falls with rank, so the cut loses only the thin,
/// unmeasurable edge beyond its frontier (more probes per bin reach
/// further), and a chance fluctuation far out cannot count.
pub fn knowledge_bits(
    score: &ProbeScore,
    probes_per_bin: &[u32],
    chance: f64,
    facts_per_bin: &[f64],
    value_entropy: f64,
) -> f64 {
    let significant = |b: usize| {
        let (acc, probes) = (score.memorized[b], probes_per_bin[b].max(1) as f64);
        let se = (acc * (1.0 - acc) / probes).sqrt() / (1.0 - chance).max(1e-12);
        score.known[b] > 2.0 * se
    };
    let end = (0..score.known.len()).find(|&b| !significant(b)).unwrap_or(score.known.len());
    (0..end).map(|b| score.known[b] * facts_per_bin[b]).sum::<f64>() * value_entropy
}
