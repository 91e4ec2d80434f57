//! The table of `[generator]` keys: for each, its name, theory symbol, what
//! it is, its valid range, whether a fine-tuning phase may change it, how one
//! editor step changes it, and a typed getter and setter. Range validation
//! (`GeneratorParams::check`), the preset loader's messages for values that
//! do not parse (`config::preset::valid_range`), the dashboard's parameter
//! editor (`ui::fields`) and the fine-tuning rules (`config::PhaseGenerator`)
//! all read this one table.

use super::{GeneratorParams, SourceKind};

/// A key's value, typed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Source(SourceKind),
    Count(u64),
    Real(f64),
    /// An optional real left to its default (`zipf_exponent`: `1/alpha`).
    Auto,
}

/// The lower end of a real range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Low {
    Closed(f64),
    Open(f64),
    /// `> -alpha` (the Pitman–Yor concentration).
    AboveMinusAlpha,
}

/// The upper end of a real range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum High {
    Closed(f64),
    Open(f64),
}

/// What values a key takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Domain {
    Source,
    /// An integer in `[lo, hi]`.
    Count {
        lo: u64,
        hi: u64,
    },
    /// A finite real in the range; `auto` when the key may be left unset.
    Real {
        lo: Low,
        hi: High,
        auto: bool,
    },
}

/// How one step of the editor changes a key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Step {
    /// zipf <-> pycrp.
    Toggle,
    /// Adds or subtracts this much.
    Add(f64),
    /// Multiplies or divides by this much.
    Times(f64),
    /// Adds or subtracts this many (saturating at 0).
    AddCount(u64),
    /// Doubles or halves (at least 1).
    Double,
    /// Times or over ten (at least 1).
    Decade,
    /// Adds to the exponent in force (`1/alpha` when unset).
    AddToExponent(f64),
}

/// How a range is written: in messages (`[1, 10^12]`) or in the editor's
/// narrow range column (`[1, 1e12]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Message,
    Compact,
}

/// One key of `[generator]`.
#[derive(Clone, Copy, Debug)]
pub struct ParamKey {
    /// The preset key, as written in `[generator]`.
    pub key: &'static str,
    /// The symbol in docs/theory.md (empty when it has none).
    pub symbol: &'static str,
    /// What the key is, in a few words.
    pub doc: &'static str,
    pub domain: Domain,
    /// A fine-tuning phase (`[phase.generator]`) may change it: it leaves
    /// the learners' vocabulary and the probed universe alone.
    pub phase: bool,
    pub step: Step,
    pub get: fn(&GeneratorParams) -> Value,
    /// Sets the value; `Err` for a value of the wrong type or one too large
    /// for the field. Range is `check`'s call.
    pub set: fn(&mut GeneratorParams, Value) -> Result<(), String>,
}

macro_rules! real {
    ($f:ident) => {
        (
            |p: &GeneratorParams| Value::Real(p.$f),
            |p: &mut GeneratorParams, v: Value| {
                p.$f = v.real()?;
                Ok(())
            },
        )
    };
}

macro_rules! count32 {
    ($f:ident) => {
        (
            |p: &GeneratorParams| Value::Count(p.$f as u64),
            |p: &mut GeneratorParams, v: Value| {
                let n = v.count()?;
                p.$f = u32::try_from(n).map_err(|_| format!("{n} is too large"))?;
                Ok(())
            },
        )
    };
}

macro_rules! key {
    ($key:ident, $symbol:literal, $doc:literal, $domain:expr, phase: $phase:literal, $step:expr, $access:ident) => {{
        let (get, set) = $access!($key);
        ParamKey {
            key: stringify!($key),
            symbol: $symbol,
            doc: $doc,
            domain: $domain,
            phase: $phase,
            step: $step,
            get,
            set,
        }
    }};
}

const fn count(lo: u64, hi: u64) -> Domain {
    Domain::Count { lo, hi }
}

const fn real(lo: Low, hi: High) -> Domain {
    Domain::Real { lo, hi, auto: false }
}

