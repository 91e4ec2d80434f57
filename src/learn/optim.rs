//! The optimizer shared by the network learners (`neural`, `transformer`):
//! plain SGD or Adam with decoupled weight decay (AdamW), a linear warmup of
//! the step size, and the batch: gradients of `batch` sentences are summed
//! and their mean taken as one step.
//!
//! The parameters are handed over as groups of `(weights, gradient, decay)`
//! slices, always in the same order; Adam's moments live here, one flat
//! array over the groups in that order. Every update is a fixed sequence of
//! f32 operations per weight (no fused multiply-add), so a seeded run gives
//! the same weights on every machine. Adam updates every weight at every
//! step, also those whose gradient is zero this batch (their moments decay),
//! as the usual dense implementations do: a rarely used embedding row keeps
//! moving for a few steps after its sentence on its first moment, with a
//! step normalized by its own small second moment.

use crate::config::LearnerConfig;
use crate::config::preset::OptimizerKind;

/// Adam's first-moment decay.
pub const BETA1: f32 = 0.9;
/// Adam's second-moment decay (0.99, as usual for small models trained on
/// short runs: the normalization follows the gradient scale within ~100 steps).
pub const BETA2: f32 = 0.99;
/// Adam's denominator guard.
pub const EPSILON: f32 = 1e-8;

/// Settings read from a `[[learner]]` table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    pub kind: OptimizerKind,
    pub learning_rate: f32,
    /// Sentences per step.
    pub batch: u32,
    /// Sentences over which the step rises linearly to `learning_rate`.
    pub warmup: u64,
    pub weight_decay: f32,
}

impl Settings {
    pub fn from_config(cfg: &LearnerConfig) -> Self {
        Settings {
            kind: cfg.optimizer(),
            learning_rate: cfg.learning_rate as f32,
            batch: cfg.batch().max(1),
            warmup: cfg.warmup(),
            weight_decay: cfg.weight_decay() as f32,
        }
    }

    /// The step size after `sentences` sentences (warmup rises linearly and
    /// reaches `learning_rate` at `warmup`).
    pub fn step_size(&self, sentences: u64) -> f32 {
        if self.warmup == 0 || sentences >= self.warmup {
            self.learning_rate
        } else {
            (self.learning_rate as f64 * (sentences + 1) as f64 / self.warmup as f64) as f32
        }
    }

    /// Whether a sentence's gradient can be added straight into the weights
    /// (SGD, one sentence per step, no decay): no gradient buffer needed.
    pub fn fused_sgd(&self) -> bool {
        self.kind == OptimizerKind::Sgd && self.batch == 1 && self.weight_decay == 0.0
    }
}

/// One parameter group: weights, their summed gradient, and whether weight
/// decay applies.
pub struct Group<'a> {
    pub weights: &'a mut [f32],
    pub grad: &'a [f32],
    pub decay: bool,
}

/// The optimizer's state: the step count and Adam's moments.
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub settings: Settings,
    steps: u64,
    m: Vec<f32>,
    v: Vec<f32>,
}

impl Optimizer {
    /// State for `params` weights.
    pub fn new(settings: Settings, params: usize) -> Self {
        let moments = if settings.kind == OptimizerKind::Adam { params } else { 0 };
        Optimizer { settings, steps: 0, m: vec![0.0; moments], v: vec![0.0; moments] }
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// One step on the groups (in the same order every call; together they
    /// hold the `params` weights). `sentences` is how many sentences the
    /// learner has seen (for the warmup); each gradient is the sum over
    /// `in_batch` sentences and is divided by it.
    pub fn step<'a>(&mut self, groups: impl IntoIterator<Item = Group<'a>>, sentences: u64, in_batch: u32) {
        self.steps += 1;
        let lr = self.settings.step_size(sentences);
        let mean = 1.0 / in_batch.max(1) as f32;
        let decay = 1.0 - lr * self.settings.weight_decay;
        match self.settings.kind {
            OptimizerKind::Sgd => {
                let scale = -lr * mean;
                for g in groups {
                    if g.decay && self.settings.weight_decay > 0.0 {
                        g.weights.iter_mut().for_each(|w| *w *= decay);
                    }
                    for (w, &d) in g.weights.iter_mut().zip(g.grad) {
                        *w += scale * d;
                    }
                }
            }
            OptimizerKind::Adam => {
                let t = self.steps.min(1 << 20) as i32;
                // Bias corrections of the moments (computed in f64 once per step).
                let c1 = (1.0 - (BETA1 as f64).powi(t)) as f32;
                let c2 = (1.0 - (BETA2 as f64).powi(t)) as f32;
                let step = lr / c1;
                let root_c2 = c2.sqrt();
                let mut at = 0;
                for g in groups {
                    let n = g.weights.len();
                    let (m, v) = (&mut self.m[at..at + n], &mut self.v[at..at + n]);
                    at += n;
                    let d = if g.decay { decay } else { 1.0 };
                    adam_update(g.weights, g.grad, m, v, mean, step, root_c2, d);
                }
                debug_assert_eq!(at, self.m.len(), "groups must cover every weight");
            }
        }
    }
}

