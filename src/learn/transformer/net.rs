//! The network of the transformer learner: a decoder-only transformer over
//! one sentence, its weights in one flat array, and the forward and backward
//! passes.
//!
//! Input `i` is the start token (row `V` of the token embedding) for `i = 0`
//! and token `t_{i-1}` after it; output `i` predicts `t_i`. The residual
//! stream starts at `x = tok[in_i] + pos[i]` and goes through `layers`
//! pre-norm blocks
//! `x += Wo · attn(LN1(x))`, `x += Wpr · gelu(Wfc · LN2(x) + bfc) + bpr`,
//! where `attn` is causal multi-head self-attention over the last `context`
//! inputs (`softmax(q·k / sqrt(dh))` per head, no projection biases), and a
//! final `LN` feeds the same two-level softmax as the MLP learner:
//! `P(t) = P(class(t)) P(t | class(t))` over the vocabulary's token blocks.
//!
//! # Kernels
//! Activations are stored position-major (`n x width`) so every matrix
//! product is a row of weights against four positions at a time (`dots4`)
//! and every weight gradient is a row of weights plus a sum of position rows
//! (`axpy_rows`): each weight is loaded once per sentence, not once per
//! token. All sums run in a fixed order with the instruction-set-independent
//! kernels of the MLP learner, so a seeded run gives the same weights on
//! every machine. The backward pass adds the sentence's gradient into a
//! gradient array with the weights' layout; the optimizer (`learn::optim`)
//! applies it.

use std::ops::Range;

use crate::learn::neural::aligned::Aligned;
use crate::learn::neural::kernels::{axpy, axpy_rows, dot, dots4, softmax, tanh};
use crate::learn::neural::net::Classes;
use crate::sk::rng::SkRng;
use crate::sk::{Token, Vocab};

/// Sizes of the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// `V`, tokens; row `V` of the token embedding is the start token.
    pub vocab: usize,
    /// `d`, the residual stream's width.
    pub width: usize,
    /// Attention heads; `d / heads` is a head's width.
    pub heads: usize,
    /// Blocks.
    pub layers: usize,
    /// Inputs each position attends to (itself and the `context - 1` before it).
    pub context: usize,
    /// Rows of the position embedding: the longest sentence the generator
    /// makes; later positions share the last row.
    pub positions: usize,
}

impl Shape {
    /// A head's width.
    pub fn head(&self) -> usize {
        self.width / self.heads
    }

    /// The MLP's hidden width, `4 d`.
    pub fn ff(&self) -> usize {
        4 * self.width
    }
}

/// Where each weight group of one block starts in the flat array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockAt {
    pub ln1_g: usize,
    pub ln1_b: usize,
    /// `d x d` each, row-major (`out x in`).
    pub wq: usize,
    pub wk: usize,
    pub wv: usize,
    pub wo: usize,
    pub ln2_g: usize,
    pub ln2_b: usize,
    /// `4d x d`.
    pub wfc: usize,
    pub bfc: usize,
    /// `d x 4d`.
    pub wpr: usize,
    pub bpr: usize,
}

/// The flat layout of every weight: offsets and named groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `(V+1) x d`.
    pub tok: usize,
    /// `positions x d`.
    pub pos: usize,
    pub blocks: Vec<BlockAt>,
    pub lnf_g: usize,
    pub lnf_b: usize,
    /// `K x d`: class logits.
    pub wc: usize,
    pub bc: usize,
    /// `d x V`: column `t` is token `t`'s output vector.
    pub wout: usize,
    pub bout: usize,
    /// Weights in all.
    pub total: usize,
    /// `(name, range, decayed)` of every group, in order.
    pub groups: Vec<(String, Range<usize>, bool)>,
}