use High::Closed as HiC;
use Low::{Closed as LoC, Open as LoO};

/// Every key, in `[generator]` order.
pub const PARAM_KEYS: [ParamKey; 17] = [
    ParamKey {
        key: "source",
        symbol: "",
        doc: "the knowledge source: zipf universe or Pitman–Yor CRP",
        domain: Domain::Source,
        phase: false,
        step: Step::Toggle,
        get: |p| Value::Source(p.source),
        set: |p, v| match v {
            Value::Source(s) => {
                p.source = s;
                Ok(())
            }
            _ => Err("source is zipf or pycrp".into()),
        },
    },
    key!(alpha, "alpha", "Pitman–Yor discount; zipf exponent s = 1/alpha", real(LoC(0.0), High::Open(1.0)), phase: true, Step::Add(0.05), real),
    key!(beta, "beta", "Pitman–Yor concentration", real(Low::AboveMinusAlpha, HiC(1e9)), phase: true, Step::Add(0.5), real),
    ParamKey {
        key: "entities",
        symbol: "K",
        doc: "size of the zipf universe",
        domain: count(1, 1_000_000_000_000),
        phase: false,
        step: Step::Decade,
        get: |p| Value::Count(p.entities),
        set: |p, v| {
            p.entities = v.count()?;
            Ok(())
        },
    },
    key!(zipf_offset, "q", "offset q in P(r) ∝ (r+q)^-s", real(LoC(0.0), HiC(1e9)), phase: true, Step::Add(1.0), real),
    ParamKey {
        key: "zipf_exponent",
        symbol: "s",
        doc: "zipf exponent s (unset: 1/alpha)",
        domain: Domain::Real { lo: LoO(0.0), hi: HiC(50.0), auto: true },
        phase: true,
        step: Step::AddToExponent(0.1),
        get: |p| p.zipf_exponent.map_or(Value::Auto, Value::Real),
        set: |p, v| {
            p.zipf_exponent = if v == Value::Auto { None } else { Some(v.real()?) };
            Ok(())
        },
    },
    key!(attributes, "F", "attributes per entity", count(1, 64), phase: false, Step::AddCount(1), count32),
    key!(values, "V_a", "values per attribute", count(2, 4096), phase: false, Step::Double, count32),
    key!(value_skew, "sigma", "popularity skew of the value base measure H_a(v) ∝ v^-sigma", real(LoC(0.0), HiC(10.0)), phase: true, Step::Add(0.1), real),
    key!(name_length, "L_name", "tokens per name", count(1, 12), phase: false, Step::AddCount(1), count32),
    key!(name_alphabet, "V_name", "tokens in the name alphabet", count(2, 4096), phase: false, Step::Double, count32),
    key!(templates, "T", "templates per attribute", count(1, 256), phase: false, Step::AddCount(1), count32),
    key!(template_concentration, "gamma_t", "Dirichlet concentration of template probabilities", real(LoO(0.0), HiC(1e6)), phase: true, Step::Times(2.0), real),
    key!(filler_words, "V_fill", "filler words", count(1, 4096), phase: false, Step::Double, count32),
    key!(filler_slots, "", "filler slots in each template", count(0, 8), phase: false, Step::AddCount(1), count32),
    key!(filler_concentration, "gamma_f", "Dirichlet concentration of filler probabilities", real(LoO(0.0), HiC(1e6)), phase: true, Step::Times(2.0), real),
    key!(fact_noise, "epsilon", "probability that a stated value is redrawn from H_a", real(LoC(0.0), HiC(1.0)), phase: true, Step::Add(0.01), real),
];

/// The key named `key`.
pub fn param_key(key: &str) -> Option<&'static ParamKey> {
    PARAM_KEYS.iter().find(|k| k.key == key)
}

impl Value {
    fn real(self) -> Result<f64, String> {
        match self {
            Value::Real(x) => Ok(x),
            Value::Count(n) => Ok(n as f64),
            _ => Err("not a number".into()),
        }
    }