/// `m = b1 m + (1-b1) g`, `v = b2 v + (1-b2) g²`, `w = d w - step m / (sqrt(v)/sqrt(c2) + eps)`
/// over one group, `g` the mean gradient.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn adam_update(
    w: &mut [f32],
    grad: &[f32],
    m: &mut [f32],
    v: &mut [f32],
    mean: f32,
    step: f32,
    root_c2: f32,
    decay: f32,
) {
    for i in 0..w.len() {
        let g = grad[i] * mean;
        m[i] = BETA1 * m[i] + (1.0 - BETA1) * g;
        v[i] = BETA2 * v[i] + (1.0 - BETA2) * (g * g);
        w[i] = decay * w[i] - step * m[i] / (v[i].sqrt() / root_c2 + EPSILON);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(kind: OptimizerKind) -> Settings {
        Settings { kind, learning_rate: 0.1, batch: 2, warmup: 0, weight_decay: 0.0 }
    }

    #[test]
    fn sgd_steps_against_the_mean_gradient() {
        let mut w = vec![1.0f32, -2.0];
        let mut o = Optimizer::new(settings(OptimizerKind::Sgd), 2);
        o.step([Group { weights: &mut w, grad: &[4.0, -2.0], decay: true }], 10, 2);
        assert_eq!(w, vec![1.0 - 0.1 * 2.0, -2.0 + 0.1 * 1.0]);
    }

    #[test]
    fn adam_first_step_moves_each_weight_by_the_step_size() {
        // After one step the bias-corrected m / sqrt(v) is sign(g): every
        // weight moves by lr whatever its gradient's size.
        let mut w = vec![0.0f32; 3];
        let mut o = Optimizer::new(settings(OptimizerKind::Adam), 3);
        o.step([Group { weights: &mut w, grad: &[1e-3, -50.0, 2.0], decay: false }], 10, 1);
        for (x, want) in w.iter().zip([-0.1f32, 0.1, -0.1]) {
            assert!((x - want).abs() < 1e-5, "{w:?}");
        }
        // A zero gradient still moves on the first moment.
        let before = w.clone();
        o.step([Group { weights: &mut w, grad: &[0.0; 3], decay: false }], 11, 1);
        assert!(w.iter().zip(&before).all(|(a, b)| a != b), "{w:?}");
    }

    #[test]
    fn warmup_rises_linearly_and_decay_shrinks_weights() {
        let s = Settings { warmup: 100, ..settings(OptimizerKind::Sgd) };
        assert!((s.step_size(49) - 0.05).abs() < 1e-7);
        assert_eq!(s.step_size(100), 0.1);
        let s = Settings { weight_decay: 0.5, ..settings(OptimizerKind::Sgd) };
        let mut w = vec![2.0f32];
        let mut o = Optimizer::new(s, 1);
        o.step([Group { weights: &mut w, grad: &[0.0], decay: true }], 0, 1);
        assert!((w[0] - 2.0 * (1.0 - 0.05)).abs() < 1e-6);
        let mut b = vec![2.0f32];
        o.step([Group { weights: &mut b, grad: &[0.0], decay: false }], 0, 1);
        assert_eq!(b[0], 2.0);
    }
}
