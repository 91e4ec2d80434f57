//! What differs between runs: their headers' presets flattened to
//! `generator.alpha = 0.5`-style keys, compared. A run is named by the keys
//! whose values differ (`alpha=0.5 seed=3`), or by its file when none do.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::line::RunHeader;

/// The header's preset as `path -> value` (`generator.alpha`, `learner[1].budget_bits`).
pub fn flatten(h: &RunHeader) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let v = serde_json::to_value(&h.preset).unwrap_or(Value::Null);
    walk("", &v, &mut out);
    out.insert("preset".into(), Value::String(h.preset_name.clone()));
    out
}

fn walk(path: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                walk(&p, x, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(&format!("{path}[{i}]"), x, out);
            }
            if a.is_empty() {
                out.insert(path.into(), Value::Array(vec![]));
            }
        }
        _ => {
            out.insert(path.into(), v.clone());
        }
    }
}

/// The keys whose values are not the same in every header, in key order
/// (`run.sentences` too: runs of different lengths are told apart by it).
pub fn differing_keys(headers: &[&RunHeader]) -> Vec<String> {
    let flat: Vec<BTreeMap<String, Value>> = headers.iter().map(|h| flatten(h)).collect();
    let mut keys: Vec<String> = flat.iter().flat_map(|m| m.keys().cloned()).collect();
    keys.sort();
    keys.dedup();
    keys.retain(|k| flat.iter().any(|m| m.get(k) != flat[0].get(k)));
    keys
}

/// A key as a label shows it: `alpha` for `generator.alpha`, `seed` for `run.seed`.
pub fn short_key(key: &str) -> &str {
    key.strip_prefix("generator.").or_else(|| key.strip_prefix("run.")).unwrap_or(key)
}

fn show(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "-".into(),
        Some(v) => v.to_string(),
    }
}

/// A name for each run: what differs (at most three keys), else the file name.
pub fn run_labels(headers: &[&RunHeader], paths: &[&Path]) -> Vec<String> {
    let mut keys = differing_keys(headers);
    // The preset's name says less than the values it sets: only when nothing else differs.
    if keys.len() > 1 {
        keys.retain(|k| k != "preset");
    }
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if keys.is_empty() || headers.len() < 2 {
                let name = paths.get(i).and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
                return name.unwrap_or_else(|| h.preset_name.clone());
            }
            let flat = flatten(h);
            let mut parts: Vec<String> =
                keys.iter().take(3).map(|k| format!("{}={}", short_key(k), show(flat.get(k)))).collect();
            if keys.len() > 3 {
                parts.push("…".into());
            }
            parts.join(" ")
        })
        .collect()
}

/// The numeric generator key that varies across the runs, for an x axis:
/// `generator.alpha` when it varies, else the first that does.
pub fn varying_generator_key(headers: &[&RunHeader]) -> Option<String> {
    let keys: Vec<String> = differing_keys(headers)
        .into_iter()
        .filter(|k| k.starts_with("generator.") && headers.iter().all(|h| value_of(h, k).is_some()))
        .collect();
    keys.iter().find(|k| *k == "generator.alpha").or(keys.first()).cloned()
}

/// A numeric preset value by its flattened key.
pub fn value_of(h: &RunHeader, key: &str) -> Option<f64> {
    flatten(h).get(key)?.as_f64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;

    #[test]
    fn runs_are_named_by_what_differs() {
        let mut a = Preset::default();
        a.generator.alpha = 0.5;
        let mut b = Preset::default();
        b.generator.alpha = 0.8;
        b.run.seed = 3;
        let (ha, hb) = (RunHeader::new("x", &a, vec![]), RunHeader::new("x", &b, vec![]));
        assert_eq!(differing_keys(&[&ha, &hb]), ["generator.alpha", "run.seed"]);
        assert_eq!(run_labels(&[&ha, &hb], &[]), ["alpha=0.5 seed=1", "alpha=0.8 seed=3"]);
        assert_eq!(varying_generator_key(&[&ha, &hb]).as_deref(), Some("generator.alpha"));
        let same = run_labels(&[&ha, &ha], &[Path::new("d/one.jsonl"), Path::new("d/two.jsonl")]);
        assert_eq!(same, ["one.jsonl", "two.jsonl"]);
    }
}
