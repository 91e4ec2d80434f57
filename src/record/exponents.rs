//! Fitted exponents of several runs against a preset key that varies between
//! them (`generator.alpha`, a sweep's axis), with the theory's curves: the
//! numbers behind `sk-tui plot --pane exponents` and the exponents chart of
//! `sk-tui view` on a sweep directory, computed once for both.
//!
//! Each run gives one point from its last checkpoint: its Bayes learner's
//! fitted data exponent and the fitted model exponent (capped ladder), each
//! with its standard error, and the theory's `1 - alpha` and `1/alpha - 1`.
//! The theory's curve is drawn over the key when the key is `alpha`, and
//! through the runs' own theory values otherwise.

use crate::config::LearnerKind;
use crate::engine::Checkpoint;
use crate::sk::theory;

/// The key whose theory is a function of the key itself.
pub const ALPHA: &str = "generator.alpha";

/// One run's point: fits with their standard errors, and the theory's values.
#[derive(Clone, Debug, PartialEq)]
pub struct ExponentPoint {
    pub x: f64,
    /// The Bayes learner's fitted data exponent and its standard error.
    pub data: Option<(f64, f64)>,
    /// The fitted model exponent across capped learners.
    pub model: Option<(f64, f64)>,
    pub theory_data: f64,
    pub theory_model: f64,
}

/// The point of a run at `x` whose last checkpoint is `last`.
pub fn exponent_point(x: f64, last: &Checkpoint) -> ExponentPoint {
    let bayes = last.learners.iter().find(|l| l.kind == LearnerKind::Bayes);
    ExponentPoint {
        x,
        data: bayes.and_then(|l| l.data_exponent).map(|f| (f.value, f.stderr)),
        model: last.fits.model_exponent.map(|f| (f.value, f.stderr)),
        theory_data: last.theory.data_exponent,
        theory_model: last.theory.model_exponent,
    }
}

/// Points of `(x, last checkpoint)` pairs, sorted by `x`.
pub fn exponent_points<'a>(runs: impl IntoIterator<Item = (f64, &'a Checkpoint)>) -> Vec<ExponentPoint> {
    let mut out: Vec<ExponentPoint> = runs.into_iter().map(|(x, c)| exponent_point(x, c)).collect();
    out.sort_by(|a, b| a.x.total_cmp(&b.x));
    out
}

/// The x range of the points, padded by 8% of their spread (at least 0.02).
pub fn x_range(points: &[ExponentPoint]) -> (f64, f64) {
    let xs = points.iter().map(|p| p.x).filter(|x| x.is_finite());
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08).max(0.02);
    (lo - pad, hi + pad)
}

/// The top of the exponent axis: the largest fit + stderr or theory value
/// (at least 1, at most 10), with 10% headroom; the axis starts at 0. The
/// model's theory counts only at points with a model fit (a sweep without a
/// capped ladder has no model series to compare it with).
pub fn y_max(points: &[ExponentPoint]) -> f64 {
    let top = points
        .iter()
        .flat_map(|p| {
            let d = p.data.map_or(f64::NAN, |(v, e)| v + e.max(0.0));
            let m = p.model.map_or(f64::NAN, |(v, e)| v + e.max(0.0));
            let tm = if p.model.is_some() { p.theory_model } else { f64::NAN };
            [d, m, p.theory_data, tm]
        })
        .filter(|v| v.is_finite())
        .fold(1.0, f64::max);
    top.min(10.0) * 1.1
}

/// A line as `(x, exponent)` points.
pub type Curve = Vec<(f64, f64)>;

/// The theory's curves over `[x0, x1]`: `(data, model)` as `(x, exponent)`
/// lines, `samples + 1` points each when the key is alpha, else through
/// the points' own theory values.
pub fn theory_curves(
    key: &str,
    points: &[ExponentPoint],
    (x0, x1): (f64, f64),
    samples: usize,
) -> (Curve, Curve) {
    if key == ALPHA {
        let (a, b) = (x0.max(0.01), x1.min(0.999));
        let xs: Vec<f64> =
            (0..=samples.max(1)).map(|i| a + (b - a) * i as f64 / samples.max(1) as f64).collect();
        (
            xs.iter().map(|&x| (x, theory::data_exponent(x))).collect(),
            xs.iter().map(|&x| (x, theory::model_exponent(x))).collect(),
        )
    } else {
        (
            points.iter().map(|p| (p.x, p.theory_data)).collect(),
            points.iter().map(|p| (p.x, p.theory_model)).collect(),
        )
    }
}

/// A point's fitted value as `(x, value, stderr)`, a non-finite stderr as 0
/// (an error bar of no length, the value still drawn).
pub fn with_error(x: f64, fit: Option<(f64, f64)>) -> Option<(f64, f64, f64)> {
    fit.map(|(v, e)| (x, v, if e.is_finite() { e } else { 0.0 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: f64, data: Option<(f64, f64)>) -> ExponentPoint {
        ExponentPoint {
            x,
            data,
            model: None,
            theory_data: theory::data_exponent(x),
            theory_model: theory::model_exponent(x),
        }
    }

    #[test]
    fn the_alpha_curve_is_the_theory_over_the_range() {
        let pts = [point(0.5, Some((0.49, 0.01))), point(0.7, None)];
        let (x0, x1) = x_range(&pts);
        assert!((x0 - 0.48).abs() < 1e-12 && (x1 - 0.72).abs() < 1e-12, "{x0} {x1}");
        let (data, model) = theory_curves(ALPHA, &pts, (x0, x1), 10);
        assert_eq!(data.len(), 11);
        assert!((data[0].1 - 0.52).abs() < 1e-12);
        assert!((model[10].1 - (1.0 / 0.72 - 1.0)).abs() < 1e-12);
        // Another key: through the points' own values.
        let (data, _) = theory_curves("run.seed", &pts, (x0, x1), 10);
        assert_eq!(data, [(0.5, 0.5), (0.7, 0.30000000000000004)]);
    }

    #[test]
    fn the_axis_holds_the_error_bars_and_the_theory() {
        assert!((y_max(&[point(0.5, Some((1.2, 0.3)))]) - 1.65).abs() < 1e-12);
        // Alpha 0.1: the model theory 9 sets the top where a model was fitted,
        // and does not count where none was (the axis then starts from 1).
        let fitted = ExponentPoint { model: Some((8.0, 0.1)), ..point(0.1, None) };
        assert!((y_max(&[fitted]) - 9.9).abs() < 1e-9);
        assert!((y_max(&[point(0.1, None)]) - 1.1).abs() < 1e-9);
        assert_eq!(with_error(1.0, Some((0.5, f64::NAN))), Some((1.0, 0.5, 0.0)));
    }
}
