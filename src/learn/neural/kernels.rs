//! The dense f32 kernels of the neural learner: dot products, row-weighted
//! sums `y += Σ_r a_r x_r`, `exp`, `tanh` and the softmax.
//!
//! Written so the compiler vectorizes them (fixed-size arrays held in
//! registers, no branches in the inner loops) and so the result never depends
//! on the instruction set: every term of a dot product or a row-weighted sum
//! is one fused multiply-add (`f32::mul_add`, `_mm512_fmadd_ps`,
//! `_mm256_fmadd_ps`: the product and the sum rounded once, as IEEE 754
//! defines it), and every sum runs in a fixed order. An AVX-512 build, an
//! AVX2 build and the portable loop therefore round identically and a seeded
//! run gives the same weights everywhere. (On an x86-64 CPU without FMA, from
//! before 2013, only the portable loops run, and `mul_add` is a library call
//! per element there: the same bits, several times slower.) `exp`, `tanh`
//! and the softmax keep separate multiplies and adds. `exp` and `tanh` are
//! polynomial evaluations for the same reason (a library `expf` may differ
//! between platforms), and because they vectorize: the library ones cost a
//! call per element.
//!
//! On x86-64 the dot products pick, at run time, an AVX-512 build (the
//! sixteen partial sums are one 512-bit register), an AVX2 build (two 256-bit
//! registers) or the portable loop; all three perform the same operations in
//! the same order. The learners compile their whole pass for the widest of
//! these the CPU has (`Isa`; the AVX2 build needs FMA too), so the
//! row-weighted sums vectorize to that width too.
//! The matrix products of the hidden layer's update and input gradient and of
//! the output layer's update (`add_products`) have an AVX-512 intrinsics
//! build as well: the compiled loops carried bounds checks and pointer
//! reloads, or copied partial blocks, in their inner loops.

/// The widest instruction set the passes are compiled for on this CPU. Every
/// choice rounds identically (see the module doc); only the speed differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// Whatever the build target allows (SSE2 on plain x86-64).
    Portable,
    /// 256-bit vectors and FMA.
    Avx2,
    /// 512-bit vectors.
    Avx512,
}

impl Isa {
    /// The widest the CPU running this reports.
    pub fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return Isa::Avx512;
            }
            if avx2_fma() {
                return Isa::Avx2;
            }
        }
        Isa::Portable
    }
}

/// Whether the CPU has AVX2 and FMA, what the 256-bit builds (the kernels'
/// and the learners' passes) need.
#[inline(always)]
pub fn avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Independent partial sums of a dot product (two AVX registers, four SSE ones).
const LANES: usize = 16;

/// Elements of `y` held in registers by `axpy_rows` (eight AVX registers).
const BLOCK: usize = 64;

/// `a · b_q` for four `b_q` (each at least as long as `a`). Each product
/// keeps `LANES` partial sums, adds them pairwise in a fixed order, then adds
/// the tail, exactly as `dot`: batching never changes a bit. Four products at
/// once load each element of `a` once for all of them. On x86-64 with AVX2
/// an intrinsics build runs (the compiler does not vectorize this loop nest
/// well by itself); it performs the same operations in the same order.
#[inline(always)]
pub fn dots4(a: &[f32], b: [&[f32]; 4]) -> [f32; 4] {
    let n = a.len();
    let b = slices(
        #[inline(always)]
        |q| &b[q][..n],
    );
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F; `a` and every `b_q` have length `n` (sliced above).
        return unsafe { avx512::dots([a], b)[0] };
    }
    #[cfg(target_arch = "x86_64")]
    if avx2_fma() {
        // SAFETY: the CPU has AVX2; every `b_q` has length `n` (sliced above).
        return unsafe { avx::dots4(a, b) };
    }
    dots4_portable(a, b)
}

/// `a_r · b_q` for every pair of `R` rows `a_r` (all as long as `a_0`) and
/// `Q` vectors `b_q` (each at least as long), `R Q <= 16`: every product is
/// the sum of `dot`, bit for bit. On AVX-512 the `R Q` sums are accumulated
/// side by side (each `a_r` and `b_q` loaded once per step for all of them)
/// and their sixteen partial sums reduced together, several sums per
/// shuffle and add, pairing the same lanes in the same order as `reduce`.
#[inline(always)]
pub fn dots<const R: usize, const Q: usize>(a: [&[f32]; R], b: [&[f32]; Q]) -> [[f32; Q]; R] {
    const { assert!(R >= 1 && Q >= 1 && R * Q <= 16) };
    let n = a[0].len();
    let a = slices(
        #[inline(always)]
        |r| &a[r][..n],
    );
    let b = slices(
        #[inline(always)]
        |q| &b[q][..n],
    );
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F; every `a_r` and `b_q` has length `n` (sliced above).
        return unsafe { avx512::dots(a, b) };
    }
    dots_by_four(a, b)
}

/// `y[q stride + r] = bias[r] + a_r · b_q` for the `R` rows `a_r` (all as
/// long as `a_0`) and `Q` vectors `b_q` (each at least as long), `R, Q <= 4`:
/// a layer's pre-activations at `Q` positions (`y` position-major, `stride`
/// apart), each the sum of `dot`, then the bias added, bit for bit as
/// `bias[r] + dots(a, b)[r][q]`. On AVX-512, when the rows are whole vectors
/// long, the `R Q` sums are reduced into one register (`R Q` sums per shuffle
/// and add, pairing the same lanes in the same order as `reduce`), the bias
/// added to all of them at once, and each position's `R` results stored
/// together.
#[inline(always)]
pub fn biased_dots<const R: usize, const Q: usize>(
    a: [&[f32]; R],
    b: [&[f32]; Q],
    bias: &[f32],
    y: &mut [f32],
    stride: usize,
) {
    const { assert!(R >= 1 && R <= 4 && Q >= 1 && Q <= 4) };
    let n = a[0].len();
    let a: [&[f32]; R] = slices(
        #[inline(always)]
        |r| &a[r][..n],
    );
    let b: [&[f32]; Q] = slices(
        #[inline(always)]
        |q| &b[q][..n],
    );
    let (bias, y) = (&bias[..R], &mut y[..(Q - 1) * stride + R]);
    #[cfg(target_arch = "x86_64")]
    if n.is_multiple_of(LANES) && std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F; every `a_r` and `b_q` has length `n`, a
        // multiple of `LANES`; `bias` holds `R` and `y` `(Q - 1) stride + R` (sliced above).
        return unsafe { avx512::biased_dots(a, b, bias, y.as_mut_ptr(), stride) };
    }
    let out = dots(a, b);
    for (r, out) in out.into_iter().enumerate() {
        for (q, o) in out.into_iter().enumerate() {
            y[q * stride + r] = bias[r] + o;
        }
    }
}

/// `dots` without AVX-512: four vectors at a time (`dots4`), then one.
#[inline(always)]
fn dots_by_four<const R: usize, const Q: usize>(a: [&[f32]; R], b: [&[f32]; Q]) -> [[f32; Q]; R] {
    let mut out = [[0f32; Q]; R];
    for (a, out) in a.into_iter().zip(&mut out) {
        let mut q = 0;
        while q + 4 <= Q {
            let four = dots4(a, [b[q], b[q + 1], b[q + 2], b[q + 3]]);
            out[q..q + 4].copy_from_slice(&four);
            q += 4;
        }
        for q in q..Q {
            out[q] = dot(a, b[q]);
        }
    }
    out
}

/// `[f(0), …, f(N - 1)]`, built by a loop that is always inlined:
/// `std::array::from_fn` and `map` may be left out of line in a large pass,
/// and the compiler then loses what it knew of the slices (each indexing
/// then carries its bounds check in the inner loops).
#[inline(always)]
pub fn slices<'a, const N: usize>(f: impl Fn(usize) -> &'a [f32]) -> [&'a [f32]; N] {
    let mut out: [&[f32]; N] = [&[]; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = f(i);
    }
    out
}

/// `a · b` over the common length (the same sums as `dots4`).
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F; `a` and `b` have length `n`.
        return unsafe { avx512::dot(a, b) };
    }
    #[cfg(target_arch = "x86_64")]
    if avx2_fma() {
        // SAFETY: the CPU has AVX2; `a` and `b` have length `n`.
        return unsafe { avx::dot(a, b) };
    }
    dot_portable(a, b)
}

#[inline(always)]
fn dots4_portable(a: &[f32], b: [&[f32]; 4]) -> [f32; 4] {
    b.map(|b| dot_portable(a, b))
}

#[inline(always)]
fn dot_portable(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len();
    let full = n - n % LANES;
    let mut acc = [0f32; LANES];
    for (x, y) in a[..full].chunks_exact(LANES).zip(b[..full].chunks_exact(LANES)) {
        for l in 0..LANES {
            acc[l] = x[l].mul_add(y[l], acc[l]);
        }
    }
    let mut tail = 0f32;
    for (x, y) in a[full..].iter().zip(&b[full..n]) {
        tail = x.mul_add(*y, tail);
    }
    reduce(acc) + tail
}

#[cfg(target_arch = "x86_64")]
mod avx {
    use super::LANES;
    use std::arch::x86_64::*;

