//! sk-tui's own base-2 logarithm, for the code lengths of the Bayes and capped
//! learners and of the shared syntax model (docs/benchmarks.md, "Engine").
//!
//! Why not `f64::log2`: the platform's `log2` is a library call, one value
//! at a time, whose last bit depends on the C library (its version, and the
//! variant it picks for the CPU). This one is plain arithmetic without
//! branches, so the engine computes it in vector registers
//! ([`log2_ratio`]: the logarithm of a ratio of products, one per run of
//! sentences), and every machine gets the same bits: it uses only IEEE
//! additions, multiplications and one division, which round the same way at
//! every vector width (Rust never fuses a multiply and an add on its own).
//!
//! Accuracy: within one unit in the last place of the exact value (the
//! tests compare it with the platform's `log2`: one input in a thousand
//! differs, by one unit), far below what the
//! probabilities it is applied to carry: a probability near one, rounded to
//! a double, already has a relative error of order 1e-16 / (1 - p) in its
//! code length.
//!
//! The method: `x = 2^k m` with `m` in `[sqrt(1/2), sqrt(2))`, `f = m - 1`
//! (exact), `s = f / (2 + f)`, and `ln(1 + f) = 2 atanh(s)`
//! `= f - f^2/2 + s (f^2/2 + R)` with `R = Σ_{j=1..9} 2 s^(2j) / (2j + 1)`; `|s| < 0.1716`,
//! so the series' first dropped term is below 2^-54 of the result.

/// `log2(x)` for a finite, positive, normal `x` (a probability, or a count
/// plus a concentration). `log2(1) = 0` exactly.
#[inline(always)]
pub fn log2(x: f64) -> f64 {
    let (k, m) = split(x);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    combine(k, f, s, series(s * s))
}

/// `x = 2^k m` with `m` in `[sqrt(1/2), sqrt(2))`: `(k, m)`, exact, for a
/// finite, positive, normal `x`. (`m - 1` is then exact too.)
#[inline(always)]
pub fn split(x: f64) -> (f64, f64) {
    // The bits of sqrt(1/2): adding (1.0's bits - these) carries into the
    // exponent exactly when the mantissa is at least sqrt(2).
    const SQRT_HALF: u64 = 0x3fe6_a09e_667f_3bcd;
    const MANTISSA: u64 = (1 << 52) - 1;
    // 2^52 + 1023 as a double: the exponent field read as an integer.
    const MAGIC: u64 = 0x4330_0000_0000_0000;
    let shifted = x.to_bits().wrapping_add(0x3ff0_0000_0000_0000 - SQRT_HALF);
    let k = f64::from_bits(MAGIC | (shifted >> 52)) - (4_503_599_627_370_496.0 + 1023.0);
    (k, f64::from_bits((shifted & MANTISSA) + SQRT_HALF))
}

/// `log2(Π num / Π den)` over `N` pairs of finite, positive, normal
/// factors, with one division and one logarithm: the factors' exponents
/// are summed exactly and their mantissas multiplied, so no product can
/// overflow or underflow (for `N` up to a few thousand). The same bits at
/// every vector width: the mantissas are multiplied in four fixed chains
/// (`i mod 4`), then the chains in a fixed order. `N` is a multiple of 4.
#[inline(always)]
pub fn log2_ratio<const N: usize>(num: &[f64; N], den: &[f64; N]) -> f64 {
    let [bits] = log2_ratios([(num, den)]);
    bits
}

/// [`log2_ratio`] of `P` ratios at once: their logarithms are taken side
/// by side, lane `j` of a vector register for ratio `j`, so their long
/// chains of dependent steps overlap instead of running one after the
/// other. The same bits as `P` calls of [`log2_ratio`].
#[inline(always)]
pub fn log2_ratios<const N: usize, const P: usize>(ratios: [(&[f64; N], &[f64; N]); P]) -> [f64; P] {
    const { assert!(N.is_multiple_of(4), "pairs in groups of four") };
    let (mut exponents, mut mantissas) = ([0.0; P], [1.0; P]);
    for (p, (num, den)) in ratios.into_iter().enumerate() {
        // Lane j of the four takes pairs j, j + 4, j + 8, …: one vector register.
        let (mut k, mut a, mut b) = ([0.0; 4], [1.0; 4], [1.0; 4]);
        for (num, den) in num.chunks_exact(4).zip(den.chunks_exact(4)) {
            for j in 0..4 {
                let ((kn, mn), (kd, md)) = (split(num[j]), split(den[j]));
                k[j] += kn - kd;
                a[j] *= mn;
                b[j] *= md;
            }
        }
        let (k01, k23) = (k[0] + k[1], k[2] + k[3]);
        let (a01, a23, b01, b23) = (a[0] * a[1], a[2] * a[3], b[0] * b[1], b[2] * b[3]);
        exponents[p] = k01 + k23;
        mantissas[p] = (a01 * a23) / (b01 * b23);
    }
    let logs = log2_each(mantissas);
    std::array::from_fn(|p| exponents[p] + logs[p])
}

