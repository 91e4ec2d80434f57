//! The transformer learner (issue 13): a small decoder-only transformer —
//! the model class real LLMs belong to — trained online on the sentence
//! stream beside the MLP learner (`neural`), the Bayes learner and the
//! theory.
//!
//! # Architecture
//! Token and position embeddings, `layers` pre-norm blocks of causal
//! multi-head self-attention (`heads` heads over the last `context` inputs)
//! and a GELU MLP of width `4 width`, residual connections, a final layer
//! norm and the MLP learner's two-level softmax over the vocabulary's token
//! blocks, so the bits are true code lengths `-log2 P(token | earlier
//! tokens of the sentence)` (`net`). Every sentence starts from a start
//! token; sentences are independent, as for the MLP.
//!
//! # Training
//! The loss of a sentence is the sum of its tokens' `-ln P`. Gradients are
//! summed over `batch` sentences and their mean is one step of the
//! optimizer (`learn::optim`: Adam with decoupled weight decay by default,
//! or SGD), with a linear warmup over `warmup` sentences. Scoring is
//! prequential: a sentence is scored with the weights before the step its
//! own gradient joins. Deterministic: weights drawn from `SkRng` with the
//! seed, every sum in a fixed order (`neural::kernels`).
//!
//! # Bits by part
//! As the MLP learner (`neural`, *Bits by part*): each token's bits go to
//! the part of its role, so the total is exact and template information
//! moves from syntax into the identity and fact parts.
//!
//! Size: every weight counts (`params`); `model_bits = 32 params` (f32).

pub mod net;

use crate::config::LearnerConfig;
use crate::config::LearnerKind;
use crate::learn::neural::aligned::Aligned;
use crate::learn::neural::kernels::avx2_fma;
use crate::learn::neural::{best_value, bits_by_role};
use crate::learn::optim::{Group, Optimizer, Settings};
use crate::learn::{Answer, Learner, Probe};
use crate::sk::{Bits, GeneratorParams, Sentence, Token, Vocab};
use net::{Net, Shape, Trace};

/// A next-token transformer trained online (see the module doc).
#[derive(Clone, Debug)]
pub struct TransformerLearner {
    name: String,
    net: Net,
    trace: Trace,
    /// The summed gradient of the sentences of the current batch.
    grad: Aligned,
    optimizer: Optimizer,
    /// Sentences in the current batch.
    in_batch: u32,
    sentences: u64,
    avx2: bool,
}

/// The longest sentence a generator makes: the longest frame (8 parts),
/// the name's extra syllables, the fillers and the end of sentence.
pub fn longest_sentence(p: &GeneratorParams) -> usize {
    8 + p.name_length.max(1) as usize - 1 + p.filler_slots as usize + 1
}

impl TransformerLearner {
    /// `vocab` gives the token count and blocks, `positions` the rows of the
    /// position embedding (`longest_sentence`), `seed` the initialization.
    pub fn new(name: &str, cfg: &LearnerConfig, vocab: &Vocab, positions: usize, seed: u64) -> Self {
        let heads = cfg.heads.max(1) as usize;
        let width = (cfg.width.max(1) as usize).div_ceil(heads) * heads;
        let shape = Shape {
            vocab: vocab.size() as usize,
            width,
            heads,
            layers: cfg.layers.max(1) as usize,
            context: cfg.context.max(1) as usize,
            positions: positions.max(1),
        };
        let net = Net::new(shape, vocab, seed);
        let params = net.w.len();
        TransformerLearner {
            name: name.into(),
            grad: Aligned::zeros(params),
            optimizer: Optimizer::new(Settings::from_config(cfg), params),
            net,
            trace: Trace::default(),
            in_batch: 0,
            sentences: 0,
            avx2: avx2_fma(),
        }
    }

    /// The network (for tests and the benchmark).
    pub fn net(&self) -> &Net {
        &self.net
    }

    /// The next-token distribution after `prefix` (the first tokens of a
    /// sentence), over the whole vocabulary: `P(t | prefix)` for every token
    /// id; compiled for AVX2 and FMA when the CPU has them, as `pass`.
    pub fn next_token_distribution(&self, prefix: &[Token]) -> Vec<f64> {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `avx2` is set only when the CPU reports AVX2 and FMA.
            return unsafe { distribution_avx2(&self.net, prefix) };
        }
        self.net.distribution(prefix)
    }

    /// Optimizer steps taken.
    pub fn steps(&self) -> u64 {
        self.optimizer.steps()
    }

    /// The bits of the last forward pass, by the roles of `s`'s tokens.
    fn bits_by_role(&self, s: &Sentence) -> Bits {
        bits_by_role(&self.trace.nll[..self.trace.len], &s.roles)
    }

    /// Forward over `tokens` and, when `learn`, backward into the batch
    /// gradient and a step when the batch is full; compiled for AVX2 and FMA
    /// when the CPU has them (same rounding either way).
    fn pass(&mut self, tokens: &[Token], learn: bool) {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `avx2` is set only when the CPU reports AVX2 and FMA.
            unsafe { pass_avx2(self, tokens, learn) };
            return;
        }
        pass_portable(self, tokens, learn);
    }
}

#[inline(always)]
fn pass_portable(l: &mut TransformerLearner, tokens: &[Token], learn: bool) {
    l.net.forward(tokens, &mut l.trace);
    if !learn {
        return;
    }
    l.net.backward(&mut l.trace, &mut l.grad);
    l.sentences += 1;
    l.in_batch += 1;
    if l.in_batch >= l.optimizer.settings.batch {
        let groups = split_groups(&mut l.net.w, &l.grad, &l.net.layout.groups);
        l.optimizer.step(groups, l.sentences - 1, l.in_batch);
        l.grad.fill(0.0);
        l.in_batch = 0;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn pass_avx2(l: &mut TransformerLearner, tokens: &[Token], learn: bool) {
    pass_portable(l, tokens, learn)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn distribution_avx2(net: &Net, prefix: &[Token]) -> Vec<f64> {
    net.distribution(prefix)
}

/// The optimizer's groups over the flat weights and gradient.
fn split_groups<'a>(
    mut w: &'a mut [f32],
    g: &'a [f32],
    groups: &'a [(String, std::ops::Range<usize>, bool)],
) -> impl Iterator<Item = Group<'a>> + 'a {
    groups.iter().map(move |(_, r, decay)| {
        let (head, tail) = std::mem::take(&mut w).split_at_mut(r.len());
        w = tail;
        Group { weights: head, grad: &g[r.clone()], decay: *decay }
    })
}

impl Learner for TransformerLearner {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> LearnerKind {
        LearnerKind::Transformer
    }

    fn score(&mut self, s: &Sentence) -> Bits {
        self.pass(&s.tokens, false);
        self.bits_by_role(s)
    }

    fn train(&mut self, s: &Sentence) {
        self.pass(&s.tokens, true);
    }

    fn observe(&mut self, s: &Sentence) -> Bits {
        self.pass(&s.tokens, true);
        self.bits_by_role(s)
    }

    /// The most probable of the attribute's value tokens after the prompt,
    /// with its probability under the full next-token distribution.
    fn probe(&self, p: &Probe) -> Answer {
        best_value(&self.next_token_distribution(&p.prompt), p)
    }

    fn model_bits(&self) -> f64 {
        32.0 * self.params() as f64
    }

    fn params(&self) -> u64 {
        self.net.w.len() as u64
    }

    fn sentences_seen(&self) -> u64 {
        self.sentences
    }
}

#[cfg(test)]
mod tests;