impl Layout {
    pub fn new(s: Shape, classes: usize) -> Self {
        let (v, d, f) = (s.vocab, s.width, s.ff());
        let mut groups = Vec::new();
        let mut at = 0;
        let mut take = |name: String, len: usize, decay: bool| {
            groups.push((name, at..at + len, decay));
            at += len;
            at - len
        };
        let tok = take("tok".into(), (v + 1) * d, true);
        let pos = take("pos".into(), s.positions * d, true);
        let blocks = (0..s.layers)
            .map(|l| BlockAt {
                ln1_g: take(format!("ln1_g[{l}]"), d, false),
                ln1_b: take(format!("ln1_b[{l}]"), d, false),
                wq: take(format!("wq[{l}]"), d * d, true),
                wk: take(format!("wk[{l}]"), d * d, true),
                wv: take(format!("wv[{l}]"), d * d, true),
                wo: take(format!("wo[{l}]"), d * d, true),
                ln2_g: take(format!("ln2_g[{l}]"), d, false),
                ln2_b: take(format!("ln2_b[{l}]"), d, false),
                wfc: take(format!("wfc[{l}]"), f * d, true),
                bfc: take(format!("bfc[{l}]"), f, false),
                wpr: take(format!("wpr[{l}]"), d * f, true),
                bpr: take(format!("bpr[{l}]"), d, false),
            })
            .collect();
        let lnf_g = take("lnf_g".into(), d, false);
        let lnf_b = take("lnf_b".into(), d, false);
        let wc = take("wc".into(), classes * d, true);
        let bc = take("bc".into(), classes, false);
        let wout = take("wout".into(), d * v, true);
        let bout = take("bout".into(), v, false);
        Layout { tok, pos, blocks, lnf_g, lnf_b, wc, bc, wout, bout, total: at, groups }
    }
}

/// Layer-norm's guard against a zero variance.
pub const LN_EPS: f32 = 1e-5;

/// `sqrt(2 / pi)`, in the tanh form of GELU.
const GELU_C: f32 = 0.797_884_6;

/// GELU, tanh form: `x/2 (1 + tanh(c (x + 0.044715 x^3)))`.
#[inline(always)]
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + tanh(GELU_C * (x + 0.044_715 * x * x * x)))
}

/// The derivative of `gelu`.
#[inline(always)]
fn gelu_grad(x: f32) -> f32 {
    let t = tanh(GELU_C * (x + 0.044_715 * x * x * x));
    0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * 0.044_715 * x * x)
}

/// One block's activations over a sentence (`n` positions).
#[derive(Clone, Debug, Default)]
struct BlockTrace {
    /// The residual stream entering the block.
    x: Aligned,
    xhat1: Aligned,
    rstd1: Aligned,
    a1: Aligned,
    q: Aligned,
    k: Aligned,
    v: Aligned,
    /// `n x heads x context`: attention probabilities over the window.
    att: Aligned,
    /// Heads' outputs, concatenated.
    o: Aligned,
    /// The stream after attention.
    mid: Aligned,
    xhat2: Aligned,
    rstd2: Aligned,
    a2: Aligned,
    /// MLP pre-activation and output (`n x 4d`).
    f: Aligned,
    u: Aligned,
}

/// Activations and backward scratch of one sentence; buffers grow to the
/// longest sentence seen and are reused.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// Positions filled by the last forward pass.
    pub len: usize,
    /// Token-embedding row of each input.
    inputs: Vec<u32>,
    blocks: Vec<BlockTrace>,
    /// The stream after the last block.
    top: Aligned,
    xhatf: Aligned,
    rstdf: Aligned,
    /// The final norm's output, the softmax's input.
    hf: Aligned,
    /// `K` per position: class probabilities, then logit gradients.
    gc: Aligned,
    /// `widest` per position: probabilities within the target's class, then
    /// logit gradients.
    gin: Aligned,
    target: Vec<(u32, u32)>,
    /// `-ln P(t_i | t_<i)` per position.
    pub nll: Vec<f64>,
    // Backward scratch.
    dx: Aligned,
    dmid: Aligned,
    da: Aligned,
    dq: Aligned,
    dk: Aligned,
    dv: Aligned,
    dob: Aligned,
    du: Aligned,
    coef: Aligned,
    window: Aligned,
}

