//! The network of the neural learner: a Bengio-style MLP language model with
//! a two-level (class) softmax, its weights, and the forward and backward
//! passes over one sentence.
//!
//! `x = [emb(t_{p-C}); …; emb(t_{p-1})]` (padding before the sentence start),
//! `h = tanh(W1 x + b1)`, `P(t | h) = P(class(t) | h) P(t | class(t), h)` with
//! `P(k | h) = softmax_k(Wc h + bc)` and `P(t | k, h) = softmax_{t in k}(Wo h + bo)`.
//! Classes are the vocabulary's token blocks: syntax (end of sentence, literal
//! words, fillers), name syllables, and the values of each attribute. The
//! product is a normalized distribution over the whole vocabulary.
//!
//! # Cost
//! Every pass works on a whole sentence at once, so each weight is loaded
//! once per sentence rather than once per token: `W1 x` runs four rows of `W1`
//! against four positions at a time (`dots`), and the `W1` and `Wo` updates
//! are sums of outer products, each weight block held in registers while the
//! sentence's positions are added to it in order (`add_products`). The output
//! layer takes the positions grouped by their target's class (`Trace::order`):
//! a class's columns of `Wo` are read once for all its positions in the token
//! logits (`add_products_strided`), their gradient (`dots_strided`) and the
//! update. Every result still equals the per-position computation bit for
//! bit: each weight receives its terms in position order, and each logit and
//! gradient element its terms in the order of the one-position kernels.
//! Weights and activations live in cache-line aligned buffers (`Aligned`),
//! and each class's columns of `Wo` are padded to whole vectors
//! (`Classes::starts`), so the kernels' 512-bit loads each read one line.

use super::aligned::Aligned;
use super::kernels::{
    Fallback, add_products, add_products_by_term, add_products_strided, add_products_strided_by_term, axpy,
    axpy_rows, axpy_rows_padded, biased_dots, dots, dots_strided, padded, products, slices, softmax,
    tanh_in_place,
};
use crate::sk::rng::SkRng;
use crate::sk::{Token, Vocab};

/// Sizes of the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// `V`, tokens; row `V` of the embedding is the padding token.
    pub vocab: usize,
    /// `E`, embedding width.
    pub embedding: usize,
    /// `H`, hidden width.
    pub hidden: usize,
    /// `C`, previous tokens seen.
    pub context: usize,
}

impl Shape {
    /// `D = C E`, the width of the concatenated input.
    pub fn input(&self) -> usize {
        self.context * self.embedding
    }

    /// The padding token's embedding row.
    pub fn pad(&self) -> usize {
        self.vocab
    }
}

/// The token classes of the two-level softmax: contiguous blocks of ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classes {
    /// `[start, end)` of each class, in order, covering `0..V`.
    pub ranges: Vec<(usize, usize)>,
    /// The class of each token.
    pub of: Vec<u32>,
    /// The largest class.
    pub widest: usize,
    /// The column of `Wo` where each class's tokens start: the classes lie
    /// side by side, each padded to a whole number of 16-float vectors, so
    /// every class starts a vector (and, in an aligned row, a cache line).
    pub starts: Vec<usize>,
    /// The length of a row of `Wo`: every class, padded.
    pub columns: usize,
}

impl Classes {
    /// Syntax tokens, name syllables, then one class per attribute's values.
    pub fn new(vocab: &Vocab) -> Self {
        let mut bounds = vec![0usize, vocab.name_syllable(0) as usize];
        for a in 0..vocab.attributes {
            bounds.push(vocab.value(a, 0) as usize);
        }
        bounds.push(vocab.size() as usize);
        let ranges: Vec<(usize, usize)> =
            bounds.windows(2).filter(|w| w[1] > w[0]).map(|w| (w[0], w[1])).collect();
        let mut of = vec![0u32; vocab.size() as usize];
        for (k, &(s, e)) in ranges.iter().enumerate() {
            of[s..e].fill(k as u32);
        }
        let widest = ranges.iter().map(|&(s, e)| e - s).max().unwrap_or(0);
        let starts: Vec<usize> = ranges
            .iter()
            .scan(0, |next, &(s, e)| {
                let start = *next;
                *next += padded(e - s);
                Some(start)
            })
            .collect();
        let columns = ranges.iter().map(|&(s, e)| padded(e - s)).sum();
        Classes { ranges, of, widest, starts, columns }
    }

