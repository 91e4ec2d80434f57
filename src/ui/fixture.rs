//! A seeded, synthetic engine state for snapshot tests and benchmarks: the
//! `Update`s a run of the `default` preset (or `finetune`) would send, built
//! from the formulas of docs/theory.md plus deterministic noise. No engine, no clock:
//! the same call gives the same frames everywhere.

use std::time::Duration;

use crate::config::library::embedded_preset;
use crate::config::theme::{Theme, embedded_theme};
use crate::config::{LearnerKind, Preset};
use crate::engine::checkpoint::{Fits, TheoryPoint};
use crate::engine::{
    Checkpoint, ExponentFit, LearnerPoint, PartBits, Progress, RankBin, RunInfo, Sample, Update,
};
use crate::sk::Role;

use super::MarkerChoice;
use super::model::{Model, Msg, update};

/// splitmix64: a tiny, version-stable generator for the fixture's noise.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A factor `1 ± amount`.
    fn jitter(&mut self, amount: f64) -> f64 {
        1.0 + amount * (2.0 * self.next() - 1.0)
    }
}

fn preset(name: &str) -> (String, Preset) {
    match embedded_preset(name) {
        Some(p) => (p.name, p.preset),
        None => (name.into(), Preset::default()),
    }
}

fn rank_bins(k: u64) -> Vec<RankBin> {
    let mut out = Vec::new();
    let mut b = 0;
    while (1u64 << b) <= k {
        out.push(RankBin { lo: 1 << b, hi: ((1u64 << (b + 1)) - 1).min(k) });
        b += 1;
    }
    out
}

/// A learner's point at `n` sentences.
fn learner_point(
    preset: &Preset,
    i: usize,
    n: f64,
    bins: &[RankBin],
    noise: &mut Noise,
    new_bins: Option<(&[RankBin], f64)>,
) -> LearnerPoint {
    let g = &preset.generator;
    let l = &preset.learners[i];
    let alpha = g.alpha;
    let d = g.syntax_dimension() as f64;
    let tokens_per_sentence = 7.0 + g.name_length as f64;
    let syntax = d / (2.0 * n * std::f64::consts::LN_2) * noise.jitter(0.05);
    let mut fact = 40.0 * n.powf(-(1.0 - alpha)) * noise.jitter(0.04);
    let identity = 25.0 * n.powf(-(1.0 - alpha)) * noise.jitter(0.04);
    let item_bits = g.name_bits() + g.attributes as f64 * g.fact_bits();
    let r = match l.kind {
        LearnerKind::Capped => l.exposures as f64,
        _ => 1.0,
    };
    let mut frontier = (n / (r * g.attributes as f64 * 0.3)).powf(alpha);
    let mut model_bits = frontier.min(g.entities as f64) * item_bits;
    if let (LearnerKind::Capped, Some(budget)) = (l.kind, l.budget_bits) {
        let cap = budget / item_bits;
        if frontier > cap {
            frontier = cap;
            fact += 3.0 * (budget).powf(-(1.0 / alpha - 1.0)) * 1e3 * noise.jitter(0.05);
        }
        model_bits = model_bits.min(budget);
    }
    let memorize = |bins: &[RankBin], frontier: f64, noise: &mut Noise| -> Vec<f64> {
        bins.iter()
            .map(|b| {
                let mid = ((b.lo as f64) * (b.hi as f64)).sqrt();
                let z = (mid.log2() - frontier.max(0.5).log2()) * 1.3;
                (1.0 / (1.0 + z.exp()) + 0.03 * (noise.next() - 0.5)).clamp(0.0, 1.0)
            })
            .collect()
    };
    let memorized = memorize(bins, frontier, noise);
    let memorized_new = new_bins.map(|(nb, m)| memorize(nb, (m / (r * 12.0)).powf(alpha), noise));
    let excess_sentence = syntax + identity + fact;
    let entropy_per_token = 2.1;
    LearnerPoint {
        name: l.name.clone(),
        kind: l.kind,
        model_bits: model_bits.max(1.0) + d * 8.0,
        params: 0,
        sentences_seen: n as u64,
        window_sentences: (n * 0.2) as u64,
        sentences_dropped: 0,
        loss_bits_per_token: entropy_per_token + excess_sentence / tokens_per_sentence,
        excess_bits_per_token: excess_sentence / tokens_per_sentence,
        excess_bits_per_sentence: excess_sentence,
        excess_by_part: PartBits { syntax, identity, fact },
        cumulative_data_bits: (entropy_per_token + excess_sentence / tokens_per_sentence)
            * tokens_per_sentence
            * n,
        phase_data_bits: (entropy_per_token + excess_sentence / tokens_per_sentence)
            * tokens_per_sentence
            * n,
        known: memorized.iter().map(|m| (m - 1.0 / 64.0) / (1.0 - 1.0 / 64.0)).collect(),
        known_new: memorized_new
            .as_ref()
            .map(|v| v.iter().map(|m| (m - 1.0 / 64.0) / (1.0 - 1.0 / 64.0)).collect()),
        knowledge_bits: model_bits.max(1.0) * 0.8,
        stale_answers: None,
        expected_fact_excess: None,
        memorized,
        memorized_new,
        error_rate: 0.5 * noise.next(),
        confident_error_rate: 0.1 * noise.next(),
        data_exponent: (n > 1e3).then(|| ExponentFit {
            value: (1.0 - alpha) * noise.jitter(0.08) * if l.kind == LearnerKind::Capped { 0.7 } else { 1.0 },
            stderr: 0.02 + 0.01 * noise.next(),
            from: 1e3,
            to: n,
        }),
        frontier_exposures: None,
        frontier_exponent: None,
    }
}