impl Trace {
    fn reserve(&mut self, s: Shape, k: usize, widest: usize, n: usize) {
        self.len = n;
        if self.inputs.len() >= n && self.blocks.len() == s.layers {
            return;
        }
        let (d, f, h, c) = (s.width, s.ff(), s.heads, s.context);
        let z = Aligned::zeros;
        self.inputs = vec![0; n];
        self.blocks = (0..s.layers)
            .map(|_| BlockTrace {
                x: z(n * d),
                xhat1: z(n * d),
                rstd1: z(n),
                a1: z(n * d),
                q: z(n * d),
                k: z(n * d),
                v: z(n * d),
                att: z(n * h * c),
                o: z(n * d),
                mid: z(n * d),
                xhat2: z(n * d),
                rstd2: z(n),
                a2: z(n * d),
                f: z(n * f),
                u: z(n * f),
            })
            .collect();
        self.top = z(n * d);
        self.xhatf = z(n * d);
        self.rstdf = z(n);
        self.hf = z(n * d);
        self.gc = z(n * k);
        self.gin = z(n * widest);
        self.target = vec![(0, 0); n];
        self.nll = vec![0.0; n];
        self.dx = z(n * d);
        self.dmid = z(n * d);
        self.da = z(n * d);
        self.dq = z(n * d);
        self.dk = z(n * d);
        self.dv = z(n * d);
        self.dob = z(n * d);
        self.du = z(n * f);
        self.coef = z(n.max(f));
        self.window = z(c);
    }
}

/// `y[p] = W x[p] (+ b)` for `n` positions; `W` is `dout x din`.
#[inline(always)]
fn linear(w: &[f32], b: Option<&[f32]>, x: &[f32], n: usize, din: usize, dout: usize, y: &mut [f32]) {
    for j in 0..dout {
        let row = &w[j * din..(j + 1) * din];
        let bias = b.map_or(0.0, |b| b[j]);
        let mut p = 0;
        while p + 4 <= n {
            let at = |q: usize| &x[(p + q) * din..(p + q + 1) * din];
            let out = dots4(row, [at(0), at(1), at(2), at(3)]);
            for (q, o) in out.into_iter().enumerate() {
                y[(p + q) * dout + j] = bias + o;
            }
            p += 4;
        }
        while p < n {
            y[p * dout + j] = bias + dot(row, &x[p * din..(p + 1) * din]);
            p += 1;
        }
    }
}

/// `dx[p] (+)= Wᵀ dy[p]`: overwrites `dx` unless `add`.
#[inline(always)]
fn linear_back_input(w: &[f32], dy: &[f32], n: usize, din: usize, dout: usize, dx: &mut [f32], add: bool) {
    for p in 0..n {
        let dxp = &mut dx[p * din..(p + 1) * din];
        if !add {
            dxp.fill(0.0);
        }
        axpy_rows(dxp, &dy[p * dout..(p + 1) * dout], |j| &w[j * din..(j + 1) * din]);
    }
}

/// `gW += Σ_p dy[p] x[p]ᵀ`, `gb += Σ_p dy[p]`, each weight receiving its
/// positions' terms in position order.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn linear_back_weights(
    gw: &mut [f32],
    mut gb: Option<&mut [f32]>,
    x: &[f32],
    dy: &[f32],
    n: usize,
    din: usize,
    dout: usize,
    coef: &mut [f32],
) {
    for j in 0..dout {
        for p in 0..n {
            coef[p] = dy[p * dout + j];
        }
        if let Some(gb) = gb.as_deref_mut() {
            for &c in &coef[..n] {
                gb[j] += c;
            }
        }
        axpy_rows(&mut gw[j * din..(j + 1) * din], &coef[..n], |p| &x[p * din..(p + 1) * din]);
    }
}