    /// The column of `Wo` that holds `token`'s output vector.
    pub fn column(&self, token: usize) -> usize {
        let class = self.of[token] as usize;
        self.starts[class] + token - self.ranges[class].0
    }

    /// `K`, the number of classes.
    pub fn count(&self) -> usize {
        self.ranges.len()
    }

    /// The two-level softmax at one position (shared by the network
    /// learners): fills `class_probs` (`K` long) with `P(class)` and the front
    /// of `token_probs` (at least `widest` long) with `P(t | class)` for the
    /// class of `token`, from the logits the two closures write. Returns the
    /// target (class, index within it) and `-ln P(token)` in nats.
    #[inline(always)]
    pub fn token_loss(
        &self,
        token: Token,
        class_probs: &mut [f32],
        token_probs: &mut [f32],
        class_logits: impl FnOnce(&mut [f32]),
        token_logits: impl FnOnce((usize, usize), &mut [f32]),
    ) -> ((u32, u32), f64) {
        let token = token as usize;
        let class = self.of[token] as usize;
        let (s, e) = self.ranges[class];
        class_logits(class_probs);
        let class_logit = class_probs[class];
        let class_norm = softmax(class_probs);
        let within = &mut token_probs[..e - s];
        token_logits((s, e), within);
        let token_logit = within[token - s];
        let token_norm = softmax(within);
        (
            (class as u32, (token - s) as u32),
            (class_norm - class_logit) as f64 + (token_norm - token_logit) as f64,
        )
    }

    /// The distribution over all `vocab` tokens from the class logits and a
    /// function filling a class's token logits: `P(t) = P(class) P(t | class)`
    /// (shared by the network learners).
    #[inline(always)]
    pub fn distribution(
        &self,
        mut class_logits: Vec<f32>,
        vocab: usize,
        token_logits: impl Fn((usize, usize), &mut [f32]),
    ) -> Vec<f64> {
        softmax(&mut class_logits);
        let mut within = vec![0f32; self.widest];
        let mut out = vec![0f64; vocab];
        for (class, &(s, e)) in self.ranges.iter().enumerate() {
            let within = &mut within[..e - s];
            token_logits((s, e), within);
            softmax(within);
            for (o, &q) in out[s..e].iter_mut().zip(&*within) {
                *o = class_logits[class] as f64 * q as f64;
            }
        }
        out
    }
}

/// Every weight, each group a flat row-major array.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    /// `(V+1) x E`: token embeddings, the last row for padding.
    pub emb: Aligned,
    /// `H x D`.
    pub w1: Aligned,
    /// `H`.
    pub b1: Aligned,
    /// `K x H`: class logits.
    pub wc: Aligned,
    /// `K`.
    pub bc: Aligned,
    /// `H x Classes::columns`: token logits within a class; column
    /// `Classes::column(t)` is token `t`'s output vector (stored by hidden
    /// unit so a class's logits, a contiguous range of columns, are computed
    /// without horizontal sums). The columns that pad each class to whole
    /// vectors stay zero: no gradient reaches them.
    pub wo: Aligned,
    /// `V`.
    pub bo: Aligned,
}

impl Weights {
    /// Seeded initialization: embeddings `N(0, 1)`, weight matrices
    /// `N(0, 1/(3 fan_in))` (the variance of the usual uniform
    /// `±1/sqrt(fan_in)`), biases zero.
    pub fn init(shape: Shape, classes: &Classes, seed: u64) -> Self {
        let mut rng = SkRng::new(seed, 0x4e45_5552_414c);
        let mut normal = |n: usize, sd: f64| -> Aligned {
            (0..n).map(|_| (rng.normal() * sd) as f32).collect::<Vec<f32>>().into()
        };
        let (v, e, h, d, k) = (shape.vocab, shape.embedding, shape.hidden, shape.input(), classes.count());
        let emb = normal((v + 1) * e, 1.0);
        let w1 = normal(h * d, (3.0 * d as f64).sqrt().recip());
        let wc = normal(k * h, (3.0 * h as f64).sqrt().recip());
        // Drawn token by token as in an unpadded `H x V` matrix, then placed.
        let drawn = normal(h * v, (3.0 * h as f64).sqrt().recip());
        let columns = classes.columns;
        let mut wo = Aligned::zeros(h * columns);
        for j in 0..h {
            for t in 0..v {
                wo[j * columns + classes.column(t)] = drawn[j * v + t];
            }
        }
        Weights { emb, w1, b1: Aligned::zeros(h), wc, bc: Aligned::zeros(k), wo, bo: Aligned::zeros(v) }
    }

