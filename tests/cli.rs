//! The binary as a user meets it: commands, output formats, and bad input
//! (a clear message naming file, line:column, key and valid range; exit 2).

use assert_cmd::Command;

fn sk() -> Command {
    Command::cargo_bin("sk-tui").unwrap()
}

/// Each file in tests/invalid_presets with the message fragments its error must contain.
const INVALID: &[(&str, &[&str])] = &[
    ("alpha_one.toml", &["alpha_one.toml:2:9", "generator.alpha", "[0, 1)"]),
    ("alpha_nan.toml", &["alpha_nan.toml:2:9", "generator.alpha", "[0, 1)"]),
    ("beta_too_small.toml", &[":3:8", "generator.beta", "-alpha < beta"]),
    ("zero_entities.toml", &[":2:12", "generator.entities", "[1, 10^12]"]),
    ("too_many_entities.toml", &[":2:12", "generator.entities", "[1, 10^12]"]),
    ("wrong_type.toml", &[":2:14", "generator.attributes", "invalid type", "[1, 64]"]),
    ("unknown_key.toml", &[":2:1", "generator.alpah", "unknown field `alpah`"]),
    ("unknown_source.toml", &[":2:10", "generator.source", "zipfian", "\"pycrp\""]),
    ("names_not_distinct.toml", &["generator.name_length", "names cannot be distinct"]),
    ("negative_skew.toml", &["generator.value_skew", "[0, 10]"]),
    ("noise_above_one.toml", &["generator.fact_noise", "[0, 1]"]),
    ("zero_templates.toml", &["generator.templates", "[1, 256]"]),
    ("negative_seed.toml", &[":2:8", "run.seed", "[0, 2^64)"]),
    ("zero_confidence.toml", &["run.confidence", "(0, 1]"]),
    ("capped_without_budget.toml", &["learner[0].type", "budget_bits"]),
    ("unknown_policy.toml", &[":5:10", "learner[0].policy", "fifo"]),
    ("duplicate_table.toml", &[":3:"]),
    ("broken_syntax.toml", &[":1:"]),
];

#[test]
fn every_invalid_preset_is_rejected_with_its_place_and_range() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_presets");
    let listed: Vec<&str> = INVALID.iter().map(|(f, _)| *f).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(listed.contains(&name.as_str()), "{name} has no expected message in INVALID");
    }
    for (file, fragments) in INVALID {
        for args in
            [vec!["check"], vec!["sample", "--preset"], vec!["stats", "--sentences", "10", "--preset"]]
        {
            let out = sk().args(&args).arg(dir.join(file)).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{file} {args:?}: exit {:?}, stderr {err}",
                out.status.code()
            );
            assert!(err.starts_with("error: "), "{file}: {err}");
            assert!(!err.contains("panicked"), "{file}: {err}");
            for f in *fragments {
                assert!(err.contains(f), "{file} {args:?}: {err:?} lacks {f:?}");
            }
        }
    }
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        vec!["stats", "--sentences", "0"],
        vec!["sample", "--preset", "no-such-preset"],
        vec!["sample", "-n", "x"],
        vec!["--fps", "0"],
    ] {
        let out = sk().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = sk().args(["check", "/no/such/file.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sample_prints_plain_sentences_with_facts_when_piped() {
    let out = sk().args(["sample", "-n", "7", "--seed", "3"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "escape codes in piped output");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 14);
    for pair in lines.chunks(2) {
        assert!(pair[0].ends_with('.') && pair[0].starts_with(char::is_uppercase), "{}", pair[0]);
        assert!(pair[1].trim_start().starts_with("fact: ") && pair[1].contains("oracle bits"), "{}", pair[1]);
    }
    let again = sk().args(["sample", "-n", "7", "--seed", "3"]).output().unwrap();
    assert_eq!(text.as_bytes(), &again.stdout[..]);
}

#[test]
fn stats_json_has_exactly_the_contract_keys() {
    let out = sk().args(["stats", "--sentences", "200000", "--json"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "distinct_entities",
            "entropy_bits_per_sentence",
            "expected_distinct_entities",
            "heaps_exponent",
            "oracle_bits_per_sentence",
            "oracle_bits_per_token",
            "rank_frequency_slope",
            "sentences",
            "sentences_per_second",
            "tokens_per_second"
        ]
    );
    assert_eq!(v["sentences"], 200_000);
    // The fits exist (their accuracy is the statistical tests' business).
    assert!(v["rank_frequency_slope"].as_f64().unwrap() < 0.0);
    assert!(v["heaps_exponent"].as_f64().unwrap() > 0.0);
    let pycrp =
        sk().args(["stats", "--preset", "pycrp-heaps", "--sentences", "10000", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&pycrp.stdout).unwrap();
    assert!(v["entropy_bits_per_sentence"].is_null());
}

#[test]
fn presets_lists_every_embedded_preset() {
    let out = sk().arg("presets").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "default",
        "data-scaling",
        "model-scaling",
        "knowledge-acquisition",
        "finetune",
        "hallucination",
        "pycrp-heaps",
        "syntax-first",
        "kaplan",
        "neural",
    ] {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name} missing from:\n{text}");
    }
}
