//! Run files as `sk-tui run` writes them (docs/recorded-runs.md): the header
//! reruns the run byte for byte, the file grows live as `FILE.partial`, and a
//! signal leaves a parseable partial file ending in an `interrupted` line.

mod support;

use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use sk_tui::record::{Record, parse_record};
use support::binary::{BIN, command};

/// Every line but the header (its command differs) and the summary (wall-clock).
fn reproducible_lines(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("{\"kind\":\"run\""), "{}", lines[0]);
    assert!(lines.last().unwrap().starts_with("{\"kind\":\"summary\""));
    lines[1..lines.len() - 1].iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_run_files_header_reruns_it_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"), dir.path().join("c.jsonl"));
    // finetune has a phase; seed and length come from the command line, so the
    // header must record the overrides for the rerun to match.
    let first = command()
        .args(["run", "--preset", "finetune", "--sentences", "30000", "--seed", "7", "--out"])
        .arg(&a)
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let rerun = command().args(["run", "--preset"]).arg(&a).arg("--out").arg(&b).output().unwrap();
    assert!(rerun.status.success(), "{}", String::from_utf8_lossy(&rerun.stderr));
    let (la, lb) = (reproducible_lines(&a), reproducible_lines(&b));
    let kinds = |ls: &[String]| {
        let mut k: Vec<String> = ls.iter().map(|l| l[9..l[9..].find('"').unwrap() + 9].to_string()).collect();
        k.dedup();
        k
    };
    assert!(kinds(&la).contains(&"phase".to_string()), "{:?}", kinds(&la));
    assert!(la.iter().filter(|l| l.contains("\"kind\":\"checkpoint\"")).count() > 20);
    assert!(la.iter().any(|l| l.contains("\"kind\":\"samples\"")));
    assert_eq!(la, lb, "rerun from the header differs");

    // The header names the preset, the seed in force and the command.
    let header: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&a).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(header["preset_name"], "finetune");
    assert_eq!(header["seed"], 7);
    assert_eq!(header["preset"]["run"]["sentences"], 30000);
    assert_eq!(header["version"], env!("CARGO_PKG_VERSION"));
    assert!(header["command"].as_array().unwrap().iter().any(|a| a == "--seed"));

    // A different seed gives different checkpoints: the comparison can fail.
    let other =
        command().args(["run", "--preset"]).arg(&a).args(["--seed", "8", "--out"]).arg(&c).output().unwrap();
    assert!(other.status.success());
    assert_ne!(la, reproducible_lines(&c));
    // No checkpoint or samples line carries wall-clock time.
    assert!(la.iter().all(|l| !l.contains("elapsed") && !l.contains("per_second")));
}

#[test]
fn a_csv_run_file_carries_its_header_as_a_comment_and_reruns() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, again) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    let out = command()
        .args(["run", "--sentences", "5000", "--seed", "4", "--format", "csv", "--out"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = command()
        .args(["run", "--format", "csv", "--preset"])
        .arg(&csv)
        .arg("--out")
        .arg(&again)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let strip = |p: &Path| -> Vec<String> {
        let t = std::fs::read_to_string(p).unwrap();
        assert!(t.starts_with("# {\"kind\":\"run\""));
        t.lines().skip(1).map(String::from).collect()
    };
    let rows = strip(&csv);
    assert!(rows[0].starts_with("phase,sentences,tokens,"));
    assert_eq!(rows, strip(&again));
}

#[test]
fn a_bad_run_file_as_preset_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"kind\":\"run\",\"version\":\"0.1.0\",\"sch").unwrap();
    let out = command().args(["run", "--preset"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.jsonl:1:") && err.contains("truncated"), "{err}");
}

/// Starts a long run into `dir/run.jsonl`, waits for its partial file to hold
/// checkpoints, sends `signal`, and checks what is left.
fn interrupt(signal: &str, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("run.jsonl");
    let partial = dir.path().join("run.jsonl.partial");
    let child = Process::new(BIN)
        .args(["run", "--preset", "data-scaling", "--sentences", "4000000000", "--out"])
        .arg(&target)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The partial file grows with whole lines while the run goes on.
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(&partial).unwrap_or_default();
        let complete = text.lines().filter(|l| l.contains("\"kind\":\"checkpoint\"")).count();
        if complete >= 20 {
            for line in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
                parse_record(line.trim_end()).unwrap_or_else(|e| panic!("live line {line:?}: {e:?}"));
            }
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no checkpoints after 60 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!target.exists(), "FILE appears only when the run finishes");
    let status =
        Process::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(&format!("interrupted by SIG{signal}")), "{err}");

    let text = std::fs::read_to_string(&partial).unwrap();
    assert!(text.ends_with('\n'));
    let records: Vec<Record> = text.lines().map(|l| parse_record(l).unwrap()).collect();
    assert!(matches!(records[0], Record::Run(_)));
    match records.last().unwrap() {
        Record::Interrupted(i) => {
            assert_eq!(i.signal, format!("SIG{signal}"));
            assert!(i.sentences > 0 && i.checkpoints >= 20);
        }
        other => panic!("last line {other:?}"),
    }
    // Only the partial file: no temporary files, no FILE.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["run.jsonl.partial"]);
}

#[test]
fn sigint_leaves_a_parseable_partial_file() {
    interrupt("INT", 130);
}

#[test]
fn sigterm_leaves_a_parseable_partial_file() {
    interrupt("TERM", 143);
}
