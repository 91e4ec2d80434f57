//! Presets: the TOML files that describe a run — `[generator]`, `[run]`,
//! `[[learner]]` and `[[phase]]` — with defaults and the valid range of every key.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::sk::GeneratorParams;
use crate::sk::params::keys::{PARAM_KEYS, Value, param_key, phase_fixed_keys};

/// A whole preset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Preset {
    pub generator: GeneratorParams,
    pub run: RunConfig,
    #[serde(rename = "learner")]
    pub learners: Vec<LearnerConfig>,
    #[serde(rename = "phase")]
    pub phases: Vec<PhaseConfig>,
}

impl Default for Preset {
    fn default() -> Self {
        Preset {
            generator: GeneratorParams::default(),
            run: RunConfig::default(),
            learners: vec![LearnerConfig::bayes("bayes")],
            phases: Vec::new(),
        }
    }
}

/// `[run]`: length, seed and measurement density.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// Sentences of pre-training (phases add their own); `1e8` is accepted.
    #[serde(deserialize_with = "super::count::deserialize")]
    pub sentences: u64,
    pub seed: u64,
    /// Log-spaced checkpoints per decade of sentences.
    pub checkpoints_per_decade: u32,
    /// Facts probed in each log2 frequency-rank bin.
    pub probe_facts_per_bin: u32,
    /// `tau`: a wrong answer is a confident error when its probability is at least this.
    pub confidence: f64,
    /// Live runs: whether every learner trains on every sentence.
    pub pace: Pace,
}

/// How a live run feeds learners that train on their own threads (neural).
/// Headless runs always train every learner on every sentence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pace {
    /// The engine waits for the slowest learner: every learner trains on
    /// every sentence, and live checkpoints equal headless ones.
    #[default]
    All,
    /// The engine runs at the fast learners' speed; a slower learner trains
    /// on the batches it can take and the rest are dropped (and counted).
    Sample,
}

impl Pace {
    pub fn name(self) -> &'static str {
        match self {
            Pace::All => "all",
            Pace::Sample => "sample",
        }
    }

    /// The other pace (the dashboard's switch).
    pub fn toggled(self) -> Pace {
        match self {
            Pace::All => Pace::Sample,
            Pace::Sample => Pace::All,
        }
    }
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            sentences: 10_000_000,
            seed: 1,
            checkpoints_per_decade: 10,
            probe_facts_per_bin: 64,
            confidence: 0.5,
            pace: Pace::All,
        }
    }
}

/// Which kind of learner (docs/theory.md, "The learners").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LearnerKind {
    Bayes,
    Capped,
    Neural,
    Transformer,
}

impl LearnerKind {
    pub fn name(self) -> &'static str {
        match self {
            LearnerKind::Bayes => "bayes",
            LearnerKind::Capped => "capped",
            LearnerKind::Neural => "neural",
            LearnerKind::Transformer => "transformer",
        }
    }

    /// The kind named `name` (as in a preset's `type` and a run file's
    /// `kind`), if there is one.
    pub fn from_name(name: &str) -> Option<LearnerKind> {
        [LearnerKind::Bayes, LearnerKind::Capped, LearnerKind::Neural, LearnerKind::Transformer]
            .into_iter()
            .find(|k| k.name() == name)
    }

    /// Trained by gradient descent on its own thread (`neural`, `transformer`).
    pub fn is_network(self) -> bool {
        matches!(self, LearnerKind::Neural | LearnerKind::Transformer)
    }
}

/// How a network's weights are updated from the batch gradient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Plain gradient descent: `w -= learning_rate * g`.
    Sgd,
    /// Adam (Kingma & Ba) with decoupled weight decay (AdamW).
    Adam,
}

impl OptimizerKind {
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Adam => "adam",
        }
    }
}

/// What a capped learner keeps when its budget is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// The items of highest true frequency (the structure-function order).
    Oracle,
    /// Least frequently used, online.
    Lfu,
    /// Least recently used, online.
    Lru,
}

impl Policy {
    pub fn name(self) -> &'static str {
        match self {
            Policy::Oracle => "oracle",
            Policy::Lfu => "lfu",
            Policy::Lru => "lru",
        }
    }
}

