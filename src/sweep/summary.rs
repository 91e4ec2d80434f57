//! `sweep summary`: for each point, the exponents fitted at its last
//! checkpoint, the theory's, and whether the fit is within its tolerance.
//!
//! Tolerances come from the fits' standard errors, as in the engine's
//! theory tests (tests/engine_theory.rs):
//!
//! - Data exponent, Bayes learners: `|fit - (1 - alpha)| <= 4 stderr + b`,
//!   where `b` is the finite-size bias `|e - (1 - alpha)|` and `e` is the
//!   exponent of the *exact expected* Bayes fact excess (`theory.expected_fact_excess`
//!   of the same checkpoints, fitted over the same window of `n`). At finite
//!   `n` the expected excess is not yet a pure power law; `b` says by how much.
//!   Without an exact expectation (pycrp, fact noise, fine-tuning) `b` is
//!   unknown and the check is not made. Capped and neural learners stop
//!   following the data law once their budget is full: no claim, no check.
//! - Model exponent (capped oracle ladder): `|fit - (1/alpha - 1)| <= 4 stderr + 0.1 (1/alpha - 1)`:
//!   the tail beyond a budget of R whole entities falls as `R^-(s-1)` only
//!   for R >> 1; the engine test bounds that discreteness bias by 10 % for
//!   ladders of 8 to 256 entities.

use crate::config::LearnerKind;
use serde::Serialize;

use crate::engine::{Checkpoint, ExponentFit};
use crate::sk::fit::fit_power_law;

use super::columns::{aligned, point_cells};
use super::dir::{SweepDir, SweepRecord};
use super::run_file::read_latest;
use super::status::PointState;

/// Standard errors a fit may be from the theory (before the bias).
pub const STDERRS: f64 = 4.0;
/// Relative discreteness bias allowed for the model exponent.
pub const MODEL_BIAS: f64 = 0.1;

/// One exponent against the theory.
#[derive(Clone, Debug, Serialize)]
pub struct ExponentCheck {
    /// The learner's name, or `"model"` for the model exponent.
    pub name: String,
    /// `bayes`, `capped`, `neural` or `model`.
    pub kind: String,
    pub fitted: Option<f64>,
    pub stderr: Option<f64>,
    pub theory: f64,
    /// The finite-size (or discreteness) bias in the tolerance.
    pub bias: Option<f64>,
    /// `4 stderr + bias`; none when the theory makes no claim here.
    pub tolerance: Option<f64>,
    pub within: Option<bool>,
}

/// One point's row.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryRow {
    pub index: usize,
    pub values: serde_json::Map<String, serde_json::Value>,
    pub state: String,
    /// Sentences at the last checkpoint read.
    pub sentences: Option<u64>,
    pub data: Vec<ExponentCheck>,
    pub model: Option<ExponentCheck>,
}

/// The rows of a sweep directory, from its run files (partial ones too).
pub fn summarize(dir: &SweepDir, record: &SweepRecord, states: &[PointState]) -> Vec<SummaryRow> {
    record
        .points
        .iter()
        .zip(states)
        .map(|(p, s)| {
            let run = read_latest(&dir.run_file(p.index));
            let checkpoints = run.map(|r| r.checkpoints).unwrap_or_default();
            let last = checkpoints.last();
            SummaryRow {
                index: p.index,
                values: p.values.clone(),
                state: s.name().into(),
                sentences: last.map(|c| c.sentences),
                data: last.map(|c| data_checks(&checkpoints, c)).unwrap_or_default(),
                model: last.map(model_check).filter(|m| m.fitted.is_some()),
            }
        })
        .collect()
}

fn data_checks(all: &[Checkpoint], last: &Checkpoint) -> Vec<ExponentCheck> {
    last.learners
        .iter()
        .map(|l| {
            let theory = last.theory.data_exponent;
            let fit = l.data_exponent;
            let bias = if l.kind == LearnerKind::Bayes {
                fit.and_then(|f| finite_size_exponent(all, last.phase, &f))
            } else {
                None
            }
            .map(|e| (e - theory).abs());
            check(&l.name, l.kind.name(), fit, theory, bias)
        })
        .collect()
}

