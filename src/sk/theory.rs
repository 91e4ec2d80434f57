//! Closed forms of docs/theory.md, "Predictions the tool checks": Heaps' law for both sources, the exponents
//! the theory predicts, the exact entropy of the zipf stream and the exact
//! expected fact excess of the Bayes learner on it.

use super::generator::Generator;
use super::params::{GeneratorParams, SourceKind};
use super::rank_sum::rank_sum;
use super::source::Source;
use super::zipf::ZipfLaw;

/// Data-scaling exponent of the Bayes learner's knowledge excess, `1 - alpha`.
pub fn data_exponent(alpha: f64) -> f64 {
    1.0 - alpha
}

/// Model-scaling exponent of the capped `oracle` learner, `1/alpha - 1`.
pub fn model_exponent(alpha: f64) -> f64 {
    1.0 / alpha - 1.0
}

/// Heaps exponent (`K_n ~ n^alpha`).
pub fn heaps_exponent(alpha: f64) -> f64 {
    alpha
}

/// Rank–frequency slope on log–log axes, `-1/alpha` (for zipf, `-s`).
pub fn rank_frequency_slope(alpha: f64) -> f64 {
    -1.0 / alpha
}

/// Predicted syntax excess per sentence of the Bayes learner, `d / (2 n ln 2)`.
pub fn syntax_excess(d: u64, n: f64) -> f64 {
    d as f64 / (2.0 * n * std::f64::consts::LN_2)
}

/// `ln Γ(x + a) - ln Γ(x)` for `x > 0`, `x + a > 0`, accurate to ~1e-15
/// relative even when both terms are huge (recurrence up to 20, then the
/// difference of two Stirling series taken term by term).
pub fn ln_gamma_ratio(x: f64, a: f64) -> f64 {
    let (mut x, mut acc) = (x, 0.0);
    // Γ(x+a)/Γ(x) = Γ(x+1+a)/Γ(x+1) * x/(x+a).
    while x < 20.0 || x + a < 20.0 {
        acc += x.ln() - (x + a).ln();
        x += 1.0;
    }
    let y = x + a;
    let main = (x - 0.5) * (a / x).ln_1p() + a * y.ln() - a;
    let series = |z: f64| {
        let z2 = z * z;
        1.0 / (12.0 * z) - 1.0 / (360.0 * z * z2) + 1.0 / (1260.0 * z * z2 * z2)
            - 1.0 / (1680.0 * z * z2 * z2 * z2)
    };
    acc + main + series(y) - series(x)
}

/// The digamma function `ψ(x)`, `x > 0`.
pub fn digamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 20.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let x2 = 1.0 / (x * x);
    acc + x.ln() - 0.5 / x - x2 * (1.0 / 12.0 - x2 * (1.0 / 120.0 - x2 * (1.0 / 252.0 - x2 / 240.0)))
}

/// `E[K_n]` for the Pitman–Yor process (docs/theory.md, "Predictions the tool checks").
pub fn expected_distinct_pycrp(alpha: f64, beta: f64, n: f64) -> f64 {
    if n <= 0.0 {
        return 0.0;
    }
    if alpha < 1e-9 {
        // Σ_{i<n} beta/(beta+i) = beta (ψ(beta+n) - ψ(beta)).
        return beta * (digamma(beta + n) - digamma(beta));
    }
    // Γ(β+1)Γ(β+α+n) / (α Γ(β+α) Γ(β+n)) - β/α.
    let ln_ratio = ln_gamma_ratio(beta + n, alpha) + ln_gamma_ratio(beta + alpha, 1.0 - alpha);
    if beta > 0.0 { beta * (ln_ratio - beta.ln()).exp_m1() / alpha } else { (ln_ratio.exp() - beta) / alpha }
}

/// The trigamma function `ψ'(x)`, `x > 0`.
pub fn trigamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 20.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let x2 = 1.0 / (x * x);
    acc + 1.0 / x + 0.5 * x2 + x2 / x * (1.0 / 6.0 - x2 * (1.0 / 30.0 - x2 * (1.0 / 42.0 - x2 / 30.0)))
}