/// Layer norm of each of `n` rows of width `d`: `y = g xhat + b`, keeping
/// `xhat` and `1 / std`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn layer_norm(
    x: &[f32],
    g: &[f32],
    b: &[f32],
    n: usize,
    d: usize,
    xhat: &mut [f32],
    rstd: &mut [f32],
    y: &mut [f32],
) {
    let inv = 1.0 / d as f32;
    for p in 0..n {
        let row = &x[p * d..(p + 1) * d];
        let mean = row.iter().sum::<f32>() * inv;
        let var = row.iter().map(|&v| (v - mean) * (v - mean)).sum::<f32>() * inv;
        let r = 1.0 / (var + LN_EPS).sqrt();
        rstd[p] = r;
        for i in 0..d {
            let h = (row[i] - mean) * r;
            xhat[p * d + i] = h;
            y[p * d + i] = g[i] * h + b[i];
        }
    }
}

/// Backward through `layer_norm`: adds to the gain and bias gradients and
/// to `dx` (`dx += rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat))`).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn layer_norm_back(
    dy: &[f32],
    g: &[f32],
    xhat: &[f32],
    rstd: &[f32],
    n: usize,
    d: usize,
    gg: &mut [f32],
    gb: &mut [f32],
    dx: &mut [f32],
) {
    let inv = 1.0 / d as f32;
    for p in 0..n {
        let (dy, xh) = (&dy[p * d..(p + 1) * d], &xhat[p * d..(p + 1) * d]);
        let (mut m1, mut m2) = (0f32, 0f32);
        for i in 0..d {
            gg[i] += dy[i] * xh[i];
            gb[i] += dy[i];
            let dh = dy[i] * g[i];
            m1 += dh;
            m2 += dh * xh[i];
        }
        let (m1, m2) = (m1 * inv, m2 * inv);
        let r = rstd[p];
        for i in 0..d {
            dx[p * d + i] += r * (dy[i] * g[i] - m1 - xh[i] * m2);
        }
    }
}

/// The network: shapes, classes, layout and weights.
#[derive(Clone, Debug)]
pub struct Net {
    pub shape: Shape,
    pub classes: Classes,
    pub layout: Layout,
    pub w: Aligned,
}

impl Net {
    pub fn new(shape: Shape, vocab: &Vocab, seed: u64) -> Self {
        let classes = Classes::new(vocab);
        let layout = Layout::new(shape, classes.count());
        let w = init(shape, &layout, seed);
        Net { shape, classes, layout, w }
    }

    /// The first window position input `i` attends to.
    #[inline(always)]
    fn window_start(&self, i: usize) -> usize {
        (i + 1).saturating_sub(self.shape.context)
    }

