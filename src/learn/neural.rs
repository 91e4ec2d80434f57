//! The neural learner (docs/theory.md, "The learners"): a small next-token language model
//! trained online by gradient descent on the sentence stream, the stand-in for a real LLM.
//!
//! # Architecture, and why
//! A Bengio-style MLP (Bengio et al. 2003): the embeddings of the `C`
//! previous tokens (`cfg.context`, padding before the sentence's first token;
//! every sentence is independent) are concatenated, passed through one tanh
//! layer of `cfg.hidden` units, and a two-level softmax gives the next token
//! (`net`). Why this shape:
//! - *Its context reaches the name.* Templates put at most a few tokens
//!   between the name and the value, so with `C = 8` the name's syllables are
//!   in the window when the value is predicted; the concatenation keeps each
//!   token's offset, so one layer can tell "the name two tokens back" from a
//!   filler.
//! - *Memorizing costs parameters.* There is no per-entity or per-fact table:
//!   a name is a conjunction of shared syllable embeddings and a fact must be
//!   written into the shared `W1` and output weights, so the number of facts
//!   stored grows with the width (model scaling of knowledge).
//! - *It is cheap and exact.* The output softmax over the whole vocabulary
//!   would dominate the cost; a class-based (two-level) softmax
//!   `P(t) = P(block(t)) P(t | block(t))` over the vocabulary's blocks
//!   (syntax tokens, name syllables, the values of each attribute) cuts it to
//!   `K + |block|` logits per token and is still a normalized distribution
//!   over every token, so the bits are true code lengths.
//!
//! Size: every weight counts (`params`); `model_bits = 32 params` (f32).
//!
//! # Training
//! By default one SGD step per sentence on the summed token losses
//! `Σ_p -ln P(t_p)` with step `cfg.learning_rate`, added straight into the
//! weights. With `optimizer = "adam"`, `batch > 1` or weight decay, the
//! sentence's gradient is added to the batch's instead and the shared
//! optimizer (`learn::optim`) steps on the batch mean; the default stays the
//! fused per-sentence SGD, bit for bit. `observe` runs the forward pass once,
//! reads the bits off it, then back-propagates: it equals `score` followed
//! by `train` exactly. Deterministic: the weights are drawn from `SkRng` with `seed`, and
//! the kernels round the same way on every instruction set (`kernels`).
//!
//! # Bits by part, and how they differ from the oracle's split
//! `score` codes every token with `-log2 P(token | context)` and adds it to
//! the part of the token's role: syntax tokens (literals, fillers, end of
//! sentence) to `syntax`, name tokens to `identity`, the value token to
//! `fact`. The total is the exact prequential code length of the sentence.
//! The split is not the oracle's (docs/theory.md, "The learners", *accounting pitfall*): the
//! oracle charges the template choice, which fixes *where* the name and the
//! value stand, to syntax, while a next-token model pays for "a name starts
//! here" and "a value comes here" inside the first name token and the value
//! token. Template information thus moves from the syntax part into the
//! identity and fact parts, so the syntax excess (learner minus oracle) can be
//! negative and the identity and fact excesses are inflated by the same
//! amount; only the total excess is exact. (The two-level softmax would allow
//! charging the block choice to syntax instead; sk-tui keeps the per-token
//! rule so every learner's parts mean the same thing token by token.)

pub(crate) mod aligned;
pub mod kernels;
pub(crate) mod net;

use crate::config::LearnerConfig;
use crate::config::LearnerKind;
use crate::learn::optim::{Group, Optimizer, Settings};
use crate::learn::{Answer, Learner, Probe};
use crate::sk::{Bits, Role, Sentence, Token, Vocab};
pub use kernels::Isa;
use net::{Net, Shape, Trace, Weights};
use std::time::{Duration, Instant};

/// Time spent in each phase of `observe` (see `NeuralLearner::observe_profiled`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepProfile {
    /// Gathering the context embeddings and the hidden layer.
    pub hidden_forward: Duration,
    /// The two-level softmax.
    pub output_forward: Duration,
    /// Logit gradients back to the hidden layer.
    pub output_backward: Duration,
    /// Hidden gradient back to the embeddings.
    pub hidden_backward: Duration,
    /// SGD step on the output weights.
    pub output_update: Duration,
    /// SGD step on the hidden weights and embeddings.
    pub hidden_update: Duration,
    /// Tokens processed.
    pub tokens: u64,
}

impl StepProfile {
    pub fn total(&self) -> Duration {
        self.hidden_forward
            + self.output_forward
            + self.output_backward
            + self.hidden_backward
            + self.output_update
            + self.hidden_update
    }