const NAMES: [&str; 8] =
    ["Kavoshi", "Tirelu", "Moraband", "Quenzi", "Belatok", "Sorimu", "Fadrel", "Ulvenko"];
const VALUES: [&str; 6] = ["bazo", "keltrin", "ombe", "sura", "dravik", "lute"];
const ATTRS: [&str; 4] = ["color", "home", "trade", "guild"];

fn samples(count: usize, learners: usize, noise: &mut Noise) -> Vec<Sample> {
    (0..count)
        .map(|i| {
            let name = NAMES[i % NAMES.len()];
            let value = VALUES[(i * 5 + 1) % VALUES.len()];
            let attr = ATTRS[i % ATTRS.len()];
            let words: Vec<(String, Role)> = match i % 3 {
                0 => vec![
                    ("the", Role::Syntax),
                    (attr, Role::Syntax),
                    ("of", Role::Syntax),
                    (name, Role::Name),
                    ("is", Role::Syntax),
                    (value, Role::Value),
                    (".", Role::Syntax),
                ],
                1 => vec![
                    (name, Role::Name),
                    ("keeps", Role::Syntax),
                    ("a", Role::Syntax),
                    (value, Role::Value),
                    (attr, Role::Syntax),
                    ("indeed", Role::Syntax),
                    (".", Role::Syntax),
                ],
                _ => vec![
                    ("they", Role::Syntax),
                    ("say", Role::Syntax),
                    (name, Role::Name),
                    ("has", Role::Syntax),
                    (attr, Role::Syntax),
                    (value, Role::Value),
                    (".", Role::Syntax),
                ],
            }
            .into_iter()
            .map(|(w, r)| (w.to_string(), r))
            .collect();
            let rank = (noise.next().powf(3.0) * 5e4) as u64 + 1;
            Sample {
                words,
                fact: format!("{name} · {attr} = {value}"),
                rank,
                wrong: (0..learners).map(|l| rank > 200 * (l as u64 + 1) && noise.next() < 0.7).collect(),
            }
        })
        .collect()
}