/// `Var[K_n]` for the Pitman–Yor process.
///
/// With `Y_n = K_n + beta/alpha`, a sentence opens a new table with
/// probability `alpha Y_n / (beta + n)`, so
/// `E[Y_{n+1} | Y_n] = Y_n (1 + alpha/(beta+n))` and
/// `E[Y_{n+1}(Y_{n+1}+1) | Y_n] = Y_n (Y_n+1) (1 + 2 alpha/(beta+n))`.
/// Multiplying out from `Y_0 = beta/alpha`:
/// `E[Y_n] = Γ(β+1) Γ(β+α+n) / (α Γ(β+α) Γ(β+n))` and
/// `E[Y_n(Y_n+1)] = (β+α) Γ(β+1) Γ(β+2α+n) / (α² Γ(β+2α) Γ(β+n))`;
/// `Var[K_n] = Var[Y_n] = E[Y(Y+1)] - E[Y] - E[Y]²`.
/// For `alpha -> 0` (the Dirichlet process, where `beta/alpha` would cancel
/// catastrophically) `K_n` is a sum of independent Bernoulli(`β/(β+i)`):
/// `Var = β(ψ(β+n) - ψ(β)) - β²(ψ'(β) - ψ'(β+n))`.
pub fn variance_distinct_pycrp(alpha: f64, beta: f64, n: f64) -> f64 {
    if n <= 1.0 {
        return 0.0;
    }
    if alpha < 1e-6 {
        let v =
            beta * (digamma(beta + n) - digamma(beta)) - beta * beta * (trigamma(beta) - trigamma(beta + n));
        return v.max(0.0);
    }
    let first = (ln_gamma_ratio(beta + n, alpha) + ln_gamma_ratio(beta + alpha, 1.0 - alpha)).exp() / alpha;
    let second = ((beta + alpha) / (alpha * alpha)).ln()
        + ln_gamma_ratio(beta + n, 2.0 * alpha)
        + ln_gamma_ratio(beta + 2.0 * alpha, 1.0 - 2.0 * alpha);
    (second.exp() - first - first * first).max(0.0)
}

/// `E[K_n] = Σ_r 1 - (1 - p_r)^n` for the zipf source.
pub fn expected_distinct_zipf(law: &ZipfLaw, n: f64) -> f64 {
    rank_sum(law.k(), |r| -(n * (-law.density(r)).ln_1p()).exp_m1())
}

/// `E[K_n]` for a generator's source (pycrp: the closed form, whatever the state).
pub fn expected_distinct(g: &Generator, n: f64) -> f64 {
    let p = g.params();
    match g.source() {
        Source::Zipf(law) => expected_distinct_zipf(law, n),
        Source::Pycrp(_) => expected_distinct_pycrp(p.alpha, p.beta, n),
    }
}

/// The zipf law of a generator's parameters, `None` unless they are valid
/// and name the zipf source (the predicted frontier needs its normaliser).
pub fn zipf_law(g: &GeneratorParams) -> Option<ZipfLaw> {
    if g.source != SourceKind::Zipf || !g.check().is_empty() {
        return None;
    }
    Some(ZipfLaw::new(g.entities, g.zipf_offset, g.zipf_s()))
}

/// The predicted frontier rank after `n` sentences for a learner that stores
/// a fact after `r` sightings (docs/theory.md, "Predictions the tool checks"):
/// the rank whose facts have been stated `r` times in expectation,
/// `n p_rank / F = r`, capped by the universe and, for a learner with a
/// budget of `budget` bits, by the entities that budget holds. `law` is
/// `zipf_law(g)`.
pub fn frontier_rank(law: &ZipfLaw, g: &GeneratorParams, n: f64, r: f64, budget: Option<f64>) -> Option<f64> {
    let s = law.exponent();
    let per_rank = n / (r * g.attributes as f64 * law.normaliser());
    let mut rank = per_rank.powf(1.0 / s) - law.offset();
    rank = rank.min(law.k() as f64);
    if let Some(b) = budget {
        rank = rank.min(b / (g.name_bits() + g.attributes as f64 * g.fact_bits()));
    }
    (rank >= 1.0).then_some(rank)
}

/// Ranks whose facts enter the entropy with their realised true values.
pub const ENTROPY_EXACT_RANKS: u64 = 1 << 16;

/// Entropy of one sentence in bits given the realised knowledge (zipf only;
/// the pycrp stream is not stationary): attribute, template and fillers,
/// identity, and fact noise. Noise bits depend on each fact's true value:
/// the first `ENTROPY_EXACT_RANKS` ranks use their realised values, the rest
/// (mass below 1e-3 at alpha <= 0.6) the average over `v* ~ H_a`.
pub fn sentence_entropy_bits(g: &Generator) -> Option<f64> {
    let Source::Zipf(law) = g.source() else { return None };
    let knowledge = g.knowledge();
    let by_truth = knowledge.channel_entropy_bits();
    let h = knowledge.value_law();
    let average: f64 = by_truth.iter().enumerate().map(|(v, b)| h.prob(v) * b).sum();
    let f = g.params().attributes;
    let universe = g.parts().universe;
    let mut head_mass = 0.0;
    let mut head_bits = 0.0;
    if average > 0.0 {
        for rank in 1..=law.k().min(ENTROPY_EXACT_RANKS) {
            let p = law.prob(rank);
            let e = super::knowledge::entity_id(universe, rank - 1);
            let mean: f64 =
                (0..f).map(|a| by_truth[knowledge.true_value(e, a) as usize]).sum::<f64>() / f as f64;
            head_mass += p;
            head_bits += p * mean;
        }
    }
    let fact = head_bits + (1.0 - head_mass) * average;
    Some(g.syntax().entropy_bits() + law.entropy_bits() + fact)
}