fn model_check(last: &Checkpoint) -> ExponentCheck {
    let theory = last.theory.model_exponent;
    check("model", "model", last.fits.model_exponent, theory, Some(MODEL_BIAS * theory))
}

fn check(name: &str, kind: &str, fit: Option<ExponentFit>, theory: f64, bias: Option<f64>) -> ExponentCheck {
    let tolerance = match (fit, bias) {
        (Some(f), Some(b)) if f.stderr.is_finite() => Some(STDERRS * f.stderr + b),
        _ => None,
    };
    ExponentCheck {
        name: name.into(),
        kind: kind.into(),
        fitted: fit.map(|f| f.value),
        stderr: fit.map(|f| f.stderr),
        theory,
        bias,
        tolerance,
        within: fit.zip(tolerance).map(|(f, t)| (f.value - theory).abs() <= t),
    }
}

/// The exponent of the exact expected Bayes fact excess over the fit's window.
pub fn finite_size_exponent(all: &[Checkpoint], phase: u32, fit: &ExponentFit) -> Option<f64> {
    let points: Vec<(f64, f64)> = all
        .iter()
        .filter(|c| c.phase == phase && (c.sentences as f64) >= fit.from && (c.sentences as f64) <= fit.to)
        .filter_map(|c| Some((c.sentences as f64, c.theory.expected_fact_excess?)))
        .collect();
    if points.len() < 2 {
        return None;
    }
    fit_power_law(points).map(|f| -f.slope)
}

/// The rows as a text table.
pub fn table(rows: &[SummaryRow], axes: &[String]) -> String {
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(axes.iter().cloned());
    header.extend(
        [
            "state",
            "sentences",
            "data exponent (bayes) ± stderr",
            "theory",
            "tolerance",
            "ok",
            "model exponent ± stderr",
            "theory",
            "tolerance",
            "ok",
        ]
        .map(String::from),
    );
    let fmt_check = |c: Option<&ExponentCheck>| -> [String; 4] {
        match c {
            None => ["-".into(), "-".into(), "-".into(), "-".into()],
            Some(c) => [
                match (c.fitted, c.stderr) {
                    (Some(v), Some(s)) => format!("{v:.3} ± {s:.3}"),
                    _ => "-".into(),
                },
                format!("{:.3}", c.theory),
                c.tolerance.map_or("-".into(), |t| format!("{t:.3}")),
                match c.within {
                    Some(true) => "yes".into(),
                    Some(false) => "NO".into(),
                    None => "-".into(),
                },
            ],
        }
    };
    let mut lines: Vec<Vec<String>> = vec![header];
    for r in rows {
        let mut cells = point_cells(r.index, &r.values, axes);
        cells.push(r.state.clone());
        cells.push(r.sentences.map_or("-".into(), |n| n.to_string()));
        let bayes = r.data.iter().find(|c| c.kind == LearnerKind::Bayes.name());
        cells.extend(fmt_check(bayes));
        cells.extend(fmt_check(r.model.as_ref()));
        lines.push(cells);
    }
    aligned(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_is_four_stderr_plus_the_bias() {
        let fit = ExponentFit { value: 0.55, stderr: 0.01, from: 1e4, to: 1e6 };
        let c = check("bayes", "bayes", Some(fit), 0.5, Some(0.02));
        assert!((c.tolerance.unwrap() - 0.06).abs() < 1e-12 && c.within == Some(true));
        let c = check("bayes", "bayes", Some(fit), 0.5, Some(0.0));
        assert_eq!(c.within, Some(false), "0.05 off with 4 stderr = 0.04");
        // No bias known: no claim.
        assert_eq!(check("c", "capped", Some(fit), 0.5, None).within, None);
        // The model exponent's bias is 10 % of the theory.
        let last_theory = 1.0;
        let m =
            check("model", "model", Some(ExponentFit { value: 1.2, ..fit }), last_theory, Some(MODEL_BIAS));
        assert_eq!(m.within, Some(false), "1.2 vs 1 ± (0.04 + 0.1)");
    }
}
