//! The Pitman–Yor Chinese restaurant process (docs/theory.md, "Knowledge: entities, names, attributes, values"), the paper's
//! knowledge source, drawn exactly in O(1) expected time and O(K) memory.
//!
//! With `n` earlier sentences and `K` entities, entity `k` (seen `c_k` times)
//! is chosen with weight `c_k - alpha = (c_k - 1) + (1 - alpha)` and a new
//! entity with weight `beta + alpha K`. The two urns:
//! - `(1 - alpha)` per entity: a uniform entity (total `K (1-alpha)`);
//! - `(c_k - 1)` per entity (total `n - K`): entities are kept in buckets by
//!   `floor(log2(c_k - 1))`; a bucket is chosen by its weight, then a member
//!   uniformly, accepted with probability `(c_k - 1) / 2^(b+1) >= 1/2`.

use super::rng::SkRng;

const BUCKETS: usize = 33;

#[derive(Clone, Debug)]
pub struct PitmanYor {
    alpha: f64,
    beta: f64,
    /// Sentences seated so far.
    n: u64,
    /// `c_k`, by creation index.
    counts: Vec<u32>,
    /// Position of each entity inside its bucket (unused while `c_k = 1`).
    slot: Vec<u32>,
    buckets: Vec<Vec<u32>>,
    /// `Σ (c_k - 1)` over each bucket's members.
    bucket_weight: [u64; BUCKETS],
}

/// One seating: the entity's creation index, whether it is new, and
/// `-log2` of the probability the draw had.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seating {
    pub index: u64,
    pub new: bool,
    pub bits: f64,
}

impl PitmanYor {
    pub fn new(alpha: f64, beta: f64) -> Self {
        PitmanYor {
            alpha,
            beta,
            n: 0,
            counts: Vec::new(),
            slot: Vec::new(),
            buckets: vec![Vec::new(); BUCKETS],
            bucket_weight: [0; BUCKETS],
        }
    }

    /// Takes over another process's seating (keeping this one's alpha and beta).
    pub fn adopt_seating(&mut self, other: &PitmanYor) {
        self.n = other.n;
        self.counts.clone_from(&other.counts);
        self.slot.clone_from(&other.slot);
        self.buckets.clone_from(&other.buckets);
        self.bucket_weight = other.bucket_weight;
    }

    /// Sentences seated so far.
    pub fn sentences(&self) -> u64 {
        self.n
    }

    /// `K_n`, distinct entities so far.
    pub fn distinct(&self) -> u64 {
        self.counts.len() as u64
    }

    /// Seats the next sentence.
    pub fn seat(&mut self, rng: &mut SkRng) -> Seating {
        let k = self.counts.len() as u64;
        let n = self.n as f64;
        let total = n + self.beta;
        let u = if self.n == 0 { f64::INFINITY } else { rng.open01() * total };
        let seating = if u < (self.n - k) as f64 {
            let index = self.draw_by_excess_count(rng);
            let c = self.counts[index as usize] as f64;
            Seating { index, new: false, bits: -((c - self.alpha) / total).log2() }
        } else if u < n - self.alpha * k as f64 {
            let index = rng.below(k);
            let c = self.counts[index as usize] as f64;
            Seating { index, new: false, bits: -((c - self.alpha) / total).log2() }
        } else {
            let bits = if self.n == 0 { 0.0 } else { -((self.beta + self.alpha * k as f64) / total).log2() };
            Seating { index: k, new: true, bits }
        };
        self.record(seating.index);
        seating
    }

    /// An entity drawn with probability `(c_k - 1) / (n - K)`.
    fn draw_by_excess_count(&self, rng: &mut SkRng) -> u64 {
        let mut target = rng.below(self.n - self.counts.len() as u64);
        let mut bucket = 0;
        while target >= self.bucket_weight[bucket] {
            target -= self.bucket_weight[bucket];
            bucket += 1;
        }
        let members = &self.buckets[bucket];
        let ceiling = 2u64 << bucket;
        loop {
            let index = members[rng.below(members.len() as u64) as usize];
            let excess = self.counts[index as usize] as u64 - 1;
            if rng.below(ceiling) < excess {
                return index as u64;
            }
        }
    }

