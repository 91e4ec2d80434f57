//! The acquisition frontier (docs/theory.md, the acquisition frontier): where in frequency rank a
//! learner has memorized half the probed facts, how many exposures a fact
//! had had when it got there, and how fast the frontier moves with `n`.
//! Pure functions of the probe scores; the engine keeps the history.
//!
//! - *Frontier rank* `r*`: the rank at which the memorized fraction crosses
//!   `FRONTIER_LEVEL`, interpolated linearly in `ln rank` between the
//!   geometric centres of the last bin at or above the level and the first
//!   below it. The fraction is the raw one (not corrected for chance, which
//!   is `1/values` for uniform values).
//! - *Exposures at the frontier*: `n × P(r*) / F`, the sentences the learner
//!   has seen times the probability that a sentence states one given fact of
//!   the entity of rank `r*` (`F` attributes, drawn uniformly). A learner that
//!   memorizes a fact on first sight (Bayes) sits at `ln 2 ≈ 0.69`: half the
//!   facts with `n p = ln 2` have been seen at least once. A capped learner
//!   with threshold `r` sits near `r`; a network at how many sightings it
//!   needs, and the trend of this number tells the dynamics apart.
//! - *Frontier exponent*: the least-squares slope of `ln r*` on `ln n` over
//!   the last decade of `n` — `alpha` for a learner with a fixed exposure
//!   need (`r* ∝ (n/r)^alpha`); larger when the need falls during training.

use crate::sk::fit::fit_power_law;

use super::checkpoint::{ExponentFit, RankBin};

/// The memorized fraction that defines the frontier.
pub const FRONTIER_LEVEL: f64 = 0.5;

/// Decades of `n` the frontier exponent is fitted over (the last one).
pub const FRONTIER_FIT_DECADES: f64 = 1.0;

/// The frontier rank `r*` (see the module doc), or `None` when the top bin
/// is below the level or no bin falls below it.
pub fn frontier_rank(bins: &[RankBin], memorized: &[f64]) -> Option<f64> {
    let centre = |b: &RankBin| ((b.lo as f64) * (b.hi as f64)).sqrt().ln();
    if *memorized.first()? < FRONTIER_LEVEL {
        return None;
    }
    let below = memorized.iter().position(|&m| m < FRONTIER_LEVEL)?;
    let (above_m, below_m) = (memorized[below - 1], memorized[below]);
    let (a, b) = (centre(&bins[below - 1]), centre(&bins[below]));
    let t = (above_m - FRONTIER_LEVEL) / (above_m - below_m);
    Some((a + t * (b - a)).exp())
}

/// Exposures per fact at the frontier: `n P(r*) / F` for `n` sentences seen,
/// `p_entity = P(r*)` and `attributes = F`.
pub fn exposures(n: f64, p_entity: f64, attributes: u32) -> f64 {
    n * p_entity / attributes.max(1) as f64
}

/// Least squares of `ln r*` on `ln n` over the `(n, r*)` points with
/// `n >= n_now / 10`; at least 4 points. `value` is the slope (the frontier
/// grows as `n^value`).
pub fn frontier_exponent(history: &[(f64, f64)]) -> Option<ExponentFit> {
    let &(n_now, _) = history.last()?;
    let from = n_now / 10f64.powf(FRONTIER_FIT_DECADES);
    let window: Vec<(f64, f64)> = history.iter().copied().filter(|&(n, r)| n >= from && r > 0.0).collect();
    if window.len() < 4 {
        return None;
    }
    let fit = fit_power_law(window.iter().copied())?;
    Some(ExponentFit { value: fit.slope, stderr: fit.slope_stderr, from: window[0].0, to: n_now })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::probes::rank_bins;
    use crate::sk::zipf::ZipfLaw;

    #[test]
    fn frontier_interpolates_in_log_rank_and_needs_a_crossing() {
        let bins = rank_bins(15); // 1, 2-3, 4-7, 8-15
        assert_eq!(frontier_rank(&bins, &[0.4, 0.1, 0.0, 0.0]), None);
        assert_eq!(frontier_rank(&bins, &[1.0, 0.9, 0.8, 0.6]), None);
        // Halfway between 1.0 and 0.0 in bins 2-3 and 4-7: the geometric mean
        // of their centres sqrt(6) and sqrt(28).
        let r = frontier_rank(&bins, &[1.0, 1.0, 0.0, 0.0]).unwrap();
        assert!((r - (6f64.sqrt() * 28f64.sqrt()).sqrt()).abs() < 1e-9, "{r}");
        // At the level exactly, the bin's centre.
        let r = frontier_rank(&bins, &[1.0, 0.5, 0.2, 0.0]).unwrap();
        assert!((r - 6f64.sqrt()).abs() < 1e-9, "{r}");
    }

    /// A learner that memorizes a fact on first sight: bin `b` holds facts
    /// seen with probability `1 - exp(-n P(r)/F)` at its centre. The true
    /// frontier has `n P/F = ln 2`; the estimate lies between the centres
    /// of the two bins it is interpolated from, so its exposures lie within
    /// the values of `n P/F` at those centres, which bracket `ln 2`.
    #[test]
    fn a_one_exposure_learner_sits_at_ln_2_exposures() {
        let law = ZipfLaw::new(1 << 16, 0.0, 1.0 / 0.6);
        let bins = rank_bins(law.k());
        let f = 4;
        for n in [1e4, 1e5, 1e6] {
            let seen = |r: f64| 1.0 - (-exposures(n, law.density(r), f)).exp();
            let centre = |b: &RankBin| ((b.lo as f64) * (b.hi as f64)).sqrt();
            let memorized: Vec<f64> = bins.iter().map(|b| seen(centre(b))).collect();
            let r = frontier_rank(&bins, &memorized).unwrap();
            let e = exposures(n, law.density(r), f);
            let b = memorized.iter().position(|&m| m < 0.5).unwrap();
            let (hi, lo) = (
                exposures(n, law.density(centre(&bins[b - 1])), f),
                exposures(n, law.density(centre(&bins[b])), f),
            );
            assert!(lo < 2f64.ln() && 2f64.ln() < hi, "bracket {lo}..{hi}");
            assert!(lo <= e && e <= hi, "n {n}: exposures {e} outside {lo}..{hi}");
        }
    }

    #[test]
    fn exponent_recovers_a_power_law_over_the_last_decade() {
        let h: Vec<(f64, f64)> =
            (0..30).map(|i| 10f64.powf(i as f64 / 10.0)).map(|n| (n, 2.0 * n.powf(0.6))).collect();
        let f = frontier_exponent(&h).unwrap();
        assert!((f.value - 0.6).abs() < 1e-9, "{f:?}");
        assert!((f.from - 10f64.powf(1.9)).abs() < 1e-6 * f.from && f.to == h[29].0);
        assert!(frontier_exponent(&h[..3]).is_none());
    }
}
