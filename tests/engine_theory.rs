//! The learners against docs/theory.md ("Predictions the tool checks"), through the engine's checkpoints.
//!
//! Where the asymptotic law is not reached in a test's window (the finite
//! size of the stream, discreteness of ranks), each test compares the
//! measured curve with the *exact finite-size expectation* of the same
//! quantity and checks separately how far that expectation's local exponent
//! is from the asymptote. Tolerances are standard errors: a window's mean
//! fact excess is `h` times a mean of Bernoulli indicators ("this fact is
//! unknown"), so its standard error is `h sqrt(q (1 - q) / W)` for `W`
//! sentences and unknown rate `q`.

mod support;

use sk_tui::config::{LearnerConfig, LearnerKind, Policy, Preset, RunConfig};
use sk_tui::engine::probes::ProbeSet;
use sk_tui::sk::fit::fit_power_law;
use sk_tui::sk::zipf::ZipfLaw;
use sk_tui::sk::{Generator, GeneratorParams};
use support::engine::checkpoints;

fn preset(g: GeneratorParams, sentences: u64, learners: Vec<LearnerConfig>) -> Preset {
    Preset {
        generator: g,
        run: RunConfig { sentences, seed: 5, ..Default::default() },
        learners,
        phases: vec![],
    }
}

fn capped(name: &str, budget: f64, policy: Policy, exposures: u32) -> LearnerConfig {
    LearnerConfig {
        name: name.into(),
        kind: LearnerKind::Capped,
        budget_bits: Some(budget),
        policy,
        exposures,
        ..Default::default()
    }
}

