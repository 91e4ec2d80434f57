//! Unit tests of the network: the forward pass against a plain f64 reference,
//! a finite-difference gradient check of every parameter group (one sentence,
//! and a mini-batch's accumulated gradient), and the fast per-sentence SGD
//! against a straightforward reference kernel, bit for bit.

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
        // `Wc` is `K x H`, `Wo` is `H x` the padded classes (column
        // `Classes::column(r)` is token `r`'s vector).
        let vp = net.classes.columns;
        let class = net.classes.of[t as usize] as usize;
        let (s, end) = net.classes.ranges[class];
        let zc: Vec<f64> = (0..net.classes.count())
            .map(|r| bc[r] + (0..hw).map(|j| wc[r * hw + j] * h[j]).sum::<f64>())
            .collect();
        let zt: Vec<f64> = (s..end)
            .map(|r| bo[r] + (0..hw).map(|j| wo[j * vp + net.classes.column(r)] * h[j]).sum::<f64>())
            .collect();
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

/// Checks an analytic gradient (in `Weights::groups` order) of the summed
/// loss of `sentences` against central finite differences of the f64 reference.
fn check_gradient(net: &Net, sentences: &[Vec<Token>], analytic: &[Vec<f64>], what: &str) {
    let base = to_f64(&net.w);
    assert!(base.iter().flatten().all(|w| w.abs() < 4.0), "weights exceed the bound the tolerance assumes");
    let loss = |w: &[Vec<f64>]| sentences.iter().map(|t| reference_loss(net, w, t)).sum::<f64>();
    // Tolerance. The reference is f64: a central difference with step 1e-5
    // has truncation error ~ eps^2 |f'''| ~ 1e-10 and rounding error
    // ~ 1e-16 L / eps ~ 1e-10, negligible. The analytic gradient is f32: each
    // entry is a sum over positions of products of quantities bounded by 4
    // (probabilities, tanh, weights below 4, asserted above), built from at
    // most N = positions (K + widest + H + D) f32 operations, each adding at
    // most 4 u absolute error: tolerance 4 N u (+ 1e-6 relative).
    let positions: usize = sentences.iter().map(Vec::len).sum();
    let n_ops = positions * (net.classes.count() + net.classes.widest + net.shape.hidden + net.shape.input());
    let tol_abs = 4.0 * n_ops as f64 * U32;
    let eps = 1e-5;
    let names = net.w.groups().map(|(n, _)| n);
    for (gi, name) in names.iter().enumerate() {
        let mut largest = 0f64;
        for i in 0..base[gi].len() {
            let mut w = base.clone();
            w[gi][i] += eps;
            let up = loss(&w);
            w[gi][i] -= 2.0 * eps;
            let down = loss(&w);
            let numeric = (up - down) / (2.0 * eps);
            let a = analytic[gi][i];
            let tol = tol_abs + 1e-6 * numeric.abs();
            assert!(
                (a - numeric).abs() <= tol,
                "{what}, {name}[{i}]: analytic {a}, numeric {numeric}, tol {tol}"
            );
            largest = largest.max(numeric.abs());
        }
        // The check must have bitten: some gradient well above the tolerance.
        assert!(largest > 100.0 * tol_abs, "{what}, {name}: largest gradient {largest} vs tol {tol_abs}");
    }
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
        check_gradient(&net, &[tokens], &to_f64(&grad.w), &format!("context {context}"));
    }
}

/// The mini-batch path: the gradients of several sentences accumulated into
/// one buffer (`Net::accumulate`, what `batch > 1` sums before a step) are
/// the gradient of their summed loss.
#[test]
fn accumulated_batch_gradient_matches_finite_differences() {
    let (net, first) = fixture(3);
    let params = GeneratorParams { values: 12, name_alphabet: 9, filler_words: 5, ..Default::default() };
    let mut g = Generator::new(&params, 3);
    let mut batch = vec![first];
    let mut s = Sentence::default();
    for _ in 0..2 {
        g.next(&mut s);
        g.next(&mut s);
        batch.push(s.tokens.clone());
    }
    assert!(batch[1] != batch[0] && batch[2] != batch[1], "the batch must hold different sentences");
    let mut grad = net.w.zeros_like();
    let mut trace = Trace::default();
    for tokens in &batch {
        net.forward(tokens, &mut trace);
        net.backward(&mut trace);
        net.accumulate(&mut trace, &mut grad, 1.0);
    }
    check_gradient(&net, &batch, &to_f64(&grad), "batch of 3");
}