    /// Forward pass over `n` inputs: the start token, then `tokens[..n-1]`.
    /// Fills the trace up to the final norm's output `hf`.
    #[inline(always)]
    fn body(&self, tokens: &[Token], n: usize, t: &mut Trace) {
        let s = self.shape;
        let (d, f, nh, dh, c) = (s.width, s.ff(), s.heads, s.head(), s.context);
        let l = &self.layout;
        let w = &self.w;
        t.reserve(s, self.classes.count(), self.classes.widest, n);
        // Embeddings.
        for i in 0..n {
            let row = if i == 0 { s.vocab } else { tokens[i - 1] as usize };
            t.inputs[i] = row as u32;
            let prow = i.min(s.positions - 1);
            let tok = &w[l.tok + row * d..l.tok + (row + 1) * d];
            let pos = &w[l.pos + prow * d..l.pos + (prow + 1) * d];
            let x0 = if s.layers > 0 { &mut t.blocks[0].x } else { &mut t.top };
            for k in 0..d {
                x0[i * d + k] = tok[k] + pos[k];
            }
        }
        let scale = 1.0 / (dh as f32).sqrt();
        for b in 0..s.layers {
            let at = l.blocks[b];
            let (done, rest) = t.blocks.split_at_mut(b + 1);
            let bt = &mut done[b];
            layer_norm(
                &bt.x,
                &w[at.ln1_g..at.ln1_g + d],
                &w[at.ln1_b..at.ln1_b + d],
                n,
                d,
                &mut bt.xhat1,
                &mut bt.rstd1,
                &mut bt.a1,
            );
            linear(&w[at.wq..at.wq + d * d], None, &bt.a1, n, d, d, &mut bt.q);
            linear(&w[at.wk..at.wk + d * d], None, &bt.a1, n, d, d, &mut bt.k);
            linear(&w[at.wv..at.wv + d * d], None, &bt.a1, n, d, d, &mut bt.v);
            // Causal attention over the window, head by head.
            for i in 0..n {
                let s0 = self.window_start(i);
                let m = i + 1 - s0;
                for h in 0..nh {
                    let hs = h * dh..(h + 1) * dh;
                    let qi = &bt.q[i * d + hs.start..i * d + hs.end];
                    let probs = &mut bt.att[(i * nh + h) * c..(i * nh + h) * c + m];
                    for (jj, pr) in probs.iter_mut().enumerate() {
                        let j = s0 + jj;
                        *pr = scale * dot(qi, &bt.k[j * d + hs.start..j * d + hs.end]);
                    }
                    softmax(probs);
                    let out = &mut bt.o[i * d + hs.start..i * d + hs.end];
                    out.fill(0.0);
                    let v = &bt.v;
                    axpy_rows(out, probs, |jj| &v[(s0 + jj) * d + hs.start..(s0 + jj) * d + hs.end]);
                }
            }
            linear(&w[at.wo..at.wo + d * d], None, &bt.o, n, d, d, &mut bt.mid);
            for (m, &x) in bt.mid[..n * d].iter_mut().zip(&bt.x[..n * d]) {
                *m += x;
            }
            layer_norm(
                &bt.mid,
                &w[at.ln2_g..at.ln2_g + d],
                &w[at.ln2_b..at.ln2_b + d],
                n,
                d,
                &mut bt.xhat2,
                &mut bt.rstd2,
                &mut bt.a2,
            );
            linear(&w[at.wfc..at.wfc + f * d], Some(&w[at.bfc..at.bfc + f]), &bt.a2, n, d, f, &mut bt.f);
            for (u, &z) in bt.u[..n * f].iter_mut().zip(&bt.f[..n * f]) {
                *u = gelu(z);
            }
            let next = if b + 1 < s.layers { &mut rest[0].x } else { &mut t.top };
            linear(&w[at.wpr..at.wpr + d * f], Some(&w[at.bpr..at.bpr + d]), &bt.u, n, f, d, next);
            for (x, &m) in next[..n * d].iter_mut().zip(&bt.mid[..n * d]) {
                *x += m;
            }
        }
        layer_norm(
            &t.top,
            &w[l.lnf_g..l.lnf_g + d],
            &w[l.lnf_b..l.lnf_b + d],
            n,
            d,
            &mut t.xhatf,
            &mut t.rstdf,
            &mut t.hf,
        );
    }

    /// Class logits `Wc h + bc` into `out` (`K`).
    #[inline(always)]
    fn class_logits(&self, h: &[f32], out: &mut [f32]) {
        let d = self.shape.width;
        let l = &self.layout;
        for (r, o) in out.iter_mut().enumerate() {
            *o = self.w[l.bc + r] + dot(&self.w[l.wc + r * d..l.wc + (r + 1) * d], h);
        }
    }

    /// Token logits of the class `[s, e)` into `out` (`e - s`).
    #[inline(always)]
    fn token_logits(&self, h: &[f32], (s, e): (usize, usize), out: &mut [f32]) {
        let (v, l) = (self.shape.vocab, &self.layout);
        out.copy_from_slice(&self.w[l.bout + s..l.bout + e]);
        let w = &self.w;
        axpy_rows(out, h, |j| &w[l.wout + j * v + s..l.wout + j * v + e]);
    }