    /// Lanes 0..8 and 8..16 of the partial sums, reduced as `super::reduce`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn reduce(lo: __m256, hi: __m256) -> f32 {
        let v8 = _mm256_add_ps(lo, hi);
        let v4 = _mm_add_ps(_mm256_castps256_ps128(v8), _mm256_extractf128_ps::<1>(v8));
        let v2 = _mm_add_ps(v4, _mm_movehl_ps(v4, v4));
        let v1 = _mm_add_ss(v2, _mm_shuffle_ps::<1>(v2, v2));
        _mm_cvtss_f32(v1)
    }

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn tail(a: &[f32], b: &[f32], from: usize) -> f32 {
        let mut t = 0f32;
        for (x, y) in a[from..].iter().zip(&b[from..]) {
            t = x.mul_add(*y, t);
        }
        t
    }

    /// SAFETY: the CPU has AVX2, and every `b_q` is as long as `a`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn dots4(a: &[f32], b: [&[f32]; 4]) -> [f32; 4] {
        let n = a.len();
        let full = n - n % LANES;
        let pa = a.as_ptr();
        let mut pb = [pa; 4];
        for q in 0..4 {
            pb[q] = b[q].as_ptr();
        }
        let mut lo = [_mm256_setzero_ps(); 4];
        let mut hi = [_mm256_setzero_ps(); 4];
        let mut i = 0;
        while i < full {
            // SAFETY: `i + LANES <= full <= n`, the length of `a` and every `b_q`.
            unsafe {
                let xl = _mm256_loadu_ps(pa.add(i));
                let xh = _mm256_loadu_ps(pa.add(i + 8));
                for q in 0..4 {
                    lo[q] = _mm256_fmadd_ps(xl, _mm256_loadu_ps(pb[q].add(i)), lo[q]);
                    hi[q] = _mm256_fmadd_ps(xh, _mm256_loadu_ps(pb[q].add(i + 8)), hi[q]);
                }
            }
            i += LANES;
        }
        let mut out = [0f32; 4];
        for q in 0..4 {
            out[q] = reduce(lo[q], hi[q]) + tail(a, b[q], full);
        }
        out
    }

    /// SAFETY: the CPU has AVX2, and `b` is as long as `a`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len();
        let full = n - n % LANES;
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let (mut lo, mut hi) = (_mm256_setzero_ps(), _mm256_setzero_ps());
        let mut i = 0;
        while i < full {
            // SAFETY: `i + LANES <= full <= n`, the length of `a` and `b`.
            unsafe {
                lo = _mm256_fmadd_ps(_mm256_loadu_ps(pa.add(i)), _mm256_loadu_ps(pb.add(i)), lo);
                hi = _mm256_fmadd_ps(_mm256_loadu_ps(pa.add(i + 8)), _mm256_loadu_ps(pb.add(i + 8)), hi);
            }
            i += LANES;
        }
        reduce(lo, hi) + tail(a, b, full)
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::LANES;
    use super::avx::{reduce as reduce_halves, tail};
    use std::arch::x86_64::*;

    /// The sixteen partial sums, reduced as `super::reduce` (lanes `l` and
    /// `l + 8` first, then as the AVX2 build).
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn reduce(acc: __m512) -> f32 {
        let lo = _mm512_castps512_ps256(acc);
        let hi = _mm256_castpd_ps(_mm512_extractf64x4_pd::<1>(_mm512_castps_pd(acc)));
        reduce_halves(lo, hi)
    }

    /// One step of `super::reduce` for two sums at once: lanes `l < 8` of the
    /// result are `a_l + a_{l+8}`, lanes `8 + l` are `b_l + b_{l+8}`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn fold8(a: __m512, b: __m512) -> __m512 {
        _mm512_add_ps(_mm512_shuffle_f32x4::<0x44>(a, b), _mm512_shuffle_f32x4::<0xEE>(a, b))
    }

    /// The next step for four sums, from two `fold8` results (sums `a`, `b`
    /// and `c`, `d`): 128-bit lane `k` of the result is `s_l + s_{l+4}`,
    /// `l < 4`, of the `k`-th of `a, b, c, d`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn fold4(ab: __m512, cd: __m512) -> __m512 {
        _mm512_add_ps(_mm512_shuffle_f32x4::<0x88>(ab, cd), _mm512_shuffle_f32x4::<0xDD>(ab, cd))
    }

    /// The next step for eight sums, from two `fold4` results: 128-bit lane
    /// `k` holds `s_l + s_{l+2}`, `l < 2`, of the `k`-th sum of `x`, then of `y`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn fold2(x: __m512, y: __m512) -> __m512 {
        _mm512_add_ps(_mm512_shuffle_ps::<0x44>(x, y), _mm512_shuffle_ps::<0xEE>(x, y))
    }

    /// The last step, `s_0 + s_1`, from two `fold2` results (each holding,
    /// in 128-bit lane `k`, the `k`-th sum of two groups of four): lane `4 k
    /// + g` of the result is the `k`-th sum of group `g` (groups 0 and 1 from
    /// `x`, 2 and 3 from `y`). With `x = y`, 128-bit lane `k` starts with the
    /// `k`-th and the `(4 + k)`-th of eight sums.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn fold1(x: __m512, y: __m512) -> __m512 {
        _mm512_add_ps(_mm512_shuffle_ps::<0x88>(x, y), _mm512_shuffle_ps::<0xDD>(x, y))
    }

    /// The sixteen partial sums of each of eight sums, each reduced as
    /// `super::reduce` (the same pairs added in the same order), eight sums
    /// per shuffle and add instead of one.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn reduce8(acc: [__m512; 8]) -> [f32; 8] {
        let s = [fold8(acc[0], acc[1]), fold8(acc[2], acc[3]), fold8(acc[4], acc[5]), fold8(acc[6], acc[7])];
        let u = fold2(fold4(s[0], s[1]), fold4(s[2], s[3]));
        let r = fold1(u, u);
        let mut lanes = [0f32; 16];
        // SAFETY: `lanes` holds sixteen f32.
        unsafe { _mm512_storeu_ps(lanes.as_mut_ptr(), r) };
        let mut out = [0f32; 8];
        for k in 0..4 {
            (out[k], out[4 + k]) = (lanes[4 * k], lanes[4 * k + 1]);
        }
        out
    }

    /// `reduce8` for the kernel tests.
    #[cfg(test)]
    #[target_feature(enable = "avx512f")]
    pub fn reduce8_for_test(acc: [__m512; 8]) -> [f32; 8] {
        reduce8(acc)
    }

    /// The `LANES` lane-wise partial sums of each `a_r · b_q` over the
    /// first `full` elements (a multiple of `LANES`), chunk after chunk, each
    /// `a_r` and `b_q` chunk loaded once for all the sums it enters (`a_r`
    /// and `b_q` start at `pa[r]` and `pb[q]`). SAFETY: the CPU has AVX-512F,
    /// and every `pa[r]` and `pb[q]` points to at least `full` elements.
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn partial_sums<const R: usize, const Q: usize>(
        pa: [*const f32; R],
        pb: [*const f32; Q],
        full: usize,
    ) -> [[__m512; Q]; R] {
        let mut acc = [[_mm512_setzero_ps(); Q]; R];
        let mut i = 0;
        while i < full {
            // SAFETY: `i + LANES <= full`, within every `a_r` and `b_q`.
            unsafe {
                let mut x = [_mm512_setzero_ps(); R];
                for r in 0..R {
                    x[r] = _mm512_loadu_ps(pa[r].add(i));
                }
                for q in 0..Q {
                    let y = _mm512_loadu_ps(pb[q].add(i));
                    for r in 0..R {
                        acc[r][q] = _mm512_fmadd_ps(x[r], y, acc[r][q]);
                    }
                }
            }
            i += LANES;
        }
        acc
    }

    /// SAFETY: the CPU has AVX-512F, every `a_r` and `b_q` has the same
    /// length, and `R Q <= 16`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn dots<const R: usize, const Q: usize>(a: [&[f32]; R], b: [&[f32]; Q]) -> [[f32; Q]; R] {
        let n = a[0].len();
        let full = n - n % LANES;
        let (mut pa, mut pb) = ([std::ptr::null(); R], [std::ptr::null(); Q]);
        for r in 0..R {
            pa[r] = a[r].as_ptr();
        }
        for q in 0..Q {
            pb[q] = b[q].as_ptr();
        }
        // SAFETY: every `a_r` and `b_q` holds `n >= full`.
        let acc = unsafe { partial_sums(pa, pb, full) };
        // Eight sums at a time (sum `r Q + q` is `flat[r Q + q]`).
        let mut flat = [_mm512_setzero_ps(); 16];
        for r in 0..R {
            for q in 0..Q {
                flat[r * Q + q] = acc[r][q];
            }
        }
        let (mut sums, mut tails) = ([0f32; 16], [0f32; 16]);
        for h in 0..(R * Q).div_ceil(8) {
            let eight: [__m512; 8] = flat[8 * h..8 * h + 8].try_into().unwrap();
            sums[8 * h..8 * h + 8].copy_from_slice(&reduce8(eight));
            // The tails (`n - full < 16` elements) of the eight sums side by
            // side, sum `8 h + l` in lane `l`: each lane gets
            // `t += a_r[i] b_q[i]` from `t = 0`, in the order of `i`, as
            // `tail` does one sum at a time.
            let mut t = _mm256_setzero_ps();
            for i in full..n {
                let (mut xa, mut xb) = ([0f32; 8], [0f32; 8]);
                for l in 0..8.min(R * Q - 8 * h) {
                    let (r, q) = ((8 * h + l) / Q, (8 * h + l) % Q);
                    // SAFETY: `i < n`, the length of every `a_r` and `b_q`.
                    unsafe { (xa[l], xb[l]) = (*pa[r].add(i), *pb[q].add(i)) };
                }
                let va = _mm256_setr_ps(xa[0], xa[1], xa[2], xa[3], xa[4], xa[5], xa[6], xa[7]);
                let vb = _mm256_setr_ps(xb[0], xb[1], xb[2], xb[3], xb[4], xb[5], xb[6], xb[7]);
                t = _mm256_fmadd_ps(va, vb, t);
            }
            // SAFETY: lanes `8 h..8 h + 8` of `tails` hold eight f32.
            unsafe { _mm256_storeu_ps(tails[8 * h..].as_mut_ptr(), t) };
        }
        let mut out = [[0f32; Q]; R];
        for r in 0..R {
            for q in 0..Q {
                out[r][q] = sums[r * Q + q] + tails[r * Q + q];
            }
        }
        out
    }

    /// `super::biased_dots`: the `R Q` sums accumulated as in `dots`, sum
    /// `(r, q)` reduced into lane `4 q + r` of one register (absent rows and
    /// positions are sums of zeros, never stored), the tail (`+0`, as `dots`
    /// adds its empty tail) and the bias added, and row `q` of `y` written
    /// under a mask from that register. SAFETY: the CPU has AVX-512F, every
    /// `a_r` and `b_q` has the same length, a multiple of `LANES`, `bias`
    /// holds `R` and `y` `(Q - 1) stride + R` elements, `R, Q <= 4`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn biased_dots<const R: usize, const Q: usize>(
        a: [&[f32]; R],
        b: [&[f32]; Q],
        bias: &[f32],
        y: *mut f32,
        stride: usize,
    ) {
        let (mut pa, mut pb) = ([std::ptr::null(); R], [std::ptr::null(); Q]);
        for r in 0..R {
            pa[r] = a[r].as_ptr();
        }
        for q in 0..Q {
            pb[q] = b[q].as_ptr();
        }
        // SAFETY: every `a_r` and `b_q` holds `a[0].len()`, a multiple of `LANES`.
        let sums = unsafe { partial_sums(pa, pb, a[0].len()) };
        let mut acc = [[_mm512_setzero_ps(); 4]; 4];
        for r in 0..R {
            acc[r][..Q].copy_from_slice(&sums[r]);
        }
        // Group `r` holds row `r`'s four sums; `fold4` leaves sum `q` of it in 128-bit lane `q`.
        let mut group = [_mm512_setzero_ps(); 4];
        for r in 0..R {
            group[r] = fold4(fold8(acc[r][0], acc[r][1]), fold8(acc[r][2], acc[r][3]));
        }
        let sums = fold1(fold2(group[0], group[1]), fold2(group[2], group[3]));
        let mut b4 = [0f32; 4];
        b4[..R].copy_from_slice(bias);
        // SAFETY: `b4` holds four f32.
        let bias = _mm512_broadcast_f32x4(unsafe { _mm_loadu_ps(b4.as_ptr()) });
        let out = _mm512_add_ps(bias, _mm512_add_ps(sums, _mm512_setzero_ps()));
        for q in 0..Q {
            // Lanes `4 q..4 q + R` go to `y[q stride..q stride + R]`; the
            // address of lane 0 may lie outside `y`, but no lane outside the
            // mask is touched.
            let lane0 = y.wrapping_add(q * stride).wrapping_sub(4 * q);
            // SAFETY: the lanes under the mask are `y[q stride + r]`, `r < R`, inside `y`.
            unsafe { _mm512_mask_storeu_ps(lane0, ((1u16 << R) - 1) << (4 * q), out) };
        }
    }

    /// SAFETY: the CPU has AVX-512F, and `b` is as long as `a`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len();
        let full = n - n % LANES;
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let mut acc = _mm512_setzero_ps();
        let mut i = 0;
        while i < full {
            // SAFETY: `i + LANES <= full <= n`, the length of `a` and `b`.
            unsafe {
                acc = _mm512_fmadd_ps(_mm512_loadu_ps(pa.add(i)), _mm512_loadu_ps(pb.add(i)), acc);
            }
            i += LANES;
        }
        reduce(acc) + tail(a, b, full)
    }

    /// `y_q += Σ_{j < k} alpha[q k + j] w_j` for the `n` rows `y_q` of `y`
    /// (`m` long each, row `q` at `y + q ys`), `w_j = row(j)`: `product_matrix`
    /// with the coefficients row by row. SAFETY: the CPU has AVX-512F, `y`
    /// holds `n` rows of `m` at stride `ys`, `alpha` `n k` elements and every
    /// `row(j)`, `j < k`, `m`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn add_products(
        y: *mut f32,
        ys: usize,
        n: usize,
        m: usize,
        alpha: *const f32,
        k: usize,
        row: impl Fn(usize) -> *const f32 + Copy,
    ) {
        // SAFETY: the caller's.
        unsafe { product_matrix::<false, false>(y, ys, (n, m), alpha, (k, 1), k, row) }
    }

    /// Columns of `y` (and of the rows `w_j`) per slab of `product_matrix`.
    const SLAB: usize = 64;

    /// Rows of `y` per block of `product_matrix`: twelve rows by 32 columns
    /// are 24 accumulators, which leaves registers for a row's two vectors
    /// and a coefficient.
    const MAX_ROWS: usize = 12;

    /// `y_q = y_q + Σ_{j < k} a_{qj} w_j` (`y_q = 0 + Σ …` when `ZERO`, `y`
    /// then never read) for the `n` rows `y_q` of `y` (`m` long each, row `q`
    /// at `y + q ys`), `w_j = row(j)`, the coefficient `a_{qj}` at `alpha +
    /// q steps.0 + j steps.1`; each element receives its terms in the order `j
    /// = 0, 1, …`, one fused multiply-add each. Slab by slab of `SLAB` columns
    /// (the slab of the `w_j` then stays in the L1 cache for all the rows of
    /// `y`), up to twelve rows of `y` at a time (the rows split into nearly
    /// equal blocks), 32 columns of them held in registers while the `k`
    /// terms are added in order (one or two rows: 64 columns, so that enough
    /// independent sums are in flight). `BY_ROW` (not with `ZERO`): row by
    /// row of `y` instead, 256 columns of a row in sixteen registers (each
    /// row of `y` read and written as one contiguous stream), the rest of the
    /// row as `product_rows`. SAFETY: the CPU has AVX-512F, `y` holds `n` rows
    /// of `m` at stride `ys`, every `a_{qj}`, `q < n`, `j < k`, lies in
    /// `alpha`'s allocation, and every `row(j)`, `j < k`, holds `m`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn product_matrix<const ZERO: bool, const BY_ROW: bool>(
        y: *mut f32,
        ys: usize,
        (n, m): (usize, usize),
        alpha: *const f32,
        steps: (usize, usize),
        k: usize,
        row: impl Fn(usize) -> *const f32 + Copy,
    ) {
        const { assert!(!(ZERO && BY_ROW)) };
        if BY_ROW {
            for q in 0..n {
                // SAFETY: row `q` of `y` and of the coefficients exists; columns `c..c + 256` lie in it.
                unsafe {
                    let (y, alpha) = (y.add(q * ys), alpha.add(q * steps.0));
                    let mut c = 0;
                    while c + 256 <= m {
                        product_block::<1, 16, false, false>(y.add(c), ys, alpha, steps, k, row, c, 0);
                        c += 256;
                    }
                    product_rows::<1, false>(y, ys, (c, m), alpha, steps, k, row);
                }
            }
            return;
        }
        // The rows in `blocks` nearly equal blocks of at most `MAX_ROWS`.
        let blocks = n.div_ceil(if ZERO { MAX_ROWS } else { 8 });
        let mut c0 = 0;
        while c0 < m {
            let cols = (c0, (c0 + SLAB).min(m));
            let mut q = 0;
            for b in 0..blocks {
                let rows = n / blocks + usize::from(b < n % blocks);
                let (y, alpha) = (y.wrapping_add(q * ys), alpha.wrapping_add(q * steps.0));
                // SAFETY: (every call) rows `q..q + rows` of `y` and of the coefficients exist.
                unsafe {
                    match rows {
                        12 => product_rows::<12, ZERO>(y, ys, cols, alpha, steps, k, row),
                        11 => product_rows::<11, ZERO>(y, ys, cols, alpha, steps, k, row),
                        10 => product_rows::<10, ZERO>(y, ys, cols, alpha, steps, k, row),
                        9 => product_rows::<9, ZERO>(y, ys, cols, alpha, steps, k, row),
                        8 => product_rows::<8, ZERO>(y, ys, cols, alpha, steps, k, row),
                        7 => product_rows::<7, ZERO>(y, ys, cols, alpha, steps, k, row),
                        6 => product_rows::<6, ZERO>(y, ys, cols, alpha, steps, k, row),
                        5 => product_rows::<5, ZERO>(y, ys, cols, alpha, steps, k, row),
                        4 => product_rows::<4, ZERO>(y, ys, cols, alpha, steps, k, row),
                        3 => product_rows::<3, ZERO>(y, ys, cols, alpha, steps, k, row),
                        2 => product_rows::<2, ZERO>(y, ys, cols, alpha, steps, k, row),
                        1 => product_rows::<1, ZERO>(y, ys, cols, alpha, steps, k, row),
                        _ => {}
                    }
                }
                q += rows;
            }
            c0 = cols.1;
        }
    }

    /// `product_matrix` for `Q` rows of `y` and the columns `c0..c1`, block
    /// by block: 64 columns (one or two rows), 32, 16, then the last under a
    /// mask.
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn product_rows<const Q: usize, const ZERO: bool>(
        y: *mut f32,
        ys: usize,
        (c0, c1): (usize, usize),
        alpha: *const f32,
        steps: (usize, usize),
        k: usize,
        row: impl Fn(usize) -> *const f32 + Copy,
    ) {
        let mut c = c0;
        // SAFETY: (every call) columns `c..c + 16 V` (or up to `c1` under the mask) lie in every row.
        unsafe {
            if Q <= 2 {
                while c + 64 <= c1 {
                    product_block::<Q, 4, false, ZERO>(y.add(c), ys, alpha, steps, k, row, c, 0);
                    c += 64;
                }
            }
            while c + 32 <= c1 {
                product_block::<Q, 2, false, ZERO>(y.add(c), ys, alpha, steps, k, row, c, 0);
                c += 32;
            }
            if c + 16 <= c1 {
                product_block::<Q, 1, false, ZERO>(y.add(c), ys, alpha, steps, k, row, c, 0);
                c += 16;
            }
            if c < c1 {
                let mask = (1u16 << (c1 - c)) - 1;
                product_block::<Q, 1, true, ZERO>(y.add(c), ys, alpha, steps, k, row, c, mask);
            }
        }
    }

    /// `Q` rows by `16 V` columns of `y`, from column `c` of the rows `w_j`
    /// (the lanes outside `mask` neither read nor written when `MASKED`):
    /// each element receives `a_{qj} * w_j[c + l]`, one fused multiply-add,
    /// for `j = 0, 1, …`, starting from its value (from zero when `ZERO`).
    // The indices are also the rows' and vectors' offsets.
    #[allow(clippy::needless_range_loop, clippy::too_many_arguments)]
    #[inline(always)]
    unsafe fn product_block<const Q: usize, const V: usize, const MASKED: bool, const ZERO: bool>(
        y: *mut f32,
        ys: usize,
        alpha: *const f32,
        (aq, aj): (usize, usize),
        k: usize,
        row: impl Fn(usize) -> *const f32,
        c: usize,
        mask: u16,
    ) {
        // SAFETY: the caller's ranges; under the mask only lanes inside a row are touched.
        unsafe {
            let load =
                |p: *const f32| if MASKED { _mm512_maskz_loadu_ps(mask, p) } else { _mm512_loadu_ps(p) };
            let mut acc = [[_mm512_setzero_ps(); V]; Q];
            if !ZERO {
                for q in 0..Q {
                    for v in 0..V {
                        acc[q][v] = load(y.add(q * ys + 16 * v));
                    }
                }
            }
            let mut pa = [alpha; Q];
            for q in 0..Q {
                pa[q] = alpha.add(q * aq);
            }
            for j in 0..k {
                let pw = row(j).add(c);
                let mut x = [_mm512_setzero_ps(); V];
                for v in 0..V {
                    x[v] = load(pw.add(16 * v));
                }
                for q in 0..Q {
                    let a = _mm512_set1_ps(*pa[q].add(j * aj));
                    for v in 0..V {
                        acc[q][v] = _mm512_fmadd_ps(a, x[v], acc[q][v]);
                    }
                }
            }
            for q in 0..Q {
                for v in 0..V {
                    if MASKED {
                        _mm512_mask_storeu_ps(y.add(q * ys + 16 * v), mask, acc[q][v]);
                    } else {
                        _mm512_storeu_ps(y.add(q * ys + 16 * v), acc[q][v]);
                    }
                }
            }
        }
    }

    /// `dots_strided` for the sixteen rows `w_r = w + r w_stride`, `r < 16`,
    /// written at `out + q rows + r`. The partial sums of sums 0..8 and
    /// 8..16 go down as in `reduce8` to two per 128-bit lane, then take the
    /// last step together (`fold1`): 128-bit lane `k` holds sums `k`, `4 + k`,
    /// `8 + k`, `12 + k`, put in order by one permutation. SAFETY: the CPU has
    /// AVX-512F, `out` holds `count` rows of `rows` from the pointer, `a`
    /// `count` vectors of `n` at `a_stride`, every `w_r` `n` elements, and
    /// `15 w_stride` fits an i32.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn dots16(
        out: *mut f32,
        (count, rows): (usize, usize),
        a: &[f32],
        a_stride: usize,
        n: usize,
        w: *const f32,
        w_stride: usize,
    ) {
        let full = n - n % LANES;
        let offsets = _mm512_mullo_epi32(
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
            _mm512_set1_epi32(w_stride as i32),
        );
        let mut columns = [_mm512_setzero_ps(); LANES - 1];
        for (c, column) in columns.iter_mut().enumerate().take(n - full) {
            // SAFETY: `full + c < n`: an element of every row.
            *column = unsafe { _mm512_i32gather_ps::<4>(offsets, w.add(full + c)) };
        }
        let order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
        let half = |s: &[__m512]| {
            let f = [fold8(s[0], s[1]), fold8(s[2], s[3]), fold8(s[4], s[5]), fold8(s[6], s[7])];
            fold2(fold4(f[0], f[1]), fold4(f[2], f[3]))
        };
        for q in 0..count {
            let pa = a[q * a_stride..q * a_stride + n].as_ptr();
            let mut acc = [_mm512_setzero_ps(); 16];
            let mut i = 0;
            while i < full {
                // SAFETY: `i + LANES <= full <= n`, the length of `a_q` and of every row.
                unsafe {
                    let x = _mm512_loadu_ps(pa.add(i));
                    for (r, acc) in acc.iter_mut().enumerate() {
                        *acc = _mm512_fmadd_ps(x, _mm512_loadu_ps(w.add(r * w_stride + i)), *acc);
                    }
                }
                i += LANES;
            }
            let (u, v) = (half(&acc[..8]), half(&acc[8..]));
            let sums = _mm512_permutexvar_ps(order, fold1(u, v));
            let mut tails = _mm512_setzero_ps();
            for (c, column) in columns.iter().enumerate().take(n - full) {
                // SAFETY: `full + c < n`, an element of `a_q`.
                let x = unsafe { *pa.add(full + c) };
                tails = _mm512_fmadd_ps(_mm512_set1_ps(x), *column, tails);
            }
            // SAFETY: row `q` of `out` holds sixteen elements from the pointer.
            unsafe { _mm512_storeu_ps(out.add(q * rows), _mm512_add_ps(sums, tails)) };
        }
    }

    /// `super::exp` of sixteen lanes: the same operations in the same order.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn exp16(x: __m512) -> __m512 {
        let set = _mm512_set1_ps;
        // `max(-87, x)` then `min(88, ·)` return `x` when it is NaN, as `clamp` does.
        let x = _mm512_min_ps(set(88.0), _mm512_max_ps(set(-87.0), x));
        let t = _mm512_add_ps(_mm512_mul_ps(x, set(std::f32::consts::LOG2_E)), set(super::ROUND));
        let n = _mm512_sub_ps(t, set(super::ROUND));
        let r = _mm512_sub_ps(
            _mm512_sub_ps(x, _mm512_mul_ps(n, set(0.693_359_4))),
            _mm512_mul_ps(n, set(-2.121_944_4e-4)),
        );
        let mut p = set(1.987_569_1e-4);
        for c in [1.398_2e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 0.5] {
            p = _mm512_add_ps(_mm512_mul_ps(p, r), set(c));
        }
        let e = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, _mm512_mul_ps(r, r)), r), set(1.0));
        let k = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(super::ROUND.to_bits() as i32));
        let scale = _mm512_slli_epi32::<23>(_mm512_add_epi32(k, _mm512_set1_epi32(127)));
        _mm512_mul_ps(e, _mm512_castsi512_ps(scale))
    }

    /// `super::softmax` sixteen lanes at a time, the last vector under a
    /// mask: the same bits (the maximum is exact in any order; `exp16` and
    /// the scaling are elementwise; the sum's sixteen partial sums, their
    /// reduction and the tail are `softmax_portable`'s). SAFETY: the CPU has
    /// AVX-512F.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn softmax(z: &mut [f32]) -> f32 {
        let n = z.len();
        let full = n - n % LANES;
        let pz = z.as_mut_ptr();
        let tail_mask: u16 = ((1u32 << (n - full)) - 1) as u16;
        // SAFETY: (every access) vectors at `i < full` are whole; the last under `tail_mask`.
        unsafe {
            // `max(v, top)` keeps `top` where `v` is NaN, as `f32::max` does.
            let mut top = _mm512_set1_ps(f32::NEG_INFINITY);
            let mut i = 0;
            while i < full {
                top = _mm512_max_ps(_mm512_loadu_ps(pz.add(i)), top);
                i += LANES;
            }
            if tail_mask != 0 {
                let v = _mm512_mask_loadu_ps(_mm512_set1_ps(f32::NEG_INFINITY), tail_mask, pz.add(full));
                top = _mm512_max_ps(v, top);
            }
            let m = _mm512_set1_ps(_mm512_reduce_max_ps(top));
            let mut acc = _mm512_setzero_ps();
            let mut i = 0;
            while i < full {
                let e = exp16(_mm512_sub_ps(_mm512_loadu_ps(pz.add(i)), m));
                _mm512_storeu_ps(pz.add(i), e);
                acc = _mm512_add_ps(acc, e);
                i += LANES;
            }
            if tail_mask != 0 {
                let e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail_mask, pz.add(full)), m));
                _mm512_mask_storeu_ps(pz.add(full), tail_mask, e);
            }
            let sum = reduce(acc) + z[full..].iter().sum::<f32>();
            let inv = _mm512_set1_ps(sum.recip());
            let mut i = 0;
            while i < full {
                _mm512_storeu_ps(pz.add(i), _mm512_mul_ps(_mm512_loadu_ps(pz.add(i)), inv));
                i += LANES;
            }
            if tail_mask != 0 {
                let v = _mm512_maskz_loadu_ps(tail_mask, pz.add(full));
                _mm512_mask_storeu_ps(pz.add(full), tail_mask, _mm512_mul_ps(v, inv));
            }
            _mm512_cvtss_f32(m) + sum.ln()
        }
    }
}