/// `[[learner]]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LearnerConfig {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: LearnerKind,
    /// Capped: knowledge budget in bits.
    pub budget_bits: Option<f64>,
    /// Capped: eviction policy.
    pub policy: Policy,
    /// Capped: sightings `r` before an item is stored.
    pub exposures: u32,
    /// Neural: embedding width.
    pub embedding: u32,
    /// Neural: hidden width.
    pub hidden: u32,
    /// Neural: previous tokens the network sees.
    pub context: u32,
    /// Neural and transformer: step size (peak step size after warmup).
    pub learning_rate: f64,
    /// Transformer: blocks of attention and MLP.
    pub layers: u32,
    /// Transformer: width of the residual stream (token and position embeddings).
    pub width: u32,
    /// Transformer: attention heads per block (`width` must be a multiple).
    pub heads: u32,
    /// Neural and transformer: `sgd` or `adam`; unset, `sgd` for neural
    /// (per-sentence SGD, as before the key existed) and `adam` for transformer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimizer: Option<OptimizerKind>,
    /// Neural and transformer: sentences per optimizer step (the gradient is
    /// their mean); unset, 1 for neural and 16 for transformer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<u32>,
    /// Neural and transformer: sentences over which the step size rises
    /// linearly to `learning_rate`; unset, 0 for neural and 2000 for transformer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warmup: Option<u64>,
    /// Neural and transformer: decoupled weight decay per unit step size, on
    /// weight matrices and embeddings (not biases or norm gains); unset, 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_decay: Option<f64>,
}

impl Default for LearnerConfig {
    fn default() -> Self {
        LearnerConfig {
            name: String::new(),
            kind: LearnerKind::Bayes,
            budget_bits: None,
            policy: Policy::Oracle,
            exposures: 1,
            embedding: 32,
            hidden: 64,
            context: 8,
            learning_rate: 0.01,
            layers: 2,
            width: 64,
            heads: 4,
            optimizer: None,
            batch: None,
            warmup: None,
            weight_decay: None,
        }
    }
}

impl LearnerConfig {
    pub fn bayes(name: &str) -> Self {
        LearnerConfig { name: name.into(), ..Default::default() }
    }

    /// The optimizer, with the kind's default when unset.
    pub fn optimizer(&self) -> OptimizerKind {
        self.optimizer.unwrap_or(match self.kind {
            LearnerKind::Transformer => OptimizerKind::Adam,
            _ => OptimizerKind::Sgd,
        })
    }

    /// Sentences per optimizer step, with the kind's default when unset.
    pub fn batch(&self) -> u32 {
        self.batch.unwrap_or(match self.kind {
            LearnerKind::Transformer => 16,
            _ => 1,
        })
    }

    /// Warmup in sentences, with the kind's default when unset.
    pub fn warmup(&self) -> u64 {
        self.warmup.unwrap_or(match self.kind {
            LearnerKind::Transformer => 2000,
            _ => 0,
        })
    }

    /// Decoupled weight decay, 0 when unset.
    pub fn weight_decay(&self) -> f64 {
        self.weight_decay.unwrap_or(0.0)
    }
}

/// `[[phase]]`: a fine-tuning phase after pre-training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhaseConfig {
    pub name: String,
    #[serde(deserialize_with = "super::count::deserialize")]
    pub sentences: u64,
    /// A fresh set of this many entities, with their own power-law frequencies.
    #[serde(default, deserialize_with = "super::count::deserialize_option")]
    pub new_entities: Option<u64>,
    /// Fraction of sentences still drawn from the earlier distribution.
    pub mix: f64,
    /// New templates: a change of format.
    pub syntax_seed: Option<u64>,
    /// `[phase.generator]`: generator keys this phase changes.
    #[serde(skip_serializing_if = "PhaseGenerator::is_empty")]
    pub generator: PhaseGenerator,
}

