//! Snapshots of the dashboard drawn from a real, seeded headless engine run
//! (`ui::snapshot`, what `sk-tui snapshot` prints): the clock is fixed and
//! the rate is not shown once the run has finished, so frames are exact.

use insta::assert_snapshot;
use sk_tui::config::resolve_preset;
use sk_tui::ui::{SnapshotArgs, snapshot};

fn frame(preset: &str, sentences: u64, width: u16, height: u16, theme: Option<&str>, ansi: bool) -> String {
    let preset = resolve_preset(preset).unwrap();
    snapshot(SnapshotArgs {
        preset,
        sentences: Some(sentences),
        width,
        height,
        theme: theme.map(String::from),
        ansi,
    })
    .unwrap()
}

#[test]
fn engine_default_120x40() {
    assert_snapshot!(frame("default", 200_000, 120, 40, None, false));
}

#[test]
fn engine_default_80x24_mono() {
    let t = frame("default", 200_000, 80, 24, Some("mono"), false);
    assert!(t.is_ascii());
    assert_snapshot!(t);
}

#[test]
fn engine_finetune_200x60() {
    assert_snapshot!(frame("finetune", 400_000, 200, 60, None, false));
}

#[test]
fn engine_ansi_has_colours_and_resets() {
    let t = frame("default", 50_000, 80, 24, Some("tty16"), true);
    assert!(t.contains("\x1b[0;"), "no SGR sequences");
    assert!(t.lines().all(|l| l.ends_with("\x1b[0m")));
    let plain = frame("default", 50_000, 80, 24, Some("tty16"), false);
    assert!(!plain.contains('\x1b'));
}

#[test]
fn same_seed_same_frame() {
    assert_eq!(
        frame("default", 50_000, 100, 30, None, false),
        frame("default", 50_000, 100, 30, None, false)
    );
}

#[test]
fn bad_size_and_theme_are_input_errors() {
    let preset = resolve_preset("default").unwrap();
    let args = SnapshotArgs { preset, sentences: Some(10), width: 5, height: 5, theme: None, ansi: false };
    assert_eq!(snapshot(args.clone()).unwrap_err().exit_code(), 2);
    let args = SnapshotArgs { width: 80, height: 24, theme: Some("no-such-theme".into()), ..args };
    assert_eq!(snapshot(args).unwrap_err().exit_code(), 2);
}
