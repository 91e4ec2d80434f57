//! The generator parameters as editable fields: every key of `[generator]`
//! (docs/theory.md, "The generator") from the key table (`sk::params::keys`), shown as text
//! and set from typed text. Validity itself is `GeneratorParams::check`'s call.

use crate::sk::params::keys::{Domain, PARAM_KEYS, ParamKey, Style, Value, param_key, tidy};
use crate::sk::{GeneratorParams, SourceKind};

/// One editable key of `[generator]`: a row of the key table.
pub type Field = ParamKey;

/// Every field, in `[generator]` order.
pub const FIELDS: [Field; 17] = PARAM_KEYS;

/// A field's valid range as the editor shows it (`[1, 1e12]`, `(0, 50] | auto`).
pub fn range(f: &Field) -> String {
    f.range(Style::Compact)
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
    match param_key(key).map(|k| (k.get)(p)) {
        Some(Value::Source(s)) => s.name().into(),
        Some(Value::Count(n)) => n.to_string(),
        Some(Value::Real(x)) => format_float(x),
        Some(Value::Auto) => "auto".into(),
        None => String::new(),
    }
}

/// Sets a field from typed text. `Err` says why the text is not a value of
/// the field's type; a value of the right type but out of range is accepted
/// here and reported by `check`.
pub fn set(p: &mut GeneratorParams, key: &str, text: &str) -> Result<(), String> {
    let k = param_key(key).ok_or_else(|| format!("no field {key}"))?;
    let t = text.trim().replace('_', "");
    let float = || t.parse::<f64>().map_err(|_| format!("{text:?} is not a number"));
    let value = match k.domain {
        Domain::Source => Value::Source(match t.to_ascii_lowercase().as_str() {
            "zipf" => SourceKind::Zipf,
            "pycrp" => SourceKind::Pycrp,
            _ => return Err(format!("{text:?}: source is zipf or pycrp")),
        }),
        Domain::Count { .. } => Value::Count(crate::config::count::parse_count(text)?),
        Domain::Real { auto: true, .. } if t.is_empty() || t.starts_with("auto") => Value::Auto,
        Domain::Real { .. } => Value::Real(float()?),
    };
    (k.set)(p, value)
}

/// One step up (`dir > 0`) or down: additive for bounded reals and small
/// counts, multiplicative (x2 or x10) for sizes that span decades.
pub fn step(p: &mut GeneratorParams, key: &str, dir: i32) {
    if let Some(k) = param_key(key) {
        k.step(p, dir > 0);
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