    fn count(self) -> Result<u64, String> {
        match self {
            Value::Count(n) => Ok(n),
            _ => Err("not an integer".into()),
        }
    }
}

/// A range end: `1e9` for a power of ten from a million up (`10^12` for
/// counts in messages), else the number as Rust prints it.
fn end(x: f64, count: bool, style: Style) -> String {
    let k = x.log10().round();
    if x >= 1e6 && 10f64.powf(k) == x {
        if count && style == Style::Message { format!("10^{k}") } else { format!("1e{k}") }
    } else {
        format!("{x}")
    }
}

impl ParamKey {
    /// The valid range: `[0, 1)`, `(-alpha, 1e9]`, `[1, 10^12]`; the compact
    /// style adds `| auto` to a key that may be left unset.
    pub fn range(&self, style: Style) -> String {
        match self.domain {
            Domain::Source => "zipf | pycrp".into(),
            Domain::Count { lo, hi } => {
                format!("[{}, {}]", end(lo as f64, true, style), end(hi as f64, true, style))
            }
            Domain::Real { lo, hi, auto } => {
                let lo = match lo {
                    Low::Closed(x) => format!("[{}", end(x, false, style)),
                    Low::Open(x) => format!("({}", end(x, false, style)),
                    Low::AboveMinusAlpha => "(-alpha".into(),
                };
                let hi = match hi {
                    High::Closed(x) => format!("{}]", end(x, false, style)),
                    High::Open(x) => format!("{})", end(x, false, style)),
                };
                let auto = if auto && style == Style::Compact { " | auto" } else { "" };
                format!("{lo}, {hi}{auto}")
            }
        }
    }

    /// The valid values as a sentence fragment, for a value that does not
    /// even parse: `a number in [0, 1)`, `an integer in [1, 10^12]`.
    pub fn valid_values(&self) -> String {
        match self.domain {
            Domain::Source => "\"zipf\" or \"pycrp\"".into(),
            Domain::Count { .. } => format!("an integer in {}", self.range(Style::Message)),
            Domain::Real { lo: Low::AboveMinusAlpha, hi: High::Closed(hi), .. } => {
                format!("a number with -alpha < {} <= {}", self.key, end(hi, false, Style::Message))
            }
            Domain::Real { .. } => format!("a number in {}", self.range(Style::Message)),
        }
    }

    /// What is wrong with `p`'s value of this key, with the valid range;
    /// `None` when it is in range.
    pub fn violation(&self, p: &GeneratorParams) -> Option<String> {
        let key = self.key;
        match (self.domain, (self.get)(p)) {
            (Domain::Count { lo, hi }, Value::Count(n)) => (!(lo..=hi).contains(&n))
                .then(|| format!("{key} = {n} is outside {}", self.range(Style::Message))),
            (Domain::Real { lo, hi, .. }, Value::Real(x)) => {
                let above = match lo {
                    Low::Closed(l) => x >= l,
                    Low::Open(l) => x > l,
                    // Against an alpha that is itself invalid (reported at
                    // alpha), only the upper bound is checked.
                    Low::AboveMinusAlpha => x > -p.alpha || !(0.0..1.0).contains(&p.alpha),
                };
                let below = match hi {
                    High::Closed(h) => x <= h,
                    High::Open(h) => x < h,
                };
                if x.is_finite() && above && below {
                    None
                } else if let (Low::AboveMinusAlpha, High::Closed(h)) = (lo, hi) {
                    let h = end(h, false, Style::Message);
                    Some(format!("{key} = {x} must satisfy -alpha < {key} <= {h} (alpha = {})", p.alpha))
                } else {
                    Some(format!("{key} = {x} is outside {}", self.range(Style::Message)))
                }
            }
            _ => None,
        }
    }

