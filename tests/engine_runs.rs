//! The engine as a program: determinism of checkpoint lines, fine-tuning,
//! and the driver thread's promptness and failure handling.

mod support;

use std::time::{Duration, Instant};

use sk_tui::config::library::embedded_preset;
use sk_tui::engine::driver::{DriverOptions, spawn};
use sk_tui::engine::{Control, Engine, Step, Update};
use support::binary::command;

fn checkpoint_lines(args: &[&str]) -> Vec<String> {
    let out = command().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<String> = text.lines().map(String::from).collect();
    let summary: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(summary["kind"], "summary");
    assert!(summary["sentences_per_second"].as_f64().unwrap() > 0.0);
    // The run header and the samples lines are not checkpoints (docs/recorded-runs.md).
    lines[..lines.len() - 1].iter().filter(|l| l.starts_with("{\"kind\":\"checkpoint\"")).cloned().collect()
}

#[test]
fn same_preset_and_seed_give_byte_identical_checkpoints() {
    let a = checkpoint_lines(&["run", "--preset", "finetune", "--sentences", "200000", "--seed", "3"]);
    let b = checkpoint_lines(&["run", "--preset", "finetune", "--sentences", "200000", "--seed", "3"]);
    assert!(a.len() > 20);
    assert_eq!(a, b);
    let c = checkpoint_lines(&["run", "--preset", "finetune", "--sentences", "200000", "--seed", "4"]);
    assert_ne!(a, c);
    for line in &a {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["kind"], "checkpoint");
        for key in
            ["phase", "sentences", "tokens", "distinct_entities", "rank_bins", "learners", "fits", "theory"]
        {
            assert!(v.get(key).is_some(), "{key} missing");
        }
        for l in v["learners"].as_array().unwrap() {
            for key in [
                "name",
                "type",
                "model_bits",
                "params",
                "loss_bits_per_token",
                "excess_bits_per_token",
                "excess_bits_per_sentence",
                "excess_by_part",
                "memorized",
                "error_rate",
                "confident_error_rate",
                "data_exponent",
            ] {
                assert!(l.get(key).is_some(), "learner {key} missing");
            }
        }
        for key in [
            "data_exponent",
            "model_exponent",
            "heaps_exponent",
            "expected_distinct_entities",
            "expected_fact_excess",
        ] {
            assert!(v["theory"].get(key).is_some(), "theory {key} missing");
        }
    }
}

#[test]
fn csv_output_has_a_row_per_checkpoint_and_learner() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let out = command()
        .args(["run", "--sentences", "20000", "--format", "csv", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&path).unwrap();
    // The run header is a `#` comment line before the column names.
    assert!(text.starts_with("# {\"kind\":\"run\""), "{text}");
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let columns = rows[0].split(',').count();
    assert!(rows[0].starts_with("phase,sentences,"));
    assert!(rows.len() > 10 && (rows.len() - 1).is_multiple_of(4), "4 learners in the default preset");
    assert!(rows[1..].iter().all(|r| r.split(',').count() == columns));
    // Atomic write: no temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_bounded_budget_evicts_the_rarest_old_facts_during_finetune() {
    let preset = embedded_preset("finetune").unwrap().preset;
    let mut e = Engine::new(&preset, Some(1_000_000), Some(1));
    let mut at_phase_end = None;
    let mut last = None;
    loop {
        match e.advance(1 << 20) {
            Step::Checkpoint(c) => {
                if c.phase == 0 {
                    at_phase_end = Some(c.clone());
                }
                last = Some(c);
            }
            Step::Finished => break,
            _ => {}
        }
    }
    let (before, after) = (at_phase_end.unwrap(), last.unwrap());
    assert_eq!(after.phase, 1);
    for (i, name) in ["lfu-1e5", "lru-1e5"].iter().enumerate() {
        let (b, a) = (&before.learners[i + 1], &after.learners[i + 1]);
        assert_eq!(&b.name, name);
        // The most frequent old facts stay; the rarer memorized ones go.
        assert!(a.memorized[0] == 1.0 && a.memorized[2] >= 0.9, "{name}: top bins lost: {:?}", a.memorized);
        // The frontier bin: the rarest one at least half memorized before.
        // Its memorized fraction must fall by more than 3 standard errors of
        // a difference of two fractions over the bin's probes.
        let k = (0..b.memorized.len()).rev().find(|&k| b.memorized[k] >= 0.5).unwrap();
        let probes = preset.run.probe_facts_per_bin as f64;
        let (p0, p1) = (b.memorized[k], a.memorized[k]);
        let se = ((p0 * (1.0 - p0) + p1 * (1.0 - p1)) / probes).sqrt();
        assert!(
            p0 - p1 > 3.0 * se,
            "{name}: frontier bin {k} kept: before {:?} after {:?}",
            b.memorized,
            a.memorized
        );
        let fresh = a.memorized_new.as_ref().unwrap();
        assert!(fresh[0] == 1.0 && fresh[3] > 0.9, "{name}: new knowledge not acquired: {fresh:?}");
    }
    // The unbounded Bayes learner forgets nothing: fully memorized bins stay so
    // (partly memorized ones may move by chance: an unknown fact is answered
    // with the marginal's mode, which drifts).
    let (b, a) = (&before.learners[0], &after.learners[0]);
    assert!(a.memorized.iter().zip(&b.memorized).all(|(x, y)| *y < 1.0 || *x == 1.0));
}

