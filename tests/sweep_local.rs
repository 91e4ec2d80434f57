//! `sk-tui sweep` on local workers: a 2x2 grid, resuming, a bad axis value,
//! a killed run, and the summary of an alpha grid against the theory.

mod support;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::binary::{sk, text};
use support::sweep::{data, lines_of_kind, point_status, record, spawn_sweep};

#[test]
fn a_two_by_two_grid_runs_on_two_workers_and_a_rerun_rewrites_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let grid = data("sweep_2x2.toml");
    let o = sk(&["sweep", grid.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", "2"]);
    assert!(o.status.success(), "{}", text(&o));

    let runs: Vec<PathBuf> = (0..4).map(|i| out.join(format!("runs/{i:04}.jsonl"))).collect();
    for run in &runs {
        assert!(!lines_of_kind(run, "checkpoint").is_empty(), "{} has no checkpoints", run.display());
        assert_eq!(lines_of_kind(run, "summary").len(), 1, "{} has no summary", run.display());
    }
    let r = record(&out);
    let points = r["points"].as_array().unwrap();
    assert_eq!(points.len(), 4);
    let expected = [(0.5, 1), (0.5, 2), (0.7, 1), (0.7, 2)];
    for (p, (alpha, seed)) in points.iter().zip(expected) {
        assert_eq!(p["state"], "finished", "{p}");
        assert_eq!(p["values"]["generator.alpha"], alpha, "{p}");
        assert_eq!(p["values"]["run.seed"], seed, "{p}");
    }
    assert_eq!(r["axes"].as_array().unwrap().len(), 3, "two axes and one fixed key: {r}");
    // Each point's preset is what its run used: alpha and seed reach the run.
    let preset = std::fs::read_to_string(out.join("points/0003.toml")).unwrap();
    assert!(preset.contains("alpha = 0.7") && preset.contains("seed = 2"), "{preset}");
    assert_ne!(
        lines_of_kind(&runs[0], "checkpoint"),
        lines_of_kind(&runs[1], "checkpoint"),
        "seeds must differ"
    );

    // A rerun: every point is finished, nothing is rewritten.
    let identity = |p: &Path| {
        let m = std::fs::metadata(p).unwrap();
        (m.ino(), m.mtime(), m.mtime_nsec())
    };
    let before: Vec<_> = runs.iter().map(|p| identity(p)).collect();
    let o = sk(&["sweep", grid.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", "2"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("4 of 4 points finished; nothing to run"),
        "{}",
        text(&o)
    );
    let after: Vec<_> = runs.iter().map(|p| identity(p)).collect();
    assert_eq!(before, after, "a rerun rewrote a finished run file");

    // The status command agrees.
    let o = sk(&["sweep", "status", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("4 points: 4 finished"), "{}", text(&o));
}

#[test]
fn an_invalid_axis_value_fails_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let grid = data("sweep_bad_alpha.toml");
    let o = sk(&["sweep", grid.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    // file:line:col of the bad value, the key, and the valid range.
    let at = format!("{}:5:27: generator.alpha: alpha = 1.5 is outside [0, 1)", grid.display());
    assert!(err.contains(&at), "expected {at:?} in\n{err}");
    assert!(!out.exists(), "nothing may be written before the grid is valid");
}

#[test]
fn a_killed_run_is_a_failed_point_and_a_rerun_completes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let grid = data("sweep_long.toml");
    let sweep = spawn_sweep(&grid, &out);
    // Wait until point 0's run has written checkpoints, then kill that run.
    let runs = out.join("runs");
    let deadline = Instant::now() + Duration::from_secs(120);
    let child_pid = loop {
        assert!(Instant::now() < deadline, "point 0 never got going");
        let status = point_status(&out, 0);
        let growing = std::fs::read_dir(&runs).into_iter().flatten().flatten().any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            // The run's file while it grows, whatever its name: checkpoints, no summary yet.
            name.contains("0000.jsonl")
                && std::fs::read_to_string(e.path()).is_ok_and(|t| {
                    t.contains("\"kind\":\"checkpoint\"") && !t.contains("\"kind\":\"summary\"")
                })
        });
        if let Some(pid) = status.as_ref().and_then(|s| s["child_pid"].as_u64())
            && growing
        {
            break pid;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let killed = Command::new("kill").args(["-KILL", &child_pid.to_string()]).status().unwrap();
    assert!(killed.success());
    let o = sweep.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "a sweep with a failed point fails: {}", text(&o));
    let run0 = out.join("runs/0000.jsonl");
    assert!(
        !run0.exists() || lines_of_kind(&run0, "summary").is_empty(),
        "a killed run must not leave a finished-looking file"
    );

    let o = sk(&["sweep", "status", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let table = String::from_utf8_lossy(&o.stdout);
    let row =
        table.lines().find(|l| l.starts_with("0 ")).unwrap_or_else(|| panic!("no row for point 0:\n{table}"));
    assert!(row.contains("failed") && row.contains("signal 9"), "point 0 must show failed: {row}");
    assert!(table.contains("1 finished, 1 failed"), "{table}");
    assert_eq!(record(&out)["points"][0]["state"], "failed");

    // A rerun runs point 0 again and leaves point 1 alone.
    let finished_1 = std::fs::metadata(out.join("runs/0001.jsonl")).unwrap().ino();
    let o = sk(&["sweep", grid.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", "2"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 to run"), "{}", text(&o));
    assert_eq!(lines_of_kind(&out.join("runs/0000.jsonl"), "summary").len(), 1);
    assert_eq!(std::fs::metadata(out.join("runs/0001.jsonl")).unwrap().ino(), finished_1);
    let o = sk(&["sweep", "status", out.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("2 points: 2 finished"), "{}", text(&o));
}

/// Bayes data exponents against `1 - alpha`, with the tolerance the summary
/// derives: 4 standard errors of the fit plus the finite-size bias of the
/// exact expected fact excess (as tests/engine_theory.rs does).
#[test]
fn an_alpha_grid_summary_tracks_the_theory_within_derived_tolerances() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let grid = data("sweep_alpha.toml");
    let o = sk(&["sweep", grid.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", "2"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = sk(&["sweep", "summary", out.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let points = summary["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    for p in points {
        let alpha = p["values"]["generator.alpha"].as_f64().unwrap();
        let bayes =
            p["data"].as_array().unwrap().iter().find(|c| c["kind"] == "bayes").expect("a bayes check");
        let fitted = bayes["fitted"].as_f64().expect("a fitted exponent");
        let stderr = bayes["stderr"].as_f64().unwrap();
        let theory = bayes["theory"].as_f64().unwrap();
        let bias = bayes["bias"].as_f64().expect("zipf: the exact expectation gives the bias");
        let tolerance = bayes["tolerance"].as_f64().unwrap();
        assert!((theory - (1.0 - alpha)).abs() < 1e-12, "{bayes}");
        // The tolerance is what the docs say it is, and small enough to mean something.
        assert!((tolerance - (4.0 * stderr + bias)).abs() < 1e-12, "{bayes}");
        // The two points' theories differ by 0.2: a tolerance below that tells them apart.
        assert!(stderr > 0.0 && tolerance < 0.2, "a vacuous tolerance: {bayes}");
        assert!((fitted - theory).abs() <= tolerance, "alpha {alpha}: {fitted} vs {theory} ± {tolerance}");
        assert_eq!(bayes["within"], true, "{bayes}");
    }
    let table = sk(&["sweep", "summary", out.to_str().unwrap()]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert_eq!(table.lines().filter(|l| l.split_whitespace().any(|w| w == "yes")).count(), 2, "{table}");
}

/// Ctrl-C (SIGINT to the sweep) stops the runs, marks them interrupted in
/// `sweep.json` and the status files, and a rerun resumes them.
#[test]
fn an_interrupted_sweep_leaves_its_directory_consistent_and_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let grid = data("sweep_long.toml");
    let sweep = spawn_sweep(&grid, &out);
    let deadline = Instant::now() + Duration::from_secs(120);
    let running =
        |i: usize| point_status(&out, i).is_some_and(|s| s["state"] == "running" && s["child_pid"].is_u64());
    while !(running(0) && running(1)) {
        assert!(Instant::now() < deadline, "the points never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let sent = Command::new("kill").args(["-INT", &sweep.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let o = sweep.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
    for p in record(&out)["points"].as_array().unwrap() {
        assert_eq!(p["state"], "interrupted", "{p}");
    }
    let o = sk(&["sweep", "status", out.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("2 points: 2 interrupted"), "{}", text(&o));
    let o = sk(&["sweep", grid.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", "2"]);
    assert!(o.status.success(), "{}", text(&o));
    for p in record(&out)["points"].as_array().unwrap() {
        assert_eq!(p["state"], "finished", "{p}");
    }
}