    /// The groups, in a fixed order, with their names.
    pub fn groups(&self) -> [(&'static str, &[f32]); 7] {
        [
            ("emb", &self.emb),
            ("w1", &self.w1),
            ("b1", &self.b1),
            ("wc", &self.wc),
            ("bc", &self.bc),
            ("wo", &self.wo),
            ("bo", &self.bo),
        ]
    }

    pub fn groups_mut(&mut self) -> [(&'static str, &mut [f32]); 7] {
        [
            ("emb", &mut self.emb),
            ("w1", &mut self.w1),
            ("b1", &mut self.b1),
            ("wc", &mut self.wc),
            ("bc", &mut self.bc),
            ("wo", &mut self.wo),
            ("bo", &mut self.bo),
        ]
    }

    /// Parameter count: the padding of `wo` (all of it but its `H x V`
    /// token columns, `H = b1.len()`, `V = bo.len()`) left out.
    pub fn count(&self) -> usize {
        self.stored() - (self.wo.len() - self.b1.len() * self.bo.len())
    }

    /// Floats in the groups, padding included (what an optimizer's state covers).
    pub fn stored(&self) -> usize {
        self.groups().iter().map(|(_, g)| g.len()).sum()
    }

    /// Same shapes, all zero (a gradient accumulator).
    pub fn zeros_like(&self) -> Self {
        let mut z = self.clone();
        for (_, g) in z.groups_mut() {
            g.fill(0.0);
        }
        z
    }
}

/// Activations and gradients of one sentence, position by position. Buffers
/// grow to the longest sentence seen and are reused: no allocation per token.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// Positions filled by the last forward pass.
    pub len: usize,
    /// `C` embedding rows read per position.
    ctx: Vec<u32>,
    /// `D` per position.
    x: Aligned,
    /// `H` per position.
    h: Aligned,
    /// `K` per position: class probabilities, then their logit gradients.
    gc: Aligned,
    /// `widest` rounded up to whole vectors (`padded`) per position, in
    /// `order` (slot `i` is position `order[i]`): probabilities within the
    /// target's class, then their logit gradients; what lies past the
    /// class's width is never used.
    gin: Aligned,
    /// `h` in `order`: `H` per slot.
    hs: Aligned,
    /// `H` per slot: the token logits' part of the gradient at `h`.
    dh: Aligned,
    /// Target class and index within it, per position.
    target: Vec<(u32, u32)>,
    /// The positions, sorted by target class (then position): the output
    /// layer works on a class's positions together.
    order: Vec<u32>,
    /// `H` per position: gradient at the hidden pre-activation.
    dpre: Aligned,
    /// `D` per position: gradient at the input.
    dx: Aligned,
    /// Scratch: one coefficient per position and output of a layer.
    coef: Aligned,
    /// `-ln P(t_p | context)` per position.
    pub nll: Vec<f64>,
}

/// The network: shapes, classes and weights.
#[derive(Clone, Debug)]
pub struct Net {
    pub shape: Shape,
    pub classes: Classes,
    pub w: Weights,
}

impl Net {
    pub fn new(shape: Shape, vocab: &Vocab, seed: u64) -> Self {
        let classes = Classes::new(vocab);
        let w = Weights::init(shape, &classes, seed);
        Net { shape, classes, w }
    }

