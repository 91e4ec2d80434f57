//! `sk-tui sweep --slurm` against a real Slurm: the one-node test cluster of
//! `scripts/slurm-test-cluster.sh start` (`.ci/run` starts it). Without a
//! running Slurm this test FAILS, it does not skip.

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use support::binary::{BIN, sk, text};
use support::sweep::{data, lines_of_kind, point_status, record};

/// Fails with how to start the cluster when Slurm is missing or has no idle node.
fn require_slurm() {
    let sinfo = Command::new("sinfo").args(["-h", "-o", "%T"]).output();
    let states = match sinfo {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        Ok(o) => panic!(
            "sinfo failed ({}): start the test cluster with `scripts/slurm-test-cluster.sh start` (as root)",
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) => panic!(
            "Slurm is missing ({e}): `scripts/slurm-test-cluster.sh install && scripts/slurm-test-cluster.sh start`"
        ),
    };
    assert!(
        states.lines().any(|s| s.starts_with("idle") || s.starts_with("mixed") || s.starts_with("allocated")),
        "no usable Slurm node (sinfo: {states:?}); `scripts/slurm-test-cluster.sh start`"
    );
}

#[test]
fn a_slurm_job_array_writes_the_same_checkpoints_as_local_workers() {
    require_slurm();
    let grid: PathBuf = data("sweep_2x2.toml");
    let tmp = tempfile::tempdir().unwrap();
    let local = tmp.path().join("local");
    let cluster = tmp.path().join("slurm");

    let o = sk(&["sweep", grid.to_str().unwrap(), "--out", local.to_str().unwrap(), "--jobs", "2"]);
    assert!(o.status.success(), "{}", text(&o));

    let o = sk(&[
        "sweep",
        grid.to_str().unwrap(),
        "--out",
        cluster.to_str().unwrap(),
        "--slurm",
        "--max-parallel",
        "2",
        "--time",
        "10",
        "--sbatch-arg=--job-name=sk-tui-test",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let job = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(!job.is_empty() && job.chars().all(|c| c.is_ascii_digit()), "sbatch job id: {}", text(&o));
    let script = std::fs::read_to_string(cluster.join("sweep.sbatch")).unwrap();
    assert!(
        script.contains("--point \"$SLURM_ARRAY_TASK_ID\"") && script.contains("#SBATCH --time=10"),
        "{script}"
    );
    let record = record(&cluster);
    assert_eq!(record["slurm"]["array"], "0-3%2");
    assert_eq!(record["slurm"]["job_id"], job.as_str());

    // `status --wait` returns when the array has left the queue.
    let start = Instant::now();
    let mut wait = Command::new(BIN)
        .args(["sweep", "status", cluster.to_str().unwrap(), "--wait"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let waited = loop {
        if let Some(status) = wait.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(300) {
            let _ = wait.kill();
            let _ = Command::new("scancel").arg(&job).status();
            panic!(
                "the array did not finish within 300 s; squeue: {}",
                text(&Command::new("squeue").output().unwrap())
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let o = wait.wait_with_output().unwrap();
    assert!(waited.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("4 points: 4 finished"), "{}", text(&o));
    // Slurm ran the tasks (its output files), and each point's checkpoints are local mode's, byte for byte.
    for i in 0..4 {
        assert!(cluster.join(format!("logs/slurm-{job}_{i}.out")).exists(), "no Slurm output for task {i}");
        let status = point_status(&cluster, i).expect("a status file");
        assert_eq!(status["slurm_task"], format!("{job}_{i}"), "{status}");
        let name = format!("runs/{i:04}.jsonl");
        let (a, b) = (
            lines_of_kind(&local.join(&name), "checkpoint"),
            lines_of_kind(&cluster.join(&name), "checkpoint"),
        );
        assert!(!a.is_empty());
        assert_eq!(a, b, "point {i}: Slurm and local checkpoints differ");
    }
}