    fn record(&mut self, index: u64) {
        self.n += 1;
        let i = index as usize;
        if i == self.counts.len() {
            self.counts.push(1);
            self.slot.push(0);
            return;
        }
        let old_excess = self.counts[i] - 1;
        self.counts[i] += 1;
        let new_excess = old_excess + 1;
        let new_bucket = bucket_of(new_excess);
        if old_excess == 0 {
            self.insert(i, new_bucket);
        } else {
            let old_bucket = bucket_of(old_excess);
            if old_bucket != new_bucket {
                self.remove(i, old_bucket, old_excess);
                self.insert(i, new_bucket);
                self.bucket_weight[new_bucket] += old_excess as u64;
            }
        }
        self.bucket_weight[new_bucket] += 1;
    }

    fn insert(&mut self, i: usize, bucket: usize) {
        self.slot[i] = self.buckets[bucket].len() as u32;
        self.buckets[bucket].push(i as u32);
    }

    fn remove(&mut self, i: usize, bucket: usize, excess: u32) {
        let at = self.slot[i] as usize;
        let members = &mut self.buckets[bucket];
        members.swap_remove(at);
        if let Some(&moved) = members.get(at) {
            self.slot[moved as usize] = at as u32;
        }
        self.bucket_weight[bucket] -= excess as u64;
    }

    /// The seating counts, by creation index (for tests and statistics).
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }
}

#[inline]
fn bucket_of(excess: u32) -> usize {
    (31 - excess.leading_zeros()) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_weights_track_counts() {
        let mut py = PitmanYor::new(0.5, 1.0);
        let mut rng = SkRng::new(9, 0);
        for _ in 0..200_000 {
            py.seat(&mut rng);
        }
        let mut expect = [0u64; BUCKETS];
        for &c in py.counts() {
            if c > 1 {
                expect[bucket_of(c - 1)] += (c - 1) as u64;
            }
        }
        assert_eq!(expect, py.bucket_weight);
        assert_eq!(py.counts().iter().map(|&c| c as u64).sum::<u64>(), py.sentences());
    }

    #[test]
    fn seating_probabilities_are_exact_at_small_n() {
        // After a fixed history, the empirical law of the next draw must match
        // (c_k - alpha)/(n + beta) and (beta + alpha K)/(n + beta): chi-square.
        let (alpha, beta) = (0.4, 0.7);
        let mut base = PitmanYor::new(alpha, beta);
        let mut rng = SkRng::new(11, 0);
        for _ in 0..12 {
            base.seat(&mut rng);
        }
        let k = base.distinct() as usize;
        let n = base.sentences() as f64;
        let mut counts = vec![0u64; k + 1];
        let trials = 400_000;
        for _ in 0..trials {
            let mut py = base.clone();
            let s = py.seat(&mut rng);
            counts[s.index as usize] += 1;
            let p = if s.new {
                (beta + alpha * k as f64) / (n + beta)
            } else {
                (base.counts()[s.index as usize] as f64 - alpha) / (n + beta)
            };
            assert!((s.bits + p.log2()).abs() < 1e-12);
        }
        let chi2: f64 = (0..=k)
            .map(|i| {
                let p = if i == k {
                    (beta + alpha * k as f64) / (n + beta)
                } else {
                    (base.counts()[i] as f64 - alpha) / (n + beta)
                };
                let e = trials as f64 * p;
                (counts[i] as f64 - e).powi(2) / e
            })
            .sum();
        // k degrees of freedom (k <= 12): the 0.999 quantile of chi2(12) is 32.9.
        assert!(chi2 < 32.9, "chi2 = {chi2} with {k} dof");
    }
}