    /// Fills `x` (and `ctx`) with the context of position `p` of `tokens`.
    #[inline(always)]
    fn gather(&self, tokens: &[Token], p: usize, ctx: &mut [u32], x: &mut [f32]) {
        let Shape { embedding: e, context: c, .. } = self.shape;
        for slot in 0..c {
            let back = c - slot;
            let row = if p >= back { tokens[p - back] as usize } else { self.shape.pad() };
            ctx[slot] = row as u32;
            copy_row(&mut x[slot * e..(slot + 1) * e], &self.w.emb[row * e..(row + 1) * e]);
        }
    }

    /// `h = tanh(W1 x + b1)` for the `n` inputs in `x` (`D` each) into `h`
    /// (`H` each): four rows of `W1` against four positions at a time, the
    /// last one to three positions together too.
    #[inline(always)]
    fn hidden_layer(&self, x: &[f32], n: usize, h: &mut [f32]) {
        let hw = self.shape.hidden;
        let mut j = 0;
        while j + 4 <= hw {
            self.hidden_rows::<4>(x, n, j, h);
            j += 4;
        }
        while j + 2 <= hw {
            self.hidden_rows::<2>(x, n, j, h);
            j += 2;
        }
        if j < hw {
            self.hidden_rows::<1>(x, n, j, h);
        }
        tanh_in_place(&mut h[..n * hw]);
    }

    /// `W1 x + b1` for the `R` hidden units from `j` at all `n` positions.
    #[inline(always)]
    fn hidden_rows<const R: usize>(&self, x: &[f32], n: usize, j: usize, h: &mut [f32]) {
        let mut p = 0;
        while p + 4 <= n {
            self.hidden_block::<R, 4>(x, p, j, h);
            p += 4;
        }
        match n - p {
            3 => self.hidden_block::<R, 3>(x, p, j, h),
            2 => self.hidden_block::<R, 2>(x, p, j, h),
            1 => self.hidden_block::<R, 1>(x, p, j, h),
            _ => {}
        }
    }

    /// `W1 x + b1` for the `R` hidden units from `j` at the `Q` positions from `p`.
    #[inline(always)]
    fn hidden_block<const R: usize, const Q: usize>(&self, x: &[f32], p: usize, j: usize, h: &mut [f32]) {
        let (hw, d) = (self.shape.hidden, self.shape.input());
        let rows: [&[f32]; R] = slices(
            #[inline(always)]
            |r| &self.w.w1[(j + r) * d..(j + r + 1) * d],
        );
        let inputs: [&[f32]; Q] = slices(
            #[inline(always)]
            |q| &x[(p + q) * d..(p + q + 1) * d],
        );
        biased_dots(rows, inputs, &self.w.b1[j..j + R], &mut h[p * hw + j..], hw);
    }

    /// Class logits `Wc h + bc` into `out` (`K`): `dot`'s sums, eight rows
    /// of `Wc` at a time (`dots`), then four, two, one.
    #[inline(always)]
    fn class_logits(&self, h: &[f32], out: &mut [f32]) {
        let k = out.len();
        let mut r = 0;
        while r + 8 <= k {
            self.class_block::<8>(h, r, out);
            r += 8;
        }
        for width in [4, 2, 1] {
            if r + width <= k {
                match width {
                    4 => self.class_block::<4>(h, r, out),
                    2 => self.class_block::<2>(h, r, out),
                    _ => self.class_block::<1>(h, r, out),
                }
                r += width;
            }
        }
    }

    /// `out[r + q] = bc[r + q] + Wc[r + q] · h` for `q < Q`.
    #[inline(always)]
    fn class_block<const Q: usize>(&self, h: &[f32], r: usize, out: &mut [f32]) {
        let hw = self.shape.hidden;
        let rows: [&[f32]; Q] = slices(
            #[inline(always)]
            |q| &self.w.wc[(r + q) * hw..(r + q + 1) * hw],
        );
        let [sums] = dots([h], rows);
        for (q, sum) in sums.into_iter().enumerate() {
            out[r + q] = self.w.bc[r + q] + sum;
        }
    }

    /// Token logits `Wo h + bo` of the class `[s, e)` into `out` (`e - s`):
    /// each row of the class's columns read to its padding (`padded(e - s)`
    /// wide), which the padded kernel reads and ignores.
    #[inline(always)]
    fn token_logits(&self, h: &[f32], (s, e): (usize, usize), out: &mut [f32]) {
        let (vp, c, wp) =
            (self.classes.columns, self.classes.starts[self.classes.of[s] as usize], padded(e - s));
        out.copy_from_slice(&self.w.bo[s..e]);
        axpy_rows_padded(
            out,
            h,
            #[inline(always)]
            |j| &self.w.wo[j * vp + c..j * vp + c + wp],
        );
    }

