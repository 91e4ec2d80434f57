//! Unit tests of `update`: keys, engine updates and the commands they
//! produce, without a terminal or an engine.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sk_tui::engine::{Control, Progress, Update};
use sk_tui::ui::fixture;
use sk_tui::ui::model::{
    Command, DataY, HeatRows, HeatValue, Model, ModelView, Msg, Overlay, Pane, RunState, update,
};

fn model() -> Model {
    fixture::model("default", 1_000_000, "dark", true)
}

fn press(m: &mut Model, code: KeyCode) -> Option<Command> {
    update(m, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(m: &mut Model, c: char) -> Option<Command> {
    update(m, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
}

fn type_text(m: &mut Model, text: &str) {
    for c in text.chars() {
        press(m, KeyCode::Char(c));
    }
}

/// Focus the parameters pane, select `alpha` and type `value`.
fn edit_alpha(m: &mut Model, value: &str) {
    press(m, KeyCode::Char('4'));
    m.params.selected = 0;
    press(m, KeyCode::Down);
    press(m, KeyCode::Enter);
    ctrl(m, 'u');
    type_text(m, value);
    press(m, KeyCode::Enter);
}

#[test]
fn space_pauses_then_resumes() {
    let mut m = model();
    assert!(matches!(press(&mut m, KeyCode::Char(' ')), Some(Command::Engine(Control::Pause))));
    assert_eq!(m.state, RunState::Paused);
    assert!(matches!(press(&mut m, KeyCode::Char(' ')), Some(Command::Engine(Control::Resume))));
    assert_eq!(m.state, RunState::Running);
}

#[test]
fn q_and_ctrl_c_quit_but_q_while_typing_is_text() {
    let mut m = model();
    assert!(matches!(press(&mut m, KeyCode::Char('q')), Some(Command::Quit)));
    press(&mut m, KeyCode::Char('4'));
    press(&mut m, KeyCode::Enter);
    assert!(press(&mut m, KeyCode::Char('q')).is_none());
    assert!(m.params.input.as_deref().unwrap().ends_with('q'));
    assert!(matches!(ctrl(&mut m, 'c'), Some(Command::Quit)));
}

#[test]
fn focus_zoom_and_views_cycle() {
    let mut m = model();
    assert_eq!(m.focus, Pane::DataScaling);
    press(&mut m, KeyCode::Tab);
    assert_eq!(m.focus, Pane::ModelScaling);
    press(&mut m, KeyCode::BackTab);
    press(&mut m, KeyCode::BackTab);
    assert_eq!(m.focus, Pane::Samples);
    press(&mut m, KeyCode::Char('3'));
    assert_eq!(m.focus, Pane::Heatmap);
    press(&mut m, KeyCode::Char('z'));
    assert!(m.zoom);
    press(&mut m, KeyCode::Esc);
    assert!(!m.zoom);
    assert_eq!(m.data_y, DataY::Fact, "the data pane opens on the fact part");
    press(&mut m, KeyCode::Char('y'));
    assert_eq!(m.data_y, DataY::Identity);
    assert_eq!(m.model_view, ModelView::Scaling(DataY::Fact));
    for _ in 0..3 {
        press(&mut m, KeyCode::Char('m'));
    }
    assert_eq!(m.model_view, ModelView::TwoPart);
    press(&mut m, KeyCode::Char('v'));
    assert_eq!(m.heat_rows, HeatRows::Learners);
    assert_eq!(m.heat_value, HeatValue::Known);
    press(&mut m, KeyCode::Char('c'));
    assert_eq!(m.heat_value, HeatValue::Correct);
}

#[test]
fn learner_selection_wraps() {
    let mut m = model();
    let n = m.learners.len();
    assert!(n > 1);
    press(&mut m, KeyCode::Char('['));
    assert_eq!(m.selected_learner, n - 1);
    press(&mut m, KeyCode::Char(']'));
    assert_eq!(m.selected_learner, 0);
}

#[test]
fn invalid_values_are_marked_and_never_applied() {
    let mut m = model();
    edit_alpha(&mut m, "1.5");
    assert_eq!(m.params.draft.alpha, 1.5);
    let problems = m.params.problems();
    assert!(problems.iter().any(|(k, why)| *k == "alpha" && why.contains("[0, 1)")), "{problems:?}");
    assert!(press(&mut m, KeyCode::Char('a')).is_none());
    assert!(press(&mut m, KeyCode::Char('f')).is_none());
    assert!(m.params.message.as_deref().unwrap().starts_with("not applied"));
    assert_eq!(m.params.running.alpha, 0.6);
}

#[test]
fn a_valid_edit_applies_or_fine_tunes() {
    let mut m = model();
    edit_alpha(&mut m, "0.5");
    match press(&mut m, KeyCode::Char('a')) {
        Some(Command::Engine(Control::Apply(g))) => assert_eq!(g.alpha, 0.5),
        other => panic!("{other:?}"),
    }
    assert_eq!(m.params.running.alpha, 0.5);
    press(&mut m, KeyCode::Right);
    match press(&mut m, KeyCode::Char('f')) {
        Some(Command::Engine(Control::FineTune(ft))) => {
            assert!((ft.generator.alpha - 0.55).abs() < 1e-12);
            assert!(ft.phase.sentences > 0);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn typed_garbage_is_reported_and_changes_nothing() {
    let mut m = model();
    edit_alpha(&mut m, "abc");
    assert_eq!(m.params.draft.alpha, 0.6);
    assert!(m.params.problems().iter().any(|(k, why)| *k == "alpha" && why.contains("abc")));
    assert!(press(&mut m, KeyCode::Char('a')).is_none());
    press(&mut m, KeyCode::Char('r'));
    assert!(m.params.input_error.is_none() && m.params.problems().is_empty());
    assert_eq!(m.params.draft, m.params.running);
}

#[test]
fn escape_cancels_typing() {
    let mut m = model();
    press(&mut m, KeyCode::Char('4'));
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Enter);
    type_text(&mut m, "9");
    press(&mut m, KeyCode::Esc);
    assert!(m.params.input.is_none());
    assert_eq!(m.params.draft.alpha, 0.6);
}

#[test]
fn pickers_return_what_to_load() {
    let mut m = model();
    press(&mut m, KeyCode::Char('p'));
    assert!(matches!(m.overlay, Some(Overlay::Presets { .. })));
    press(&mut m, KeyCode::Down);
    match press(&mut m, KeyCode::Enter) {
        Some(Command::LoadPreset(name)) => assert_eq!(name, m.preset_choices[1].name),
        other => panic!("{other:?}"),
    }
    assert!(m.overlay.is_none());
    press(&mut m, KeyCode::Char('t'));
    press(&mut m, KeyCode::Down);
    match press(&mut m, KeyCode::Enter) {
        Some(Command::LoadTheme(name)) => assert_eq!(name, "light"),
        other => panic!("{other:?}"),
    }
    press(&mut m, KeyCode::Char('t'));
    assert!(press(&mut m, KeyCode::Esc).is_none());
    assert!(m.overlay.is_none());
}

#[test]
fn errors_take_the_keyboard_until_dismissed() {
    let mut m = model();
    update(&mut m, Msg::Engine(Update::Error("one".into())));
    update(&mut m, Msg::Error("two".into()));
    assert!(press(&mut m, KeyCode::Char(' ')).is_none(), "swallowed by the popup");
    assert_eq!(m.state, RunState::Running);
    press(&mut m, KeyCode::Enter);
    assert_eq!(m.errors, ["two"]);
    press(&mut m, KeyCode::Esc);
    assert!(m.errors.is_empty());
    assert!(matches!(press(&mut m, KeyCode::Char(' ')), Some(Command::Engine(Control::Pause))));
}

#[test]
fn history_stays_bounded_and_restarts_clear_it() {
    let mut m = model();
    let template = m.latest().unwrap().clone();
    for i in 0..20_000u64 {
        let mut c = template.clone();
        c.sentences = 100 + i * i * 5;
        update(&mut m, Msg::Engine(Update::Checkpoint(Box::new(c))));
    }
    // 100 .. 2e9: about 7.3 decades at 40 per decade.
    assert!(m.history.len() <= 300, "{}", m.history.len());
    assert!(m.history.windows(2).all(|w| w[0].sentences < w[1].sentences));
    let started = fixture::updates("default", 1000, 1).remove(0);
    update(&mut m, Msg::Engine(started));
    assert!(m.history.is_empty() && m.samples.is_empty());
}

#[test]
fn progress_and_finish_set_the_state_and_stop_the_clock() {
    let mut m = model();
    update(
        &mut m,
        Msg::Engine(Update::Progress(Progress {
            sentences: 5,
            sentences_per_second: 1.0,
            paused: true,
            dropped: 0,
        })),
    );
    assert_eq!(m.state, RunState::Paused);
    update(&mut m, Msg::Tick(Duration::from_secs(100)));
    update(&mut m, Msg::Engine(Update::Finished { sentences: 2_000_000 }));
    assert_eq!(m.state, RunState::Finished);
    let at = m.elapsed();
    update(&mut m, Msg::Tick(Duration::from_secs(500)));
    assert_eq!(m.elapsed(), at);
    assert!(press(&mut m, KeyCode::Char(' ')).is_none(), "nothing to pause");
}

#[test]
fn ticks_dirty_the_screen_only_when_the_second_changes() {
    let mut m = model();
    m.dirty = false;
    update(&mut m, Msg::Tick(Duration::from_millis(84_300)));
    assert!(!m.dirty);
    update(&mut m, Msg::Tick(Duration::from_millis(85_100)));
    assert!(m.dirty);
}

#[test]
fn help_lists_every_binding() {
    let m = model();
    let text: String = sk_tui::ui::overlay::help::lines(&m)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>() + "\n")
        .collect();
    for b in sk_tui::ui::keys::KEYS {
        assert!(text.contains(b.help) && text.contains(b.label), "{:?} missing from help", b.action);
    }
}