/// The straightforward per-sentence SGD step, one weight at a time, in the
/// order of operations the fast passes promise (every product and sum one
/// fused multiply-add; every dot product as
/// sixteen partial sums over `i mod 16` added pairwise and then the tail;
/// every weight receiving its positions' terms in position order): the
/// reference the blocked, vectorized passes must match bit for bit. Indexed
/// loops on purpose: each line is the formula of one weight.
#[allow(clippy::needless_range_loop)]
mod reference {
    use super::super::kernels::{softmax, tanh};
    use super::super::net::{Net, Shape};
    use crate::sk::Token;

    fn dot(a: &[f32], b: &[f32]) -> f32 {
        let mut acc = [0f32; 16];
        let full = a.len() - a.len() % 16;
        for i in 0..full {
            acc[i % 16] = a[i].mul_add(b[i], acc[i % 16]);
        }
        let mut width = 16;
        while width > 1 {
            width /= 2;
            for l in 0..width {
                acc[l] += acc[l + width];
            }
        }
        let mut tail = 0f32;
        for i in full..a.len() {
            tail = a[i].mul_add(b[i], tail);
        }
        acc[0] + tail
    }

    /// One SGD step of size `lr` on `tokens`; returns `-ln P(t_p)` per position.
    pub fn sgd_step(net: &mut Net, tokens: &[Token], lr: f32) -> Vec<f64> {
        let Shape { vocab: v, embedding: e, hidden: hw, context: c } = net.shape;
        let d = net.shape.input();
        let k = net.classes.count();
        let (classes, vp) = (net.classes.clone(), net.classes.columns);
        let w = &net.w;
        let n = tokens.len();
        let (mut rows, mut xs, mut hs, mut gcs, mut gins, mut nll) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        for (p, &t) in tokens.iter().enumerate() {
            let row: Vec<usize> =
                (0..c).map(|s| if p >= c - s { tokens[p - (c - s)] as usize } else { v }).collect();
            let x: Vec<f32> = row.iter().flat_map(|&r| w.emb[r * e..(r + 1) * e].to_vec()).collect();
            let h: Vec<f32> = (0..hw).map(|j| tanh(w.b1[j] + dot(&w.w1[j * d..(j + 1) * d], &x))).collect();
            let mut gc: Vec<f32> = (0..k).map(|r| w.bc[r] + dot(&w.wc[r * hw..(r + 1) * hw], &h)).collect();
            let class = net.classes.of[t as usize] as usize;
            let (s, end) = net.classes.ranges[class];
            let mut gin: Vec<f32> = w.bo[s..end].to_vec();
            for j in 0..hw {
                for (i, o) in gin.iter_mut().enumerate() {
                    *o = h[j].mul_add(w.wo[j * vp + classes.column(s + i)], *o);
                }
            }
            let (zc, zt) = (gc[class], gin[t as usize - s]);
            let (nc, nt) = (softmax(&mut gc), softmax(&mut gin));
            nll.push((nc - zc) as f64 + (nt - zt) as f64);
            gc[class] -= 1.0;
            gin[t as usize - s] -= 1.0;
            rows.push(row);
            xs.push(x);
            hs.push(h);
            gcs.push(gc);
            gins.push((s, gin));
        }
        // Backward with the weights before the step.
        let mut dpres = vec![];
        let mut dxs = vec![];
        for p in 0..n {
            let (s, gin) = &gins[p];
            let mut dpre = vec![0f32; hw];
            for r in 0..k {
                for j in 0..hw {
                    dpre[j] = gcs[p][r].mul_add(w.wc[r * hw + j], dpre[j]);
                }
            }
            for j in 0..hw {
                let col: Vec<f32> = (0..gin.len()).map(|i| w.wo[j * vp + classes.column(s + i)]).collect();
                dpre[j] += dot(gin, &col);
                dpre[j] *= 1.0 - hs[p][j] * hs[p][j];
            }
            let mut dx = vec![0f32; d];
            for j in 0..hw {
                for i in 0..d {
                    dx[i] = dpre[j].mul_add(w.w1[j * d + i], dx[i]);
                }
            }
            dpres.push(dpre);
            dxs.push(dx);
        }
        let scale = -lr;
        let w = &mut net.w;
        for p in 0..n {
            for r in 0..k {
                let a = scale * gcs[p][r];
                w.bc[r] += a;
                for j in 0..hw {
                    w.wc[r * hw + j] = a.mul_add(hs[p][j], w.wc[r * hw + j]);
                }
            }
            let (s, gin) = &gins[p];
            for j in 0..hw {
                let a = scale * hs[p][j];
                for (i, g) in gin.iter().enumerate() {
                    let col = j * vp + classes.column(s + i);
                    w.wo[col] = a.mul_add(*g, w.wo[col]);
                }
            }
            for (i, g) in gin.iter().enumerate() {
                w.bo[s + i] = scale.mul_add(*g, w.bo[s + i]);
            }
            for j in 0..hw {
                let a = scale * dpres[p][j];
                w.b1[j] += a;
                for i in 0..d {
                    w.w1[j * d + i] = a.mul_add(xs[p][i], w.w1[j * d + i]);
                }
            }
        }
        for p in 0..n {
            for (slot, &r) in rows[p].iter().enumerate() {
                for i in 0..e {
                    w.emb[r * e + i] = scale.mul_add(dxs[p][slot * e + i], w.emb[r * e + i]);
                }
            }
        }
        nll
    }
}