/// [`log2`] of each of `P` values, stage by stage across the values (so
/// that the stages go into vector registers): the same bits as [`log2`].
#[inline(always)]
fn log2_each<const P: usize>(x: [f64; P]) -> [f64; P] {
    let parts = x.map(split);
    let f = parts.map(|(_, m)| m - 1.0);
    let s: [f64; P] = std::array::from_fn(|p| f[p] / (2.0 + f[p]));
    let r = s.map(|s| series(s * s));
    std::array::from_fn(|p| combine(parts[p].0, f[p], s[p], r[p]))
}

/// `R(z) = Σ_{j=1..9} 2 z^j / (2j + 1)`, `z = s^2`.
#[inline(always)]
fn series(z: f64) -> f64 {
    z * (2.0 / 3.0
        + z * (2.0 / 5.0
            + z * (2.0 / 7.0
                + z * (2.0 / 9.0
                    + z * (2.0 / 11.0
                        + z * (2.0 / 13.0 + z * (2.0 / 15.0 + z * (2.0 / 17.0 + z * (2.0 / 19.0)))))))))
}

/// `k + ln(1 + f) / ln 2` from `s = f / (2 + f)` and `R`.
#[inline(always)]
fn combine(k: f64, f: f64, s: f64, r: f64) -> f64 {
    // ln(1 + f) = hi + lo, with hi = f - f^2/2 cut to 21 significant bits,
    // so that hi times the 32-bit head of 1/ln 2 is exact; the rest of the
    // sum is carried in lo.
    let half_square = 0.5 * f * f;
    let hi = f64::from_bits((f - half_square).to_bits() & !((1 << 32) - 1));
    let lo = (f - hi) - half_square + s * (half_square + r);
    let head = hi * INV_LN2_HI;
    let tail = (lo + hi) * INV_LN2_LO + lo * INV_LN2_HI;
    // k + head exactly as a sum and its rounding error (|head| < 1 <= |k|, or k = 0).
    let sum = k + head;
    (tail + ((k - sum) + head)) + sum
}

/// 1/ln 2 = INV_LN2_HI + INV_LN2_LO: the head is 1/ln 2 cut to 32
/// significant bits, the tail the rest, rounded.
const INV_LN2_HI: f64 = f64::from_bits(0x3ff7_1547_6520_0000);
const INV_LN2_LO: f64 = f64::from_bits(0x3de7_05fc_2eef_a200);