/// `[phase.generator]`: the generator keys a phase may change — those that
/// keep the learners' vocabulary (source, attributes, values, templates,
/// filler words and slots, names stay). Each phase's generator is the
/// preset's `[generator]` with these keys replaced. A change of
/// `value_skew` changes facts (each fact's value is drawn from `H_a` by a
/// fixed hash, so a new `H_a` gives some facts a new value); `fact_noise`
/// changes what the stream states.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhaseGenerator {
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub zipf_offset: Option<f64>,
    pub zipf_exponent: Option<f64>,
    pub value_skew: Option<f64>,
    pub fact_noise: Option<f64>,
    pub template_concentration: Option<f64>,
    pub filler_concentration: Option<f64>,
}

impl PhaseGenerator {
    pub fn is_empty(&self) -> bool {
        *self == PhaseGenerator::default()
    }

    /// This phase's value of a key it may change (`None` for other keys).
    fn slot(&mut self, key: &str) -> Option<&mut Option<f64>> {
        Some(match key {
            "alpha" => &mut self.alpha,
            "beta" => &mut self.beta,
            "zipf_offset" => &mut self.zipf_offset,
            "zipf_exponent" => &mut self.zipf_exponent,
            "value_skew" => &mut self.value_skew,
            "fact_noise" => &mut self.fact_noise,
            "template_concentration" => &mut self.template_concentration,
            "filler_concentration" => &mut self.filler_concentration,
            _ => return None,
        })
    }

    /// `base` with this phase's changes.
    pub fn apply(&self, base: &GeneratorParams) -> GeneratorParams {
        let mut g = base.clone();
        let mut phase = self.clone();
        for k in PARAM_KEYS.iter().filter(|k| k.phase) {
            if let Some(&mut Some(v)) = phase.slot(k.key) {
                // Every phase key is a real: its setter takes any number.
                let _ = (k.set)(&mut g, Value::Real(v));
            }
        }
        g
    }

    /// The changes that turn `base` into `edited`, or why a phase cannot
    /// make them (a key the key table does not let a phase change changed).
    pub fn between(base: &GeneratorParams, edited: &GeneratorParams) -> Result<PhaseGenerator, String> {
        let mut p = PhaseGenerator::default();
        for k in PARAM_KEYS.iter().filter(|k| k.phase) {
            if let (Value::Real(v), true) = ((k.get)(edited), (k.get)(base) != (k.get)(edited))
                && let Some(slot) = p.slot(k.key)
            {
                *slot = Some(v);
            }
        }
        if p.apply(base) == *edited {
            Ok(p)
        } else {
            Err(format!(
                "a fine-tuning phase keeps {} (the learners' vocabulary and the probed universe); change those with apply (a restart)",
                phase_fixed_keys()
            ))
        }
    }
}

impl PhaseConfig {
    /// Why this phase's `mix` is pointless, if it is: mixing a distribution
    /// with itself (no new entities, no new format) changes nothing.
    pub fn pointless_mix(&self) -> Option<&'static str> {
        (self.mix > 0.0 && self.new_entities.is_none() && self.syntax_seed.is_none()).then_some(
            "mix > 0 needs new_entities or syntax_seed: mixing a distribution with itself changes nothing",
        )
    }
}

impl Default for PhaseConfig {
    fn default() -> Self {
        PhaseConfig {
            name: String::new(),
            sentences: 1_000_000,
            new_entities: None,
            mix: 0.0,
            syntax_seed: None,
            generator: PhaseGenerator::default(),
        }
    }
}