    /// Forward pass over a sentence: fills `trace` and `trace.nll`.
    #[cfg(test)]
    #[inline(always)]
    pub fn forward(&self, tokens: &[Token], trace: &mut Trace) {
        self.forward_hidden(tokens, trace);
        self.forward_output(tokens, trace);
    }

    /// First half of `forward`: inputs and hidden layer at every position.
    #[inline(always)]
    pub fn forward_hidden(&self, tokens: &[Token], trace: &mut Trace) {
        let n = tokens.len();
        let Shape { hidden: hw, context: c, .. } = self.shape;
        let (d, k, m) = (self.shape.input(), self.classes.count(), padded(self.classes.widest));
        if trace.target.len() < n {
            trace.ctx.resize(n * c, 0);
            trace.x.resize(n * d, 0.0);
            trace.h.resize(n * hw, 0.0);
            trace.gc.resize(n * k, 0.0);
            trace.gin.resize(n * m, 0.0);
            trace.hs.resize(n * hw, 0.0);
            trace.dh.resize(n * hw, 0.0);
            trace.target.resize(n, (0, 0));
            trace.dpre.resize(n * hw, 0.0);
            trace.dx.resize(n * d, 0.0);
            trace.coef.resize(n * hw.max(k).max(1), 0.0);
            trace.nll.resize(n, 0.0);
        }
        trace.len = n;
        for p in 0..n {
            self.gather(tokens, p, &mut trace.ctx[p * c..(p + 1) * c], &mut trace.x[p * d..(p + 1) * d]);
        }
        self.hidden_layer(&trace.x, n, &mut trace.h);
    }

    /// Second half of `forward`: the two-level softmax at every position.
    /// The token logits of a class's positions are computed together, each
    /// row of `Wo` loaded once for all of them (`add_products_strided`);
    /// each logit still receives `bo` and then its `H` terms in order, as in
    /// `token_logits`.
    #[inline(always)]
    pub fn forward_output(&self, tokens: &[Token], trace: &mut Trace) {
        let (vp, hw) = (self.classes.columns, self.shape.hidden);
        let (k, m) = (self.classes.count(), padded(self.classes.widest));
        let n = trace.len;
        let Trace { h, hs, gc, gin, target, order, nll, .. } = trace;
        let class_of = |p: u32| self.classes.of[tokens[p as usize] as usize];
        order.clear();
        order.extend(0..n as u32);
        order.sort_unstable_by_key(|&p| (class_of(p), p));
        for (i, &p) in order.iter().enumerate() {
            let p = p as usize;
            hs[i * hw..(i + 1) * hw].copy_from_slice(&h[p * hw..(p + 1) * hw]);
        }
        for (class, slots) in class_runs(order, class_of) {
            let ((s, e), c) = (self.classes.ranges[class as usize], self.classes.starts[class as usize]);
            for i in slots.clone() {
                gin[i * m..i * m + (e - s)].copy_from_slice(&self.w.bo[s..e]);
            }
            add_products_strided(
                &mut gin[slots.start * m..],
                m,
                (slots.len(), e - s),
                &hs[slots.start * hw..slots.end * hw],
                #[inline(always)]
                |j| &self.w.wo[j * vp + c..],
            );
        }
        for (i, &p) in order.iter().enumerate() {
            let p = p as usize;
            let gc = &mut gc[p * k..(p + 1) * k];
            // The class logits are computed here rather than in a closure
            // handed to `token_loss`: a closure's body is compiled on its
            // own, without the instruction set this pass is built for.
            self.class_logits(&h[p * hw..(p + 1) * hw], gc);
            (target[p], nll[p]) =
                self.classes.token_loss(tokens[p], gc, &mut gin[i * m..(i + 1) * m], |_| {}, |_, _| {});
        }
    }

