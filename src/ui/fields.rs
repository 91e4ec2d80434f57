//! The generator parameters as editable fields: every key of `[generator]`
//! (docs/theory.md, "The generator") with its valid range, how one step changes it, and how
//! typed text sets it. Validity itself is `GeneratorParams::check`'s call.

use crate::sk::{GeneratorParams, SourceKind};

/// One editable key of `[generator]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    /// The valid range, as `check` states it.
    pub range: &'static str,
    /// The symbol in docs/theory.md.
    pub symbol: &'static str,
}

/// Every field, in `[generator]` order.
pub const FIELDS: [Field; 17] = [
    Field { key: "source", range: "zipf | pycrp", symbol: "" },
    Field { key: "alpha", range: "[0, 1)", symbol: "alpha" },
    Field { key: "beta", range: "(-alpha, 1e9]", symbol: "beta" },
    Field { key: "entities", range: "[1, 1e12]", symbol: "K" },
    Field { key: "zipf_offset", range: "[0, 1e9]", symbol: "q" },
    Field { key: "zipf_exponent", range: "(0, 50] | auto", symbol: "s" },
    Field { key: "attributes", range: "[1, 64]", symbol: "F" },
    Field { key: "values", range: "[2, 4096]", symbol: "V_a" },
    Field { key: "value_skew", range: "[0, 10]", symbol: "sigma" },
    Field { key: "name_length", range: "[1, 12]", symbol: "L_name" },
    Field { key: "name_alphabet", range: "[2, 4096]", symbol: "V_name" },
    Field { key: "templates", range: "[1, 256]", symbol: "T" },
    Field { key: "template_concentration", range: "(0, 1e6]", symbol: "gamma_t" },
    Field { key: "filler_words", range: "[1, 4096]", symbol: "V_fill" },
    Field { key: "filler_slots", range: "[0, 8]", symbol: "" },
    Field { key: "filler_concentration", range: "(0, 1e6]", symbol: "gamma_f" },
    Field { key: "fact_noise", range: "[0, 1]", symbol: "epsilon" },
];