/// The valid values of a preset key, by its path (`generator.alpha`,
/// `learner[0].policy`), for messages about values that do not even parse.
pub fn valid_range(path: &str) -> Option<Cow<'static, str>> {
    if let Some((head, key)) = path.rsplit_once(".generator.")
        && head.starts_with("phase")
    {
        return valid_range(&format!("generator.{key}"));
    }
    let (section, key) = path.rsplit_once('.')?;
    let section = section.split('[').next().unwrap_or(section);
    if section == "generator" {
        return param_key(key).map(|k| Cow::Owned(k.valid_values()));
    }
    Some(Cow::Borrowed(match (section, key) {
        ("run", "sentences") => "an integer in [1, 4e9]",
        ("run", "seed") => "an integer in [0, 2^64)",
        ("run", "checkpoints_per_decade") => "an integer in [1, 100]",
        ("run", "probe_facts_per_bin") => "an integer in [1, 100000]",
        ("run", "confidence") => "a number in (0, 1]",
        ("run", "pace") => "\"all\" or \"sample\"",
        ("learner", "name") => "a string of 1 to 24 characters",
        ("learner", "type") => "\"bayes\", \"capped\", \"neural\" or \"transformer\"",
        ("learner", "budget_bits") => "a number in [1, 1e13]",
        ("learner", "policy") => "\"oracle\", \"lfu\" or \"lru\"",
        ("learner", "exposures") => "an integer in [1, 65535]",
        ("learner", "embedding") => "an integer in [2, 1024]",
        ("learner", "hidden") => "an integer in [2, 4096]",
        ("learner", "context") => "an integer in [1, 64]",
        ("learner", "learning_rate") => "a number in (0, 10]",
        ("learner", "layers") => "an integer in [1, 16]",
        ("learner", "width") => "an integer in [4, 1024], a multiple of heads",
        ("learner", "heads") => "an integer in [1, 64] dividing width",
        ("learner", "optimizer") => "\"sgd\" or \"adam\"",
        ("learner", "batch") => "an integer in [1, 4096]",
        ("learner", "warmup") => "an integer in [0, 10^9]",
        ("learner", "weight_decay") => "a number in [0, 1]",
        ("phase", "name") => "a string",
        ("phase", "sentences") => "an integer in [1, 4e9]",
        ("phase", "new_entities") => "an integer in [1, 10^12]",
        ("phase", "mix") => "a number in [0, 1]",
        ("phase", "syntax_seed") => "an integer in [0, 2^64)",
        _ => return None,
    }))
}

/// A value out of range, by its path in the file (`generator.alpha`,
/// `learner[1].budget_bits`).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// The most sentences of a run, phases included: counters are 32-bit.
pub const MAX_SENTENCES: u64 = 4_000_000_000;

impl Preset {
    /// The preset with `[run] sentences` set to a `--sentences` flag's `n`,
    /// checked as the file's own value would be (a pycrp source's name space,
    /// the run's total): the error names the flag and every problem.
    pub fn with_sentences(&self, n: u64) -> Result<Preset, String> {
        let mut p = self.clone();
        p.run.sentences = n;
        p.checked().map_err(|list| format!("--sentences {n} does not suit the preset: {list}"))?;
        Ok(p)
    }