    /// Backward pass after `forward`: turns the stored probabilities into
    /// logit gradients of `Σ_p -ln P(t_p)` and fills the hidden and input
    /// gradients. Reads the weights, writes only `trace`.
    #[cfg(test)]
    #[inline(always)]
    pub fn backward(&self, trace: &mut Trace) {
        self.backward_output(trace);
        self.backward_hidden(trace);
    }

    /// First half of `backward`: logit gradients and the gradient at the
    /// hidden pre-activation. The token logits' part of the latter is
    /// computed for a class's positions together (`dots_strided`, each row of
    /// `Wo` read once into cache for all of them); each element still
    /// receives the class part, then the token part, then the `tanh` factor.
    #[inline(always)]
    pub fn backward_output(&self, trace: &mut Trace) {
        let (vp, hw) = (self.classes.columns, self.shape.hidden);
        let (k, m) = (self.classes.count(), padded(self.classes.widest));
        let n = trace.len;
        let Trace { h, gc, gin, dh, target, order, dpre, .. } = trace;
        for (i, &p) in order[..n].iter().enumerate() {
            let (class, idx) = target[p as usize];
            gc[p as usize * k + class as usize] -= 1.0;
            gin[i * m + idx as usize] -= 1.0;
        }
        let target = &*target;
        for (class, slots) in class_runs(&order[..n], |p| target[p as usize].0) {
            let ((s, e), c) = (self.classes.ranges[class as usize], self.classes.starts[class as usize]);
            let (first, len) = (slots.start, slots.len());
            dots_strided(&mut dh[first * hw..], (len, hw), &gin[first * m..], m, e - s, &self.w.wo[c..], vp);
        }
        for (i, &p) in order[..n].iter().enumerate() {
            let p = p as usize;
            let dpre = &mut dpre[p * hw..(p + 1) * hw];
            dpre.fill(0.0);
            axpy_rows(
                dpre,
                &gc[p * k..(p + 1) * k],
                #[inline(always)]
                |r| &self.w.wc[r * hw..(r + 1) * hw],
            );
            for ((g, &d), &hj) in dpre.iter_mut().zip(&dh[i * hw..(i + 1) * hw]).zip(&h[p * hw..(p + 1) * hw])
            {
                *g = (*g + d) * (1.0 - hj * hj);
            }
        }
    }

    /// Second half of `backward`: the gradient at the input embeddings,
    /// `dx_p = Σ_j dpre_p[j] W1_j` (`add_products`: several positions at a
    /// time, each row of `W1` loaded once for them).
    #[inline(always)]
    pub fn backward_hidden(&self, trace: &mut Trace) {
        let (n, hw, d) = (trace.len, self.shape.hidden, self.shape.input());
        products(&mut trace.dx[..n * d], d, &trace.dpre[..n * hw], &self.w.w1, Fallback::ManyRows);
    }

    /// Adds `scale` times the gradient held in `trace` (after `backward`) to
    /// the weights: `scale = -learning_rate` is one SGD step on the sentence.
    /// Each weight receives its positions' terms in position order.
    #[cfg(test)]
    #[inline(always)]
    pub fn apply(&mut self, trace: &mut Trace, scale: f32) {
        self.apply_output(trace, scale);
        self.apply_hidden(trace, scale);
    }

    /// The output layer's part of `apply`.
    #[inline(always)]
    pub fn apply_output(&mut self, trace: &mut Trace, scale: f32) {
        let Net { shape, classes, w } = self;
        add_output(shape, classes, w, trace, scale);
    }

    /// The hidden layer's and the embeddings' part of `apply`.
    #[inline(always)]
    pub fn apply_hidden(&mut self, trace: &mut Trace, scale: f32) {
        add_hidden(&self.shape, &mut self.w, trace, scale);
    }

    /// Adds `scale` times the sentence's gradient (after `backward`) to `into`
    /// instead of the weights (a batch's gradient accumulator).
    #[inline(always)]
    pub fn accumulate(&self, trace: &mut Trace, into: &mut Weights, scale: f32) {
        add_output(&self.shape, &self.classes, into, trace, scale);
        add_hidden(&self.shape, into, trace, scale);
    }