/// Sum of `LANES` partial sums, pairwise in a fixed order.
#[inline(always)]
fn reduce(mut v: [f32; LANES]) -> f32 {
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for l in 0..width {
            v[l] += v[l + width];
        }
    }
    v[0]
}

/// `y += Σ_r alpha[r] rows(r)` (each row at least as long as `y`): every
/// element gets the terms in the order `r = 0, 1, …`, so this rounds exactly
/// as successive `y += alpha[r] x_r` passes, but holds `BLOCK` elements of
/// `y` in registers across all the rows instead of loading and storing `y`
/// once per row.
#[inline(always)]
pub fn axpy_rows<'a>(y: &mut [f32], alpha: &[f32], rows: impl Fn(usize) -> &'a [f32]) {
    let n = y.len();
    let mut c = 0;
    while c + BLOCK <= n {
        axpy_block::<BLOCK>(&mut y[c..c + BLOCK], c, alpha, &rows);
        c += BLOCK;
    }
    while c + 8 <= n {
        axpy_block::<8>(&mut y[c..c + 8], c, alpha, &rows);
        c += 8;
    }
    while c < n {
        axpy_block::<1>(&mut y[c..c + 1], c, alpha, &rows);
        c += 1;
    }
}

#[inline(always)]
fn axpy_block<'a, const W: usize>(
    y: &mut [f32],
    c: usize,
    alpha: &[f32],
    rows: &impl Fn(usize) -> &'a [f32],
) {
    let y: &mut [f32; W] = y.try_into().unwrap();
    let mut acc = *y;
    add_rows(&mut acc, c, alpha, rows);
    *y = acc;
}