    /// Forward pass over a sentence: the code length of every token in `trace.nll`.
    #[inline(always)]
    pub fn forward(&self, tokens: &[Token], trace: &mut Trace) {
        let n = tokens.len();
        self.body(tokens, n, trace);
        let d = self.shape.width;
        let (k, m) = (self.classes.count(), self.classes.widest);
        for (p, &tok) in tokens.iter().enumerate() {
            let h = &trace.hf[p * d..(p + 1) * d];
            let (target, nll) = self.classes.token_loss(
                tok,
                &mut trace.gc[p * k..(p + 1) * k],
                &mut trace.gin[p * m..(p + 1) * m],
                // Inlined, so compiled for the pass's instruction set: a
                // closure compiled on its own would make each fused
                // multiply-add a library call.
                #[inline(always)]
                |gc| self.class_logits(h, gc),
                #[inline(always)]
                |range, gin| self.token_logits(h, range, gin),
            );
            (trace.target[p], trace.nll[p]) = (target, nll);
        }
    }

    /// Backward pass after `forward`: adds the gradient of `Σ_i -ln P(t_i)`
    /// to `grad` (same layout as the weights). Reads the weights.
    #[inline(always)]
    pub fn backward(&self, trace: &mut Trace, grad: &mut [f32]) {
        let s = self.shape;
        let (v, d, f, nh, dh, c) = (s.vocab, s.width, s.ff(), s.heads, s.head(), s.context);
        let (k, m) = (self.classes.count(), self.classes.widest);
        let l = &self.layout;
        let w = &self.w;
        let n = trace.len;
        let t = trace;
        // Output layer: logit gradients, their weight gradients, and the
        // gradient at the final norm's output (into `da`).
        for p in 0..n {
            let (class, idx) = t.target[p];
            let (cs, ce) = self.classes.ranges[class as usize];
            let gc = &mut t.gc[p * k..(p + 1) * k];
            gc[class as usize] -= 1.0;
            let gin = &mut t.gin[p * m..p * m + (ce - cs)];
            gin[idx as usize] -= 1.0;
            let (gc, gin) = (&*gc, &*gin);
            let h = &t.hf[p * d..(p + 1) * d];
            let dh_out = &mut t.da[p * d..(p + 1) * d];
            dh_out.fill(0.0);
            axpy_rows(dh_out, gc, |r| &w[l.wc + r * d..l.wc + (r + 1) * d]);
            let col = |j: usize| &w[l.wout + j * v + cs..l.wout + j * v + ce];
            let mut j = 0;
            while j + 4 <= d {
                let out = dots4(gin, [col(j), col(j + 1), col(j + 2), col(j + 3)]);
                for (q, o) in out.into_iter().enumerate() {
                    dh_out[j + q] += o;
                }
                j += 4;
            }
            while j < d {
                dh_out[j] += dot(gin, col(j));
                j += 1;
            }
            for r in 0..k {
                grad[l.bc + r] += gc[r];
                axpy(&mut grad[l.wc + r * d..l.wc + (r + 1) * d], gc[r], h);
            }
            axpy(&mut grad[l.bout + cs..l.bout + ce], 1.0, gin);
            for (j, &hj) in h.iter().enumerate() {
                axpy(&mut grad[l.wout + j * v + cs..l.wout + j * v + ce], hj, gin);
            }
        }
        // Final norm: gradient on the top of the stream into `dx`.
        t.dx[..n * d].fill(0.0);
        {
            let (gg, gb) = split_two(grad, l.lnf_g, l.lnf_b, d);
            layer_norm_back(&t.da, &w[l.lnf_g..l.lnf_g + d], &t.xhatf, &t.rstdf, n, d, gg, gb, &mut t.dx);
        }
        let scale = 1.0 / (dh as f32).sqrt();
        for b in (0..s.layers).rev() {
            let at = l.blocks[b];
            let bt = &t.blocks[b];
            // MLP: x_out = mid + Wpr u + bpr, u = gelu(Wfc a2 + bfc), a2 = LN2(mid).
            {
                let (gw, gb) = split_mat_bias(grad, at.wpr, d * f, at.bpr, d);
                linear_back_weights(gw, Some(gb), &bt.u, &t.dx, n, f, d, &mut t.coef);
            }
            linear_back_input(&w[at.wpr..at.wpr + d * f], &t.dx, n, f, d, &mut t.du, false);
            for (g, &z) in t.du[..n * f].iter_mut().zip(&bt.f[..n * f]) {
                *g *= gelu_grad(z);
            }
            {
                let (gw, gb) = split_mat_bias(grad, at.wfc, f * d, at.bfc, f);
                linear_back_weights(gw, Some(gb), &bt.a2, &t.du, n, d, f, &mut t.coef);
            }
            linear_back_input(&w[at.wfc..at.wfc + f * d], &t.du, n, d, f, &mut t.da, false);
            t.dmid[..n * d].copy_from_slice(&t.dx[..n * d]);
            {
                let (gg, gb) = split_two(grad, at.ln2_g, at.ln2_b, d);
                let g = &w[at.ln2_g..at.ln2_g + d];
                layer_norm_back(&t.da, g, &bt.xhat2, &bt.rstd2, n, d, gg, gb, &mut t.dmid);
            }
            // Attention: mid = x + Wo o.
            linear_back_weights(&mut grad[at.wo..at.wo + d * d], None, &bt.o, &t.dmid, n, d, d, &mut t.coef);
            linear_back_input(&w[at.wo..at.wo + d * d], &t.dmid, n, d, d, &mut t.dob, false);
            t.dq[..n * d].fill(0.0);
            t.dk[..n * d].fill(0.0);
            t.dv[..n * d].fill(0.0);
            for i in 0..n {
                let s0 = self.window_start(i);
                let mlen = i + 1 - s0;
                for h in 0..nh {
                    let hs = h * dh..(h + 1) * dh;
                    let probs = &bt.att[(i * nh + h) * c..(i * nh + h) * c + mlen];
                    let doi = &t.dob[i * d + hs.start..i * d + hs.end];
                    let ds = &mut t.window[..mlen];
                    let mut sum = 0f32;
                    for (jj, g) in ds.iter_mut().enumerate() {
                        let j = s0 + jj;
                        *g = dot(doi, &bt.v[j * d + hs.start..j * d + hs.end]);
                        sum += probs[jj] * *g;
                    }
                    for (g, &p) in ds.iter_mut().zip(probs) {
                        *g = scale * p * (*g - sum);
                    }
                    let k_all = &bt.k;
                    axpy_rows(&mut t.dq[i * d + hs.start..i * d + hs.end], ds, |jj| {
                        &k_all[(s0 + jj) * d + hs.start..(s0 + jj) * d + hs.end]
                    });
                    let qi = &bt.q[i * d + hs.start..i * d + hs.end];
                    for jj in 0..mlen {
                        let j = s0 + jj;
                        axpy(&mut t.dk[j * d + hs.start..j * d + hs.end], ds[jj], qi);
                        axpy(&mut t.dv[j * d + hs.start..j * d + hs.end], probs[jj], doi);
                    }
                }
            }
            for (wat, dy) in [(at.wq, &t.dq), (at.wk, &t.dk), (at.wv, &t.dv)] {
                linear_back_weights(&mut grad[wat..wat + d * d], None, &bt.a1, dy, n, d, d, &mut t.coef);
            }
            linear_back_input(&w[at.wq..at.wq + d * d], &t.dq, n, d, d, &mut t.da, false);
            linear_back_input(&w[at.wk..at.wk + d * d], &t.dk, n, d, d, &mut t.da, true);
            linear_back_input(&w[at.wv..at.wv + d * d], &t.dv, n, d, d, &mut t.da, true);
            t.dx[..n * d].copy_from_slice(&t.dmid[..n * d]);
            {
                let (gg, gb) = split_two(grad, at.ln1_g, at.ln1_b, d);
                let g = &w[at.ln1_g..at.ln1_g + d];
                layer_norm_back(&t.da, g, &bt.xhat1, &bt.rstd1, n, d, gg, gb, &mut t.dx);
            }
        }
        // Embeddings.
        for i in 0..n {
            let row = t.inputs[i] as usize;
            let prow = i.min(s.positions - 1);
            let dxi = &t.dx[i * d..(i + 1) * d];
            axpy(&mut grad[l.tok + row * d..l.tok + (row + 1) * d], 1.0, dxi);
            axpy(&mut grad[l.pos + prow * d..l.pos + (prow + 1) * d], 1.0, dxi);
        }
    }

