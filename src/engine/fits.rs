//! Exponent fits over checkpoints (docs/theory.md, "Predictions the tool checks"): the data exponent of each
//! learner and the model exponent across capped `oracle` learners, both on
//! the fact part of the excess (the engine passes it): its exact finite-size
//! expectation is known, while the identity part carries logarithmic
//! corrections and the syntax part falls as 1/n, bending a fit of the total.

use crate::sk::fit::fit_power_law;

use super::checkpoint::ExponentFit;

/// Decades of `n` the data exponent is fitted over (the last 1.5).
pub const DATA_FIT_DECADES: f64 = 1.5;

/// Least squares of `ln excess` on `ln n` over the points with
/// `n >= n_now / 10^1.5` and positive excess; at least 4 points.
pub fn data_exponent(history: &[(f64, f64)]) -> Option<ExponentFit> {
    let &(n_now, _) = history.last()?;
    let from = n_now / 10f64.powf(DATA_FIT_DECADES);
    let window: Vec<(f64, f64)> = history.iter().copied().filter(|&(n, e)| n >= from && e > 0.0).collect();
    if window.len() < 4 {
        return None;
    }
    let fit = fit_power_law(window.iter().copied())?;
    Some(ExponentFit { value: -fit.slope, stderr: fit.slope_stderr, from: window[0].0, to: n_now })
}

/// Capped learners' budgets enter the model fit only when they are at most
/// this fraction of the knowledge seen so far: such budgets are full and the
/// learner sits on the structure function's power-law part; budgets near the
/// knowledge seen are not yet saturated and bend the fit.
pub const SATURATED_FRACTION: f64 = 0.1;

/// Least squares of `ln excess` on `ln budget` over `(budget, excess)` pairs
/// of saturated oracle learners; at least 3.
pub fn model_exponent(points: &[(f64, f64)], knowledge_seen_bits: f64) -> Option<ExponentFit> {
    let usable: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|&(m, e)| m <= SATURATED_FRACTION * knowledge_seen_bits && e > 0.0)
        .collect();
    if usable.len() < 3 {
        return None;
    }
    let fit = fit_power_law(usable.iter().copied())?;
    let from = usable.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let to = usable.iter().map(|p| p.0).fold(0.0, f64::max);
    Some(ExponentFit { value: -fit.slope, stderr: fit.slope_stderr, from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_exact_power_laws_within_their_windows() {
        let h: Vec<(f64, f64)> =
            (0..40).map(|i| 10f64.powf(i as f64 / 10.0)).map(|n| (n, 3.0 * n.powf(-0.4))).collect();
        let f = data_exponent(&h).unwrap();
        assert!((f.value - 0.4).abs() < 1e-9 && f.from >= 10f64.powf(3.9 - 1.5) - 1e-6);
        let m: Vec<(f64, f64)> = (10..20).map(|k| (2f64.powi(k), 5.0 * 2f64.powi(k).powf(-0.7))).collect();
        let f = model_exponent(&m, 1e8).unwrap();
        assert!((f.value - 0.7).abs() < 1e-9);
        assert!(model_exponent(&m, 1e6).unwrap().to <= 1e5, "unsaturated budgets must be left out");
        assert!(model_exponent(&m, 1e4).is_none());
    }
}
