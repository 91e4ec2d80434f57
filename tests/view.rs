//! `sk-tui view` through its harness: recorded runs fed to a `Model` by the
//! follower and `Recorded`, drawn into a `TestBackend`. A finished file
//! draws the live run's final panes; two runs show both legends; a file
//! grown line by line moves the status bar's sentence count; bad lines are
//! warnings with their place, never a panic.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ratatui::crossterm::event::KeyCode;
use sk_tui::config::library::embedded_preset;
use sk_tui::record::follow::follow_every;
use sk_tui::ui::model::Model;
use sk_tui::ui::recorded::Recorded;
use sk_tui::ui::snapshot::{buffer_to_text, render};
use sk_tui::ui::{SnapshotArgs, snapshot};
use support::binary::command;
use support::recorded::{pump, type_keys, view_model};

fn record(path: &Path, args: &[&str]) {
    let out = command().arg("run").args(args).arg("--out").arg(path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Follows `paths` and feeds everything read until `done` holds (or 20 s).
fn watch(paths: Vec<PathBuf>, model: &mut Model, done: impl Fn(&Model, &Recorded) -> bool) -> Recorded {
    let mut rec = Recorded::new(paths.clone(), Some(follow_every(paths, Duration::from_millis(20))));
    pump(&mut rec, model, done);
    rec
}

fn frame(model: &Model, w: u16, h: u16) -> String {
    buffer_to_text(&render(model, w, h).unwrap())
}

/// A 20,000-sentence default run recorded in `dir` and viewed to its end.
fn viewed_to_the_end(dir: &Path) -> (Model, Recorded) {
    let file = dir.join("run.jsonl");
    record(&file, &["--sentences", "20000"]);
    let mut m = view_model();
    let rec = watch(vec![file], &mut m, |m, r| {
        r.runs[0].end.is_some() && m.state == sk_tui::ui::model::RunState::Finished
    });
    (m, rec)
}

#[test]
fn a_finished_file_draws_the_live_runs_final_panes() {
    let dir = tempfile::tempdir().unwrap();
    let (m, _) = viewed_to_the_end(dir.path());
    let viewed = frame(&m, 120, 40);
    let live = snapshot(SnapshotArgs {
        preset: embedded_preset("default").unwrap(),
        sentences: Some(20000),
        width: 120,
        height: 40,
        theme: None,
        ansi: false,
    })
    .unwrap();
    // Everything above the samples pane and the status bar: both scaling
    // panes, the heatmap and the parameters.
    let top = |s: &str| s.lines().take(33).collect::<Vec<_>>().join("\n");
    assert!(viewed.contains("Data scaling") && viewed.contains("Knowledge"), "{viewed}");
    assert_eq!(top(&viewed), top(&live));
    assert!(viewed.contains("20,000 sentences (100%)"), "{viewed}");
    // The samples pane shows recorded sentences.
    assert!(!viewed.contains("no sentences yet"), "{viewed}");
}

#[test]
fn two_runs_show_both_legends() {
    let dir = tempfile::tempdir().unwrap();
    let preset = |alpha: &str| {
        let p = dir.path().join(format!("a{alpha}.toml"));
        std::fs::write(
            &p,
            format!("[generator]\nalpha = {alpha}\nentities = 20000\n[[learner]]\nname = \"bayes\"\n"),
        )
        .unwrap();
        p
    };
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    record(&a, &["--sentences", "20000", "--preset", preset("0.5").to_str().unwrap()]);
    record(&b, &["--sentences", "20000", "--preset", preset("0.8").to_str().unwrap()]);
    let mut m = view_model();
    let rec = watch(vec![a, b], &mut m, |_, r| r.runs.iter().all(|r| r.end.is_some()));
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(rec.labels, ["alpha=0.5", "alpha=0.8"]);
    assert_eq!(m.learners, ["alpha=0.5 · bayes", "alpha=0.8 · bayes"]);
    let text = frame(&m, 200, 60);
    for want in ["* alpha=0.5 · bayes 0.", "+ alpha=0.8 · bayes 0."] {
        assert!(text.contains(want), "no legend {want:?} in\n{text}");
    }
    // Each series is its own run's history: the last merged checkpoint holds
    // each run's final point, which differ.
    let last = m.latest().unwrap();
    assert_eq!(last.sentences, 20000);
    assert_eq!(last.learners[0].sentences_seen, 20000);
    assert_ne!(last.learners[0].excess_bits_per_token, last.learners[1].excess_bits_per_token);
    assert!(text.contains("2 runs, following alpha=0.5"), "{text}");
    assert!(text.contains("20,000 sentences"), "{text}");
}

#[test]
fn a_growing_file_moves_the_sentence_count_and_bad_lines_warn() {
    let dir = tempfile::tempdir().unwrap();
    let lines = lines_of_a_run(dir.path());
    let growing = dir.path().join("growing.jsonl");
    let mut out = std::fs::File::create(&growing).unwrap();
    let mut m = view_model();
    let mut rec =
        Recorded::new(vec![growing.clone()], Some(follow_every(vec![growing], Duration::from_millis(20))));
    let mut seen = 0;
    // Up to the summary: a finished file is not followed further.
    for line in &lines[..lines.len() - 1] {
        let Ok(sk_tui::record::Record::Checkpoint(c)) = sk_tui::record::parse_record(line) else {
            writeln!(out, "{line}").unwrap();
            continue;
        };
        // Half a line first: nothing happens until its newline.
        let (a, b) = line.split_at(line.len() / 2);
        write!(out, "{a}").unwrap();
        out.flush().unwrap();
        std::thread::sleep(Duration::from_millis(30));
        writeln!(out, "{b}").unwrap();
        out.flush().unwrap();
        let n = c.sentences;
        pump(&mut rec, &mut m, |m, _| m.sentences() == n);
        let status = frame(&m, 120, 40).lines().last().unwrap().to_string();
        let count = sk_tui::ui::panes::status::count(n);
        assert!(status.contains(&format!("{count} sentences")), "{n}: {status}");
        seen += 1;
    }
    assert!(seen > 10);
    assert!(m.errors.is_empty(), "{:?}", m.errors);

    // A garbage line: a located warning, the run goes on.
    writeln!(out, "this is not json").unwrap();
    out.flush().unwrap();
    pump(&mut rec, &mut m, |m, _| !m.errors.is_empty());
    assert!(
        m.errors[0].contains("growing.jsonl:") && m.errors[0].contains("not a run-file line"),
        "{:?}",
        m.errors
    );
    // A truncated last line that never completes: warned once the file stops growing.
    write!(out, "{{\"kind\":\"checkpoint\",\"phase\":0,\"sent").unwrap();
    out.flush().unwrap();
    pump(&mut rec, &mut m, |m, _| m.errors.len() >= 2);
    assert!(m.errors[1].contains("truncated line"), "{:?}", m.errors);
    let text = frame(&m, 120, 40);
    assert!(text.contains("growing.jsonl:"), "the warning is on screen:\n{text}");
}

/// A run killed part way, viewed, then run again into the same file (as a
/// sweep reruns a failed point): the view drops what it read and follows the
/// new run to its summary, even when the rerun finishes within one poll.
#[test]
fn a_run_started_again_into_its_file_is_followed_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let lines = lines_of_a_run(dir.path());
    let target = dir.path().join("again.jsonl");
    let partial = dir.path().join("again.jsonl.partial");
    // Killed: the header and the first checkpoints, no summary.
    std::fs::write(&partial, lines[..6].join("\n") + "\n").unwrap();
    let mut m = view_model();
    let mut rec =
        Recorded::new(vec![partial.clone()], Some(follow_every(vec![partial], Duration::from_millis(20))));
    let killed_at = last_checkpoint_sentences(&lines[..6]);
    pump(&mut rec, &mut m, |m, _| m.sentences() == killed_at);
    assert!(rec.runs[0].end.is_none());
    record(&target, &["--sentences", "3000"]);
    pump(&mut rec, &mut m, |_, r| r.runs[0].end.is_some());
    assert_eq!(
        rec.runs[0].checkpoints.len(),
        lines.iter().filter(|l| l.contains("\"kind\":\"checkpoint\"")).count()
    );
    assert_eq!(m.sentences(), 3000);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
}

/// The lines of a finished 3000-sentence run recorded in `dir`.
fn lines_of_a_run(dir: &Path) -> Vec<String> {
    let full = dir.join("full.jsonl");
    record(&full, &["--sentences", "3000"]);
    std::fs::read_to_string(&full).unwrap().lines().map(String::from).collect()
}

/// The sentences of the last checkpoint among `lines`.
fn last_checkpoint_sentences(lines: &[String]) -> u64 {
    lines
        .iter()
        .filter_map(|l| match sk_tui::record::parse_record(l) {
            Ok(sk_tui::record::Record::Checkpoint(c)) => Some(c.sentences),
            _ => None,
        })
        .next_back()
        .unwrap()
}

/// In the view, the generator pane's edit keys are refused up front: a
/// recorded run's parameters are what it ran on, and an edit could never be
/// applied. `4 j + a` (step alpha up, apply) says so and leaves the
/// parameters, the theory drawn and the edit state as recorded.
#[test]
fn an_edit_of_a_recorded_runs_parameters_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, mut rec) = viewed_to_the_end(dir.path());
    type_keys(&mut rec, &mut m, &[KeyCode::Char('4'), KeyCode::Char('j')]);
    let (params, law, before) = (m.params.clone(), format!("{:?}", m.zipf_law), frame(&m, 120, 40));
    assert_eq!((params.running.alpha, params.selected), (0.6, 1));
    type_keys(&mut rec, &mut m, &[KeyCode::Char('+')]);
    assert_eq!(m.errors, [sk_tui::ui::recorded::REFUSED], "the first edit key is refused");
    type_keys(&mut rec, &mut m, &[KeyCode::Char('a'), KeyCode::Esc, KeyCode::Char('f'), KeyCode::Esc]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.params.running, params.running, "the parameters the run used");
    assert_eq!(m.params.draft, params.running, "no edit is pending");
    assert_eq!(m.params.message, None);
    assert_eq!(format!("{:?}", m.zipf_law), law, "the theory drawn is the run's");
    assert_eq!(m.pending_preset, None);
    assert_eq!(m.state, sk_tui::ui::model::RunState::Finished);
    // Every pane as before: alpha 0.6 unmarked, the same frontier and theory.
    assert_eq!(frame(&m, 120, 40), before);
}