    /// The next-token distribution after `prefix` (a sentence's first
    /// tokens), over the whole vocabulary.
    #[inline(always)]
    pub fn distribution(&self, prefix: &[Token]) -> Vec<f64> {
        let mut t = Trace::default();
        self.distribution_with(prefix, &mut t)
    }

    /// `distribution`, reusing `t`'s buffers.
    #[inline(always)]
    pub fn distribution_with(&self, prefix: &[Token], t: &mut Trace) -> Vec<f64> {
        let n = prefix.len() + 1;
        self.body(prefix, n, t);
        let d = self.shape.width;
        let h = &t.hf[(n - 1) * d..n * d];
        let mut pc = vec![0f32; self.classes.count()];
        self.class_logits(h, &mut pc);
        self.classes.distribution(
            pc,
            self.shape.vocab,
            #[inline(always)]
            |range, out| self.token_logits(h, range, out),
        )
    }
}

/// Two disjoint `len`-long ranges of `g` starting at `a < b`.
fn split_two(g: &mut [f32], a: usize, b: usize, len: usize) -> (&mut [f32], &mut [f32]) {
    let (lo, hi) = g.split_at_mut(b);
    (&mut lo[a..a + len], &mut hi[..len])
}

/// A matrix's gradient at `m` (`mlen`) and its bias's at `b > m` (`blen`).
fn split_mat_bias(g: &mut [f32], m: usize, mlen: usize, b: usize, blen: usize) -> (&mut [f32], &mut [f32]) {
    let (lo, hi) = g.split_at_mut(b);
    (&mut lo[m..m + mlen], &mut hi[..blen])
}