/// `acc += Σ_r alpha[r] rows(r)[c..c + W]`, the terms in the order `r = 0, 1, …`.
#[inline(always)]
fn add_rows<'a, const W: usize>(
    acc: &mut [f32; W],
    c: usize,
    alpha: &[f32],
    rows: &impl Fn(usize) -> &'a [f32],
) {
    for (r, &a) in alpha.iter().enumerate() {
        let x: &[f32; W] = rows(r)[c..c + W].try_into().unwrap();
        for l in 0..W {
            acc[l] = a.mul_add(x[l], acc[l]);
        }
    }
}

/// Elements padded up to a whole vector by `axpy_rows_padded`.
pub const PAD: usize = 16;

/// `n` rounded up to a whole number of `PAD`-element vectors.
#[inline(always)]
pub fn padded(n: usize) -> usize {
    n.div_ceil(PAD) * PAD
}

/// `axpy_rows` for rows that extend past `y` to `padded(y.len())` elements
/// (what lies past `y`'s length is read and ignored): the elements after the
/// last whole vector of `y` are computed in the same register block as the
/// ones before them, as one padded vector, instead of one at a time. Every
/// element of `y` gets exactly the terms, in exactly the order, of
/// `axpy_rows`; only the elements of `y` are written.
#[inline(always)]
pub fn axpy_rows_padded<'a>(y: &mut [f32], alpha: &[f32], rows: impl Fn(usize) -> &'a [f32]) {
    let (n, np) = (y.len(), padded(y.len()));
    let mut c = 0;
    while np - c > 2 * BLOCK {
        axpy_block::<BLOCK>(&mut y[c..c + BLOCK], c, alpha, &rows);
        c += BLOCK;
    }
    let y = &mut y[c..];
    match np - c {
        128 => padded_block::<128>(y, c, alpha, &rows),
        112 => padded_block::<112>(y, c, alpha, &rows),
        96 => padded_block::<96>(y, c, alpha, &rows),
        80 => padded_block::<80>(y, c, alpha, &rows),
        64 => padded_block::<64>(y, c, alpha, &rows),
        48 => padded_block::<48>(y, c, alpha, &rows),
        32 => padded_block::<32>(y, c, alpha, &rows),
        16 => padded_block::<16>(y, c, alpha, &rows),
        _ => debug_assert_eq!(n, c),
    }
}

