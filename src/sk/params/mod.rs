//! The generator's parameters (docs/theory.md, "The generator"), the `[generator]` table of a
//! preset: defaults, derived quantities and validation (each key's own range
//! is in the table of `keys`; the rules across keys are here).

pub mod keys;

use serde::{Deserialize, Serialize};

use keys::PARAM_KEYS;

/// Which process chooses the entity a sentence is about (docs/theory.md, "Knowledge: entities, names, attributes, values").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A finite universe of `K` entities, `P(r) ∝ (r+q)^-s` (sk-tui choice).
    Zipf,
    /// The Pitman–Yor Chinese restaurant process (the paper's model).
    Pycrp,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Zipf => "zipf",
            SourceKind::Pycrp => "pycrp",
        }
    }
}

/// Every parameter of the Syntax-Knowledge generator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeneratorParams {
    pub source: SourceKind,
    /// Pitman–Yor discount; also sets the zipf exponent `s = 1/alpha`.
    pub alpha: f64,
    /// Pitman–Yor concentration, `beta > -alpha`.
    pub beta: f64,
    /// `K`, the size of the zipf universe (`1e6` is accepted).
    #[serde(deserialize_with = "crate::config::count::deserialize")]
    pub entities: u64,
    /// `q` in `P(r) ∝ (r+q)^-s`.
    pub zipf_offset: f64,
    /// `s`; `1/alpha` when absent.
    pub zipf_exponent: Option<f64>,
    /// `F`, attributes per entity.
    pub attributes: u32,
    /// `V_a`, values per attribute.
    pub values: u32,
    /// `sigma`, popularity skew of the value base measure `H_a(v) ∝ v^-sigma`.
    pub value_skew: f64,
    /// `L_name`, tokens per name.
    pub name_length: u32,
    /// `V_name`, tokens in the name alphabet.
    pub name_alphabet: u32,
    /// `T`, templates per attribute.
    pub templates: u32,
    /// `gamma_t`, Dirichlet concentration of template probabilities.
    pub template_concentration: f64,
    /// `V_fill`, filler words.
    pub filler_words: u32,
    /// Filler slots in each template (sk-tui choice: the same for every template).
    pub filler_slots: u32,
    /// `gamma_f`, Dirichlet concentration of filler probabilities.
    pub filler_concentration: f64,
    /// `epsilon`, probability that a stated value is redrawn from `H_a`.
    pub fact_noise: f64,
}

impl Default for GeneratorParams {
    fn default() -> Self {
        GeneratorParams {
            source: SourceKind::Zipf,
            alpha: 0.6,
            beta: 1.0,
            entities: 1_000_000,
            zipf_offset: 0.0,
            zipf_exponent: None,
            attributes: 4,
            values: 64,
            value_skew: 0.0,
            name_length: 4,
            name_alphabet: 64,
            templates: 4,
            template_concentration: 1.0,
            filler_words: 32,
            filler_slots: 1,
            filler_concentration: 0.5,
            fact_noise: 0.0,
        }
    }
}

/// A parameter outside its valid range.
#[derive(Clone, Debug, PartialEq)]
pub struct Invalid {
    /// The preset key, as written in `[generator]`.
    pub key: &'static str,
    /// What is wrong, and the valid range.
    pub message: String,
}

/// Where fine-tuning universes' names start after a pycrp pre-training
/// universe (a run stays below 2^32 sentences, so below 2^32 entities).
pub const PYCRP_NAME_SPACE: u64 = 1 << 32;

/// Standard deviations above `E[K_n]` that a pycrp run's name space must
/// reach (Cantelli: exceeded with probability below 1e-4).
pub const PYCRP_NAME_MARGIN: f64 = 100.0;

impl GeneratorParams {
    /// `s`, the zipf exponent in force.
    pub fn zipf_s(&self) -> f64 {
        self.zipf_exponent.unwrap_or(1.0 / self.alpha)
    }

    /// `V_name^L_name`, saturating at `u64::MAX`.
    pub fn name_space(&self) -> u64 {
        (0..self.name_length).fold(1u64, |acc, _| acc.saturating_mul(self.name_alphabet as u64))
    }

    /// Names the pre-training universe may use: all `K` for zipf, 2^32 for
    /// pycrp; fine-tuning universes take the names after these.
    pub fn name_capacity(&self) -> u64 {
        match self.source {
            SourceKind::Zipf => self.entities,
            SourceKind::Pycrp => PYCRP_NAME_SPACE,
        }
    }

