//! sk-tui's own base-2 logarithm, for the code lengths of the Bayes and capped
//! learners and of the shared syntax model (docs/benchmarks.md, "Engine").
//!
//! Why not `f64::log2`: the platform's `log2` is a library call, one value
//! at a time, whose last bit depends on the C library (its version, and the
//! variant it picks for the CPU). This one is plain arithmetic without
//! branches, and so is [`Log2Product`], which multiplies a window's
//! probabilities in vector registers (taking each apart into exponent and
//! mantissa exactly) so that the window's bits are one logarithm of their
//! product. Every machine gets the same bits: only IEEE additions,
//! multiplications and divisions, which round the same way at every vector
//! width (Rust never fuses a multiply and an add on its own).
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

/// A product of many positive factors, held as the exact sum of their
/// exponents and the product of their mantissas, brought back into
/// `[sqrt(1/2), sqrt(2))` after each multiplication: it cannot overflow or
/// underflow, however many factors it takes, and its logarithm is taken
/// once, when it is read. This is how a window's bits are summed: the sum
/// of the logarithms of its sentences' probabilities is the logarithm of
/// their product. Rounding: one relative rounding per multiplication, so
/// under `eps / ln 2` bits each; the exponents (integers) add exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Log2Product {
    exponent: f64,
    mantissa: f64,
}

impl Default for Log2Product {
    /// The empty product, one.
    fn default() -> Self {
        Log2Product { exponent: 0.0, mantissa: 1.0 }
    }
}

impl Log2Product {
    /// `Π num / Π den` over `N` pairs of finite, positive, normal factors,
    /// with one division: the factors' exponents are summed exactly and
    /// their mantissas multiplied. The same bits at every vector width: the
    /// mantissas are multiplied in four fixed chains (`i mod 4`), then the
    /// chains in a fixed order. `N` is a multiple of 4, at most a few
    /// thousand (so that a chain's product stays a normal double).
    #[inline(always)]
    pub fn ratio<const N: usize>(num: &[f64; N], den: &[f64; N]) -> Self {
        const { assert!(N.is_multiple_of(4), "pairs in groups of four") };
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
        Log2Product { exponent: k01 + k23, mantissa: (a01 * a23) / (b01 * b23) }
    }

    /// The product of the two.
    #[inline(always)]
    pub fn times(self, other: Self) -> Self {
        let (k, mantissa) = split(self.mantissa * other.mantissa);
        Log2Product { exponent: (self.exponent + other.exponent) + k, mantissa }
    }

    /// `log2` of the product.
    pub fn log2(self) -> f64 {
        self.exponent + log2(self.mantissa)
    }
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
/// target, SSE2 on plain x86-64), for loops over [`split`], [`log2`] and
/// [`Log2Product::ratio`]: they use no fused multiply-add, so every width
/// gives the same bits. `f` should be an `#[inline(always)]` loop, so that
/// it is compiled inside each variant.
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

    /// The logarithm of a product of ratios is the sum of the pairs'
    /// `log2(num / den)` up to rounding: each factor's split is exact, each
    /// mantissa multiplication, division and `times` one relative rounding
    /// (under `2 + 1/16` per pair: under `3 eps / ln 2 < 5 eps` bits per
    /// pair), plus an ulp of the result. The reference takes each pair's
    /// two logarithms (an ulp of each) and sums them exactly (Neumaier). It
    /// stays finite where the products themselves would overflow or
    /// underflow a double, over many runs: `10^4` runs of 16 factors near
    /// `1e-200` are about `2^-10^7`.
    #[test]
    fn a_product_of_ratios_is_the_sum_of_the_logarithms() {
        let mut rng = SkRng::new(8, 9);
        let eps = f64::EPSILON;
        for scale in [1.0, 1e-200, 1e200] {
            let mut product = Log2Product::default();
            let (mut sum, mut carry, mut terms) = (0.0f64, 0.0f64, 0.0);
            for run in 1..=10_000 {
                let num: [f64; 16] = std::array::from_fn(|_| scale * (-40.0 * rng.open01()).exp2());
                let den: [f64; 16] = std::array::from_fn(|_| 1.0 + rng.below(1 << 40) as f64);
                for x in num.iter().map(|n| n.log2()).chain(den.iter().map(|d| -d.log2())) {
                    let t = sum + x;
                    carry += if sum.abs() >= x.abs() { (sum - t) + x } else { (x - t) + sum };
                    sum = t;
                    terms += x.abs();
                }
                product = product.times(vectorized(
                    #[inline(always)]
                    || Log2Product::ratio(&num, &den),
                ));
                if run == 1 || run == 10_000 {
                    let (got, want) = (product.log2(), sum + carry);
                    let bound = 5.0 * eps * (16 * run) as f64 + eps * terms + 4.0 * eps * want.abs();
                    assert!(
                        (got - want).abs() <= bound,
                        "{got} vs {want} (bound {bound:e}), scale {scale:e}"
                    );
                }
            }
        }
        assert_eq!(Log2Product::ratio(&[3.0; 4], &[3.0; 4]).log2(), 0.0);
    }
}