/// `axpy_block` over the `y.len() <= W` elements of `y`, the rows read `W` wide.
#[inline(always)]
fn padded_block<'a, const W: usize>(
    y: &mut [f32],
    c: usize,
    alpha: &[f32],
    rows: &impl Fn(usize) -> &'a [f32],
) {
    let valid = y.len();
    let mut acc = [0f32; W];
    acc[..valid].copy_from_slice(y);
    add_rows(&mut acc, c, alpha, rows);
    y.copy_from_slice(&acc[..valid]);
}

/// `y_q += Σ_r alpha_q[r] rows(r)` for the `Q` vectors `y_q` of `y` (each
/// `y.len() / Q` long, one after the other) with the coefficients `alpha_q`
/// of `alpha` (`alpha.len() / Q` each, likewise): every element rounds
/// exactly as in `axpy_rows`, but each row is loaded once for all `Q`
/// vectors instead of once per vector.
#[inline(always)]
pub fn axpy_rows_many<'a, const Q: usize>(y: &mut [f32], alpha: &[f32], rows: impl Fn(usize) -> &'a [f32]) {
    let (m, k) = (y.len() / Q, alpha.len() / Q);
    let mut c = 0;
    while c + 16 <= m {
        many_block::<Q, 16>(y, m, alpha, k, c, &rows);
        c += 16;
    }
    while c < m {
        many_block::<Q, 1>(y, m, alpha, k, c, &rows);
        c += 1;
    }
}

#[inline(always)]
fn many_block<'a, const Q: usize, const W: usize>(
    y: &mut [f32],
    m: usize,
    alpha: &[f32],
    k: usize,
    c: usize,
    rows: &impl Fn(usize) -> &'a [f32],
) {
    let mut acc = [[0f32; W]; Q];
    for (q, a) in acc.iter_mut().enumerate() {
        a.copy_from_slice(&y[q * m + c..q * m + c + W]);
    }
    // Each vector's coefficients as a slice of exactly `k`: indexing it by
    // `r < k` then needs no bounds check in the loop.
    let alpha: [&[f32]; Q] = slices(
        #[inline(always)]
        |q| &alpha[q * k..][..k],
    );
    for r in 0..k {
        let x: &[f32; W] = rows(r)[c..c + W].try_into().unwrap();
        for (a, alpha) in acc.iter_mut().zip(&alpha) {
            let s = alpha[r];
            for l in 0..W {
                a[l] = s.mul_add(x[l], a[l]);
            }
        }
    }
    for (q, a) in acc.iter().enumerate() {
        y[q * m + c..q * m + c + W].copy_from_slice(a);
    }
}

/// `y_q += Σ_{j < k} alpha_q[j] w_j` for every row `y_q` of `y` (`m` long
/// each; the coefficients `alpha_q = alpha[q k..(q + 1) k]`, the rows `w_j =
/// w[j m..(j + 1) m]`): the matrix product `Y += A W`, each element receiving
/// its terms in the order `j = 0, 1, …`, one fused multiply-add each, as
/// `axpy_rows` does for one row. Used for the hidden layer's update (`Y` its
/// weights, `A` the coefficients by position, `W` the inputs) and its input
/// gradient (`Y` the gradients by position, `W` the weights). On AVX-512 an
/// intrinsics kernel (up to twelve rows of `Y` by 32 columns in registers, no bounds
/// check in the loop); elsewhere the loops of `fallback`.
#[inline(always)]
pub fn add_products(y: &mut [f32], m: usize, alpha: &[f32], w: &[f32], fallback: Fallback) {
    matrix_product::<false>(y, m, alpha, w, fallback);
}

/// `Y = A W` (`y` overwritten, the shapes as in `add_products`): bit for bit
/// `add_products` on a `y` of zeros (each element's sum starts from `+0`),
/// but on AVX-512 `y` is neither zeroed nor read first. Used for the hidden
/// layer's input gradient.
#[inline(always)]
pub fn products(y: &mut [f32], m: usize, alpha: &[f32], w: &[f32], fallback: Fallback) {
    matrix_product::<true>(y, m, alpha, w, fallback);
}

/// `add_products` (`products` when `ZERO`).
#[inline(always)]
fn matrix_product<const ZERO: bool>(y: &mut [f32], m: usize, alpha: &[f32], w: &[f32], fallback: Fallback) {
    if m == 0 || y.is_empty() {
        if ZERO {
            y.fill(0.0);
        }
        return;
    }
    let n = y.len() / m;
    let k = alpha.len() / n;
    let (y, alpha, w) = (&mut y[..n * m], &alpha[..n * k], &w[..k * m]);
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        let pw = w.as_ptr();
        // SAFETY: the CPU has AVX-512F; `y`, `alpha` and `w` hold `n m`, `n k` and `k m` (sliced above).
        return unsafe {
            avx512::product_matrix::<ZERO, false>(
                y.as_mut_ptr(),
                m,
                (n, m),
                alpha.as_ptr(),
                (k, 1),
                k,
                #[inline(always)]
                |j| pw.add(j * m),
            )
        };
    }
    if ZERO {
        y.fill(0.0);
    }
    add_products_portable(y, m, alpha, w, fallback);
}

/// `add_products` with the coefficients stored term by term: `y_q += Σ_{j <
/// k} alpha[j n + q] w_j` for the `n` rows `y_q` of `y` (`m` long each) and
/// the rows `w_j = w[j m..(j + 1) m]`, the same operations in the same order.
/// A dense layer's update gets its coefficients `scale grad_p[r]` this way
/// from one contiguous product instead of a transposing loop. Only on
/// AVX-512: elsewhere returns `false` and leaves `y` alone (the caller then
/// lays the coefficients out row by row for `add_products`).
#[inline(always)]
pub fn add_products_by_term(y: &mut [f32], m: usize, alpha: &[f32], w: &[f32]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        if m == 0 || y.is_empty() {
            return true;
        }
        let n = y.len() / m;
        let k = alpha.len() / n;
        let (y, alpha, w) = (&mut y[..n * m], &alpha[..k * n], &w[..k * m]);
        let pw = w.as_ptr();
        // SAFETY: the CPU has AVX-512F; `y` holds `n m`, `alpha` `k n` (its
        // element `(q, j)` at `q + j n`) and `w` `k m` (sliced above).
        unsafe {
            avx512::product_matrix::<false, true>(
                y.as_mut_ptr(),
                m,
                (n, m),
                alpha.as_ptr(),
                (1, n),
                k,
                #[inline(always)]
                |j| pw.add(j * m),
            )
        };
        return true;
    }
    let _ = (y, m, alpha, w);
    false
}

/// `add_products_strided` with the coefficients stored term by term
/// (`alpha[j n + q]` for row `q` and term `j`), as `add_products_by_term` is
/// to `add_products`: the `Wo` update gets its coefficients `scale h_p[j]`
/// straight from the positions' `h`. Only on AVX-512: elsewhere returns
/// `false` and leaves `y` alone.
#[inline(always)]
pub fn add_products_strided_by_term<'a>(
    y: &mut [f32],
    stride: usize,
    (n, m): (usize, usize),
    alpha: &[f32],
    rows: impl Fn(usize) -> &'a [f32] + Copy,
) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        if n == 0 || m == 0 {
            return true;
        }
        let k = alpha.len() / n;
        let (y, alpha) = (&mut y[..(n - 1) * stride + m], &alpha[..k * n]);
        for j in 0..k {
            assert!(rows(j).len() >= m, "row {j} of add_products_strided_by_term is shorter than {m}");
        }
        // SAFETY: the CPU has AVX-512F; `y` holds `n` rows of `m` at
        // `stride`, `alpha` `k n` (its element `(q, j)` at `q + j n`; sliced
        // above), every `rows(j)` `m` (checked above).
        unsafe {
            avx512::product_matrix::<false, false>(
                y.as_mut_ptr(),
                stride,
                (n, m),
                alpha.as_ptr(),
                (1, n),
                k,
                #[inline(always)]
                |j| rows(j).as_ptr(),
            )
        };
        return true;
    }
    let _ = (y, stride, n, m, alpha, rows);
    false
}

/// How `add_products` runs without AVX-512 (the same bits either way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// `axpy_rows` row by row (long rows of `Y`, each block in registers
    /// across all the terms: the hidden layer's update).
    RowByRow,
    /// `axpy_rows_many`, eight rows then four at a time, each row of `W`
    /// loaded once for them (the input gradient).
    ManyRows,
}