    /// Share of the time spent in the output layer (forward, backward, update).
    pub fn output_share(&self) -> f64 {
        (self.output_forward + self.output_backward + self.output_update).as_secs_f64()
            / self.total().as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

/// A next-token MLP language model trained online (see the module doc).
#[derive(Clone, Debug)]
pub struct NeuralLearner {
    name: String,
    net: Net,
    trace: Trace,
    optimizer: Optimizer,
    /// The batch's summed gradient, unless each sentence's SGD step is added
    /// straight into the weights (`Settings::fused_sgd`).
    grad: Option<Box<Weights>>,
    /// Sentences in the current batch.
    in_batch: u32,
    sentences: u64,
    /// The instruction set the passes are compiled for.
    isa: Isa,
}

impl NeuralLearner {
    /// `vocab` gives the token count and the value-token ranges; `seed` seeds
    /// the weight initialization.
    pub fn new(name: &str, cfg: &LearnerConfig, vocab: &Vocab, seed: u64) -> Self {
        let shape = Shape {
            vocab: vocab.size() as usize,
            embedding: cfg.embedding.max(1) as usize,
            hidden: cfg.hidden.max(1) as usize,
            context: cfg.context.max(1) as usize,
        };
        let net = Net::new(shape, vocab, seed);
        let settings = Settings::from_config(cfg);
        NeuralLearner {
            name: name.into(),
            optimizer: Optimizer::new(settings, net.w.stored()),
            grad: (!settings.fused_sgd()).then(|| Box::new(net.w.zeros_like())),
            net,
            trace: Trace::default(),
            in_batch: 0,
            sentences: 0,
            isa: Isa::detect(),
        }
    }

    /// The instruction set the passes run on.
    pub fn isa(&self) -> Isa {
        self.isa
    }

    /// Runs the passes on `isa` instead of the widest the CPU has (a
    /// narrower one for comparing results; a wider one than the CPU reports is ignored).
    pub fn with_isa(mut self, isa: Isa) -> Self {
        let widest = Isa::detect();
        self.isa = match (isa, widest) {
            (Isa::Avx512, Isa::Avx2 | Isa::Portable) | (Isa::Avx2, Isa::Portable) => widest,
            _ => isa,
        };
        self
    }

    /// The next-token distribution after `prefix` (the first tokens of a
    /// sentence), over the whole vocabulary: `P(t | prefix)` for every token
    /// id; compiled for the instruction set the passes run on (without FMA
    /// instructions, each fused multiply-add would be a library call).
    pub fn next_token_distribution(&self, prefix: &[Token]) -> Vec<f64> {
        match self.isa {
            // SAFETY: `isa` is never wider than what `Isa::detect` found on this CPU.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { distribution_avx512(&self.net, prefix) },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { distribution_avx2(&self.net, prefix) },
            _ => self.net.distribution(prefix),
        }
    }

    /// Floating-point operations of one training pass over `tokens`
    /// (see `net::Net::training_flops`), for the benchmark's fraction of peak.
    pub fn training_flops(&self, tokens: &[Token]) -> u64 {
        self.net.training_flops(tokens)
    }

    /// `observe`, timing each phase into `profile` (for the benchmark).
    pub fn observe_profiled(&mut self, s: &Sentence, profile: &mut StepProfile) -> Bits {
        self.pass(&s.tokens, true, Some(profile));
        self.sentences += 1;
        profile.tokens += s.tokens.len() as u64;
        self.bits_by_role(s)
    }

    /// The bits of the last forward pass, by the roles of `s`'s tokens.
    fn bits_by_role(&self, s: &Sentence) -> Bits {
        bits_by_role(&self.trace.nll[..self.trace.len], &s.roles)
    }

    /// The forward pass over `tokens` (bits in `trace.nll`), then, when
    /// `learn`, back-propagation and either the SGD step straight into the
    /// weights (`Settings::fused_sgd`, the original per-sentence SGD) or the
    /// gradient added to the batch's and, once the batch is full, an
    /// optimizer step; timing the phases into `profile` if given; compiled
    /// for the widest instruction set the CPU has (same rounding either way, see `kernels`).
    fn pass(&mut self, tokens: &[Token], learn: bool, profile: Option<&mut StepProfile>) {
        let update = match (&mut self.grad, learn) {
            (_, false) => Update::Score,
            (None, true) => Update::Fused(-self.optimizer.settings.step_size(self.sentences)),
            (Some(g), true) => Update::Accumulate(g),
        };
        let (net, trace) = (&mut self.net, &mut self.trace);
        match self.isa {
            // SAFETY: `isa` is never wider than what `Isa::detect` found on this CPU.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { pass_avx512(net, trace, tokens, update, profile) },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { pass_avx2(net, trace, tokens, update, profile) },
            _ => pass_portable(net, trace, tokens, update, profile),
        }
        if let (Some(grad), true) = (&mut self.grad, learn) {
            self.in_batch += 1;
            if self.in_batch >= self.optimizer.settings.batch {
                let groups =
                    self.net.w.groups_mut().into_iter().zip(grad.groups()).map(|((name, w), (_, g))| Group {
                        weights: w,
                        grad: g,
                        decay: !name.starts_with('b'),
                    });
                self.optimizer.step(groups, self.sentences, self.in_batch);
                for (_, g) in grad.groups_mut() {
                    g.fill(0.0);
                }
                self.in_batch = 0;
            }
        }
    }
}

/// What a pass does after the forward pass.
enum Update<'a> {
    /// Nothing: scoring only.
    Score,
    /// Adds this multiple of the gradient straight into the weights.
    Fused(f32),
    /// Adds the gradient to the batch's.
    Accumulate(&'a mut Weights),
}

/// Code lengths in nats per position, summed in bits by the tokens' roles
/// (shared by the network learners).
pub(crate) fn bits_by_role(nll: &[f64], roles: &[Role]) -> Bits {
    let mut b = Bits::default();
    for (&nll, &role) in nll.iter().zip(roles) {
        let bits = nll * std::f64::consts::LOG2_E;
        match role {
            Role::Syntax => b.syntax += bits,
            Role::Name => b.identity += bits,
            Role::Value => b.fact += bits,
        }
    }
    b
}

/// The most probable of a probe's value tokens in a next-token distribution
/// over the whole vocabulary, with its probability (not renormalized over
/// the values; shared by the network learners).
pub(crate) fn best_value(dist: &[f64], p: &Probe) -> Answer {
    let mut best = Answer { value: 0, prob: -1.0 };
    for v in 0..p.values {
        let prob = dist.get((p.value_token_base + v) as usize).copied().unwrap_or(0.0);
        if prob > best.prob {
            best = Answer { value: v, prob };
        }
    }
    best.prob = best.prob.max(0.0);
    best
}

/// Adds the time since the last lap to the phase `slot` of `profile`.
#[inline(always)]
fn lap(profile: &mut Option<(&mut StepProfile, Instant)>, slot: fn(&mut StepProfile) -> &mut Duration) {
    if let Some((p, clock)) = profile {
        let now = Instant::now();
        *slot(p) += now - *clock;
        *clock = now;
    }
}

#[inline(always)]
fn pass_portable(
    net: &mut Net,
    trace: &mut Trace,
    tokens: &[Token],
    update: Update<'_>,
    profile: Option<&mut StepProfile>,
) {
    let mut prof = profile.map(|p| (p, Instant::now()));
    net.forward_hidden(tokens, trace);
    lap(&mut prof, |p| &mut p.hidden_forward);
    net.forward_output(tokens, trace);
    lap(&mut prof, |p| &mut p.output_forward);
    if let Update::Score = update {
        return;
    }
    net.backward_output(trace);
    lap(&mut prof, |p| &mut p.output_backward);
    net.backward_hidden(trace);
    lap(&mut prof, |p| &mut p.hidden_backward);
    match update {
        Update::Fused(scale) => {
            net.apply_output(trace, scale);
            lap(&mut prof, |p| &mut p.output_update);
            net.apply_hidden(trace, scale);
            lap(&mut prof, |p| &mut p.hidden_update);
        }
        Update::Accumulate(grad) => {
            net.accumulate(trace, grad, 1.0);
            lap(&mut prof, |p| &mut p.output_update);
        }
        Update::Score => {}
    }
}

/// `pass_portable` and `Net::distribution` compiled for an instruction set
/// (the same operations, wider vectors).
macro_rules! pass_for {
    ($name:ident, $distribution:ident, $feature:literal) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $feature)]
        unsafe fn $name(
            net: &mut Net,
            trace: &mut Trace,
            tokens: &[Token],
            update: Update<'_>,
            profile: Option<&mut StepProfile>,
        ) {
            pass_portable(net, trace, tokens, update, profile)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $feature)]
        unsafe fn $distribution(net: &Net, prefix: &[Token]) -> Vec<f64> {
            net.distribution(prefix)
        }
    };
}
pass_for!(pass_avx2, distribution_avx2, "avx2,fma");
pass_for!(pass_avx512, distribution_avx512, "avx512f");

impl Learner for NeuralLearner {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> LearnerKind {
        LearnerKind::Neural
    }

    fn score(&mut self, s: &Sentence) -> Bits {
        self.pass(&s.tokens, false, None);
        self.bits_by_role(s)
    }

    fn train(&mut self, s: &Sentence) {
        self.pass(&s.tokens, true, None);
        self.sentences += 1;
    }

    fn observe(&mut self, s: &Sentence) -> Bits {
        self.pass(&s.tokens, true, None);
        self.sentences += 1;
        self.bits_by_role(s)
    }

    /// The most probable of the attribute's value tokens after the prompt,
    /// with its probability under the full next-token distribution (not
    /// renormalized over the values).
    fn probe(&self, p: &Probe) -> Answer {
        best_value(&self.next_token_distribution(&p.prompt), p)
    }

    fn model_bits(&self) -> f64 {
        32.0 * self.params() as f64
    }

    fn params(&self) -> u64 {
        self.net.w.count() as u64
    }

    fn sentences_seen(&self) -> u64 {
        self.sentences
    }
}

#[cfg(test)]
mod tests;
