//! `sk-tui view DIR` on a sweep directory, through its harness: the sweep's
//! run files followed (and found as they appear) by the follower, fed to a
//! `Model` by `Recorded`, the dashboard and the exponents chart drawn into a
//! `TestBackend` as the run loop draws them.

mod support;

use std::path::Path;
use std::time::Duration;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sk_tui::record::follow::follow_discovering;
use sk_tui::ui::buffer_to_text;
use sk_tui::ui::model::Model;
use sk_tui::ui::recorded::Recorded;
use support::binary::{sk, text};
use support::recorded::{pump, view_model};
use support::sweep::data;

/// The sweep at `dir` opened as `sk-tui view DIR` opens it, polled every 20 ms.
fn open(dir: &Path) -> Recorded {
    let sweep = sk_tui::sweep::view::open(dir).unwrap();
    let follower = follow_discovering(sweep.files.clone(), Some(sweep.discover), Duration::from_millis(20));
    Recorded::new(sweep.files, Some(follower)).with_sweep(sweep.chart)
}

fn ended(rec: &Recorded, n: usize) -> bool {
    rec.runs.len() == n && rec.runs.iter().all(|r| r.end.is_some())
}

/// The frame as the run loop draws it: the dashboard, then what the view adds.
fn frame(m: &Model, rec: &Recorded, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| {
        sk_tui::ui::view(m, f);
        rec.draw(m, f);
    })
    .unwrap();
    buffer_to_text(t.backend().buffer())
}

fn sweep(grid: &Path, out: &Path, point: Option<usize>) {
    let mut args = vec!["sweep", grid.to_str().unwrap(), "--out", out.to_str().unwrap()];
    let p = point.map(|p| p.to_string());
    match &p {
        Some(p) => args.extend(["--point", p.as_str()]),
        None => args.extend(["--jobs", "2"]),
    }
    let o = sk(&args);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn a_finished_sweep_shows_its_exponents_against_alpha() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("alpha-2x2");
    sweep(&data("sweep_2x2.toml"), &dir, None);
    let mut m = view_model();
    let mut rec = open(&dir);
    pump(&mut rec, &mut m, |_, r| ended(r, 4));
    let big = frame(&m, &rec, 120, 40);
    assert_snapshot!("sweep_exponents_120x40", big);
    assert_snapshot!("sweep_exponents_80x24", frame(&m, &rec, 80, 24));

    // The table's numbers are `sweep summary`'s: each point's fit ± stderr.
    let o = sk(&["sweep", "summary", dir.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = summary["points"].as_array().expect("summary points");
    assert_eq!(rows.len(), 4);
    for row in rows {
        let bayes = &row["data"][0];
        let want =
            format!("{:.3}±{:.3}", bayes["fitted"].as_f64().unwrap(), bayes["stderr"].as_f64().unwrap());
        assert!(big.contains(&want), "no {want} in\n{big}");
    }
    assert!(big.contains("4 of 4 points finished"), "{big}");

    // `x` goes to the runs' panes and back.
    let x = ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Char('x'));
    assert!(rec.key(&mut m, &x));
    let panes = frame(&m, &rec, 120, 40);
    assert!(panes.contains("Data scaling") && !panes.contains("Exponents vs"), "{panes}");
    for run in ["alpha=0.5 seed=1", "alpha=0.5 seed=2", "alpha=0.7 seed=1", "alpha=0.7 seed=2"] {
        assert!(m.learners.contains(&format!("{run} · bayes")), "{run} in the panes: {:?}", m.learners);
    }
    assert!(panes.contains("sweep alpha-2x2 · following alpha=0.5 seed=1 · x exponents"), "{panes}");
    assert!(rec.key(&mut m, &x));
    assert!(frame(&m, &rec, 120, 40).contains("Exponents vs alpha"));
}

#[test]
fn a_point_that_finishes_after_the_view_opened_appears_after_a_poll() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("alpha-2x2");
    let grid = data("sweep_2x2.toml");
    // Point 0 (alpha 0.5, seed 1) only; the view opens on it.
    sweep(&grid, &dir, Some(0));
    let mut m = view_model();
    let mut rec = open(&dir);
    pump(&mut rec, &mut m, |_, r| ended(r, 1));
    let before = frame(&m, &rec, 120, 40);
    assert!(before.contains("1 of 4 points finished"), "{before}");
    assert!(!before.contains("alpha=0.7"), "{before}");
    let x_labels = |f: &str| f.lines().find(|l| l.contains(" 0.4")).map(str::to_string);
    let axis_before = x_labels(&before);

    // Point 2 (alpha 0.7) runs now; its file did not exist when the view opened.
    sweep(&grid, &dir, Some(2));
    pump(&mut rec, &mut m, |_, r| ended(r, 2));
    let after = frame(&m, &rec, 120, 40);
    assert!(after.contains("2 of 4 points finished"), "{after}");
    assert!(after.contains("alpha=0.7  finished"), "{after}");
    // The x axis now spans both alphas.
    assert!(after.contains("0.72"), "{after}");
    assert_ne!(axis_before, x_labels(&after));
    // It is merged into the runs' panes too.
    assert!(m.learners.iter().any(|l| l == "alpha=0.7 · bayes"), "{:?}", m.learners);
}