/// `add_products` without AVX-512.
#[inline(always)]
fn add_products_portable(y: &mut [f32], m: usize, alpha: &[f32], w: &[f32], fallback: Fallback) {
    let n = y.len() / m;
    let k = alpha.len() / n;
    let row = {
        #[inline(always)]
        |j: usize| &w[j * m..(j + 1) * m]
    };
    if fallback == Fallback::RowByRow {
        for q in 0..n {
            axpy_rows(&mut y[q * m..(q + 1) * m], &alpha[q * k..(q + 1) * k], row);
        }
        return;
    }
    let mut q = 0;
    while q + 8 <= n {
        axpy_rows_many::<8>(&mut y[q * m..(q + 8) * m], &alpha[q * k..(q + 8) * k], row);
        q += 8;
    }
    while q + 4 <= n {
        axpy_rows_many::<4>(&mut y[q * m..(q + 4) * m], &alpha[q * k..(q + 4) * k], row);
        q += 4;
    }
    for q in q..n {
        axpy_rows(&mut y[q * m..(q + 1) * m], &alpha[q * k..(q + 1) * k], row);
    }
}

/// `add_products` for rows of `Y` that lie `stride` apart in `y` (`n`
/// rows of `m`, the columns of a wider matrix) and rows `w_j = rows(j)`,
/// `j < k`, each at least `m` long: `y_q += Σ_j alpha[q k + j] w_j`, the
/// terms in the order `j = 0, 1, …`. Used for the output layer's token
/// logits (`Y` a class's positions, `W` its columns of `Wo`) and update (`Y`
/// a class's columns of `Wo`, `W` its positions' gradients). On AVX-512 the
/// same intrinsics kernel (the last columns under a mask, nothing copied);
/// elsewhere `axpy_rows_padded` row by row (`axpy_rows` if a row is shorter
/// than `padded(m)`).
#[inline(always)]
pub fn add_products_strided<'a>(
    y: &mut [f32],
    stride: usize,
    (n, m): (usize, usize),
    alpha: &[f32],
    rows: impl Fn(usize) -> &'a [f32] + Copy,
) {
    if n == 0 || m == 0 {
        return;
    }
    let k = alpha.len() / n;
    let (y, alpha) = (&mut y[..(n - 1) * stride + m], &alpha[..n * k]);
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        for j in 0..k {
            assert!(rows(j).len() >= m, "row {j} of add_products_strided is shorter than {m}");
        }
        // SAFETY: the CPU has AVX-512F; `y` holds `n` rows of `m` at `stride`
        // and `alpha` `n k` (sliced above), every `rows(j)` `m` (checked above).
        return unsafe {
            avx512::add_products(
                y.as_mut_ptr(),
                stride,
                n,
                m,
                alpha.as_ptr(),
                k,
                #[inline(always)]
                |j| rows(j).as_ptr(),
            )
        };
    }
    add_products_strided_portable(y, stride, (n, m), alpha, rows);
}

/// `add_products_strided` without AVX-512: `axpy_rows_padded` row by row
/// (`axpy_rows` if a row is shorter than `padded(m)`; the same bits).
#[inline(always)]
fn add_products_strided_portable<'a>(
    y: &mut [f32],
    stride: usize,
    (n, m): (usize, usize),
    alpha: &[f32],
    rows: impl Fn(usize) -> &'a [f32] + Copy,
) {
    let k = alpha.len() / n;
    let wp = padded(m);
    let long = (0..k).all(|j| rows(j).len() >= wp);
    for q in 0..n {
        let (y, alpha) = (&mut y[q * stride..q * stride + m], &alpha[q * k..(q + 1) * k]);
        if long {
            axpy_rows_padded(
                y,
                alpha,
                #[inline(always)]
                |j| &rows(j)[..wp],
            );
        } else {
            axpy_rows(
                y,
                alpha,
                #[inline(always)]
                |j| &rows(j)[..m],
            );
        }
    }
}

/// `out[q rows + j] = a_q · w_j` for the `count` vectors `a_q = a[q
/// a_stride..][..n]` and the `rows` rows `w_j = w[j w_stride..][..n]`
/// (`out` is `count` by `rows`): every product is `dot`'s sum, bit for bit.
/// Used for the output layer's backward pass (`a_q` the token-logit
/// gradients of a class's positions, `w_j` row `j` of the class's columns of
/// `Wo`). On AVX-512 sixteen rows at a time, for every vector in turn while
/// the rows stay in cache: the sixteen sums' partial sums reduced together,
/// several per shuffle and add, and their tails (the `n % 16` last terms,
/// added one by one as `dot` does) side by side, each term's sixteen row
/// elements gathered once for all the vectors.
#[inline(always)]
pub fn dots_strided(
    out: &mut [f32],
    (count, rows): (usize, usize),
    a: &[f32],
    a_stride: usize,
    n: usize,
    w: &[f32],
    w_stride: usize,
) {
    if count == 0 || rows == 0 {
        return;
    }
    let (out, a, w) =
        (&mut out[..count * rows], &a[..(count - 1) * a_stride + n], &w[..(rows - 1) * w_stride + n]);
    let mut j = 0;
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") && 16 * w_stride <= i32::MAX as usize {
        while j + 16 <= rows {
            // SAFETY: the CPU has AVX-512F; `out`, `a` and rows `j..j + 16`
            // of `w` hold what the kernel reads and writes (sliced above);
            // the gathers' offsets `r w_stride`, `r < 16`, fit an i32 (checked).
            unsafe {
                avx512::dots16(
                    out.as_mut_ptr().add(j),
                    (count, rows),
                    a,
                    a_stride,
                    n,
                    w.as_ptr().add(j * w_stride),
                    w_stride,
                )
            };
            j += 16;
        }
    }
    dots_strided_from(j, out, (count, rows), a, a_stride, n, w, w_stride);
}

/// `dots_strided` for the rows from `first` on, one `dot` each.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn dots_strided_from(
    first: usize,
    out: &mut [f32],
    (count, rows): (usize, usize),
    a: &[f32],
    a_stride: usize,
    n: usize,
    w: &[f32],
    w_stride: usize,
) {
    for q in 0..count {
        let a = &a[q * a_stride..q * a_stride + n];
        for j in first..rows {
            out[q * rows + j] = dot(a, &w[j * w_stride..j * w_stride + n]);
        }
    }
}

/// `y += alpha * x` over the common length.
#[inline(always)]
pub fn axpy(y: &mut [f32], alpha: f32, x: &[f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y = alpha.mul_add(*x, *y);
    }
}

/// `1.5 * 2^23`: adding it rounds a float below `2^22` in magnitude to an
/// integer (to nearest, ties to even), held in the low mantissa bits.
const ROUND: f32 = 12_582_912.0;