/// The updates of a run of `preset_name` up to `sentences`, with
/// `checkpoints_per_decade` log-spaced checkpoints; a `finetune` preset
/// gets a fine-tuning phase from `sentences / 2` on.
pub fn updates(preset_name: &str, sentences: u64, seed: u64) -> Vec<Update> {
    let (name, preset) = preset(preset_name);
    let mut noise = Noise(seed);
    let g = &preset.generator;
    let bins = rank_bins(g.entities);
    let fine_tune_at = (!preset.phases.is_empty()).then_some(sentences as f64 / 2.0);
    let new_bins = preset.phases.first().and_then(|p| p.new_entities).map(rank_bins);
    let total = preset.run.sentences + preset.phases.iter().map(|p| p.sentences).sum::<u64>();
    let mut out = vec![Update::Started(Box::new(RunInfo {
        preset_name: name,
        preset: preset.clone(),
        learners: preset.learners.iter().map(|l| l.name.clone()).collect(),
        total_sentences: total,
    }))];
    let per_decade = preset.run.checkpoints_per_decade.max(1) as f64;
    let mut k = 2.0 * per_decade;
    let mut phase_sent = false;
    loop {
        let n = 10f64.powf(k / per_decade).min(sentences as f64);
        let fine = fine_tune_at.filter(|at| n > *at);
        if fine.is_some() && !phase_sent {
            phase_sent = true;
            let name = preset.phases[0].name.clone();
            out.push(Update::Phase { index: 1, name });
        }
        let nb = match (fine, &new_bins) {
            (Some(at), Some(b)) => Some((b.as_slice(), n - at)),
            _ => None,
        };
        let learners: Vec<LearnerPoint> =
            (0..preset.learners.len()).map(|i| learner_point(&preset, i, n, &bins, &mut noise, nb)).collect();
        let alpha = g.alpha;
        out.push(Update::Checkpoint(Box::new(Checkpoint {
            kind: "checkpoint".into(),
            phase: u32::from(fine.is_some()),
            sentences: n as u64,
            tokens: (n * (7.0 + g.name_length as f64)) as u64,
            distinct_entities: (n.powf(alpha) * 2.0).min(g.entities as f64) as u64,
            window_sentences: (n * 0.2) as u64,
            rank_bins: bins.clone(),
            new_rank_bins: nb.map(|(b, _)| b.to_vec()),
            changed_facts: None,
            learners,
            fits: Fits {
                model_exponent: Some(ExponentFit {
                    value: (1.0 / alpha - 1.0) * noise.jitter(0.1),
                    stderr: 0.05,
                    from: 1e5,
                    to: 1e6,
                }),
            },
            theory: TheoryPoint {
                data_exponent: 1.0 - alpha,
                model_exponent: 1.0 / alpha - 1.0,
                heaps_exponent: alpha,
                expected_distinct_entities: n.powf(alpha) * 2.0,
                expected_fact_excess: Some(40.0 * n.powf(-(1.0 - alpha))),
                expected_fact_excess_at_n: Some(38.0 * n.powf(-(1.0 - alpha))),
                chance_accuracy: 1.0 / 64.0,
                expected_syntax_excess: g.syntax_dimension() as f64 / (2.0 * n * std::f64::consts::LN_2),
            },
        })));
        if n >= sentences as f64 {
            break;
        }
        k += 1.0;
    }
    out.push(Update::Samples(samples(16, preset.learners.len(), &mut noise)));
    out.push(Update::Progress(Progress {
        sentences,
        sentences_per_second: 412_345.0,
        paused: false,
        dropped: 0,
    }));
    out
}

/// A model of `preset_name` after `sentences`, drawn with `theme` (an
/// embedded name), its clock at 1:23 since the start.
pub fn model(preset_name: &str, sentences: u64, theme: &str, color: bool) -> Model {
    let theme = embedded_theme(theme).unwrap_or_default();
    model_with(preset_name, sentences, theme, color)
}

pub fn model_with(preset_name: &str, sentences: u64, theme: Theme, color: bool) -> Model {
    let (name, preset) = preset(preset_name);
    let mut m = Model::new(&name, preset, theme, color, MarkerChoice::Theme);
    m.preset_choices = super::preset_choices().into_iter().filter(|c| c.origin == "<embedded>").collect();
    m.theme_choices = super::theme_choices().into_iter().filter(|c| c.origin == "<embedded>").collect();
    update(&mut m, Msg::Tick(Duration::from_secs(1)));
    for u in updates(preset_name, sentences, 7) {
        update(&mut m, Msg::Engine(u));
    }
    update(&mut m, Msg::Tick(Duration::from_secs(84)));
    m
}