/// The exact expected fact excess per sentence of a learner that knows a
/// fact from its first statement on, over the window of sentences
/// `[n0, n0 + w)` (docs/theory.md, "Window means"): with `q_r = 1 - p_r / F`,
/// `H(H_a) Σ_r p_r q_r^n0 (1 - q_r^w) / ((1 - q_r) w)`; the value at `n0`
/// when `w = 0`.
///
/// `held` ranks (real: a fractional rank holds that fraction of its facts)
/// are the only ones the learner may know: the Bayes learner holds every
/// rank (`f64::INFINITY`), a capped `oracle` learner the top-ranked facts
/// that fit its budget. A fact outside them costs `H(H_a)` at every
/// statement.
pub fn expected_fact_excess_zipf(
    law: &ZipfLaw,
    attributes: u32,
    h_value: f64,
    held: f64,
    n0: f64,
    w: f64,
) -> f64 {
    let f = attributes as f64;
    // Mean over the window of P(this sentence's fact is unseen), per rank.
    let unseen = |r: f64| {
        let p = law.density(r);
        let l = (-p / f).ln_1p();
        if w > 0.0 { f * (n0 * l).exp() * -(w * l).exp_m1() / w } else { p * (n0 * l).exp() }
    };
    let k = law.k();
    if held >= k as f64 {
        return h_value * rank_sum(k, unseen);
    }
    let m = held.max(0.0).floor() as u64;
    let frac = held.max(0.0) - m as f64;
    let (head, head_mass) =
        if m == 0 { (0.0, 0.0) } else { (rank_sum(m, unseen), rank_sum(m, |r| law.density(r))) };
    let p_next = law.prob(m + 1);
    let next = frac * unseen((m + 1) as f64) + (1.0 - frac) * p_next;
    let tail = (1.0 - head_mass - p_next).max(0.0);
    h_value * (head + next + tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_ratio_matches_direct_products() {
        // Γ(x+1)/Γ(x) = x, Γ(x+2)/Γ(x) = x(x+1).
        for &x in &[0.3, 1.0, 7.5, 1e3, 1e9] {
            assert!((ln_gamma_ratio(x, 1.0) - x.ln()).abs() < 1e-13 * x.ln().abs().max(1.0));
            assert!((ln_gamma_ratio(x, 2.0) - (x * (x + 1.0)).ln()).abs() < 1e-12 * x.ln().abs().max(1.0));
        }
        // Γ(1/2) = √π: ln Γ(1) - ln Γ(1/2) = -ln √π.
        assert!((ln_gamma_ratio(0.5, 0.5) + 0.5 * std::f64::consts::PI.ln()).abs() < 1e-13);
    }

    #[test]
    fn pycrp_heaps_matches_the_recursion() {
        // E[K_{n+1}] = E[K_n] + (beta + alpha E[K_n]) / (n + beta).
        for &(alpha, beta) in &[(0.5, 1.0), (0.8, -0.5), (0.3, 10.0), (0.0, 2.0), (1e-12, 2.0)] {
            let mut k = 0.0;
            for n in 0..5000u32 {
                let closed = expected_distinct_pycrp(alpha, beta, n as f64);
                assert!(
                    (closed - k).abs() < 1e-9 * k.max(1.0),
                    "alpha {alpha} beta {beta} n {n}: {closed} vs {k}"
                );
                k += if n == 0 { 1.0 } else { (beta + alpha * k) / (n as f64 + beta) };
            }
        }
    }

    /// The exact law of `K_n` by dynamic programming over `n` sentences.
    fn pycrp_law(alpha: f64, beta: f64, n: usize) -> Vec<f64> {
        let mut p = vec![0.0; n + 1];
        p[0] = 1.0;
        for i in 0..n {
            let mut next = vec![0.0; n + 1];
            for k in 0..=i {
                if p[k] == 0.0 {
                    continue;
                }
                let new = if i == 0 { 1.0 } else { (beta + alpha * k as f64) / (i as f64 + beta) };
                next[k + 1] += p[k] * new;
                next[k] += p[k] * (1.0 - new);
            }
            p = next;
        }
        p
    }

    #[test]
    fn pycrp_variance_matches_the_exact_law() {
        for &(alpha, beta) in &[(0.5, 1.0), (0.8, -0.5), (0.3, 10.0), (0.6, 1.0), (0.0, 2.0), (0.95, 0.1)] {
            for n in [1usize, 2, 5, 40, 300] {
                let law = pycrp_law(alpha, beta, n);
                let mean: f64 = law.iter().enumerate().map(|(k, p)| k as f64 * p).sum();
                let var: f64 = law.iter().enumerate().map(|(k, p)| (k as f64 - mean).powi(2) * p).sum();
                let got = variance_distinct_pycrp(alpha, beta, n as f64);
                assert!(
                    (got - var).abs() < 1e-9 * var.max(1.0),
                    "alpha {alpha} beta {beta} n {n}: {got} vs exact {var}"
                );
            }
        }
    }

    #[test]
    fn trigamma_matches_its_series() {
        // ψ'(1) = π²/6, ψ'(1/2) = π²/2.
        let pi2 = std::f64::consts::PI.powi(2);
        assert!((trigamma(1.0) - pi2 / 6.0).abs() < 1e-13);
        assert!((trigamma(0.5) - pi2 / 2.0).abs() < 1e-12);
        // The asymptotic branch keeps the recurrence ψ'(x) - ψ'(x+1) = 1/x².
        for x in [25.5, 300.0] {
            assert!((trigamma(x) - trigamma(x + 1.0) - 1.0 / (x * x)).abs() < 1e-15 / x);
        }
    }

    #[test]
    fn zipf_heaps_and_fact_excess_match_direct_sums() {
        let law = ZipfLaw::new(50_000, 1.5, 1.4);
        let n = 20_000.0;
        let (direct_k, direct_x): (f64, f64) = (1..=50_000u64)
            .map(|r| {
                let p = law.prob(r);
                (1.0 - (1.0 - p).powf(n), p * (1.0 - p / 4.0).powf(n) * 6.0)
            })
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        assert!((expected_distinct_zipf(&law, n) / direct_k - 1.0).abs() < 1e-10);
        assert!(
            (expected_fact_excess_zipf(&law, 4, 6.0, f64::INFINITY, n, 0.0) / direct_x - 1.0).abs() < 1e-10
        );
    }

    /// At the predicted frontier rank the expected number of statements of
    /// each of its facts, `n p_rank / F`, is the threshold `r`.
    #[test]
    fn frontier_rank_is_where_facts_reach_the_threshold() {
        let g = GeneratorParams { entities: 100_000, ..Default::default() };
        let law = zipf_law(&g).expect("the default generator is a valid zipf source");
        let (n, r) = (2.0e6, 3.0);
        let rank = frontier_rank(&law, &g, n, r, None).unwrap();
        let stated = n * law.density(rank) / g.attributes as f64;
        assert!((stated / r - 1.0).abs() < 1e-9, "rank {rank}: {stated} statements, want {r}");
        // A budget holds `budget / bits per entity` entities.
        let per_entity = g.name_bits() + g.attributes as f64 * g.fact_bits();
        assert_eq!(frontier_rank(&law, &g, n, r, Some(10.0 * per_entity)), Some(10.0));
        assert_eq!(frontier_rank(&law, &g, 1.0, r, None), None);
        assert!(zipf_law(&GeneratorParams { source: SourceKind::Pycrp, ..g }).is_none());
    }

    /// The window mean is the mean of the point values over the window's
    /// sentences; holding the top `m` ranks leaves the rest at full cost.
    #[test]
    fn fact_excess_window_means_and_held_ranks_match_direct_sums() {
        let law = ZipfLaw::new(6_000, 0.0, 1.6);
        let (n0, w) = (3_000u64, 700u64);
        let point = |n: f64, held: u64| -> f64 {
            (1..=6_000u64)
                .map(|r| {
                    let p = law.prob(r);
                    if r <= held { p * (1.0 - p / 4.0).powf(n) * 6.0 } else { p * 6.0 }
                })
                .sum()
        };
        for held in [6_000u64, 250] {
            let direct = (n0..n0 + w).map(|i| point(i as f64, held)).sum::<f64>() / w as f64;
            let held_f = if held == 6_000 { f64::INFINITY } else { held as f64 };
            let formula = expected_fact_excess_zipf(&law, 4, 6.0, held_f, n0 as f64, w as f64);
            assert!((formula / direct - 1.0).abs() < 1e-9, "held {held}: {formula} vs {direct}");
        }
        // Half of rank 251's facts held: halfway between holding 250 and 251.
        let mid = expected_fact_excess_zipf(&law, 4, 6.0, 250.5, n0 as f64, 0.0);
        let (a, b) = (point(n0 as f64, 250), point(n0 as f64, 251));
        assert!((mid / (0.5 * (a + b)) - 1.0).abs() < 1e-9);
    }
}