/// Runs `f` compiled for AVX2 when the CPU has it (else for the build
/// target, SSE2 on plain x86-64), for loops over [`log2`]: it uses no fused
/// multiply-add, so every width gives the same bits. `f` should be an
/// `#[inline(always)]` loop, so that it is compiled inside each variant.
/// (AVX-512 measured no faster here, and can lower the core's clock for
/// the generator and the other learners.)
#[inline]
pub fn vectorized<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn avx2<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2.
            return unsafe { avx2(f) };
        }
    }
    f()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sk::rng::SkRng;

    /// Distance between two doubles of the same sign in units in the last
    /// place of the larger.
    fn ulps(a: f64, b: f64) -> f64 {
        if a == b {
            return 0.0;
        }
        let scale = a.abs().max(b.abs());
        let ulp = f64::from_bits(scale.to_bits() & 0x7ff0_0000_0000_0000) * f64::EPSILON;
        (a - b).abs() / ulp
    }

    #[test]
    fn exact_at_powers_of_two_and_one() {
        for k in -1020..1020 {
            assert_eq!(log2(2f64.powi(k)), k as f64, "2^{k}");
        }
        assert_eq!(log2(1.0).to_bits(), 0.0f64.to_bits());
    }

    /// Within 1 ulp of the platform's `log2` over probabilities of every
    /// size, numbers near one from both sides (where the result is small and
    /// only its relative error counts) and counts: both are within one ulp
    /// of the exact value (the platform's within about half), and two
    /// doubles of the same binade differ by a whole number of ulps.
    #[test]
    fn within_one_ulp_of_the_platform_log2() {
        let mut rng = SkRng::new(11, 2);
        let mut worst = (0.0, 0.0);
        let mut check = |x: f64| {
            let e = ulps(log2(x), x.log2());
            if e > worst.0 {
                worst = (e, x);
            }
        };
        for _ in 0..1_000_000 {
            check((-60.0 * rng.open01()).exp2());
            check(1.0 - rng.open01() * 1e-3);
            check(1.0 + rng.open01() * 1e-3);
            check(1.0 - (-50.0 * rng.open01()).exp2());
            check(1.0 + rng.below(1 << 40) as f64);
        }
        for m in 1..100_000u32 {
            check(m as f64 - 0.5);
            check(f64::from(m) / 100_000.0);
        }
        assert!(worst.0 <= 1.0, "{} ulp at x = {:e}", worst.0, worst.1);
    }

    /// Ratios taken side by side get the bits each gets alone, in vector
    /// registers or not: logarithms of values of every size, and of ratios
    /// of products.
    #[test]
    fn side_by_side_is_one_at_a_time() {
        let mut rng = SkRng::new(21, 3);
        let mut draw = || match rng.below(3) {
            0 => (-60.0 * rng.open01()).exp2(),
            1 => 1.0 - rng.open01() * 1e-3,
            _ => 1.0 + rng.below(1 << 40) as f64,
        };
        for _ in 0..100_000 {
            let x = [draw(), draw(), draw()];
            let each = vectorized(
                #[inline(always)]
                || log2_each(x),
            );
            assert_eq!(each.map(f64::to_bits), x.map(|x| log2(x).to_bits()), "{x:?}");
            assert_eq!(log2_each(x).map(f64::to_bits), each.map(f64::to_bits));
        }
        for _ in 0..10_000 {
            let [a, b, c, d]: [[f64; 8]; 4] = std::array::from_fn(|_| std::array::from_fn(|_| draw()));
            let both = vectorized(
                #[inline(always)]
                || log2_ratios([(&a, &b), (&c, &d)]),
            );
            assert_eq!(both[0].to_bits(), log2_ratio(&a, &b).to_bits());
            assert_eq!(both[1].to_bits(), log2_ratio(&c, &d).to_bits());
        }
    }

    /// `log2_ratio` is the sum of the pairs' `log2(num / den)` up to
    /// rounding (each mantissa product and the division: under 40 roundings,
    /// `40 eps / ln 2 < 64 eps`, plus an ulp of the result and of each
    /// term), and stays finite where the products themselves would
    /// overflow or underflow a double.
    #[test]
    fn a_ratio_of_products_is_the_sum_of_the_logarithms() {
        let mut rng = SkRng::new(8, 9);
        for scale in [1.0, 1e-200, 1e200] {
            for _ in 0..10_000 {
                let num: [f64; 16] = std::array::from_fn(|_| scale * (-40.0 * rng.open01()).exp2());
                let den: [f64; 16] = std::array::from_fn(|_| 1.0 + rng.below(1 << 40) as f64);
                let want: f64 = num.iter().zip(&den).map(|(n, d)| n.log2() - d.log2()).sum();
                let terms: f64 = num.iter().zip(&den).map(|(n, d)| n.log2().abs() + d.log2().abs()).sum();
                let got = vectorized(
                    #[inline(always)]
                    || log2_ratio(&num, &den),
                );
                let bound = 64.0 * f64::EPSILON + 40.0 * f64::EPSILON * terms;
                assert!((got - want).abs() <= bound, "{got} vs {want} (bound {bound:e}), scale {scale:e}");
            }
        }
        assert_eq!(log2_ratio(&[3.0; 4], &[3.0; 4]), 0.0);
    }
}
