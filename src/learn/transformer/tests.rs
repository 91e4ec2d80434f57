//! Unit tests of the transformer network: the forward pass against a naive
//! f64 reference written from the module doc's equations, a finite-
//! difference gradient check of every weight group (attention included),
//! the causal mask, and a normalized distribution.

use super::net::{Layout, Net, Shape, Trace};
use crate::sk::rng::SkRng;
use crate::sk::{Generator, GeneratorParams, Sentence, Token};

/// Unit roundoff of f32.
const U32: f64 = f32::EPSILON as f64 / 2.0;

fn ln_ref(x: &[f64], g: &[f64], b: &[f64]) -> Vec<f64> {
    let d = x.len() as f64;
    let mean = x.iter().sum::<f64>() / d;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / d;
    let r = 1.0 / (var + super::net::LN_EPS as f64).sqrt();
    x.iter().enumerate().map(|(i, v)| g[i] * (v - mean) * r + b[i]).collect()
}

fn gelu_ref(x: f64) -> f64 {
    0.5 * x * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x * x * x)).tanh())
}

/// `y = W x (+ b)`, `W` row-major `dout x din` at `w[at..]`.
fn mat(w: &[f64], at: usize, x: &[f64], dout: usize, bias: Option<usize>) -> Vec<f64> {
    let din = x.len();
    (0..dout)
        .map(|j| bias.map_or(0.0, |b| w[b + j]) + (0..din).map(|i| w[at + j * din + i] * x[i]).sum::<f64>())
        .collect()
}

/// The final hidden vector at every position for `n` inputs (start token,
/// then `tokens`), naively in f64.
fn reference_hidden(net: &Net, w: &[f64], tokens: &[Token], n: usize) -> Vec<Vec<f64>> {
    let s = net.shape;
    let l: &Layout = &net.layout;
    let (d, f, nh, dh) = (s.width, s.ff(), s.heads, s.head());
    let slice = |at: usize, len: usize| w[at..at + len].to_vec();
    let mut x: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let row = if i == 0 { s.vocab } else { tokens[i - 1] as usize };
            let prow = i.min(s.positions - 1);
            (0..d).map(|k| w[l.tok + row * d + k] + w[l.pos + prow * d + k]).collect()
        })
        .collect();
    for at in &l.blocks {
        let a: Vec<Vec<f64>> =
            x.iter().map(|xi| ln_ref(xi, &slice(at.ln1_g, d), &slice(at.ln1_b, d))).collect();
        let q: Vec<Vec<f64>> = a.iter().map(|ai| mat(w, at.wq, ai, d, None)).collect();
        let k: Vec<Vec<f64>> = a.iter().map(|ai| mat(w, at.wk, ai, d, None)).collect();
        let v: Vec<Vec<f64>> = a.iter().map(|ai| mat(w, at.wv, ai, d, None)).collect();
        for i in 0..n {
            let start = (i + 1).saturating_sub(s.context);
            let mut o = vec![0.0; d];
            for h in 0..nh {
                let r = h * dh..(h + 1) * dh;
                let z: Vec<f64> = (start..=i)
                    .map(|j| r.clone().map(|c| q[i][c] * k[j][c]).sum::<f64>() / (dh as f64).sqrt())
                    .collect();
                let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = z.iter().map(|zj| (zj - m).exp()).collect();
                let sum: f64 = e.iter().sum();
                for (jj, j) in (start..=i).enumerate() {
                    for c in r.clone() {
                        o[c] += e[jj] / sum * v[j][c];
                    }
                }
            }
            let out = mat(w, at.wo, &o, d, None);
            for c in 0..d {
                x[i][c] += out[c];
            }
        }
        for xi in x.iter_mut() {
            let a2 = ln_ref(xi, &slice(at.ln2_g, d), &slice(at.ln2_b, d));
            let u: Vec<f64> = mat(w, at.wfc, &a2, f, Some(at.bfc)).into_iter().map(gelu_ref).collect();
            let out = mat(w, at.wpr, &u, d, Some(at.bpr));
            for c in 0..d {
                xi[c] += out[c];
            }
        }
    }
    x.iter().map(|xi| ln_ref(xi, &slice(l.lnf_g, d), &slice(l.lnf_b, d))).collect()
}

