//! The zipf knowledge source (docs/theory.md, "Knowledge: entities, names, attributes, values", sk-tui choice): a universe of
//! `K` entities with `P(r) ∝ (r + q)^-s`.
//!
//! Sampling is exact at every K up to 10^12 with memory independent of K:
//! an alias table over the head ranks `1..=HEAD_RANKS`, and Hörmann and
//! Derflinger's rejection-inversion for the tail, written with tail integrals
//! `G(x) = ∫_x^{K+1/2} (y+q)^-s dy` so that rare ranks keep full precision.

use super::alias::AliasTable;
use super::rank_sum::rank_sum;
use super::rng::SkRng;

/// Ranks drawn from the alias table (the rest by rejection-inversion).
pub const HEAD_RANKS: u64 = 4096;

#[derive(Clone, Debug)]
pub struct ZipfLaw {
    k: u64,
    q: f64,
    s: f64,
    /// `Z = Σ_r (r+q)^-s`, the normaliser.
    z: f64,
    /// `ln Z`.
    ln_z: f64,
    /// `P(r <= HEAD_RANKS)`.
    head_mass: f64,
    /// `log2 head_mass`, taken once (each head rank's bits subtract it).
    head_mass_log2: f64,
    head: AliasTable,
    tail: Option<Tail>,
    /// `density(r)` of the head ranks `1..=HEAD_RANKS`: the theory's sums
    /// over ranks (`rank_sum`) ask for them again at every checkpoint.
    head_density: Vec<f64>,
}

/// Rejection-inversion over ranks `k0..=k`.
#[derive(Clone, Debug)]
struct Tail {
    k0: f64,
    k_max: f64,
    /// `1 - s`.
    t: f64,
    /// `K + 1/2 + q`.
    top: f64,
    /// `ln(K + 1/2 + q)`.
    ln_top: f64,
    /// `e^{-t ln_top}`.
    w: f64,
    /// Upper end of the uniform's range, `G(k0 + 1/2) + h(k0)`.
    g_max: f64,
}

impl ZipfLaw {
    /// `k >= 1`, `q >= 0`, `s > 0` (checked by `GeneratorParams::check`).
    pub fn new(k: u64, q: f64, s: f64) -> Self {
        let z = rank_sum(k, |r| (r + q).powf(-s));
        let ln_z = z.ln();
        let head_k = k.min(HEAD_RANKS);
        let weights: Vec<f64> = (1..=head_k).map(|r| (r as f64 + q).powf(-s)).collect();
        let head_mass = weights.iter().rev().sum::<f64>() / z;
        let head = AliasTable::new(&weights);
        let tail = (k > HEAD_RANKS).then(|| {
            let t = 1.0 - s;
            let top = k as f64 + 0.5 + q;
            let ln_top = top.ln();
            let k0 = (HEAD_RANKS + 1) as f64;
            let mut tail = Tail { k0, k_max: k as f64, t, top, ln_top, w: (-t * ln_top).exp(), g_max: 0.0 };
            tail.g_max = tail.g_from_ln((k0 + 0.5 + q).ln()) + tail.h_from_ln((k0 + q).ln(), s);
            tail
        });
        let head_density = (1..=head_k).map(|r| density(r as f64, q, s, ln_z)).collect();
        ZipfLaw { k, q, s, z, ln_z, head_mass, head_mass_log2: head_mass.log2(), head, tail, head_density }
    }

    pub fn k(&self) -> u64 {
        self.k
    }

    pub fn exponent(&self) -> f64 {
        self.s
    }

    pub fn offset(&self) -> f64 {
        self.q
    }

    /// The normaliser `Z = Σ_{r=1}^{K} (r+q)^-s`.
    pub fn normaliser(&self) -> f64 {
        self.z
    }

    /// `ln P(r)` for a rank `1..=K`.
    #[inline]
    pub fn ln_prob(&self, rank: u64) -> f64 {
        -self.s * (rank as f64 + self.q).ln() - self.ln_z
    }

    /// `P(r)` extended to real `r` (for sums over ranks by Euler–Maclaurin).
    #[inline]
    pub fn density(&self, r: f64) -> f64 {
        // A head rank's value from the table: the same bits.
        if r >= 1.0 && r <= self.head_density.len() as f64 && r.fract() == 0.0 {
            return self.head_density[r as usize - 1];
        }
        density(r, self.q, self.s, self.ln_z)
    }