    /// Applies one editor step, up (`up`) or down.
    pub fn step(&self, p: &mut GeneratorParams, up: bool) {
        let value = (self.get)(p);
        let next = match (self.step, value) {
            (Step::Toggle, Value::Source(s)) => Value::Source(match s {
                SourceKind::Zipf => SourceKind::Pycrp,
                SourceKind::Pycrp => SourceKind::Zipf,
            }),
            (Step::Add(d), Value::Real(x)) => Value::Real(tidy(if up { x + d } else { x - d })),
            (Step::Times(m), Value::Real(x)) => Value::Real(tidy(if up { x * m } else { x / m })),
            (Step::AddCount(d), Value::Count(n)) => {
                Value::Count(if up { n.saturating_add(d) } else { n.saturating_sub(d) })
            }
            (Step::Double, Value::Count(n)) => {
                Value::Count(if up { n.saturating_mul(2) } else { (n / 2).max(1) })
            }
            (Step::Decade, Value::Count(n)) => {
                Value::Count(if up { n.saturating_mul(10) } else { (n / 10).max(1) })
            }
            (Step::AddToExponent(d), _) => {
                let s = p.zipf_s();
                let s = if s.is_finite() { s } else { 1.0 };
                Value::Real(tidy(if up { s + d } else { s - d }))
            }
            _ => return,
        };
        // A u32 field saturates at its own maximum.
        if (self.set)(p, next).is_err()
            && let Value::Count(_) = next
        {
            let _ = (self.set)(p, Value::Count(u32::MAX as u64));
        }
    }
}

/// Rounds away binary noise from stepping (0.1 + 0.2).
pub fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(9 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// The keys a fine-tuning phase may not change, as a list for messages.
pub fn phase_fixed_keys() -> String {
    let fixed: Vec<&str> = PARAM_KEYS.iter().filter(|k| !k.phase).map(|k| k.key).collect();
    match fixed.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => fixed.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_fields_of_generator_params_in_order() {
        // Serialising every field of the struct gives the table's keys, in order.
        let p = GeneratorParams { zipf_exponent: Some(2.0), ..Default::default() };
        let table = toml::Table::try_from(&p).unwrap();
        let fields: Vec<&str> = table.keys().map(String::as_str).collect();
        let mut keys: Vec<&str> = PARAM_KEYS.iter().map(|k| k.key).collect();
        keys.sort_unstable();
        let mut sorted = fields.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, keys);
    }

    #[test]
    fn each_getter_reads_and_each_setter_writes_its_own_field() {
        let p = GeneratorParams::default();
        for k in &PARAM_KEYS {
            let mut q = p.clone();
            k.step(&mut q, true);
            assert_ne!(q, p, "{}: a step changes the value", k.key);
            let changed: Vec<&str> =
                PARAM_KEYS.iter().filter(|o| (o.get)(&q) != (o.get)(&p)).map(|o| o.key).collect();
            assert_eq!(changed, vec![k.key]);
            (k.set)(&mut q, (k.get)(&p)).unwrap();
            assert_eq!(q, p, "{}", k.key);
        }
    }

    #[test]
    fn ranges_read_as_before() {
        let r = |key: &str, s| param_key(key).unwrap().range(s);
        assert_eq!(r("alpha", Style::Message), "[0, 1)");
        assert_eq!(r("beta", Style::Compact), "(-alpha, 1e9]");
        assert_eq!(r("entities", Style::Message), "[1, 10^12]");
        assert_eq!(r("entities", Style::Compact), "[1, 1e12]");
        assert_eq!(r("zipf_exponent", Style::Compact), "(0, 50] | auto");
        assert_eq!(r("template_concentration", Style::Message), "(0, 1e6]");
        assert_eq!(param_key("beta").unwrap().valid_values(), "a number with -alpha < beta <= 1e9");
        assert_eq!(param_key("values").unwrap().valid_values(), "an integer in [2, 4096]");
    }

    #[test]
    fn phase_fixed_keys_are_the_vocabulary_and_universe() {
        assert_eq!(
            phase_fixed_keys(),
            "source, entities, attributes, values, name_length, name_alphabet, templates, filler_words and filler_slots"
        );
    }
}