#[test]
fn the_driver_stops_promptly_and_reports_an_engine_panic() {
    let preset = embedded_preset("default").unwrap();
    let handle = spawn(preset.clone(), DriverOptions { live: true, ..Default::default() });
    // Wait for data.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match handle.updates.recv_timeout(Duration::from_secs(20)).unwrap() {
            Update::Checkpoint(c) if c.sentences > 1000 => break,
            _ => assert!(Instant::now() < deadline, "no checkpoint"),
        }
    }
    let t = Instant::now();
    handle.shutdown();
    assert!(t.elapsed() < Duration::from_millis(100), "stop took {:?}", t.elapsed());

    let handle = spawn(preset, DriverOptions { live: true, panic_at: Some(50_000), ..Default::default() });
    let deadline = Instant::now() + Duration::from_secs(30);
    let error = loop {
        match handle.updates.recv_timeout(Duration::from_secs(30)).unwrap() {
            Update::Error(e) => break e,
            _ => assert!(Instant::now() < deadline, "no error update"),
        }
    };
    assert!(error.contains("injected engine fault"), "{error}");
    // The thread survives the panic and still answers control.
    handle.control.send(Control::Restart(Box::new(embedded_preset("default").unwrap().preset))).unwrap();
    let started = loop {
        if let Update::Started(info) = handle.updates.recv_timeout(Duration::from_secs(10)).unwrap() {
            break info;
        }
    };
    assert_eq!(started.learners.len(), 4);
    handle.shutdown();
}

/// An engine whose learners read no tokens (Bayes and capped) draws its
/// sentences unspelled and spells only those it keeps for the samples: they
/// read as the same sentences of a generator that spells every one (the
/// engine keeps every 61st).
#[test]
fn samples_of_an_engine_that_does_not_spell_are_the_streams_sentences() {
    use sk_tui::sk::{Generator, Sentence};
    let preset = embedded_preset("data-scaling").unwrap().preset;
    let n = 5_000;
    let mut e = Engine::new(&preset, Some(n), Some(7));
    while !matches!(e.advance(u64::MAX), Step::Finished) {}
    let samples = e.samples();
    assert_eq!(samples.len(), 12);
    let mut g = Generator::new(&preset.generator, 7);
    assert!(g.spells());
    let mut s = Sentence::default();
    let mut want = Vec::new();
    for i in 1..=n {
        g.next(&mut s);
        if i % 61 == 0 {
            want.push((s.words(g.vocab()), s.fact_text(g.vocab())));
        }
    }
    let want = &want[want.len() - 12..];
    for (got, (words, fact)) in samples.iter().zip(want) {
        assert!(!got.words.is_empty());
        assert_eq!((&got.words, &got.fact), (words, fact));
    }
}