/// `e^x`, within 2 ulp for `x` in `[-87, 88]`; the argument is clamped to
/// that range (so `e^x` for very negative `x` is about `1.6e-38`, not 0).
/// Cody–Waite reduction `x = n ln 2 + r`, `|r| <= ln 2 / 2`, and the Cephes
/// `expf` polynomial for `e^r`; `2^n` is built from its bits.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    let t = x * std::f32::consts::LOG2_E + ROUND;
    let n = t - ROUND;
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let p = ((((1.987_569_1e-4 * r + 1.398_2e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 0.5;
    let e = p * (r * r) + r + 1.0;
    let k = t.to_bits() as i32 - ROUND.to_bits() as i32;
    e * f32::from_bits(((k + 127) << 23) as u32)
}

/// `tanh x`, within a few ulp: the Cephes odd polynomial below `|x| = 0.625`,
/// `1 - 2 / (e^{2|x|} + 1)` with the sign of `x` above (1 beyond `|x| = 10`).
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let a = x.abs();
    let z = x * x;
    let small = ((((-5.704_988_7e-3 * z + 2.063_909e-2) * z - 5.373_971_6e-2) * z + 1.333_144_2e-1) * z
        - 3.333_328e-1)
        * z
        * x
        + x;
    let big = (1.0 - 2.0 / (exp(2.0 * a.min(10.0)) + 1.0)).copysign(x);
    if a < 0.625 { small } else { big }
}

/// `tanh` of every element.
#[inline(always)]
pub fn tanh_in_place(x: &mut [f32]) {
    for v in x {
        *v = tanh(*v);
    }
}

/// Turns logits `z` into their softmax in place; returns `ln Σ_i e^{z_i}`
/// (the log normalizer), so `-ln P(i) = norm - z_i` with the logit read
/// before the call. The probabilities are `e^{z_i - max} / Σ`, normalized by
/// the sum of the very terms they are made of.
#[inline(always)]
pub fn softmax(z: &mut [f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F.
        return unsafe { avx512::softmax(z) };
    }
    softmax_portable(z)
}

/// `softmax` without AVX-512.
#[inline(always)]
fn softmax_portable(z: &mut [f32]) -> f32 {
    const W: usize = 8;
    let full = z.len() - z.len() % W;
    let mut top = [f32::NEG_INFINITY; W];
    for chunk in z[..full].chunks_exact(W) {
        for l in 0..W {
            top[l] = top[l].max(chunk[l]);
        }
    }
    let mut m = z[full..].iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    for t in top {
        m = m.max(t);
    }
    for v in z.iter_mut() {
        *v = exp(*v - m);
    }
    let mut acc = [0f32; LANES];
    let blocks = z.len() - z.len() % LANES;
    for chunk in z[..blocks].chunks_exact(LANES) {
        for l in 0..LANES {
            acc[l] += chunk[l];
        }
    }
    let sum = reduce(acc) + z[blocks..].iter().sum::<f32>();
    let inv = sum.recip();
    for v in z.iter_mut() {
        *v *= inv;
    }
    m + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// |fl(a·b) - a·b| <= n u Σ|a_i b_i| (u = 2^-24): the standard bound for
    /// any summation order.
    fn check_dot(a: &[f32], b: &[f32], got: f32) {
        let exact: f64 = a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum();
        let mag: f64 = a.iter().zip(b).map(|(&x, &y)| (x as f64 * y as f64).abs()).sum();
        let bound = a.len() as f64 * f32::EPSILON as f64 / 2.0 * mag;
        assert!((got as f64 - exact).abs() <= bound + 1e-30, "n = {}", a.len());
    }

    #[test]
    fn dots_match_f64_within_rounding_bound_and_each_other() {
        for n in [0usize, 1, 7, 16, 17, 64, 100, 257] {
            let a: Vec<f32> = (0..n).map(|i| ((i * 37 % 11) as f32 - 5.0) / 3.0).collect();
            let b: Vec<Vec<f32>> =
                (0..4).map(|q| (0..n).map(|i| ((i * 13 % 7 + q) as f32 - 3.0) / 7.0).collect()).collect();
            let four = dots4(&a, [&b[0], &b[1], &b[2], &b[3]]);
            let a2: Vec<f32> = a.iter().map(|x| x * 0.75 - 0.5).collect();
            let two_rows = dots([&a, &a2], [&b[0], &b[1], &b[2], &b[3]]);
            for q in 0..4 {
                for (r, row) in [&a, &a2].into_iter().enumerate() {
                    let want = dot_portable(row, &b[q]);
                    assert_eq!(
                        two_rows[r][q].to_bits(),
                        want.to_bits(),
                        "dots::<2, 4> changed a bit (n = {n})"
                    );
                }
            }
            for q in 0..4 {
                let one = dot(&a, &b[q]);
                check_dot(&a, &b[q], one);
                assert_eq!(one.to_bits(), four[q].to_bits(), "batching changed a bit (n = {n})");
                let portable = dot_portable(&a, &b[q]);
                assert_eq!(one.to_bits(), portable.to_bits(), "the instruction set changed a bit (n = {n})");
                #[cfg(target_arch = "x86_64")]
                if avx2_fma() {
                    // SAFETY: the CPU has AVX2; `a` and `b[q]` have the same length.
                    let (d, d4) =
                        unsafe { (avx::dot(&a, &b[q]), avx::dots4(&a, [&b[0], &b[1], &b[2], &b[3]])) };
                    assert_eq!(d.to_bits(), portable.to_bits(), "AVX2 changed a bit (n = {n})");
                    assert_eq!(d4[q].to_bits(), portable.to_bits(), "AVX2 dots4 changed a bit (n = {n})");
                }
            }
        }
    }

    /// Reproducible values of mixed signs and magnitudes (sums of them
    /// depend on the order of the additions).
    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let m = (x >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                m * [1.0, 1e-3, 37.0, 0.01][(x & 3) as usize]
            })
            .collect()
    }

    /// `dots::<R, Q>` against `dot_portable` for every pair, on the widest
    /// instruction set and on the four-at-a-time build used without AVX-512.
    fn check_dots<const R: usize, const Q: usize>(n: usize) {
        let a: Vec<Vec<f32>> = (0..R).map(|r| values(n, 1 + r as u64)).collect();
        let b: Vec<Vec<f32>> = (0..Q).map(|q| values(n + 3, 100 + q as u64)).collect();
        let (ar, bq) = (std::array::from_fn(|r| &a[r][..]), std::array::from_fn(|q| &b[q][..]));
        let (widest, by_four) = (dots::<R, Q>(ar, bq), dots_by_four::<R, Q>(ar, bq));
        for r in 0..R {
            for q in 0..Q {
                let want = dot_portable(&a[r], &b[q][..n]).to_bits();
                assert_eq!(widest[r][q].to_bits(), want, "dots::<{R}, {Q}>, n = {n}, pair ({r}, {q})");
                assert_eq!(
                    by_four[r][q].to_bits(),
                    want,
                    "dots_by_four::<{R}, {Q}>, n = {n}, pair ({r}, {q})"
                );
            }
        }
    }

    #[test]
    fn dots_of_several_rows_and_vectors_round_as_dot() {
        for n in [0usize, 5, 16, 64, 69, 100, 256, 261] {
            check_dots::<1, 1>(n);
            check_dots::<1, 4>(n);
            check_dots::<1, 8>(n);
            check_dots::<2, 1>(n);
            check_dots::<2, 2>(n);
            check_dots::<2, 3>(n);
            check_dots::<2, 4>(n);
            check_dots::<3, 2>(n);
            check_dots::<4, 4>(n);
            check_dots::<4, 3>(n);
            check_dots::<3, 3>(n);
        }
    }

    /// `biased_dots::<R, Q>` against `bias[r] + dot_portable` for every pair,
    /// written `stride` apart; what lies between and after the rows stays.
    fn check_biased_dots<const R: usize, const Q: usize>(n: usize) {
        let a: Vec<Vec<f32>> = (0..R).map(|r| values(n, 11 + r as u64)).collect();
        let b: Vec<Vec<f32>> = (0..Q).map(|q| values(n + 5, 200 + q as u64)).collect();
        let bias = values(R + 2, 300);
        let stride = R + 3;
        let before = values(Q * stride + 1, 400);
        let mut y = before.clone();
        let (ar, bq) = (std::array::from_fn(|r| &a[r][..]), std::array::from_fn(|q| &b[q][..]));
        biased_dots::<R, Q>(ar, bq, &bias, &mut y, stride);
        for (i, (&got, &was)) in y.iter().zip(&before).enumerate() {
            let (q, r) = (i / stride, i % stride);
            let want = if q < Q && r < R { bias[r] + dot_portable(&a[r], &b[q][..n]) } else { was };
            assert_eq!(got.to_bits(), want.to_bits(), "biased_dots::<{R}, {Q}>, n = {n}, element {i}");
        }
    }

    #[test]
    fn biased_dots_round_as_bias_plus_dot() {
        for n in [0usize, 5, 16, 64, 69, 256, 261] {
            check_biased_dots::<1, 1>(n);
            check_biased_dots::<1, 4>(n);
            check_biased_dots::<2, 3>(n);
            check_biased_dots::<3, 2>(n);
            check_biased_dots::<4, 1>(n);
            check_biased_dots::<4, 2>(n);
            check_biased_dots::<4, 3>(n);
            check_biased_dots::<4, 4>(n);
        }
    }

    /// The eight-at-once reduction adds the same pairs as `reduce`: each
    /// sum's lanes hold values whose total depends on the pairing.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn reduce8_pairs_lanes_as_reduce() {
        if !std::arch::is_x86_feature_detected!("avx512f") {
            return;
        }
        let lanes: Vec<[f32; LANES]> = (0..8).map(|k| values(LANES, 7 + k).try_into().unwrap()).collect();
        // SAFETY: the CPU has AVX-512F; each array holds sixteen f32.
        let got = unsafe {
            use std::arch::x86_64::_mm512_loadu_ps;
            avx512::reduce8_for_test(std::array::from_fn(|k| _mm512_loadu_ps(lanes[k].as_ptr())))
        };
        for k in 0..8 {
            assert_eq!(got[k].to_bits(), reduce(lanes[k]).to_bits(), "sum {k}");
        }
    }

    #[test]
    fn axpy_rows_rounds_as_successive_axpys() {
        for n in [1usize, 8, 19, 64, 69, 150, 300] {
            let rows: Vec<Vec<f32>> =
                (0..5).map(|r| (0..n).map(|i| ((i * 7 + r * 3) % 13) as f32 / 7.0 - 0.9).collect()).collect();
            let alpha = [0.3f32, -1.7, 0.01, 2.5, -0.123];
            let mut fast: Vec<f32> = (0..n).map(|i| i as f32 / 3.0).collect();
            let mut slow = fast.clone();
            axpy_rows(&mut fast, &alpha, |r| &rows[r]);
            for (r, &a) in alpha.iter().enumerate() {
                axpy(&mut slow, a, &rows[r]);
            }
            assert_eq!(fast, slow, "n = {n}");
            // Rows that run past `y` (by up to a vector, with values that must not leak in).
            let long: Vec<Vec<f32>> = rows
                .iter()
                .map(|r| r.iter().copied().chain((0..PAD).map(|i| 1e6 + i as f32)).collect())
                .collect();
            let mut padded_y: Vec<f32> = (0..n).map(|i| i as f32 / 3.0).collect();
            let mut beyond = padded_y.clone();
            beyond.push(-7.0);
            axpy_rows_padded(&mut beyond[..n], &alpha, |r| &long[r][..padded(n)]);
            axpy_rows_padded(&mut padded_y, &alpha, |r| &long[r][..padded(n)]);
            assert_eq!(padded_y, slow, "axpy_rows_padded, n = {n}");
            assert_eq!(beyond[..n], slow[..], "axpy_rows_padded, n = {n}");
            assert_eq!(beyond[n], -7.0, "axpy_rows_padded wrote past y (n = {n})");
            let mut many: Vec<f32> = (0..4 * n).map(|i| i as f32 / 5.0 - 1.0).collect();
            let mut one = many.clone();
            let alphas: Vec<f32> = (0..4 * 5).map(|i| (i * 11 % 9) as f32 / 4.0 - 1.1).collect();
            axpy_rows_many::<4>(&mut many, &alphas, |r| &rows[r]);
            for q in 0..4 {
                axpy_rows(&mut one[q * n..(q + 1) * n], &alphas[q * 5..(q + 1) * 5], |r| &rows[r]);
            }
            assert_eq!(many, one, "axpy_rows_many, n = {n}");
        }
    }

    /// `add_products`, one element at a time: `y[q][i] += alpha[q][j] * w[j][i]`
    /// for `j = 0, 1, …` (one fused multiply-add each).
    fn add_products_reference(y: &mut [f32], m: usize, alpha: &[f32], w: &[f32]) {
        let n = y.len() / m;
        let k = alpha.len() / n;
        for q in 0..n {
            for i in 0..m {
                for j in 0..k {
                    y[q * m + i] = alpha[q * k + j].mul_add(w[j * m + i], y[q * m + i]);
                }
            }
        }
    }

    /// The portable loop compiled for AVX2, as the passes are.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn add_products_avx2(y: &mut [f32], m: usize, alpha: &[f32], w: &[f32], fallback: Fallback) {
        add_products_portable(y, m, alpha, w, fallback)
    }

    /// `add_products` on every instruction set the CPU has, against the
    /// reference, bit for bit: rows of `Y` from one to seventeen (every
    /// remainder of the eight-row kernel), widths with and without a
    /// masked last block, and values whose sums depend on the order.
    #[test]
    fn add_products_rounds_as_the_reference_on_every_instruction_set() {
        for n in 1usize..=17 {
            for m in [1usize, 5, 16, 31, 32, 48, 69, 256] {
                for k in [0usize, 1, 3, 12] {
                    let y0 = values(n * m, 3 + n as u64);
                    let alpha = values(n * k, 40 + m as u64);
                    let w = values(k * m, 90 + k as u64);
                    let mut want = y0.clone();
                    add_products_reference(&mut want, m, &alpha, &w);
                    let want: Vec<u32> = want.iter().map(|v| v.to_bits()).collect();
                    let bits = |y: &[f32]| y.iter().map(|v| v.to_bits()).collect::<Vec<u32>>();
                    for fallback in [Fallback::RowByRow, Fallback::ManyRows] {
                        let mut got = y0.clone();
                        add_products_portable(&mut got, m, &alpha, &w, fallback);
                        assert_eq!(bits(&got), want, "portable {fallback:?}, n = {n}, m = {m}, k = {k}");
                        let mut got = y0.clone();
                        add_products(&mut got, m, &alpha, &w, fallback);
                        assert_eq!(bits(&got), want, "widest, n = {n}, m = {m}, k = {k}");
                        // `products` overwrites whatever `y` held with the sums from zero.
                        let mut from_zero = vec![0f32; n * m];
                        add_products_reference(&mut from_zero, m, &alpha, &w);
                        let mut got = y0.clone();
                        products(&mut got, m, &alpha, &w, fallback);
                        assert_eq!(
                            bits(&got),
                            bits(&from_zero),
                            "products {fallback:?}, n = {n}, m = {m}, k = {k}"
                        );
                    }
                    // The coefficients term by term: element `(q, j)` at `q + j n`.
                    let by_term: Vec<f32> = (0..k * n).map(|i| alpha[(i % n) * k + i / n]).collect();
                    let mut got = y0.clone();
                    if add_products_by_term(&mut got, m, &by_term, &w) {
                        assert_eq!(bits(&got), want, "by term, n = {n}, m = {m}, k = {k}");
                    } else {
                        assert_eq!(bits(&got), bits(&y0), "by term wrote y without a kernel");
                    }
                    // The same rows of `Y` spread `m + 3` apart (what lies
                    // between must stay), rows of `W` read from longer ones
                    // (what lies past `m` must not leak in).
                    let stride = m + 3;
                    let mut spread = values(n * stride, 500 + m as u64);
                    for q in 0..n {
                        spread[q * stride..q * stride + m].copy_from_slice(&y0[q * m..(q + 1) * m]);
                    }
                    let between = spread.clone();
                    let long: Vec<Vec<f32>> = (0..k)
                        .map(|j| {
                            w[j * m..(j + 1) * m]
                                .iter()
                                .copied()
                                .chain((0..PAD).map(|i| 1e6 + i as f32))
                                .collect()
                        })
                        .collect();
                    add_products_strided(&mut spread, stride, (n, m), &alpha, |j| &long[j]);
                    for q in 0..n {
                        assert_eq!(
                            bits(&spread[q * stride..q * stride + m]),
                            want[q * m..(q + 1) * m],
                            "strided, n = {n}, m = {m}, k = {k}, row {q}"
                        );
                        assert_eq!(
                            bits(&spread[q * stride + m..(q + 1) * stride]),
                            bits(&between[q * stride + m..(q + 1) * stride]),
                            "strided wrote between rows, n = {n}, m = {m}, k = {k}"
                        );
                    }
                    let mut spread_portable = between.clone();
                    add_products_strided_portable(&mut spread_portable, stride, (n, m), &alpha, |j| &long[j]);
                    assert_eq!(
                        bits(&spread_portable),
                        bits(&spread),
                        "strided portable, n = {n}, m = {m}, k = {k}"
                    );
                    // Rows of `W` exactly `m` long: no padded read.
                    let mut spread_short = between.clone();
                    add_products_strided_portable(&mut spread_short, stride, (n, m), &alpha, |j| {
                        &long[j][..m]
                    });
                    assert_eq!(
                        bits(&spread_short),
                        bits(&spread),
                        "strided portable with short rows, n = {n}, m = {m}, k = {k}"
                    );
                    let mut spread_by_term = between.clone();
                    if add_products_strided_by_term(&mut spread_by_term, stride, (n, m), &by_term, |j| {
                        &long[j][..m]
                    }) {
                        assert_eq!(
                            bits(&spread_by_term),
                            bits(&spread),
                            "strided by term, n = {n}, m = {m}, k = {k}"
                        );
                    } else {
                        assert_eq!(
                            bits(&spread_by_term),
                            bits(&between),
                            "strided by term wrote y without a kernel"
                        );
                    }
                    #[cfg(target_arch = "x86_64")]
                    if avx2_fma() {
                        for fallback in [Fallback::RowByRow, Fallback::ManyRows] {
                            let mut got = y0.clone();
                            // SAFETY: the CPU has AVX2.
                            unsafe { add_products_avx2(&mut got, m, &alpha, &w, fallback) };
                            assert_eq!(bits(&got), want, "AVX2 {fallback:?}, n = {n}, m = {m}, k = {k}");
                        }
                    }
                    #[cfg(target_arch = "x86_64")]
                    if std::arch::is_x86_feature_detected!("avx512f") {
                        let mut got = y0.clone();
                        let pw = w.as_ptr();
                        // SAFETY: the CPU has AVX-512F; the slices hold `n m`, `n k` and `k m`.
                        unsafe {
                            avx512::add_products(got.as_mut_ptr(), m, n, m, alpha.as_ptr(), k, |j| {
                                pw.add(j * m)
                            })
                        };
                        assert_eq!(bits(&got), want, "AVX-512, n = {n}, m = {m}, k = {k}");
                        // The masked last block must leave the element after `y` alone.
                        let mut beyond = y0.clone();
                        beyond.push(-7.0);
                        add_products(&mut beyond[..n * m], m, &alpha, &w, Fallback::ManyRows);
                        assert_eq!(beyond[n * m], -7.0, "wrote past y (n = {n}, m = {m}, k = {k})");
                    }
                }
            }
        }
    }

    #[test]
    fn strided_dots_round_as_dot() {
        // Rows past a multiple of sixteen, tails of every length, rows read
        // from a wider matrix (`w_stride > n`) and vectors from wider slots.
        for (rows, n, w_stride) in
            [(16, 69, 389), (64, 64, 389), (40, 17, 17), (33, 5, 9), (7, 30, 31), (16, 1, 3)]
        {
            for count in [1usize, 2, 5] {
                let a_stride = padded(n) + 3;
                let a = values((count - 1) * a_stride + n, (rows * n + count) as u64);
                let w = values((rows - 1) * w_stride + n, (rows + n) as u64);
                let mut out = vec![f32::NAN; count * rows + 1];
                dots_strided(&mut out, (count, rows), &a, a_stride, n, &w, w_stride);
                let mut one_by_one = vec![f32::NAN; count * rows];
                dots_strided_from(0, &mut one_by_one, (count, rows), &a, a_stride, n, &w, w_stride);
                for q in 0..count {
                    for j in 0..rows {
                        let want = dot_portable(
                            &a[q * a_stride..q * a_stride + n],
                            &w[j * w_stride..j * w_stride + n],
                        );
                        for (got, how) in
                            [(out[q * rows + j], "dots_strided"), (one_by_one[q * rows + j], "one by one")]
                        {
                            assert_eq!(
                                got.to_bits(),
                                want.to_bits(),
                                "{how}: rows {rows}, n {n}, stride {w_stride}, vector {q}, row {j}"
                            );
                        }
                    }
                }
                assert!(out[count * rows].is_nan(), "wrote past out (rows {rows}, n {n})");
            }
        }
    }

    /// Distance in units in the last place.
    fn ulps(got: f32, want: f64) -> f64 {
        let w = want as f32;
        let ulp = (f32::from_bits(w.abs().to_bits() + 1) - w.abs()) as f64;
        (got as f64 - want).abs() / ulp
    }

    #[test]
    fn exp_and_tanh_are_within_a_few_ulp() {
        let mut worst = (0f64, 0f64);
        for i in -100_000..=100_000 {
            let x = i as f32 * 8.7e-4; // [-87, 87]
            worst.0 = worst.0.max(ulps(exp(x), (x as f64).exp()));
            let y = i as f32 * 1.2e-4; // [-12, 12]
            worst.1 = worst.1.max(ulps(tanh(y), (y as f64).tanh()));
        }
        assert!(worst.0 <= 2.0 && worst.1 <= 4.0, "worst ulp: exp {}, tanh {}", worst.0, worst.1);
        assert_eq!(tanh(0.0), 0.0);
        assert_eq!(tanh(30.0), 1.0);
        assert_eq!(tanh(-30.0), -1.0);
        assert!(exp(-200.0) > 0.0 && exp(-200.0) < 2e-38);
    }

    #[test]
    fn softmax_rounds_alike_on_every_instruction_set() {
        // Every length up to five vectors, logits from 1e-3 to 37 in
        // magnitude, some far enough below the maximum to clamp in `exp`.
        for n in 1..=80 {
            let mut z = values(n, n as u64 + 5);
            if n % 3 == 0 {
                z[n / 2] -= 300.0;
            }
            let mut want = z.clone();
            let want_norm = softmax_portable(&mut want);
            let got_norm = softmax(&mut z);
            assert_eq!(got_norm.to_bits(), want_norm.to_bits(), "log normalizer, n = {n}");
            let bits = |y: &[f32]| y.iter().map(|v| v.to_bits()).collect::<Vec<u32>>();
            assert_eq!(bits(&z), bits(&want), "probabilities, n = {n}");
        }
    }

    #[test]
    fn softmax_is_normalized_and_returns_the_log_normalizer() {
        let mut z: Vec<f32> = (0..37).map(|i| ((i * 17 % 23) as f32 - 11.0) / 2.0).collect();
        let exact: f64 = z.iter().map(|&v| (v as f64).exp()).sum::<f64>().ln();
        let z0 = z.clone();
        let norm = softmax(&mut z);
        assert!((norm as f64 - exact).abs() < 1e-5, "{norm} vs {exact}");
        let total: f64 = z.iter().map(|&p| p as f64).sum();
        assert!((total - 1.0).abs() < 1e-5);
        for (p, v) in z.iter().zip(&z0) {
            assert!(((*p as f64).ln() - (*v as f64 - exact)).abs() < 1e-5);
        }
    }
}