/// Mean of `f` over sentences `n0+1 ..= n1` (f smooth: Simpson on 16 panels in ln n).
fn window_mean(f: &dyn Fn(f64) -> f64, n0: f64, n1: f64) -> f64 {
    let (a, b) = (n0.max(1.0).ln(), n1.ln());
    let m = 16;
    let h = (b - a) / m as f64;
    let mut integral = 0.0;
    for i in 0..=m {
        let u = a + i as f64 * h;
        let w = if i == 0 || i == m {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        integral += w * f(u.exp()) * u.exp();
    }
    integral * h / 3.0 / (n1 - n0)
}

/// Standard error of a window's mean fact excess: `h sqrt(q(1-q)/W)`.
fn fact_se(h: f64, mean: f64, window: f64) -> f64 {
    let q = (mean / h).clamp(1e-12, 1.0);
    h * (q * (1.0 - q) / window).sqrt()
}

#[test]
fn bayes_fact_excess_follows_the_exact_expectation_and_the_data_exponent() {
    for &alpha in &[0.5, 0.7] {
        let g = GeneratorParams { alpha, entities: 1_000_000_000_000, name_length: 7, ..Default::default() };
        let cps = checkpoints(&preset(g.clone(), 3_000_000, vec![LearnerConfig::bayes("bayes")]));
        let law = ZipfLaw::new(g.entities, g.zipf_offset, g.zipf_s());
        let h = (g.values as f64).log2();
        let exact = |n: f64| {
            sk_tui::sk::theory::expected_fact_excess_zipf(&law, g.attributes, h, f64::INFINITY, n, 0.0)
        };
        let mut measured = Vec::new();
        let mut expected = Vec::new();
        for w in cps.windows(2) {
            let (n0, n1) = (w[0].sentences as f64, w[1].sentences as f64);
            if n0 < 10_000.0 {
                continue;
            }
            let m = w[1].learners[0].excess_by_part.fact;
            let e = window_mean(&|n| exact(n - 1.0), n0, n1);
            // The learned value marginal (Dirichlet(1) over V values, m facts)
            // costs at most (V-1)/(m ln 2) extra bits per unknown fact.
            let facts = w[1].learners[0].params as f64 - w[1].distinct_entities as f64;
            let bias = (m / h) * (g.values as f64 - 1.0) / (facts * std::f64::consts::LN_2);
            let se = fact_se(h, m, n1 - n0);
            assert!(
                m - e < 4.0 * se + bias && e - m < 4.0 * se,
                "alpha {alpha} n {n1}: measured {m} exact {e} se {se} bias {bias}"
            );
            measured.push((n1, m));
            expected.push((n1, e));
        }
        // Exponent over the last 1.5 decades: measured against the exact
        // expectation's (within 4 standard errors of the fit), and the exact
        // expectation's against the asymptote 1 - alpha (the finite-size bend).
        let last = |v: &[(f64, f64)]| {
            v.iter().copied().filter(|&(n, _)| n >= 3e6 / 10f64.powf(1.5)).collect::<Vec<_>>()
        };
        let fm = fit_power_law(last(&measured)).unwrap();
        let fe = fit_power_law(last(&expected)).unwrap();
        assert!(
            (fm.slope - fe.slope).abs() < 4.0 * fm.slope_stderr,
            "alpha {alpha}: measured {} ± {}, exact {}",
            -fm.slope,
            fm.slope_stderr,
            -fe.slope
        );
        assert!(
            (-fe.slope - (1.0 - alpha)).abs() < 0.03,
            "alpha {alpha}: exact finite-size exponent {} vs 1 - alpha",
            -fe.slope
        );
        // The engine reports the same fit (fact part, last 1.5 decades).
        let total = cps.last().unwrap().learners[0].data_exponent.unwrap();
        assert!((total.value + fm.slope).abs() < 1e-9, "engine {} vs test {}", total.value, -fm.slope);
        eprintln!(
            "alpha {alpha}: fact exponent {:.3} ± {:.3} (exact finite-size {:.3}, theory {:.3}); total-excess fit {:.3} ± {:.3}",
            -fm.slope,
            fm.slope_stderr,
            -fe.slope,
            1.0 - alpha,
            total.value,
            total.stderr
        );
    }
}

#[test]
fn oracle_budgets_follow_the_model_exponent() {
    for &alpha in &[0.5, 0.7] {
        let g = GeneratorParams { alpha, entities: 1_000_000_000_000, name_length: 7, ..Default::default() };
        // Budgets that hold exactly R whole entities (name and all facts).
        let per_entity = g.name_bits() + g.attributes as f64 * g.fact_bits();
        let ladder: Vec<u64> = (3..=8).map(|k| 1u64 << k).collect();
        let learners = ladder
            .iter()
            .map(|&r| capped(&format!("R{r}"), r as f64 * per_entity, Policy::Oracle, 1))
            .collect();
        let n = 4_000_000u64;
        let cps = checkpoints(&preset(g.clone(), n, learners));
        let (prev, last) = (&cps[cps.len() - 2], &cps[cps.len() - 1]);
        let (n0, n1) = (prev.sentences as f64, last.sentences as f64);
        let law = ZipfLaw::new(g.entities, g.zipf_offset, g.zipf_s());
        let h = g.fact_bits();
        let f = g.attributes as f64;
        let mut measured = Vec::new();
        let mut expected = Vec::new();
        for (&r, l) in ladder.iter().zip(&last.learners) {
            // Unknown facts: every fact of entities beyond R, and facts of
            // the top R not yet seen.
            let tail = 1.0 - (1..=r).map(|k| law.prob(k)).sum::<f64>();
            let e = window_mean(
                &|n| h * (tail + (1..=r).map(|k| law.prob(k) * (1.0 - law.prob(k) / f).powf(n)).sum::<f64>()),
                n0,
                n1,
            );
            let m = l.excess_by_part.fact;
            let facts = l.params as f64 - r as f64;
            let bias = (m / h) * (g.values as f64 - 1.0) / (facts * std::f64::consts::LN_2);
            let se = fact_se(h, m, n1 - n0);
            assert!(
                m - e < 4.0 * se + bias && e - m < 4.0 * se,
                "alpha {alpha} R {r}: measured {m} exact {e} se {se}"
            );
            measured.push((r as f64 * per_entity, m));
            expected.push((r as f64 * per_entity, e));
        }
        let fm = fit_power_law(measured.iter().copied()).unwrap();
        let fe = fit_power_law(expected.iter().copied()).unwrap();
        let theory = 1.0 / alpha - 1.0;
        assert!(
            (fm.slope - fe.slope).abs() < 4.0 * fm.slope_stderr.max(1e-3),
            "alpha {alpha}: measured {} ± {}, exact {}",
            -fm.slope,
            fm.slope_stderr,
            -fe.slope
        );
        // Discrete ranks: the tail beyond R falls as R^-(s-1) only for R >> 1.
        assert!(
            (-fe.slope - theory).abs() < 0.1 * theory,
            "alpha {alpha}: exact finite-size model exponent {} vs {theory}",
            -fe.slope
        );
        let fit = last.fits.model_exponent.expect("every budget is well below the knowledge seen");
        assert!((fit.value + fm.slope).abs() < 1e-9, "engine {} vs test {}", fit.value, -fm.slope);
        eprintln!(
            "alpha {alpha}: model exponent (fact part) {:.3} ± {:.3}, exact {:.3}, theory {theory:.3}; engine fit {fit:?}",
            -fm.slope, fm.slope_stderr, -fe.slope
        );
    }
}

/// `P(Binomial(n, p) >= r)`.
fn binomial_tail(n: f64, p: f64, r: u32) -> f64 {
    let mut below = 0.0;
    let mut log_term = n * (-p).ln_1p(); // k = 0
    for k in 0..r {
        below += log_term.exp();
        let k = k as f64;
        log_term += ((n - k) / (k + 1.0)).ln() + p.ln() - (-p).ln_1p();
    }
    (1.0 - below).max(0.0)
}

/// A high quantile of chi-square with `k` degrees of freedom (Wilson–Hilferty
/// at z = 4.3, one-sided 1e-5: a 1e-3 family-wise level over up to 100 checkpoints).
fn chi2_quantile(k: f64) -> f64 {
    let a = 2.0 / (9.0 * k);
    k * (1.0 - a + 4.3 * a.sqrt()).powi(3)
}

#[test]
fn acquisition_frontier_moves_as_n_over_r_to_the_alpha() {
    for alpha in [0.5, 0.7] {
        frontier_at(alpha);
    }
}

fn frontier_at(alpha: f64) {
    let r = 8;
    let g = GeneratorParams { alpha, entities: 1_000_000, ..Default::default() };
    let p = Preset {
        run: RunConfig { sentences: 3_000_000, seed: 5, probe_facts_per_bin: 200, ..Default::default() },
        ..preset(g.clone(), 0, vec![capped("r8", 1e10, Policy::Lfu, r)])
    };
    let cps = checkpoints(&p);
    let probes = ProbeSet::new(&Generator::new(&g, 5), g.entities, 200, 5);
    let law = ZipfLaw::new(g.entities, g.zipf_offset, g.zipf_s());
    let f = g.attributes as f64;
    let mut crossings = Vec::new();
    let (mut checkpoints_tested, mut worst) = (0, 0.0f64);
    for c in cps.iter().filter(|c| c.sentences >= 30_000) {
        let n = c.sentences as f64;
        // Per probe, P(right) = P(memorized) + P(not) / V: an unknown fact is
        // answered with the marginal's mode, the truth with probability 1/V.
        let v = g.values as f64;
        let mut expected = vec![(0.0, 0.0, 0.0); probes.bins.len()];
        for (probe, &b) in probes.probes.iter().zip(&probes.bin_of) {
            let pm = binomial_tail(n, law.prob(probe.rank) / f, r);
            let right = pm + (1.0 - pm) / v;
            expected[b].0 += right;
            expected[b].1 += right * (1.0 - right);
            expected[b].2 += 1.0;
        }
        // One chi-square over the bins per checkpoint.
        let chi2: f64 = expected
            .iter()
            .zip(&c.learners[0].memorized)
            .map(|(&(sum, var, count), &m)| (m * count - sum).powi(2) / var.max(1e-12))
            .sum();
        let dof = expected.len() as f64;
        eprintln!("alpha {alpha} n {n}: chi2 {chi2:.1} over {dof} bins");
        checkpoints_tested += 1;
        worst = worst.max(chi2 / chi2_quantile(dof));
        // Frontier: the first bin whose memorized fraction is below 1/2.
        let bin = c.learners[0].memorized.iter().position(|&m| m < 0.5).unwrap_or(probes.bins.len());
        crossings.push((n, bin as f64));
    }
    // Bonferroni over the checkpoints tested: each at the 1 - 1e-3/checkpoints quantile.
    assert!(
        worst < 1.0,
        "a checkpoint's chi-square exceeds its quantile ({worst} x) over {checkpoints_tested} checkpoints"
    );
    // Over two decades the frontier moves by alpha log2(100) = 4 bins (± 1 for bin resolution).
    let first = crossings.iter().find(|&&(n, _)| n >= 30_000.0).unwrap();
    let last = crossings.iter().rev().find(|&&(n, _)| n <= 3_000_000.0).unwrap();
    let moved = last.1 - first.1;
    let predicted = alpha * (last.0 / first.0).log2();
    assert!(
        (moved - predicted).abs() <= 1.0,
        "alpha {alpha}: frontier moved {moved} bins, predicted {predicted}"
    );
}
