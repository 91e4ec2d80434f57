//! Snapshots of the dashboard's frames (insta, `TestBackend`) from a seeded
//! synthetic engine state with an injected clock: the whole screen at three
//! sizes, each overlay, each theme (the colour ones record colours), a
//! fine-tuning run, zoom, and the too-small message.

use insta::{assert_debug_snapshot, assert_snapshot};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sk_tui::ui::fixture;
use sk_tui::ui::model::{Model, Msg, update};
use sk_tui::ui::snapshot::render;
use sk_tui::ui::{buffer_to_text, model::Pane};

fn text(model: &Model, w: u16, h: u16) -> String {
    buffer_to_text(&render(model, w, h).unwrap())
}

fn key(model: &mut Model, c: KeyCode) {
    update(model, Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn base() -> Model {
    fixture::model("default", 2_000_000, "dark", true)
}

#[test]
fn whole_screen_80x24() {
    assert_snapshot!(text(&base(), 80, 24));
}

#[test]
fn whole_screen_120x40() {
    assert_snapshot!(text(&base(), 120, 40));
}

#[test]
fn whole_screen_200x60() {
    assert_snapshot!(text(&base(), 200, 60));
}

#[test]
fn too_small_message() {
    assert_snapshot!(text(&base(), 60, 20));
}

#[test]
fn overlay_help() {
    let mut m = base();
    key(&mut m, KeyCode::Char('?'));
    assert_snapshot!(text(&m, 120, 40));
}

#[test]
fn overlay_preset_picker() {
    let mut m = base();
    key(&mut m, KeyCode::Char('p'));
    key(&mut m, KeyCode::Down);
    assert_snapshot!(text(&m, 120, 40));
}

#[test]
fn overlay_theme_picker() {
    let mut m = base();
    key(&mut m, KeyCode::Char('t'));
    assert_snapshot!(text(&m, 120, 40));
}

#[test]
fn overlay_error_popup() {
    let mut m = base();
    update(&mut m, Msg::Error("presets/x.toml:2:9: generator.alpha: alpha = 1.5 is outside [0, 1)".into()));
    update(&mut m, Msg::Engine(sk_tui::engine::Update::Error("engine thread panicked: boom".into())));
    assert_snapshot!(text(&m, 80, 24));
}

#[test]
fn params_invalid_value_is_marked() {
    let mut m = base();
    key(&mut m, KeyCode::Char('4'));
    key(&mut m, KeyCode::Down);
    key(&mut m, KeyCode::Enter);
    update(&mut m, Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    for c in "1.5".chars() {
        key(&mut m, KeyCode::Char(c));
    }
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('a'));
    assert_eq!(m.focus, Pane::Params);
    assert_snapshot!(text(&m, 120, 40));
}

/// A problem too long for the pane's footer takes rows from the field list
/// (the selected field stays in view): at 80x24 every word of it is shown.
#[test]
fn a_long_problem_is_shown_whole_at_80x24() {
    let mut m = base();
    key(&mut m, KeyCode::Char('4'));
    while sk_tui::ui::fields::FIELDS[m.params.selected].key != "name_length" {
        key(&mut m, KeyCode::Down);
    }
    key(&mut m, KeyCode::Enter);
    update(&mut m, Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    key(&mut m, KeyCode::Char('2'));
    key(&mut m, KeyCode::Enter);
    let (_, why) = m.params.problems().into_iter().find(|(k, _)| *k == "name_length").expect("a problem");
    let screen = text(&m, 80, 24);
    let shown: Vec<&str> =
        screen.split(|c: char| c.is_whitespace() || c == '│').filter(|w| !w.is_empty()).collect();
    for word in why.split_whitespace() {
        assert!(shown.contains(&word), "{word:?} of {why:?} not on screen:\n{screen}");
    }
    assert!(screen.contains("!name_length"), "the selected field left the list:\n{screen}");
}

#[test]
fn zoomed_heatmap_by_learner() {
    let mut m = base();
    key(&mut m, KeyCode::Char('3'));
    key(&mut m, KeyCode::Char('z'));
    key(&mut m, KeyCode::Char('v'));
    assert_snapshot!(text(&m, 120, 40));
}

#[test]
fn zoomed_model_scaling_two_part() {
    let mut m = base();
    key(&mut m, KeyCode::Char('2'));
    key(&mut m, KeyCode::Char('z'));
    for _ in 0..3 {
        key(&mut m, KeyCode::Char('m'));
    }
    assert_snapshot!(text(&m, 120, 40));
}

#[test]
fn data_scaling_syntax_part() {
    let mut m = base();
    key(&mut m, KeyCode::Char('1'));
    key(&mut m, KeyCode::Char('z'));
    for _ in 0..3 {
        key(&mut m, KeyCode::Char('y'));
    }
    assert_snapshot!(text(&m, 120, 40));
}

#[test]
fn fine_tuning_run() {
    let m = fixture::model("finetune", 10_000_000, "dark", true);
    assert_snapshot!(text(&m, 120, 40));
}

#[test]
fn theme_dark_colours() {
    assert_debug_snapshot!(render(&base(), 80, 24).unwrap());
}

#[test]
fn theme_tty16_colours() {
    assert_debug_snapshot!(render(&fixture::model("default", 2_000_000, "tty16", true), 80, 24).unwrap());
}

#[test]
fn theme_light() {
    assert_debug_snapshot!(render(&fixture::model("default", 2_000_000, "light", true), 80, 24).unwrap());
}

#[test]
fn theme_high_contrast() {
    assert_debug_snapshot!(
        render(&fixture::model("default", 2_000_000, "high-contrast", true), 80, 24).unwrap()
    );
}

#[test]
fn theme_mono_is_ascii() {
    let m = fixture::model("default", 2_000_000, "mono", true);
    let t = text(&m, 120, 40);
    assert!(t.is_ascii(), "mono drew a non-ASCII glyph");
    assert_snapshot!(t);
}

#[test]
fn no_color_is_ascii_and_colourless() {
    let m = fixture::model("default", 2_000_000, "dark", false);
    let buf = render(&m, 120, 40).unwrap();
    // Without colour, series are told apart by ASCII glyphs, not braille.
    assert!(!buffer_to_text(&buf).chars().any(|c| ('\u{2800}'..='\u{28ff}').contains(&c)));
    assert!(
        buf.content
            .iter()
            .all(|c| c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset)
    );
    assert_snapshot!(buffer_to_text(&buf));
}

#[test]
fn at_80x24_the_status_bar_keeps_help_and_quit_and_params_say_more_fields() {
    let t = text(&base(), 80, 24);
    let status = t.lines().last().unwrap();
    assert!(status.contains("? help") && status.contains("q quit"), "{status}");
    assert!(
        status.contains("default") && status.contains("running") && status.contains("sentences"),
        "{status}"
    );
    assert!(t.contains("fields 1-6 of 17, ↓ 11 more"), "{t}");
    // The indicator follows the selection down the list.
    let mut m = base();
    key(&mut m, KeyCode::Char('4'));
    key(&mut m, KeyCode::End);
    let t = text(&m, 80, 24);
    assert!(t.contains("fields 12-17 of 17, ↑ 11 more") && t.contains("fact_noise"), "{t}");
    // Hints for p and t come back as the width allows.
    let status = text(&base(), 120, 40).lines().last().unwrap().to_string();
    assert!(status.contains("p presets") && status.contains("t themes"), "{status}");
}

#[test]
fn an_ascii_terminal_gets_only_ascii_and_a_16_colour_one_no_rgb() {
    use ratatui::style::Color;
    use sk_tui::ui::palette::reduce_colors;
    use sk_tui::ui::terminal::{Capabilities, ColorDepth, GlyphSet};
    let mut m = base();
    m.set_capabilities(Capabilities { depth: ColorDepth::Ansi16, glyphs: GlyphSet::Ascii });
    let mut buf = render(&m, 120, 40).unwrap();
    assert!(buffer_to_text(&buf).is_ascii(), "{}", buffer_to_text(&buf));
    assert!(buf.content.iter().any(|c| matches!(c.fg, Color::Rgb(..) | Color::Indexed(_))));
    reduce_colors(&mut buf, ColorDepth::Ansi16);
    assert!(!buf.content.iter().any(|c| matches!(c.fg, Color::Rgb(..) | Color::Indexed(_))));
    assert!(!buf.content.iter().any(|c| matches!(c.bg, Color::Rgb(..) | Color::Indexed(_))));
    // A terminal without braille gets half blocks.
    m.set_capabilities(Capabilities { depth: ColorDepth::TrueColor, glyphs: GlyphSet::NoBraille });
    let t = text(&m, 120, 40);
    assert!(!t.chars().any(|c| ('\u{2800}'..='\u{28ff}').contains(&c)));
}

#[test]
fn the_samples_pane_puts_the_rarest_sentences_above_the_latest() {
    let m = base();
    let rows = sk_tui::ui::panes::samples::rows(m.samples.iter(), 4);
    let latest: Vec<u64> = m.samples.iter().rev().take(2).rev().map(|s| s.rank).collect();
    let mut older: Vec<u64> = m.samples.iter().rev().skip(2).map(|s| s.rank).collect();
    older.sort_unstable_by(|a, b| b.cmp(a));
    let got: Vec<u64> = rows.iter().map(|s| s.rank).collect();
    assert_eq!(got, [older[0], older[1], latest[0], latest[1]]);
    // With one line, the latest sentence.
    let one = sk_tui::ui::panes::samples::rows(m.samples.iter(), 1);
    assert_eq!(one[0].rank, m.samples.back().unwrap().rank);
}
