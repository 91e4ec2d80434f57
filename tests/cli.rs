//! The binary as a user meets it: commands, output formats, and bad input
//! (a clear message naming file, line:column, key and valid range; exit 2).

mod support;

use support::binary::{BIN, command};

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
    ("alpha_negative.toml", &["alpha_negative.toml:2:9", "generator.alpha", "[0, 1)"]),
    ("learner_without_name.toml", &[":3:1", "learner[0].name", "a learner needs a name"]),
    ("phase_unknown_key.toml", &[":6:1", "phase[0].generator.entities", "unknown field `entities`"]),
    ("learner_single_table.toml", &[":3:1", "write [[learner]], not [learner]"]),
    ("generator_array_of_tables.toml", &["write [generator], not [[generator]]"]),
];

/// Files with one mistake, which must get one message: no second message
/// derived from the first, and no range for a key that does not belong.
const ONE_PROBLEM: &[&str] =
    &["alpha_negative.toml", "alpha_nan.toml", "learner_without_name.toml", "phase_unknown_key.toml"];

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
            let out = command().args(&args).arg(dir.join(file)).output().unwrap();
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
fn one_mistake_gets_one_message() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_presets");
    for file in ONE_PROBLEM {
        let out = command().arg("check").arg(dir.join(file)).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.matches(&format!("{file}:")).count(), 1, "{err}");
        assert!(!err.contains("(valid:"), "{err}");
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
        let out = command().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = command().args(["check", "/no/such/file.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sample_prints_plain_sentences_with_facts_when_piped() {
    let out = command().args(["sample", "-n", "7", "--seed", "3"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "escape codes in piped output");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 14);
    for pair in lines.chunks(2) {
        assert!(pair[0].ends_with('.') && pair[0].starts_with(char::is_uppercase), "{}", pair[0]);
        assert!(pair[1].trim_start().starts_with("fact: ") && pair[1].contains("oracle bits"), "{}", pair[1]);
    }
    let again = command().args(["sample", "-n", "7", "--seed", "3"]).output().unwrap();
    assert_eq!(text.as_bytes(), &again.stdout[..]);
}

#[test]
fn stats_json_has_exactly_the_contract_keys() {
    let out = command().args(["stats", "--sentences", "200000", "--json"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "distinct_entities",
            "distinct_entities_sd",
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
    let pycrp = command()
        .args(["stats", "--preset", "pycrp-heaps", "--sentences", "10000", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&pycrp.stdout).unwrap();
    assert!(v["entropy_bits_per_sentence"].is_null());
    assert!(v["distinct_entities_sd"].as_f64().unwrap() > 0.0);
}

#[test]
fn presets_lists_every_embedded_preset() {
    let out = command().arg("presets").output().unwrap();
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

/// A user preset or theme named like an embedded one is what the name
/// loads: the list shows it once, in the embedded one's place, saying so.
#[test]
fn a_user_file_named_like_an_embedded_one_is_listed_as_replacing_it() {
    let config = tempfile::tempdir().unwrap();
    for (folder, name, kind) in [("presets", "default", "preset"), ("themes", "dark", "theme")] {
        let dir = config.path().join("sk-tui").join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        let shown = command().args([folder, "--show", name]).output().unwrap().stdout;
        let mut mine = b"# Mine: a copy.\n".to_vec();
        mine.extend(shown);
        std::fs::write(dir.join(format!("{name}.toml")), mine).unwrap();
        let out = command().arg(folder).env("XDG_CONFIG_HOME", config.path()).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| l.split_whitespace().next() == Some(name)).collect();
        assert_eq!(lines.len(), 1, "{folder}:\n{text}");
        assert!(
            lines[0].contains("Mine: a copy.")
                && lines[0].contains(&format!("replacing the embedded {kind}")),
            "{text}"
        );
        assert!(
            text.lines().next().unwrap().starts_with(name),
            "{folder}: not in the embedded one's place:\n{text}"
        );
    }
}

#[test]
fn counts_take_exponents_and_separators() {
    for (flag, value) in [("--sentences", "2e4"), ("--sentences", "20_000"), ("--sentences", "20000")] {
        let out = command().args(["stats", flag, value, "--seed", "1_000", "--json"]).output().unwrap();
        assert!(out.status.success(), "{value}: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["sentences"], 20_000, "{value}");
    }
    let out = command().args(["sample", "-n", "1e0", "--seed", "1e3"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("run.jsonl");
    let out =
        command().args(["run", "--sentences", "1e4", "--seed", "2", "--out"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.lines().any(|l| l.contains("\"sentences\":10000")), "{text}");
    // Not a whole number: refused with the forms that work, exit 2.
    let out = command().args(["stats", "--sentences", "1.5"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1e8"));
}

#[test]
fn a_preset_that_only_sets_pycrp_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pycrp.toml");
    std::fs::write(&file, "[generator]\nsource = \"pycrp\"\n").unwrap();
    let out = command().arg("check").arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = command().args(["run", "--sentences", "20000", "--preset"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A run too long for the default name space says which key to raise.
    std::fs::write(&file, "[generator]\nsource = \"pycrp\"\n[run]\nsentences = 2e9\n").unwrap();
    let out = command().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("generator.name_length") && err.contains("raise name_length"), "{err}");
    // The same length asked for with --sentences, of a preset that checks.
    std::fs::write(&file, "[generator]\nsource = \"pycrp\"\n").unwrap();
    for command_name in ["run", "stats", "snapshot"] {
        let out =
            command().args([command_name, "--sentences", "2e9", "--preset"]).arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{command_name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--sentences 2000000000") && err.contains("raise name_length"),
            "{command_name}: {err}"
        );
    }
}

#[test]
fn check_names_a_misspelled_table_and_tells_presets_from_themes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("typo.toml");
    std::fs::write(&file, "[generater]\nalpha = 0.5\n").unwrap();
    let out = command().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("typo.toml:1:2")
            && err.contains("unknown table `generater` (did you mean `generator`?)"),
        "{err}"
    );
    assert!(!err.contains("unknown field"), "parsed as a theme: {err}");
    // A preset with a good table and a misspelled one.
    std::fs::write(&file, "[generator]\nalpha = 0.5\n[rnu]\nseed = 3\n").unwrap();
    let err =
        String::from_utf8_lossy(&command().arg("check").arg(&file).output().unwrap().stderr).to_string();
    assert!(err.contains(":3:") && err.contains("unknown table `rnu` (did you mean `run`?)"), "{err}");
    // A theme is still a theme.
    std::fs::write(&file, "[glyphs]\nborder = \"ascii\"\n").unwrap();
    let out = command().arg("check").arg(&file).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("a valid theme"));
}

#[test]
fn show_prints_embedded_toml_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    for (list, name) in [("presets", "hallucination"), ("themes", "tty16")] {
        let out = command().args([list, "--show", name]).output().unwrap();
        assert!(out.status.success());
        let file = dir.path().join(format!("{name}.toml"));
        std::fs::write(&file, &out.stdout).unwrap();
        let check = command().arg("check").arg(&file).output().unwrap();
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
        let kind = if list == "presets" { "a valid preset" } else { "a valid theme" };
        assert!(String::from_utf8_lossy(&check.stdout).contains(kind));
    }
    let out = command().args(["presets", "--show", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kaplan"));
}

#[test]
fn help_names_the_config_directory_and_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = command().arg("--help").env("XDG_CONFIG_HOME", dir.path()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&dir.path().join("sk-tui").display().to_string()), "{text}");
    assert!(text.contains("config.toml") && text.contains("--no-mouse") && text.contains("--glyphs"));
    assert!(text.contains("pause / resume training") && text.contains("? shows them all"), "{text}");
}

#[test]
fn a_bad_config_file_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sk-tui")).unwrap();
    std::fs::write(dir.path().join("sk-tui/config.toml"), "theme = \"dark\"\nfps = 500\n").unwrap();
    // The file is read before the terminal is needed, by the dashboard and
    // by `view`, which takes its defaults too.
    for args in [vec![], vec!["view", "run.jsonl"]] {
        let out = command().args(&args).env("XDG_CONFIG_HOME", dir.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("config.toml:2:7: fps: fps = 500 is outside [1, 60]"), "{args:?}: {err}");
    }
}

/// A reader that goes away (`sk-tui run | head -1`) ends the run quietly
/// with exit 0, in every command that streams to stdout.
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    for args in [vec!["run", "--sentences", "1e9"], vec!["sample", "-n", "1e9"]] {
        let mut child = std::process::Command::new(BIN)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "{args:?}: no output");
        // The reader is dropped here: the next write meets a closed pipe.
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("error"), "{args:?}: {err}");
    }
}

/// `--size` and `--sentences` are checked as they are parsed: what, the
/// valid range, exit 2.
#[test]
fn sizes_and_sentence_counts_are_refused_with_their_ranges() {
    for (args, want) in [
        (vec!["snapshot", "--size", "30x40"], "width 30 is outside [40, 1000] cells"),
        (vec!["snapshot", "--size", "120x600"], "height 600 is outside [10, 500] cells"),
        (vec!["snapshot", "--size", "big"], "\"big\" is not WIDTHxHEIGHT, e.g. 120x40"),
        (
            vec!["plot", "x.jsonl", "--out", "f.svg", "--size", "50x800"],
            "width 50 is outside [100, 10000] pixels",
        ),
        (vec!["run", "--sentences", "0"], "0 is outside [1, 4e9]"),
        (vec!["stats", "--sentences", "5e9"], "5000000000 is outside [1, 4e9]"),
        // A count the flag accepts but the preset does not: checked as the
        // file's own value would be.
        (
            vec!["run", "--preset", "finetune", "--sentences", "4e9"],
            "--sentences 4000000000 does not suit the preset: run.sentences: run.sentences plus every phase's sentences",
        ),
        (
            vec!["snapshot", "--preset", "finetune", "--sentences", "4e9"],
            "--sentences 4000000000 does not suit the preset",
        ),
    ] {
        let out = command().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err:?} lacks {want:?}");
        assert!(err.contains(if args.contains(&"--size") { "--size" } else { "--sentences" }), "{err}");
    }
}

/// A run file is also a preset (its header's, with its seed) for every
/// command that takes `--preset`.
#[test]
fn every_preset_taking_command_takes_a_run_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.jsonl");
    let out =
        command().args(["run", "--sentences", "2e4", "--seed", "7", "--out"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for args in [
        vec!["stats", "--sentences", "1e4"],
        vec!["sample"],
        vec!["snapshot", "--sentences", "1e4", "--size", "80x24"],
    ] {
        let out = command().args(&args).arg("--preset").arg(&file).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = command().args(["stats", "--sentences", "1e4", "--preset"]).arg(&file).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("(seed 7)"));
}
