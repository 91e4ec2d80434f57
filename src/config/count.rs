//! Whole numbers as people write them: `100000000`, `100_000_000` and `1e8`
//! mean the same count, on the command line, in presets and in the editor.

/// Parses a whole number `>= 0`: digits with optional `_` separators, or a
/// float literal (`1e8`, `2.5e6`) that is a whole number within `u64`.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let t = text.trim().replace('_', "");
    if let Ok(v) = t.parse::<u64>() {
        return Ok(v);
    }
    match t.parse::<f64>() {
        // 2^64 is exactly representable, so `<` keeps the cast in range.
        Ok(f) if f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64 => Ok(f as u64),
        _ => Err(format!("{text:?} is not a whole number >= 0 (write e.g. 100000000, 100_000_000 or 1e8)")),
    }
}

/// Serde: a count written as an integer (`100_000_000`) or as a whole
/// float (`1e8`), for the preset keys that count sentences or entities.
pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(CountVisitor)
}

/// Serde: an optional count (`new_entities`).
pub fn deserialize_option<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    deserialize(d).map(Some)
}

struct CountVisitor;

impl serde::de::Visitor<'_> for CountVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a whole number >= 0 (e.g. 100000000, 100_000_000 or 1e8)")
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<u64, E> {
        if v >= 0.0 && v.fract() == 0.0 && v < u64::MAX as f64 {
            Ok(v as u64)
        } else {
            Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_count;

    #[test]
    fn separators_and_exponents_are_counts() {
        assert_eq!(parse_count("100000000"), Ok(100_000_000));
        assert_eq!(parse_count("100_000_000"), Ok(100_000_000));
        assert_eq!(parse_count("1e8"), Ok(100_000_000));
        assert_eq!(parse_count(" 2.5e6 "), Ok(2_500_000));
        assert_eq!(parse_count("18446744073709551615"), Ok(u64::MAX));
        for bad in ["", "-1", "1.5", "1e-3", "x", "1e30", "NaN", "inf"] {
            assert!(parse_count(bad).is_err(), "{bad:?} accepted");
        }
    }
}