    /// [`Preset::check`] on one line: `Err("path: message; …")`.
    pub fn checked(&self) -> Result<(), String> {
        let problems = self.check();
        if problems.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.path, p.message)).collect();
        Err(list.join("; "))
    }

    /// Every problem, in file order of sections.
    pub fn check(&self) -> Vec<Problem> {
        // A pycrp source's name space is sized by every sentence of the run.
        let sentences = self.phases.iter().fold(self.run.sentences, |t, p| t.saturating_add(p.sentences));
        let mut out: Vec<Problem> = self
            .generator
            .check_for_run(sentences)
            .into_iter()
            .map(|i| Problem { path: format!("generator.{}", i.key), message: i.message })
            .collect();
        let mut need = |ok: bool, path: String, message: String| {
            if !ok {
                out.push(Problem { path, message });
            }
        };
        let r = &self.run;
        need(
            (1..=MAX_SENTENCES).contains(&r.sentences),
            "run.sentences".into(),
            format!("sentences = {} is outside [1, 4e9]", r.sentences),
        );
        need(
            (1..=100).contains(&r.checkpoints_per_decade),
            "run.checkpoints_per_decade".into(),
            format!("checkpoints_per_decade = {} is outside [1, 100]", r.checkpoints_per_decade),
        );
        need(
            (1..=100_000).contains(&r.probe_facts_per_bin),
            "run.probe_facts_per_bin".into(),
            format!("probe_facts_per_bin = {} is outside [1, 100000]", r.probe_facts_per_bin),
        );
        need(
            r.confidence.is_finite() && r.confidence > 0.0 && r.confidence <= 1.0,
            "run.confidence".into(),
            format!("confidence = {} is outside (0, 1]", r.confidence),
        );
        need(
            !self.learners.is_empty() && self.learners.len() <= 32,
            "learner".into(),
            format!("a preset needs 1 to 32 [[learner]] tables, not {}", self.learners.len()),
        );
        for (i, l) in self.learners.iter().enumerate() {
            let at = |key: &str| format!("learner[{i}].{key}");
            need(
                !l.name.is_empty() && l.name.chars().count() <= 24,
                at("name"),
                if l.name.is_empty() {
                    "a learner needs a name: name = \"...\", 1 to 24 characters".into()
                } else {
                    format!("name {:?} must be 1 to 24 characters", l.name)
                },
            );
            need(
                !self.learners[..i].iter().any(|o| o.name == l.name),
                at("name"),
                format!("name {:?} is used by an earlier learner", l.name),
            );
            match l.kind {
                LearnerKind::Capped => match l.budget_bits {
                    None => need(
                        false,
                        at("type"),
                        "a capped learner needs budget_bits (a knowledge budget in bits, in [1, 1e13])"
                            .into(),
                    ),
                    Some(b) => need(
                        b.is_finite() && (1.0..=1e13).contains(&b),
                        at("budget_bits"),
                        format!("budget_bits = {b} is outside [1, 1e13]"),
                    ),
                },
                _ => need(
                    l.budget_bits.is_none() || l.kind == LearnerKind::Neural,
                    at("budget_bits"),
                    "budget_bits applies to capped learners only".into(),
                ),
            }
            need(
                (1..=65_535).contains(&l.exposures),
                at("exposures"),
                format!(
                    "exposures = {} is outside [1, 65535] (sightings are counted in 16 bits)",
                    l.exposures
                ),
            );
            need(
                (2..=1024).contains(&l.embedding),
                at("embedding"),
                format!("embedding = {} is outside [2, 1024]", l.embedding),
            );
            need(
                (2..=4096).contains(&l.hidden),
                at("hidden"),
                format!("hidden = {} is outside [2, 4096]", l.hidden),
            );
            need(
                (1..=64).contains(&l.context),
                at("context"),
                format!("context = {} is outside [1, 64]", l.context),
            );
            need(
                l.learning_rate.is_finite() && l.learning_rate > 0.0 && l.learning_rate <= 10.0,
                at("learning_rate"),
                format!("learning_rate = {} is outside (0, 10]", l.learning_rate),
            );
            need(
                (1..=16).contains(&l.layers),
                at("layers"),
                format!("layers = {} is outside [1, 16]", l.layers),
            );
            need((1..=64).contains(&l.heads), at("heads"), format!("heads = {} is outside [1, 64]", l.heads));
            need(
                (4..=1024).contains(&l.width) && l.width % l.heads.max(1) == 0,
                at("width"),
                format!("width = {} is outside [4, 1024] or not a multiple of heads = {}", l.width, l.heads),
            );
            need(
                (1..=4096).contains(&l.batch()),
                at("batch"),
                format!("batch = {} is outside [1, 4096]", l.batch()),
            );
            need(
                l.warmup() <= 1_000_000_000,
                at("warmup"),
                format!("warmup = {} is outside [0, 10^9]", l.warmup()),
            );
            let wd = l.weight_decay();
            need(
                wd.is_finite() && (0.0..=1.0).contains(&wd),
                at("weight_decay"),
                format!("weight_decay = {wd} is outside [0, 1]"),
            );
        }
        let total = self.phases.iter().fold(r.sentences, |t, p| t.saturating_add(p.sentences));
        need(
            total <= MAX_SENTENCES,
            "run.sentences".into(),
            format!("run.sentences plus every phase's sentences = {total} exceeds 4e9"),
        );
        // Every universe's names come from one name space.
        let g = &self.generator;
        let capacity = g.name_capacity();
        let names =
            self.phases.iter().filter_map(|p| p.new_entities).fold(capacity, |a, b| a.saturating_add(b));
        if !self.phases.is_empty() {
            need(
                names <= g.name_space(),
                "phase".into(),
                format!(
                    "the phases' new entities need {names} distinct names with the pre-training ones, but name_alphabet^name_length = {}",
                    g.name_space()
                ),
            );
        }
        for (i, p) in self.phases.iter().enumerate() {
            let at = |key: &str| format!("phase[{i}].{key}");
            need(
                (1..=MAX_SENTENCES).contains(&p.sentences),
                at("sentences"),
                format!("sentences = {} is outside [1, 4e9]", p.sentences),
            );
            if let Some(k) = p.new_entities {
                let ok = (1..=1_000_000_000_000).contains(&k)
                    && (self.generator.source != crate::sk::SourceKind::Zipf
                        || k <= self.generator.name_space());
                need(
                    ok,
                    at("new_entities"),
                    format!(
                        "new_entities = {k} is outside [1, min(10^12, name_alphabet^name_length = {})]",
                        self.generator.name_space()
                    ),
                );
            }
            need(
                p.mix.is_finite() && (0.0..=1.0).contains(&p.mix),
                at("mix"),
                format!("mix = {} is outside [0, 1]", p.mix),
            );
            if let Some(why) = p.pointless_mix() {
                need(false, at("mix"), why.into());
            }
            for invalid in p.generator.apply(&self.generator).check() {
                need(false, at(&format!("generator.{}", invalid.key)), invalid.message);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kind's name is its serde (JSONL and TOML) spelling and names it back.
    #[test]
    fn learner_kind_names_match_their_serde_spelling() {
        for k in [LearnerKind::Bayes, LearnerKind::Capped, LearnerKind::Neural, LearnerKind::Transformer] {
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.name()));
            assert_eq!(LearnerKind::from_name(k.name()), Some(k));
        }
        assert_eq!(LearnerKind::from_name("Bayes"), None);
    }

    /// `[phase.generator]`'s fields are exactly the keys the key table lets
    /// a phase change, and each has its slot.
    #[test]
    fn phase_generator_keys_are_the_tables_phase_keys() {
        let all = PhaseGenerator {
            alpha: Some(0.5),
            beta: Some(2.0),
            zipf_offset: Some(1.0),
            zipf_exponent: Some(1.5),
            value_skew: Some(0.5),
            fact_noise: Some(0.1),
            template_concentration: Some(2.0),
            filler_concentration: Some(2.0),
        };
        let table = toml::Table::try_from(&all).unwrap();
        let mut fields: Vec<&str> = table.keys().map(String::as_str).collect();
        let mut phase: Vec<&str> = PARAM_KEYS.iter().filter(|k| k.phase).map(|k| k.key).collect();
        fields.sort_unstable();
        phase.sort_unstable();
        assert_eq!(fields, phase);
        let mut probe = all.clone();
        for k in &PARAM_KEYS {
            assert_eq!(probe.slot(k.key).is_some(), k.phase, "{}", k.key);
        }
        // Every change a phase may make round-trips through `between`.
        let base = GeneratorParams::default();
        let edited = all.apply(&base);
        assert_eq!(PhaseGenerator::between(&base, &edited), Ok(all));
        let fixed = GeneratorParams { values: 128, ..base.clone() };
        assert!(PhaseGenerator::between(&base, &fixed).unwrap_err().contains("values"));
    }

    #[test]
    fn default_preset_is_valid() {
        assert_eq!(Preset::default().check(), vec![]);
    }

    #[test]
    fn a_preset_that_only_sets_pycrp_is_valid() {
        let p: Preset = toml::from_str("[generator]\nsource = \"pycrp\"\n").unwrap();
        assert_eq!(p.check(), vec![]);
        // A run long enough to outgrow 64^4 names is refused at name_length.
        let long = Preset { run: RunConfig { sentences: 2_000_000_000, ..p.run.clone() }, ..p };
        assert_eq!(long.check().first().map(|x| x.path.as_str()), Some("generator.name_length"));
    }

    #[test]
    fn learner_and_phase_problems_have_paths() {
        let mut p = Preset::default();
        p.learners.push(LearnerConfig { name: "c".into(), kind: LearnerKind::Capped, ..Default::default() });
        p.learners.push(LearnerConfig {
            name: "c".into(),
            kind: LearnerKind::Capped,
            budget_bits: Some(0.5),
            ..Default::default()
        });
        p.phases.push(PhaseConfig { mix: 2.0, new_entities: Some(100), ..Default::default() });
        let paths: Vec<String> = p.check().into_iter().map(|x| x.path).collect();
        assert_eq!(paths, ["learner[1].type", "learner[2].name", "learner[2].budget_bits", "phase[0].mix"]);
    }
}