    /// `J`, filler slots in all.
    pub fn filler_slot_count(&self) -> u64 {
        self.attributes as u64 * self.templates as u64 * self.filler_slots as u64
    }

    /// Syntax dimension `d = F(T-1) + J(V_fill-1)` (docs/theory.md, "Syntax: templates and fillers").
    pub fn syntax_dimension(&self) -> u64 {
        self.attributes as u64 * (self.templates as u64 - 1)
            + self.filler_slot_count() * (self.filler_words as u64 - 1)
    }

    /// Bits to store one entity's name, `L_name log2 V_name`.
    pub fn name_bits(&self) -> f64 {
        self.name_length as f64 * (self.name_alphabet as f64).log2()
    }

    /// Bits to store one fact, `log2 V_a`.
    pub fn fact_bits(&self) -> f64 {
        (self.values as f64).log2()
    }

    /// Every problem: each key's own range (in key order), then the rules
    /// across keys; empty when the parameters are valid.
    pub fn check(&self) -> Vec<Invalid> {
        let mut bad = Vec::new();
        let mut need = |ok: bool, key: &'static str, message: String| {
            if !ok {
                bad.push(Invalid { key, message });
            }
        };
        for k in &PARAM_KEYS {
            if let Some(message) = k.violation(self) {
                need(false, k.key, message);
            }
        }
        let a = self.alpha;
        if self.source == SourceKind::Zipf && self.zipf_exponent.is_none() {
            need(a != 0.0, "alpha", "alpha = 0 gives the zipf source an infinite exponent s = 1/alpha: use alpha in (0, 1) or set zipf_exponent".into());
        }
        let q = self.zipf_offset;
        if self.source == SourceKind::Zipf {
            // (K + q)^-s must be a normal f64 for the law's tail to exist.
            let s = self.zipf_s();
            let reach = s * (self.entities as f64 + q + 1.0).ln();
            let key = if self.zipf_exponent.is_some() { "zipf_exponent" } else { "alpha" };
            need(
                !s.is_finite() || !reach.is_finite() || reach <= 700.0,
                key,
                format!(
                    "the zipf law (r + q)^-s with s = {s} up to r = {} underflows: need s ln(entities + zipf_offset) <= 700",
                    self.entities
                ),
            );
        }
        let fill = self.filler_slot_count().saturating_mul(self.filler_words as u64);
        need(
            fill <= 1 << 22,
            "filler_slots",
            format!(
                "attributes x templates x filler_slots x filler_words = {fill} exceeds 2^22 (every filler slot has its own law over the filler words)"
            ),
        );
        let distinct = super::frames::distinct_templates(self.filler_slots);
        need(
            self.templates as u64 <= distinct,
            "templates",
            format!(
                "templates = {} exceeds the {distinct} distinct templates the sentence frames give with filler_slots = {}",
                self.templates, self.filler_slots
            ),
        );
        if (1..=12).contains(&self.name_length) && (2..=4096).contains(&self.name_alphabet) {
            let space = self.name_space();
            match self.source {
                SourceKind::Zipf => need(
                    space >= self.entities,
                    "name_length",
                    format!(
                        "names cannot be distinct: name_alphabet^name_length = {}^{} = {space} < entities = {}; raise name_length or name_alphabet",
                        self.name_alphabet, self.name_length, self.entities
                    ),
                ),
                // Pycrp's need depends on the run's length: `check_for_run`.
                SourceKind::Pycrp => {}
            }
        }
        bad
    }

    /// Names a pycrp run of `sentences` sentences needs: `K_n` stays below
    /// `E[K_n] + 100 sd(K_n)` with probability at least `1 - 1/(1 + 100^2)`
    /// (Cantelli's inequality), and never exceeds `n`. Zipf: `K`.
    pub fn names_needed(&self, sentences: u64) -> u64 {
        match self.source {
            SourceKind::Zipf => self.entities,
            SourceKind::Pycrp => {
                let n = sentences as f64;
                let mean = super::theory::expected_distinct_pycrp(self.alpha, self.beta, n);
                let sd = super::theory::variance_distinct_pycrp(self.alpha, self.beta, n).sqrt();
                let bound = (mean + PYCRP_NAME_MARGIN * sd).ceil();
                if bound.is_finite() { (bound as u64).min(sentences) } else { sentences }
            }
        }
    }

    /// `check`, plus what depends on the run's length: a pycrp source needs
    /// a name space for every entity `sentences` sentences can create
    /// ([`names_needed`](Self::names_needed)).
    pub fn check_for_run(&self, sentences: u64) -> Vec<Invalid> {
        let mut bad = self.check();
        if self.source == SourceKind::Pycrp && bad.is_empty() {
            let need = self.names_needed(sentences);
            let space = self.name_space();
            if space < need {
                bad.push(Invalid {
                    key: "name_length",
                    message: format!(
                        "a pycrp run of {sentences} sentences may create {need} entities (E[K_n] + {PYCRP_NAME_MARGIN} sd), but name_alphabet^name_length = {}^{} = {space}; raise name_length or name_alphabet",
                        self.name_alphabet, self.name_length
                    ),
                });
            }
        }
        bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(GeneratorParams::default().check(), vec![]);
    }

    #[test]
    fn syntax_dimension_counts_free_parameters() {
        let p = GeneratorParams {
            attributes: 2,
            templates: 3,
            filler_words: 5,
            filler_slots: 1,
            ..Default::default()
        };
        // F(T-1) + J(V_fill-1) with J = F*T*slots = 6.
        assert_eq!(p.syntax_dimension(), 2 * 2 + 6 * 4);
    }

    #[test]
    fn each_bad_value_names_its_key() {
        let cases: Vec<(GeneratorParams, &str)> = vec![
            (GeneratorParams { alpha: 1.0, ..Default::default() }, "alpha"),
            (GeneratorParams { alpha: f64::NAN, ..Default::default() }, "alpha"),
            (GeneratorParams { alpha: 0.0, ..Default::default() }, "alpha"),
            (GeneratorParams { beta: -0.7, ..Default::default() }, "beta"),
            (GeneratorParams { entities: 0, ..Default::default() }, "entities"),
            (GeneratorParams { zipf_offset: -1.0, ..Default::default() }, "zipf_offset"),
            (GeneratorParams { zipf_exponent: Some(0.0), ..Default::default() }, "zipf_exponent"),
            (GeneratorParams { attributes: 0, ..Default::default() }, "attributes"),
            (GeneratorParams { values: 1, ..Default::default() }, "values"),
            (GeneratorParams { value_skew: -0.1, ..Default::default() }, "value_skew"),
            (GeneratorParams { name_length: 0, ..Default::default() }, "name_length"),
            (GeneratorParams { name_length: 2, ..Default::default() }, "name_length"),
            (GeneratorParams { name_alphabet: 1, ..Default::default() }, "name_alphabet"),
            (GeneratorParams { templates: 0, ..Default::default() }, "templates"),
            (GeneratorParams { template_concentration: 0.0, ..Default::default() }, "template_concentration"),
            (GeneratorParams { filler_words: 0, ..Default::default() }, "filler_words"),
            (GeneratorParams { filler_slots: 9, ..Default::default() }, "filler_slots"),
            (
                GeneratorParams { filler_concentration: f64::INFINITY, ..Default::default() },
                "filler_concentration",
            ),
            (GeneratorParams { fact_noise: 1.5, ..Default::default() }, "fact_noise"),
        ];
        for (p, key) in cases {
            let bad = p.check();
            assert!(bad.iter().any(|b| b.key == key), "{key}: {bad:?}");
        }
        // alpha = 0 is fine for pycrp (the Dirichlet-process limit).
        let p =
            GeneratorParams { source: SourceKind::Pycrp, alpha: 0.0, name_length: 6, ..Default::default() };
        assert_eq!(p.check(), vec![]);
    }

    #[test]
    fn pycrp_names_are_sized_by_the_run() {
        let p = GeneratorParams { source: SourceKind::Pycrp, ..Default::default() };
        // The defaults (64^4 = 2^24 names) carry a default-length run.
        assert_eq!(p.check_for_run(10_000_000), vec![]);
        assert_eq!(p.check_for_run(20_000_000), vec![]);
        // E[K_n] + 100 sd at alpha 0.6, beta 1: about 1.9e7 at n = 1e9, above 2^24.
        let need = p.names_needed(1_000_000_000);
        assert!((18_000_000..21_000_000).contains(&need), "{need}");
        let bad = p.check_for_run(1_000_000_000);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].key, "name_length");
        // Never more than one entity per sentence.
        assert_eq!(p.names_needed(50), 50);
        let short = GeneratorParams { name_length: 2, ..p.clone() };
        assert!(short.check_for_run(100_000).iter().any(|b| b.key == "name_length"));
        assert_eq!(GeneratorParams::default().names_needed(7), 1_000_000);
    }
}