fn lse(z: &[f64]) -> f64 {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    m + z.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// `-ln P(t)` after the final hidden vector `h`, naively.
fn reference_nll(net: &Net, w: &[f64], h: &[f64], t: usize) -> f64 {
    let (l, d, v) = (&net.layout, net.shape.width, net.shape.vocab);
    let class = net.classes.of[t] as usize;
    let (s, e) = net.classes.ranges[class];
    let zc: Vec<f64> = (0..net.classes.count())
        .map(|r| w[l.bc + r] + (0..d).map(|j| w[l.wc + r * d + j] * h[j]).sum::<f64>())
        .collect();
    let zt: Vec<f64> =
        (s..e).map(|r| w[l.bout + r] + (0..d).map(|j| w[l.wout + j * v + r] * h[j]).sum::<f64>()).collect();
    lse(&zc) - zc[class] + lse(&zt) - zt[t - s]
}

/// `Σ_i -ln P(t_i | t_<i)` in f64.
fn reference_loss(net: &Net, w: &[f64], tokens: &[Token]) -> f64 {
    let hs = reference_hidden(net, w, tokens, tokens.len());
    hs.iter().zip(tokens).map(|(h, &t)| reference_nll(net, w, h, t as usize)).sum()
}

/// A small network with every weight group away from its initialization
/// (norm gains and biases random, attention sharp enough to matter) and a
/// generated sentence longer than the attention window.
fn fixture(context: usize, layers: usize) -> (Net, Vec<Token>) {
    let params = GeneratorParams { values: 12, name_alphabet: 9, filler_words: 5, ..Default::default() };
    let mut g = Generator::new(&params, 3);
    let mut s = Sentence::default();
    g.next(&mut s);
    let shape = Shape {
        vocab: g.vocab().size() as usize,
        width: 8,
        heads: 2,
        layers,
        context,
        positions: super::longest_sentence(&params),
    };
    let mut net = Net::new(shape, g.vocab(), 11);
    let mut rng = SkRng::new(5, 5);
    for (name, r, _) in net.layout.groups.clone() {
        for x in &mut net.w[r] {
            *x = if name.contains("_g") {
                1.0 + (0.3 * rng.normal()) as f32
            } else if name.starts_with('b') || name.contains("_b") {
                (0.3 * rng.normal()) as f32
            } else if name.starts_with("wq") || name.starts_with("wk") {
                *x * 3.0
            } else {
                *x
            };
        }
    }
    assert!(context > 8 || s.tokens.len() > context, "a short window must be overflowed");
    (net, s.tokens.clone())
}

#[test]
fn forward_matches_the_f64_reference() {
    for (context, layers) in [(4, 1), (16, 2)] {
        let (net, tokens) = fixture(context, layers);
        let mut trace = Trace::default();
        net.forward(&tokens, &mut trace);
        let w: Vec<f64> = net.w.iter().map(|&x| x as f64).collect();
        let exact = reference_loss(&net, &w, &tokens);
        let fast: f64 = trace.nll[..trace.len].iter().sum();
        // Every quantity passes through a few dozen f32 operations per layer
        // on values of order 1-10 (normalized activations, weights below 4):
        // a relative error of at most ~1e3 u per token's loss.
        let bound = 1e3 * U32 * tokens.len() as f64 * exact.abs().max(1.0);
        assert!((fast - exact).abs() < bound, "fast {fast} exact {exact} bound {bound}");
    }
}

#[test]
fn gradient_matches_finite_differences_for_every_group() {
    // A window shorter than the sentence (the sliding window's edges) and
    // one covering it; two blocks so gradients cross a block boundary.
    for context in [3, 16] {
        let (net, tokens) = fixture(context, 2);
        let mut trace = Trace::default();
        net.forward(&tokens, &mut trace);
        let mut grad = vec![0f32; net.w.len()];
        net.backward(&mut trace, &mut grad);
        let base: Vec<f64> = net.w.iter().map(|&x| x as f64).collect();
        assert!(base.iter().all(|w| w.abs() < 4.0), "weights exceed the bound the tolerance assumes");
        // Tolerance. The f64 central difference (step 1e-5) has truncation
        // error ~eps^2 |f'''| and rounding ~1e-16 L / eps: both ~1e-10. The
        // analytic gradient is f32: each entry is a sum over positions of
        // chains of at most N = positions x (K + widest + 2 x 4d + 3 x
        // context + 8 d) operations per block, on quantities bounded by 4
        // (normalized activations, probabilities, weights below 4, asserted),
        // each operation adding at most 4 u absolute: tolerance 4 N u
        // (+ 1e-5 relative, for the largest entries' own rounding).
        let s = net.shape;
        let per_block = 2 * s.ff() + 3 * s.context + 8 * s.width;
        let n_ops = tokens.len() * (net.classes.count() + net.classes.widest + s.layers * per_block);
        let tol_abs = 4.0 * n_ops as f64 * U32;
        let eps = 1e-5;
        for (name, range, _) in &net.layout.groups {
            let mut largest = 0f64;
            for i in range.clone() {
                let mut w = base.clone();
                w[i] += eps;
                let up = reference_loss(&net, &w, &tokens);
                w[i] -= 2.0 * eps;
                let down = reference_loss(&net, &w, &tokens);
                let numeric = (up - down) / (2.0 * eps);
                let a = grad[i] as f64;
                let tol = tol_abs + 1e-5 * numeric.abs();
                assert!(
                    (a - numeric).abs() <= tol,
                    "context {context}, {name}[{}]: analytic {a}, numeric {numeric}, tol {tol}",
                    i - range.start
                );
                largest = largest.max(numeric.abs());
            }
            // The check must have bitten: some gradient well above the tolerance.
            assert!(largest > 30.0 * tol_abs, "{name}: largest gradient {largest} vs tol {tol_abs}");
        }
    }
}

#[test]
fn a_later_token_never_changes_an_earlier_prediction() {
    let (net, tokens) = fixture(16, 2);
    let mut trace = Trace::default();
    net.forward(&tokens, &mut trace);
    let before = trace.nll[..trace.len].to_vec();
    for cut in [2, 5, tokens.len() - 1] {
        let mut changed = tokens.clone();
        // Input `cut + 1` is token `cut`: predictions 0..=cut never see it.
        changed[cut] = (changed[cut] + 1) % net.shape.vocab as Token;
        net.forward(&changed, &mut trace);
        let after = &trace.nll[..trace.len];
        for p in 0..cut {
            assert_eq!(before[p].to_bits(), after[p].to_bits(), "position {p} saw token {cut}");
        }
        // The mask must not hide everything: the prediction right after the
        // change does move.
        if cut + 1 < tokens.len() {
            assert_ne!(before[cut + 1], after[cut + 1], "position {} ignored token {cut}", cut + 1);
        }
    }
}

#[test]
fn distribution_sums_to_one_and_matches_the_forward_pass() {
    let (net, tokens) = fixture(4, 2);
    let mut trace = Trace::default();
    net.forward(&tokens, &mut trace);
    for cut in 0..tokens.len() {
        let d = net.distribution(&tokens[..cut]);
        assert_eq!(d.len(), net.shape.vocab);
        // Each probability is a product of two f32 softmax entries, each
        // normalized by a sum of at most `widest` terms: the total is 1
        // within (widest + K) u relative.
        let tol = (net.classes.widest + net.classes.count()) as f64 * U32 * 2.0;
        let total: f64 = d.iter().sum();
        assert!((total - 1.0).abs() < tol, "sum {total} after {cut} tokens");
        let p = d[tokens[cut] as usize];
        assert!(((-p.ln()) - trace.nll[cut]).abs() < 1e-4, "prefix {cut}: {} vs {}", -p.ln(), trace.nll[cut]);
    }
}
