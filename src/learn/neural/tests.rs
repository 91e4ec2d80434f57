//! Unit tests of the network: the forward pass against a plain f64 reference,
//! and a finite-difference gradient check of every parameter group.

use super::net::{Net, Shape, Trace, Weights};
use crate::sk::rng::SkRng;
use crate::sk::{Generator, GeneratorParams, Sentence, Token};

/// Unit roundoff of f32.
const U32: f64 = f32::EPSILON as f64 / 2.0;

/// Weights as f64 groups, in `Weights::groups` order.
fn to_f64(w: &Weights) -> Vec<Vec<f64>> {
    w.groups().iter().map(|(_, g)| g.iter().map(|&x| x as f64).collect()).collect()
}

/// `Σ_p -ln P(t_p | context)` computed naively in f64: the function the
/// network's f32 passes approximate.
fn reference_loss(net: &Net, g: &[Vec<f64>], tokens: &[Token]) -> f64 {
    let Shape { embedding: e, hidden: hw, context: c, .. } = net.shape;
    let d = net.shape.input();
    let (emb, w1, b1, wc, bc, wo, bo) = (&g[0], &g[1], &g[2], &g[3], &g[4], &g[5], &g[6]);
    let lse = |z: &[f64]| {
        let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        m + z.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
    };
    let mut loss = 0.0;
    for (p, &t) in tokens.iter().enumerate() {
        let mut x = Vec::with_capacity(d);
        for slot in 0..c {
            let back = c - slot;
            let row = if p >= back { tokens[p - back] as usize } else { net.shape.pad() };
            x.extend_from_slice(&emb[row * e..(row + 1) * e]);
        }
        let h: Vec<f64> =
            (0..hw).map(|j| (b1[j] + (0..d).map(|i| w1[j * d + i] * x[i]).sum::<f64>()).tanh()).collect();
        // `Wc` is `K x H`, `Wo` is `H x V` (column `r` is token `r`'s vector).
        let v = net.shape.vocab;
        let class = net.classes.of[t as usize] as usize;
        let (s, end) = net.classes.ranges[class];
        let zc: Vec<f64> = (0..net.classes.count())
            .map(|r| bc[r] + (0..hw).map(|j| wc[r * hw + j] * h[j]).sum::<f64>())
            .collect();
        let zt: Vec<f64> =
            (s..end).map(|r| bo[r] + (0..hw).map(|j| wo[j * v + r] * h[j]).sum::<f64>()).collect();
        loss += lse(&zc) - zc[class] + lse(&zt) - zt[t as usize - s];
    }
    loss
}

/// A small network with nonzero biases (so their gradients are tested away
/// from the initialization) and one generated sentence longer than the context.
fn fixture(context: usize) -> (Net, Vec<Token>) {
    let params = GeneratorParams { values: 12, name_alphabet: 9, filler_words: 5, ..Default::default() };
    let mut g = Generator::new(&params, 3);
    let mut s = Sentence::default();
    g.next(&mut s);
    let shape = Shape { vocab: g.vocab().size() as usize, embedding: 3, hidden: 5, context };
    let mut net = Net::new(shape, g.vocab(), 11);
    let mut rng = SkRng::new(5, 5);
    for b in net.w.b1.iter_mut().chain(net.w.bc.iter_mut()).chain(net.w.bo.iter_mut()) {
        *b = (0.3 * rng.normal()) as f32;
    }
    assert!(s.tokens.len() > context, "the sentence must fill the context");
    (net, s.tokens.clone())
}

#[test]
fn forward_matches_the_f64_reference() {
    let (net, tokens) = fixture(4);
    let mut trace = Trace::default();
    net.forward(&tokens, &mut trace);
    let fast: f64 = trace.nll[..trace.len].iter().sum();
    let exact = reference_loss(&net, &to_f64(&net.w), &tokens);
    // Each token's loss goes through sums of at most `widest` f32 terms of
    // size <= ~10 (logits); relative error n u per sum, absolute error a few
    // hundred u per token: bound by 1e3 u per token.
    let bound = 1e3 * U32 * tokens.len() as f64;
    assert!((fast - exact).abs() < bound, "fast {fast} exact {exact} bound {bound}");
}

#[test]
fn gradient_matches_finite_differences_for_every_group() {
    for context in [2, 5] {
        let (net, tokens) = fixture(context);
        let mut trace = Trace::default();
        net.forward(&tokens, &mut trace);
        net.backward(&mut trace);
        let mut grad = net.clone();
        grad.w = net.w.zeros_like();
        grad.apply(&mut trace, 1.0);
        let analytic = to_f64(&grad.w);
        let base = to_f64(&net.w);
        assert!(
            base.iter().flatten().all(|w| w.abs() < 4.0),
            "weights exceed the bound the tolerance assumes"
        );
        // Tolerance. The reference is f64: a central difference with step
        // 1e-5 has truncation error ~ eps^2 |f'''| ~ 1e-10 and rounding error
        // ~ 1e-16 L / eps ~ 1e-10, negligible. The analytic gradient is f32:
        // each entry is a sum over positions of products of quantities bounded
        // by 4 (probabilities, tanh, weights below 4, asserted above), built
        // from at most N = positions (K + widest + H + D) f32 operations, each
        // adding at most 4 u absolute error: tolerance 4 N u (+ 1e-6 relative).
        let n_ops = tokens.len() * (net.classes.count() + net.classes.widest + 5 + net.shape.input());
        let tol_abs = 4.0 * n_ops as f64 * U32;
        let eps = 1e-5;
        let names = net.w.groups().map(|(n, _)| n);
        for (gi, name) in names.iter().enumerate() {
            let mut largest = 0f64;
            for i in 0..base[gi].len() {
                let mut w = base.clone();
                w[gi][i] += eps;
                let up = reference_loss(&net, &w, &tokens);
                w[gi][i] -= 2.0 * eps;
                let down = reference_loss(&net, &w, &tokens);
                let numeric = (up - down) / (2.0 * eps);
                let a = analytic[gi][i];
                let tol = tol_abs + 1e-6 * numeric.abs();
                assert!(
                    (a - numeric).abs() <= tol,
                    "context {context}, {name}[{i}]: analytic {a}, numeric {numeric}, tol {tol}"
                );
                largest = largest.max(numeric.abs());
            }
            // The check must have bitten: some gradient well above the tolerance.
            assert!(largest > 100.0 * tol_abs, "{name}: largest gradient {largest} vs tol {tol_abs}");
        }
    }
}