/// Seeded initialization: token and position embeddings `N(0, 0.1^2)`;
/// norm gains 1, biases 0; weight matrices `N(0, 1/(3 fan_in))` (the
/// variance of the usual uniform `±1/sqrt(fan_in)`), the two that write into
/// the residual stream (`wo`, `wpr`) scaled down by `sqrt(2 layers)` so the
/// stream's variance does not grow with depth.
fn init(s: Shape, l: &Layout, seed: u64) -> Aligned {
    let mut rng = SkRng::new(seed, 0x5452_414e_5346);
    let mut w = Aligned::zeros(l.total);
    let (d, f) = (s.width, s.ff());
    let residual = (2.0 * s.layers.max(1) as f64).sqrt().recip();
    let mut fill = |w: &mut [f32], sd: f64| w.iter_mut().for_each(|x| *x = (rng.normal() * sd) as f32);
    let fan = |n: usize| (3.0 * n as f64).sqrt().recip();
    fill(&mut w[l.tok..l.tok + (s.vocab + 1) * d], 0.1);
    fill(&mut w[l.pos..l.pos + s.positions * d], 0.1);
    for at in &l.blocks {
        w[at.ln1_g..at.ln1_g + d].fill(1.0);
        w[at.ln2_g..at.ln2_g + d].fill(1.0);
        fill(&mut w[at.wq..at.wq + d * d], fan(d));
        fill(&mut w[at.wk..at.wk + d * d], fan(d));
        fill(&mut w[at.wv..at.wv + d * d], fan(d));
        fill(&mut w[at.wo..at.wo + d * d], fan(d) * residual);
        fill(&mut w[at.wfc..at.wfc + f * d], fan(d));
        fill(&mut w[at.wpr..at.wpr + d * f], fan(f) * residual);
    }
    w[l.lnf_g..l.lnf_g + d].fill(1.0);
    let k = (l.bc - l.wc) / d;
    fill(&mut w[l.wc..l.wc + k * d], fan(d));
    fill(&mut w[l.wout..l.wout + d * s.vocab], fan(d));
    w
}