/// A run stopped by a signal: its file ends in an interrupted line, and the
/// status bar and the parameters pane say so, not "finished".
#[test]
fn an_interrupted_file_says_interrupted_not_finished() {
    let dir = tempfile::tempdir().unwrap();
    let lines = lines_of_a_run(dir.path());
    let file = dir.path().join("stopped.jsonl.partial");
    let at = last_checkpoint_sentences(&lines[..6]);
    let interrupted = format!(
        "{{\"kind\":\"interrupted\",\"signal\":\"SIGINT\",\"sentences\":{at},\"tokens\":0,\"checkpoints\":5}}"
    );
    std::fs::write(&file, lines[..6].join("\n") + "\n" + &interrupted + "\n").unwrap();
    let mut m = view_model();
    let rec = watch(vec![file], &mut m, |m, r| {
        r.runs[0].end.is_some() && m.state == sk_tui::ui::model::RunState::Finished
    });
    assert_eq!(rec.runs[0].state(), "interrupted (SIGINT)");
    let text = frame(&m, 120, 40);
    let status = text.lines().last().unwrap();
    assert!(status.contains("interrupted (SIGINT)"), "{status}");
    assert!(!text.contains("finished"), "{text}");
}

/// A file that is not a run file at all is refused before the dashboard
/// opens, at its place, with exit 2, as `sk-tui plot` refuses it.
#[test]
fn a_file_that_is_not_a_run_file_is_refused_before_the_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("g.jsonl");
    std::fs::write(&garbage, "garbage\n").unwrap();
    let checkpoint_first = dir.path().join("c.jsonl");
    let lines = lines_of_a_run(dir.path());
    std::fs::write(&checkpoint_first, lines[1..].join("\n") + "\n").unwrap();
    for (file, want) in [(&garbage, "g.jsonl:1:1: not a run-file line"), (&checkpoint_first, "c.jsonl:1:1: ")]
    {
        let out = command().arg("view").arg(file).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(want) && !stderr.contains("needs a terminal"), "{stderr}");
    }
    let plot =
        command().arg("plot").arg(&garbage).arg("--out").arg(dir.path().join("g.svg")).output().unwrap();
    assert!(String::from_utf8_lossy(&plot.stderr).contains("g.jsonl:1:1: not a run-file line"));
}