    #[inline]
    pub fn prob(&self, rank: u64) -> f64 {
        self.ln_prob(rank).exp()
    }

    /// `-log2 P(r)`.
    #[inline]
    pub fn bits(&self, rank: u64) -> f64 {
        if rank <= HEAD_RANKS {
            self.head.bits(rank as usize - 1) - self.head_mass_log2
        } else {
            -self.ln_prob(rank) * std::f64::consts::LOG2_E
        }
    }

    /// Shannon entropy of the rank in bits, exact to ~1e-12 at any K.
    pub fn entropy_bits(&self) -> f64 {
        let (q, s) = (self.q, self.s);
        let weighted_log = rank_sum(self.k, |r| (r + q).powf(-s) * (r + q).ln());
        (self.ln_z + s * weighted_log / self.ln_z.exp()) * std::f64::consts::LOG2_E
    }

    /// Draws a rank in `1..=K`.
    #[inline]
    pub fn sample(&self, rng: &mut SkRng) -> u64 {
        match &self.tail {
            Some(tail) if rng.open01() >= self.head_mass => tail.sample(rng, self.q, self.s),
            _ => self.head.sample(rng.next_u64()) as u64 + 1,
        }
    }
}

/// `P(r) = (r + q)^-s / Z` from `ln Z`, for real `r`.
#[inline]
fn density(r: f64, q: f64, s: f64, ln_z: f64) -> f64 {
    (-s * (r + q).ln() - ln_z).exp()
}

impl Tail {
    /// `h(x) = (x+q)^-s`, from `ln(x+q)`.
    #[inline]
    fn h_from_ln(&self, ln_xq: f64, s: f64) -> f64 {
        (-s * ln_xq).exp()
    }

    /// `G(x) = ∫_x^{K+1/2} (y+q)^-s dy`, stable for every `s` (also `s = 1`).
    #[inline]
    fn g_from_ln(&self, ln_xq: f64) -> f64 {
        let d = self.ln_top - ln_xq;
        (self.t * ln_xq).exp() * d * expm1_over(self.t * d)
    }

    #[inline]
    fn sample(&self, rng: &mut SkRng, q: f64, s: f64) -> u64 {
        let top = self.top;
        loop {
            let u = rng.open01() * self.g_max;
            // Invert G: d = ln(top) - ln(x+q).
            let z = u * self.w;
            let d = z * log1p_over(-z * self.t);
            let xq = top + top * (-d).exp_m1();
            let x = xq - q;
            let mut k = x.round().clamp(self.k0, self.k_max);
            // Guard against rounding across a bin edge near a half-integer.
            if (x - k).abs() > 0.5 - 64.0 * f64::EPSILON * (xq + 1.0) {
                if k < self.k_max && u < self.g_from_ln((k + 0.5 + q).ln()) {
                    k += 1.0;
                } else if k > self.k0 && u > self.g_from_ln((k - 0.5 + q).ln()) {
                    k -= 1.0;
                }
            }
            if k <= self.k0 {
                return k as u64; // the first bin's hat is exact: always accepted
            }
            let ln_kq = (k + q).ln();
            if u <= self.g_from_ln((k + 0.5 + q).ln()) + self.h_from_ln(ln_kq, s) {
                return k as u64;
            }
        }
    }
}

/// `expm1(z) / z`, 1 at 0.
#[inline]
fn expm1_over(z: f64) -> f64 {
    if z.abs() < 1e-300 { 1.0 } else { z.exp_m1() / z }
}

/// `ln(1+z) / z`, 1 at 0.
#[inline]
fn log1p_over(z: f64) -> f64 {
    if z.abs() < 1e-300 { 1.0 } else { z.ln_1p() / z }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The head ranks' table holds each rank's own density, and ranks past
    /// it or between ranks are computed: the same bits either way.
    #[test]
    fn the_head_table_is_the_density_of_each_rank() {
        let (k, q, s) = (100_000, 1.5, 1.4);
        let law = ZipfLaw::new(k, q, s);
        let ln_z = law.normaliser().ln();
        for r in [1.0, 2.0, 17.0, 4095.0, 4096.0, 4097.0, 1.5, 3.25, 99_999.0] {
            assert_eq!(law.density(r).to_bits(), density(r, q, s, ln_z).to_bits(), "rank {r}");
        }
        assert_eq!(law.density(7.0).to_bits(), law.prob(7).to_bits());
    }
}