    /// Floating-point operations of one training pass (forward, backward and
    /// SGD step) over `tokens`, counted from the layer shapes: every
    /// multiply-add of the matrix products as two, i.e. per token `6HD` (the
    /// hidden layer forward, its input gradient, its update), `6KH` (the class
    /// layer's three), `6Hw` (the target class's `w` token columns' three) and
    /// `2D` (the embedding update). Exp, tanh, the softmax normalizations and
    /// the bias terms are left out (under 2% of the count at the default size).
    pub fn training_flops(&self, tokens: &[Token]) -> u64 {
        let Shape { hidden: hw, .. } = self.shape;
        let (d, k) = (self.shape.input() as u64, self.classes.count() as u64);
        let h = hw as u64;
        tokens
            .iter()
            .map(|&t| {
                let (s, e) = self.classes.ranges[self.classes.of[t as usize] as usize];
                6 * h * d + 6 * k * h + 6 * h * (e - s) as u64 + 2 * d
            })
            .sum()
    }

    /// The next-token distribution after `prefix` (a sentence's first
    /// tokens), over the whole vocabulary.
    #[inline(always)]
    pub fn distribution(&self, prefix: &[Token]) -> Vec<f64> {
        let Shape { vocab: v, hidden: hw, context: c, .. } = self.shape;
        let mut ctx = vec![0u32; c];
        let mut x = vec![0f32; self.shape.input()];
        let mut h = vec![0f32; hw];
        self.gather(prefix, prefix.len(), &mut ctx, &mut x);
        self.hidden_layer(&x, 1, &mut h);
        let mut pc = vec![0f32; self.classes.count()];
        self.class_logits(&h, &mut pc);
        self.classes.distribution(
            pc,
            v,
            #[inline(always)]
            |range, out| self.token_logits(&h, range, out),
        )
    }
}

/// `dst = src` (equal lengths), sixteen elements per copy: an embedding row
/// is a few vectors, and `copy_from_slice` of a length unknown at compile
/// time is a call to `memcpy` per row.
#[inline(always)]
fn copy_row(dst: &mut [f32], src: &[f32]) {
    let mut d = dst.chunks_exact_mut(16);
    let mut s = src.chunks_exact(16);
    for (d, s) in (&mut d).zip(&mut s) {
        let (d, s): (&mut [f32; 16], &[f32; 16]) = (d.try_into().unwrap(), s.try_into().unwrap());
        *d = *s;
    }
    for (d, s) in d.into_remainder().iter_mut().zip(s.remainder()) {
        *d = *s;
    }
}

/// `w += scale x` the output layer's gradient held in `trace`; each weight
/// receives its positions' terms in position order.
#[inline(always)]
fn add_output(shape: &Shape, classes: &Classes, w: &mut Weights, trace: &mut Trace, scale: f32) {
    let (vp, hw) = (classes.columns, shape.hidden);
    let (k, m) = (classes.count(), padded(classes.widest));
    let n = trace.len;
    let Trace { h, hs, gc, gin, target, order, coef, .. } = trace;
    add_dense(&mut w.wc, &mut w.bc, &gc[..n * k], &h[..n * hw], coef, scale);
    for (class, slots) in class_runs(&order[..n], |p| target[p as usize].0) {
        let ((s, e), c) = (classes.ranges[class as usize], classes.starts[class as usize]);
        let (first, len) = (slots.start, slots.len());
        // The coefficients `scale h_p[j]`, position by position (term by
        // term) as `hs` holds them; each position's gradient read up to the
        // padded width (its slot is `m` long).
        let coef = &mut coef[..hw * len];
        for (c, &hj) in coef.iter_mut().zip(&hs[first * hw..(first + len) * hw]) {
            *c = scale * hj;
        }
        let grad = {
            #[inline(always)]
            |i: usize| &gin[(first + i) * m..(first + i + 1) * m]
        };
        if !add_products_strided_by_term(&mut w.wo[c..], vp, (hw, e - s), coef, grad) {
            // Without AVX-512: hidden unit by hidden unit.
            for (i, h) in hs[first * hw..(first + len) * hw].chunks_exact(hw).enumerate() {
                for (j, &hj) in h.iter().enumerate() {
                    coef[j * len + i] = scale * hj;
                }
            }
            add_products_strided(&mut w.wo[c..], vp, (hw, e - s), coef, grad);
        }
        for i in slots {
            axpy(&mut w.bo[s..e], scale, &gin[i * m..i * m + (e - s)]);
        }
    }
}

/// The runs of positions that share a class in `order` (the positions
/// sorted by class): each run's class and its slots, `first..first + len`.
#[inline(always)]
fn class_runs<'a>(
    order: &'a [u32],
    class_of: impl Fn(u32) -> u32 + Copy + 'a,
) -> impl Iterator<Item = (u32, std::ops::Range<usize>)> + 'a {
    let mut first = 0;
    order.chunk_by(move |&a, &b| class_of(a) == class_of(b)).map(move |run| {
        let slots = first..first + run.len();
        first = slots.end;
        (class_of(run[0]), slots)
    })
}

