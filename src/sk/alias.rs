//! Walker's alias table (Vose's construction): O(1) exact draws from a finite
//! categorical distribution, one 64-bit random word per draw.

/// A finite categorical distribution ready for O(1) sampling.
#[derive(Clone, Debug)]
pub struct AliasTable {
    /// Acceptance threshold of each column, as a fraction of 2^64.
    threshold: Vec<u64>,
    alias: Vec<u32>,
    /// The exact probabilities, normalised.
    prob: Vec<f64>,
    /// `-log2` of each probability (infinite for zero).
    bits: Vec<f64>,
}

impl AliasTable {
    /// Builds the table from non-negative weights with a positive sum.
    pub fn new(weights: &[f64]) -> Self {
        let n = weights.len();
        assert!(n > 0 && n <= u32::MAX as usize, "alias table needs 1..2^32 weights");
        let total: f64 = weights.iter().sum();
        assert!(total > 0.0 && total.is_finite(), "alias weights must have a positive sum");
        let prob: Vec<f64> = weights.iter().map(|w| w / total).collect();
        let mut scaled: Vec<f64> = prob.iter().map(|p| p * n as f64).collect();
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let mut threshold = vec![u64::MAX; n];
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            threshold[s] = frac_to_u64(scaled[s]);
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // Columns left over are full up to rounding error.
        let bits = prob.iter().map(|p| -p.log2()).collect();
        AliasTable { threshold, alias, prob, bits }
    }

    /// Draws an index from one uniform 64-bit word.
    #[inline]
    pub fn sample(&self, word: u64) -> usize {
        let wide = word as u128 * self.threshold.len() as u128;
        let column = (wide >> 64) as usize;
        let coin = wide as u64;
        if coin < self.threshold[column] { column } else { self.alias[column] as usize }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.prob.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.prob.is_empty()
    }

    #[inline]
    pub fn prob(&self, i: usize) -> f64 {
        self.prob[i]
    }

    /// `-log2 P(i)`.
    #[inline]
    pub fn bits(&self, i: usize) -> f64 {
        self.bits[i]
    }

    pub fn probs(&self) -> &[f64] {
        &self.prob
    }

    /// Shannon entropy in bits.
    pub fn entropy_bits(&self) -> f64 {
        self.prob.iter().filter(|&&p| p > 0.0).map(|&p| -p * p.log2()).sum()
    }
}

fn frac_to_u64(x: f64) -> u64 {
    if x >= 1.0 { u64::MAX } else { (x * 18_446_744_073_709_551_616.0) as u64 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sk::rng::SkRng;

    #[test]
    fn frequencies_match_probabilities() {
        // Chi-square against the exact probabilities; 5 degrees of freedom,
        // the 0.999 quantile is 20.5.
        let t = AliasTable::new(&[5.0, 1.0, 0.0, 3.0, 0.5, 0.5, 10.0]);
        let mut r = SkRng::new(3, 0);
        let n = 1_000_000;
        let mut counts = [0u64; 7];
        for _ in 0..n {
            counts[t.sample(r.next_u64())] += 1;
        }
        assert_eq!(counts[2], 0, "a zero-weight item was drawn");
        let chi2: f64 = (0..7)
            .filter(|&i| t.prob(i) > 0.0)
            .map(|i| {
                let e = n as f64 * t.prob(i);
                (counts[i] as f64 - e).powi(2) / e
            })
            .sum();
        assert!(chi2 < 20.5, "chi2 = {chi2}");
    }

    #[test]
    fn entropy_of_uniform_is_log2_n() {
        let t = AliasTable::new(&[1.0; 8]);
        assert!((t.entropy_bits() - 3.0).abs() < 1e-12);
        assert!((t.bits(3) - 3.0).abs() < 1e-12);
    }
}