/// The default per-sentence SGD, on every instruction set this CPU has,
/// gives the reference's losses and weights bit for bit over 300 sentences
/// of the default generator (default network size).
#[test]
fn per_sentence_sgd_matches_the_straightforward_reference_bit_for_bit() {
    use super::{Isa, NeuralLearner};
    use crate::config::{LearnerConfig, LearnerKind};
    use crate::learn::Learner;
    let params = GeneratorParams::default();
    let mut g = Generator::new(&params, 9);
    let corpus: Vec<Sentence> = (0..300)
        .map(|_| {
            let mut s = Sentence::default();
            g.next(&mut s);
            s
        })
        .collect();
    let cfg = LearnerConfig { name: "nn".into(), kind: LearnerKind::Neural, ..Default::default() };
    let fresh = NeuralLearner::new("nn", &cfg, g.vocab(), 4);
    let mut reference = fresh.net.clone();
    let want: Vec<Vec<f64>> = corpus
        .iter()
        .map(|s| reference::sgd_step(&mut reference, &s.tokens, cfg.learning_rate as f32))
        .collect();
    let mut isas = vec![Isa::Portable];
    if Isa::detect() != Isa::Portable {
        isas.push(Isa::Avx2);
    }
    if Isa::detect() == Isa::Avx512 {
        isas.push(Isa::Avx512);
    }
    // The probes' distribution (compiled per instruction set too) after the
    // same weights, from the portable build's.
    let mut portable_distribution: Option<Vec<u64>> = None;
    for isa in isas {
        let mut l = fresh.clone().with_isa(isa);
        assert_eq!(l.isa(), isa);
        for (i, s) in corpus.iter().enumerate() {
            l.observe(s);
            let got = &l.trace.nll[..l.trace.len];
            assert!(
                got.iter().zip(&want[i]).all(|(a, b)| a.to_bits() == b.to_bits()),
                "{isa:?}, sentence {i}: losses {got:?} vs reference {:?}",
                want[i]
            );
        }
        assert!(l.net.w == reference.w, "{isa:?}: the weights differ from the reference's after 300 steps");
        let d: Vec<u64> =
            l.next_token_distribution(&corpus[1].tokens[..4]).iter().map(|p| p.to_bits()).collect();
        let want = portable_distribution.get_or_insert_with(|| d.clone());
        assert!(d == *want, "{isa:?}: the next-token distribution differs from the portable build's");
    }
}
