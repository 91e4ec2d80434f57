//! The dense f32 kernels of the neural learner: dot product and `y += a x`.
//!
//! Written so the compiler vectorizes them and so the result never depends on
//! the instruction set: a dot product keeps `LANES` independent partial sums,
//! adds them pairwise in a fixed order, then adds the tail. Plain multiply and
//! add (no fused multiply-add), so an SSE2 build and an AVX2 build of the same
//! loop round identically and a seeded run gives the same weights everywhere.

/// Independent partial sums of a dot product (two AVX registers, four SSE ones).
const LANES: usize = 16;

/// `a · b` over the common length.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let ca = a.chunks_exact(LANES);
    let cb = b.chunks_exact(LANES);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    let mut acc = [0f32; LANES];
    for (x, y) in ca.zip(cb) {
        for l in 0..LANES {
            acc[l] += x[l] * y[l];
        }
    }
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for l in 0..width {
            acc[l] += acc[l + width];
        }
    }
    let mut tail = 0f32;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    acc[0] + tail
}

/// `y += alpha * x` over the common length.
#[inline(always)]
pub fn axpy(y: &mut [f32], alpha: f32, x: &[f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += alpha * *x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_f64_within_rounding_bound() {
        // |fl(a·b) - a·b| <= n u Σ|a_i b_i| (u = 2^-24): the standard bound for
        // any summation order.
        for n in [0usize, 1, 7, 16, 17, 64, 100, 257] {
            let a: Vec<f32> = (0..n).map(|i| ((i * 37 % 11) as f32 - 5.0) / 3.0).collect();
            let b: Vec<f32> = (0..n).map(|i| ((i * 13 % 7) as f32 - 3.0) / 7.0).collect();
            let exact: f64 = a.iter().zip(&b).map(|(&x, &y)| x as f64 * y as f64).sum();
            let mag: f64 = a.iter().zip(&b).map(|(&x, &y)| (x as f64 * y as f64).abs()).sum();
            let bound = n as f64 * f32::EPSILON as f64 / 2.0 * mag;
            assert!((dot(&a, &b) as f64 - exact).abs() <= bound + 1e-30, "n = {n}");
        }
    }

    #[test]
    fn axpy_adds_a_scaled_vector() {
        let mut y = vec![1.0f32; 19];
        let x: Vec<f32> = (0..19).map(|i| i as f32).collect();
        axpy(&mut y, 0.5, &x);
        assert!(y.iter().enumerate().all(|(i, &v)| v == 1.0 + 0.5 * i as f32));
    }
}