/// Rounds away binary noise from stepping (0.1 + 0.2).
fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(9 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Formats a float without trailing noise: `0.6`, `1e6`, `0.05`.
pub fn format_float(x: f64) -> String {
    if x != 0.0 && x.is_finite() && (x.abs() >= 1e6 || x.abs() < 1e-3) {
        let s = format!("{:e}", tidy(x));
        return s;
    }
    format!("{}", tidy(x))
}

/// The field's value as text.
pub fn get(p: &GeneratorParams, key: &str) -> String {
    match key {
        "source" => p.source.name().into(),
        "alpha" => format_float(p.alpha),
        "beta" => format_float(p.beta),
        "entities" => p.entities.to_string(),
        "zipf_offset" => format_float(p.zipf_offset),
        "zipf_exponent" => p.zipf_exponent.map_or_else(|| "auto".into(), format_float),
        "attributes" => p.attributes.to_string(),
        "values" => p.values.to_string(),
        "value_skew" => format_float(p.value_skew),
        "name_length" => p.name_length.to_string(),
        "name_alphabet" => p.name_alphabet.to_string(),
        "templates" => p.templates.to_string(),
        "template_concentration" => format_float(p.template_concentration),
        "filler_words" => p.filler_words.to_string(),
        "filler_slots" => p.filler_slots.to_string(),
        "filler_concentration" => format_float(p.filler_concentration),
        "fact_noise" => format_float(p.fact_noise),
        _ => String::new(),
    }
}

/// Sets a field from typed text. `Err` says why the text is not a value of
/// the field's type; a value of the right type but out of range is accepted
/// here and reported by `check`.
pub fn set(p: &mut GeneratorParams, key: &str, text: &str) -> Result<(), String> {
    let t = text.trim().replace('_', "");
    let float = || t.parse::<f64>().map_err(|_| format!("{text:?} is not a number"));
    let int = || crate::config::count::parse_count(text);
    let small = |v: u64| u32::try_from(v).map_err(|_| format!("{v} is too large"));
    match key {
        "source" => {
            p.source = match t.to_ascii_lowercase().as_str() {
                "zipf" => SourceKind::Zipf,
                "pycrp" => SourceKind::Pycrp,
                _ => return Err(format!("{text:?}: source is zipf or pycrp")),
            }
        }
        "alpha" => p.alpha = float()?,
        "beta" => p.beta = float()?,
        "entities" => p.entities = int()?,
        "zipf_offset" => p.zipf_offset = float()?,
        "zipf_exponent" => {
            p.zipf_exponent = if t.is_empty() || t.starts_with("auto") { None } else { Some(float()?) }
        }
        "attributes" => p.attributes = small(int()?)?,
        "values" => p.values = small(int()?)?,
        "value_skew" => p.value_skew = float()?,
        "name_length" => p.name_length = small(int()?)?,
        "name_alphabet" => p.name_alphabet = small(int()?)?,
        "templates" => p.templates = small(int()?)?,
        "template_concentration" => p.template_concentration = float()?,
        "filler_words" => p.filler_words = small(int()?)?,
        "filler_slots" => p.filler_slots = small(int()?)?,
        "filler_concentration" => p.filler_concentration = float()?,
        "fact_noise" => p.fact_noise = float()?,
        _ => return Err(format!("no field {key}")),
    }
    Ok(())
}

/// One step up (`dir > 0`) or down: additive for bounded reals and small
/// counts, multiplicative (x2 or x10) for sizes that span decades.
pub fn step(p: &mut GeneratorParams, key: &str, dir: i32) {
    let up = dir > 0;
    let add = |x: f64, d: f64| tidy(if up { x + d } else { x - d });
    let mul = |x: f64, m: f64| tidy(if up { x * m } else { x / m });
    let addu = |x: u32, d: u32| if up { x.saturating_add(d) } else { x.saturating_sub(d) };
    let mulu = |x: u32| if up { x.saturating_mul(2) } else { (x / 2).max(1) };
    match key {
        "source" => {
            p.source = match p.source {
                SourceKind::Zipf => SourceKind::Pycrp,
                SourceKind::Pycrp => SourceKind::Zipf,
            }
        }
        "alpha" => p.alpha = add(p.alpha, 0.05),
        "beta" => p.beta = add(p.beta, 0.5),
        "entities" => p.entities = if up { p.entities.saturating_mul(10) } else { (p.entities / 10).max(1) },
        "zipf_offset" => p.zipf_offset = add(p.zipf_offset, 1.0),
        "zipf_exponent" => {
            let s = p.zipf_s();
            p.zipf_exponent = Some(add(if s.is_finite() { s } else { 1.0 }, 0.1));
        }
        "attributes" => p.attributes = addu(p.attributes, 1),
        "values" => p.values = mulu(p.values),
        "value_skew" => p.value_skew = add(p.value_skew, 0.1),
        "name_length" => p.name_length = addu(p.name_length, 1),
        "name_alphabet" => p.name_alphabet = mulu(p.name_alphabet),
        "templates" => p.templates = addu(p.templates, 1),
        "template_concentration" => p.template_concentration = mul(p.template_concentration, 2.0),
        "filler_words" => p.filler_words = mulu(p.filler_words),
        "filler_slots" => p.filler_slots = addu(p.filler_slots, 1),
        "filler_concentration" => p.filler_concentration = mul(p.filler_concentration, 2.0),
        "fact_noise" => p.fact_noise = add(p.fact_noise, 0.01),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_round_trips_through_text() {
        let p = GeneratorParams::default();
        for f in FIELDS {
            let mut q = p.clone();
            let text = get(&p, f.key);
            set(&mut q, f.key, &text).unwrap_or_else(|e| panic!("{}: {e}", f.key));
            assert_eq!(q, p, "{}", f.key);
        }
    }

    #[test]
    fn every_check_key_is_a_field() {
        // Each key `check` can name must be editable here.
        let bad = GeneratorParams {
            alpha: 2.0,
            beta: -5.0,
            entities: 0,
            zipf_offset: -1.0,
            zipf_exponent: Some(-1.0),
            attributes: 0,
            values: 0,
            value_skew: -1.0,
            name_length: 0,
            name_alphabet: 0,
            templates: 0,
            template_concentration: 0.0,
            filler_words: 0,
            filler_slots: 99,
            filler_concentration: 0.0,
            fact_noise: 2.0,
            ..Default::default()
        };
        for i in bad.check() {
            assert!(FIELDS.iter().any(|f| f.key == i.key), "{}", i.key);
        }
    }

    #[test]
    fn steps_are_tidy_and_typed_errors_name_the_text() {
        let mut p = GeneratorParams { alpha: 0.1, ..Default::default() };
        step(&mut p, "alpha", 1);
        step(&mut p, "alpha", 1);
        assert_eq!(get(&p, "alpha"), "0.2");
        step(&mut p, "entities", -1);
        assert_eq!(p.entities, 100_000);
        assert!(set(&mut p, "alpha", "abc").unwrap_err().contains("abc"));
        set(&mut p, "entities", "1e6").unwrap();
        assert_eq!(p.entities, 1_000_000);
        set(&mut p, "zipf_exponent", "auto").unwrap();
        assert_eq!(p.zipf_exponent, None);
    }
}