/// `weights += scale Σ_p grad_p input_p^T` and `bias += scale Σ_p grad_p` for
/// a dense layer (`weights` row-major, one row per output), from the `n`
/// positions' output gradients `grad` and inputs `input` (position-major);
/// each weight receives its positions' terms in position order. `coef`
/// (at least `n` times the outputs long) is scratch: the coefficients
/// `scale grad_p[r]`.
#[inline(always)]
fn add_dense(
    weights: &mut [f32],
    bias: &mut [f32],
    grad: &[f32],
    input: &[f32],
    coef: &mut [f32],
    scale: f32,
) {
    let outputs = bias.len();
    let n = grad.len() / outputs;
    if n == 0 {
        return;
    }
    let width = input.len() / n;
    let (coef, grad) = (&mut coef[..outputs * n], &grad[..n * outputs]);
    // The coefficients position by position (one contiguous product), each
    // bias receiving its positions' terms in order.
    for (c, &g) in coef.iter_mut().zip(grad) {
        *c = scale * g;
    }
    for c in coef.chunks_exact(outputs) {
        for (b, &c) in bias.iter_mut().zip(c) {
            *b += c;
        }
    }
    let weights = &mut weights[..outputs * width];
    if !add_products_by_term(weights, width, coef, &input[..n * width]) {
        for (r, coef) in coef.chunks_exact_mut(n).enumerate() {
            for (p, c) in coef.iter_mut().enumerate() {
                *c = scale * grad[p * outputs + r];
            }
        }
        add_products(weights, width, coef, &input[..n * width], Fallback::RowByRow);
    }
}

/// `w += scale x` the hidden layer's and the embeddings' gradient held in `trace`.
#[inline(always)]
fn add_hidden(shape: &Shape, w: &mut Weights, trace: &mut Trace, scale: f32) {
    let Shape { embedding: ew, hidden: hw, context: c, .. } = *shape;
    let d = shape.input();
    let n = trace.len;
    let Trace { x, dpre, coef, ctx, dx, .. } = trace;
    add_dense(&mut w.w1, &mut w.b1, &dpre[..n * hw], &x[..n * d], coef, scale);
    for p in 0..n {
        for slot in 0..c {
            let row = ctx[p * c + slot] as usize;
            let dx = &dx[p * d + slot * ew..p * d + (slot + 1) * ew];
            add_scaled_row(&mut w.emb[row * ew..(row + 1) * ew], scale, dx);
        }
    }
}

/// `y += alpha x` (equal lengths) sixteen elements at a time, as `axpy`
/// rounds: an embedding row is a few vectors, shorter than the compiled
/// `axpy`'s unrolled loop, which then ran its element-by-element remainder.
#[inline(always)]
fn add_scaled_row(y: &mut [f32], alpha: f32, x: &[f32]) {
    let mut ys = y.chunks_exact_mut(16);
    let mut xs = x.chunks_exact(16);
    for (y, x) in (&mut ys).zip(&mut xs) {
        let (y, x): (&mut [f32; 16], &[f32; 16]) = (y.try_into().unwrap(), x.try_into().unwrap());
        // Through a copy in registers: updated in place, the loop was left scalar.
        let mut acc = *y;
        for l in 0..16 {
            acc[l] = alpha.mul_add(x[l], acc[l]);
        }
        *y = acc;
    }
    axpy(ys.into_remainder(), alpha, xs.remainder());
}
