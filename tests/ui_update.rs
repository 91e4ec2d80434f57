//! Unit tests of `update`: keys, engine updates and the commands they
//! produce, without a terminal or an engine.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use sk_tui::engine::{Control, Progress, Update};
use sk_tui::ui::fields::FIELDS;
use sk_tui::ui::fixture;
use sk_tui::ui::model::{
    Command, DataY, HeatRows, HeatValue, Model, ModelView, Msg, Overlay, Pane, Pending, RunState, update,
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
    // The fixture's run has trained for 1:23: `a` asks first.
    assert!(press(&mut m, KeyCode::Char('a')).is_none());
    assert_eq!(m.overlay, Some(Overlay::Confirm));
    match press(&mut m, KeyCode::Char('y')) {
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
    // A long run: choosing asks first, Enter confirms.
    assert!(press(&mut m, KeyCode::Enter).is_none());
    assert_eq!(m.confirm, Some(Pending::LoadPreset(m.preset_choices[1].name.clone())));
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

/// The error popup's footer says `q quit`: q quits, over a picker too.
#[test]
fn q_in_the_error_popup_quits_as_its_footer_says() {
    let mut m = model();
    update(&mut m, Msg::Error("a bad line".into()));
    assert!(matches!(press(&mut m, KeyCode::Char('q')), Some(Command::Quit)));
    assert_eq!(m.errors, ["a bad line"], "quitting, not dismissing");
    press(&mut m, KeyCode::Esc);
    press(&mut m, KeyCode::Char('t'));
    assert!(m.overlay.is_some());
    update(&mut m, Msg::Error("a theme that does not load".into()));
    assert!(matches!(press(&mut m, KeyCode::Char('q')), Some(Command::Quit)));
    update(&mut m, Msg::Key(KeyEvent::from(KeyCode::Esc)));
    assert!(m.errors.is_empty() && m.overlay.is_some(), "Esc dismisses the popup only");
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

/// The status bar's clock and the restart confirmation count training
/// time: the clock stops while paused and once finished, and goes on from
/// where it stopped when training resumes (space, or `f` on a finished run).
#[test]
fn the_clock_counts_training_time_only() {
    let tick = |m: &mut Model, s: u64| update(m, Msg::Tick(Duration::from_secs(s)));
    let mut m = model();
    assert_eq!(m.elapsed(), Duration::from_secs(83), "the fixture has trained 1:23");
    press(&mut m, KeyCode::Char(' '));
    tick(&mut m, 200);
    assert_eq!(m.elapsed(), Duration::from_secs(83), "paused");
    assert!(text_of(&m).contains("0:01:23"), "{}", text_of(&m));
    press(&mut m, KeyCode::Char(' '));
    tick(&mut m, 210);
    assert_eq!(m.elapsed(), Duration::from_secs(93), "resumed");
    // Finished, then fine-tuned two minutes later: the clock goes on from 1:33.
    finish(&mut m);
    tick(&mut m, 330);
    assert_eq!(m.elapsed(), Duration::from_secs(93), "finished");
    press(&mut m, KeyCode::Char('4'));
    assert!(matches!(press(&mut m, KeyCode::Char('f')), Some(Command::Engine(Control::FineTune(_)))));
    update(&mut m, Msg::Engine(Update::Phase { index: 1, name: "fine-tune".into() }));
    tick(&mut m, 335);
    assert_eq!(m.elapsed(), Duration::from_secs(98), "fine-tuning");
    // The confirmation names that time "of training".
    edit_alpha(&mut m, "0.5");
    press(&mut m, KeyCode::Char('a'));
    assert_eq!(m.overlay, Some(Overlay::Confirm));
    assert!(text_of(&m).contains("0:01:38 of training"), "{}", text_of(&m));
    // A run paused before 30 s of training restarts without asking, however long the pause.
    let mut m = model();
    m.started_at = m.now - Duration::from_secs(10);
    press(&mut m, KeyCode::Char(' '));
    tick(&mut m, 1000);
    press(&mut m, KeyCode::Char('p'));
    assert!(matches!(press(&mut m, KeyCode::Enter), Some(Command::LoadPreset(_))));
}

/// The restart confirmation shows every line, its keys last, at every
/// size: a long run's numbers and a long preset path included.
#[test]
fn the_restart_confirmation_fits_its_lines() {
    let mut m = model();
    edit_alpha(&mut m, "0.5");
    press(&mut m, KeyCode::Char('a'));
    assert_eq!(m.overlay, Some(Overlay::Confirm));
    let keys = "y, Enter: restart   n, Esc: keep the run";
    let path = "/home/researcher/.config/sk-tui/presets/a-rather-long-preset-name-for-a-sweep.toml";
    for pending in [Pending::Apply, Pending::LoadPreset(path.into())] {
        m.confirm = Some(pending.clone());
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let screen = sk_tui::ui::buffer_to_text(&sk_tui::ui::snapshot::render(&m, w, h).unwrap());
            let inside = boxed_text(&screen, "╭ Throw away this run? ");
            let lines = "This throws away the current run:\n1,000,000 sentences, 0:01:23 of training.\n\n";
            assert!(inside.ends_with(&format!("{lines}{keys}\n")), "{pending:?} at {w}x{h}:\n{screen}");
            // The question, wrapped (compared without the spaces it breaks at).
            let squeeze = |t: &str| t.split_whitespace().collect::<String>();
            let asked = match &pending {
                Pending::Apply => "Restart on the edited parameters?".to_string(),
                Pending::LoadPreset(_) => format!("Restart with the preset {path}?"),
            };
            assert!(squeeze(&inside).starts_with(&squeeze(&asked)), "{pending:?} at {w}x{h}:\n{screen}");
        }
    }
}

/// The lines inside the box whose top border starts with `top`, trimmed.
fn boxed_text(screen: &str, top: &str) -> String {
    let rows: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let top: Vec<char> = top.chars().collect();
    let (y, x) = (0..rows.len())
        .find_map(|y| Some((y, rows[y].windows(top.len()).position(|w| w == top.as_slice())?)))
        .unwrap_or_else(|| panic!("no box in\n{screen}"));
    let right = x + rows[y][x..].iter().position(|c| *c == '╮').unwrap();
    rows[y + 1..]
        .iter()
        .take_while(|r| r[x] == '│')
        .map(|r| r[x + 1..right].iter().collect::<String>().trim().to_string() + "\n")
        .collect()
}

/// `e` on the samples pane says that pane cannot be exported, not that a
/// checkpoint is missing; on panes 1-3 it exports once there is one.
#[test]
fn export_says_which_panes_it_exports() {
    let mut m = model();
    assert!(m.latest().is_some());
    press(&mut m, KeyCode::Char('5'));
    assert!(press(&mut m, KeyCode::Char('e')).is_none());
    assert_eq!(m.note.as_deref(), Some("pane 5 (Samples) cannot be exported; e exports pane 1, 2 or 3"));
    assert!(text_of(&m).contains("pane 5 (Samples) cannot be exported"), "{}", text_of(&m));
    press(&mut m, KeyCode::Char('3'));
    assert!(matches!(press(&mut m, KeyCode::Char('e')), Some(Command::Export(Pane::Heatmap))));
    // Before the first checkpoint, panes 1-3 have nothing to export yet.
    let started = fixture::updates("default", 1000, 1).remove(0);
    update(&mut m, Msg::Engine(started));
    assert!(press(&mut m, KeyCode::Char('e')).is_none());
    assert_eq!(m.note.as_deref(), Some("e exports pane 1, 2 or 3 once there is a checkpoint"));
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

fn percent(m: &Model) -> f64 {
    100.0 * m.sentences() as f64 / m.total_sentences as f64
}

fn finish(m: &mut Model) {
    let total = m.total_sentences;
    update(m, Msg::Engine(Update::Finished { sentences: total }));
}

#[test]
fn fine_tuning_a_finished_run_keeps_progress_within_100_percent() {
    let mut m = model();
    finish(&mut m);
    assert_eq!(percent(&m), 100.0);
    press(&mut m, KeyCode::Char('4'));
    for round in 1..=2 {
        let Some(Command::Engine(Control::FineTune(ft))) = press(&mut m, KeyCode::Char('f')) else {
            panic!("f did not fine-tune")
        };
        let before = m.sentences();
        assert_eq!(m.total_sentences, before + ft.phase.sentences, "round {round}");
        update(&mut m, Msg::Engine(Update::Phase { index: round, name: "fine-tune".into() }));
        assert!(percent(&m) < 100.0, "round {round}: {}%", percent(&m));
        finish(&mut m);
        assert_eq!(percent(&m), 100.0, "round {round}");
    }
}

#[test]
fn applying_an_edit_keeps_the_picked_preset_name() {
    let mut m = model();
    // The preset picker restarted the run with kaplan (the app sets pending_preset).
    let Update::Started(mut info) = fixture::updates("kaplan", 1000, 1).remove(0) else { panic!() };
    m.pending_preset = Some("kaplan".into());
    update(&mut m, Msg::Engine(Update::Started(info.clone())));
    assert_eq!(m.preset_name, "kaplan");
    edit_alpha(&mut m, "0.5");
    // A fresh run: no confirmation.
    assert!(matches!(press(&mut m, KeyCode::Char('a')), Some(Command::Engine(Control::Apply(_)))));
    // The engine restarts on the launch preset's name; the screen keeps this run's.
    info.preset_name = "default".into();
    update(&mut m, Msg::Engine(Update::Started(info.clone())));
    assert_eq!(m.preset_name, "kaplan (edited)");
    // A second apply does not stack the mark; the picker still finds kaplan.
    edit_alpha(&mut m, "0.4");
    press(&mut m, KeyCode::Char('a'));
    update(&mut m, Msg::Engine(Update::Started(info)));
    assert_eq!(m.preset_name, "kaplan (edited)");
    press(&mut m, KeyCode::Char('p'));
    let Some(Overlay::Presets { selected }) = m.overlay else { panic!() };
    assert_eq!(m.preset_choices[selected].name, "kaplan");
}

#[test]
fn an_invalid_value_refuses_apply_with_not_applied_and_the_pane_tracks_the_run() {
    let mut m = model();
    edit_alpha(&mut m, "1.5");
    press(&mut m, KeyCode::Char('a'));
    assert_eq!(m.overlay, None, "no confirmation for an edit that cannot apply");
    assert_eq!(m.params.message.as_deref(), Some("not applied: 1 invalid value"));
    let screen = sk_tui::ui::buffer_to_text(&sk_tui::ui::snapshot::render(&m, 80, 24).unwrap());
    assert!(screen.contains("not applied"), "{screen}");
    // The generator pane names the run's state, finished included.
    edit_alpha(&mut m, "0.6");
    assert!(text_of(&m).contains("Generator · running"));
    finish(&mut m);
    assert!(text_of(&m).contains("Generator · finished"), "{}", text_of(&m));
}

fn text_of(m: &Model) -> String {
    sk_tui::ui::buffer_to_text(&sk_tui::ui::snapshot::render(m, 120, 40).unwrap())
}

fn mouse(m: &mut Model, kind: MouseEventKind, column: u16, row: u16) -> Option<Command> {
    let ev = MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE };
    update(m, Msg::Mouse(ev, Rect::new(0, 0, 120, 40)))
}

/// The screen position of `text` in a 120x40 frame.
fn find(m: &Model, text: &str) -> (u16, u16) {
    let screen = text_of(m);
    for (row, line) in screen.lines().enumerate() {
        if let Some(col) = line.find(text) {
            return (line[..col].chars().count() as u16, row as u16);
        }
    }
    panic!("{text} not on screen:\n{screen}")
}

#[test]
fn a_click_focuses_the_pane_and_selects_the_parameter() {
    let mut m = model();
    let (x, y) = find(&m, " entities ");
    assert!(mouse(&mut m, MouseEventKind::Down(MouseButton::Left), x + 2, y).is_none());
    assert_eq!(m.focus, Pane::Params);
    assert_eq!(FIELDS[m.params.selected].key, "entities");
    let (x, y) = find(&m, "Samples");
    mouse(&mut m, MouseEventKind::Down(MouseButton::Left), x, y + 2);
    assert_eq!(m.focus, Pane::Samples);
    // The wheel over the parameters moves the selection.
    let (x, y) = find(&m, " entities ");
    mouse(&mut m, MouseEventKind::ScrollDown, x, y);
    assert_eq!(FIELDS[m.params.selected].key, "zipf_offset");
    mouse(&mut m, MouseEventKind::ScrollUp, x, y);
    mouse(&mut m, MouseEventKind::ScrollUp, x, y);
    assert_eq!(FIELDS[m.params.selected].key, "beta");
}

#[test]
fn the_wheel_scrolls_help_and_moves_in_pickers() {
    let mut m = model();
    press(&mut m, KeyCode::Char('?'));
    mouse(&mut m, MouseEventKind::ScrollDown, 60, 20);
    mouse(&mut m, MouseEventKind::ScrollDown, 60, 20);
    assert_eq!(m.overlay, Some(Overlay::Help { scroll: 6 }));
    mouse(&mut m, MouseEventKind::ScrollUp, 60, 20);
    assert_eq!(m.overlay, Some(Overlay::Help { scroll: 3 }));
    press(&mut m, KeyCode::Esc);
    press(&mut m, KeyCode::Char('t'));
    mouse(&mut m, MouseEventKind::ScrollDown, 60, 20);
    assert_eq!(m.overlay, Some(Overlay::Themes { selected: 1 }));
}

#[test]
fn no_mouse_ignores_the_mouse() {
    let mut m = model();
    m.mouse = false;
    let (x, y) = find(&m, " entities ");
    mouse(&mut m, MouseEventKind::Down(MouseButton::Left), x, y);
    assert!(mouse(&mut m, MouseEventKind::Down(MouseButton::Left), x + 2, y).is_none());
    assert_eq!((m.focus, m.params.selected), (Pane::DataScaling, 0));
}

#[test]
fn page_keys_and_g_move_in_help_pickers_and_parameters() {
    let mut m = model();
    press(&mut m, KeyCode::Char('?'));
    press(&mut m, KeyCode::PageDown);
    assert_eq!(m.overlay, Some(Overlay::Help { scroll: 10 }));
    press(&mut m, KeyCode::Char('G'));
    let last = sk_tui::ui::overlay::help::lines(&m).len() as u16 - 1;
    assert_eq!(m.overlay, Some(Overlay::Help { scroll: last }));
    press(&mut m, KeyCode::Char('g'));
    assert_eq!(m.overlay, Some(Overlay::Help { scroll: 0 }));
    press(&mut m, KeyCode::Esc);
    press(&mut m, KeyCode::Char('p'));
    press(&mut m, KeyCode::End);
    assert_eq!(m.overlay, Some(Overlay::Presets { selected: m.preset_choices.len() - 1 }));
    press(&mut m, KeyCode::Home);
    assert_eq!(m.overlay, Some(Overlay::Presets { selected: 0 }));
    press(&mut m, KeyCode::Esc);
    press(&mut m, KeyCode::Char('4'));
    press(&mut m, KeyCode::Char('G'));
    assert_eq!(m.params.selected, FIELDS.len() - 1);
    press(&mut m, KeyCode::PageUp);
    assert_eq!(m.params.selected, FIELDS.len() - 7);
    press(&mut m, KeyCode::Home);
    assert_eq!(m.params.selected, 0);
}

#[test]
fn slash_filters_the_preset_picker() {
    let mut m = model();
    m.started_at = m.now; // a fresh run: no confirmation
    press(&mut m, KeyCode::Char('p'));
    press(&mut m, KeyCode::Char('/'));
    type_text(&mut m, "kap");
    let names: Vec<&str> = m.visible_choices().iter().map(|(_, c)| c.name.as_str()).collect();
    assert_eq!(names, ["kaplan"]);
    // q is text while filtering, not quit.
    assert!(press(&mut m, KeyCode::Char('q')).is_none());
    assert!(m.visible_choices().is_empty());
    press(&mut m, KeyCode::Backspace);
    match press(&mut m, KeyCode::Enter) {
        Some(Command::LoadPreset(name)) => assert_eq!(name, "kaplan"),
        other => panic!("{other:?}"),
    }
    assert!(m.overlay.is_none() && m.filter.is_none() && !m.filtering);
}

#[test]
fn a_short_run_restarts_without_asking_and_no_keeps_a_long_one() {
    let mut m = model();
    press(&mut m, KeyCode::Char('p'));
    press(&mut m, KeyCode::Enter);
    assert_eq!(m.overlay, Some(Overlay::Confirm));
    assert!(press(&mut m, KeyCode::Char('n')).is_none());
    assert!(m.overlay.is_none() && m.confirm.is_none());
    m.started_at = m.now;
    press(&mut m, KeyCode::Char('p'));
    assert!(matches!(press(&mut m, KeyCode::Enter), Some(Command::LoadPreset(_))));
}

#[test]
fn a_theme_chosen_with_s_is_saved_once_it_loads() {
    let mut m = model();
    press(&mut m, KeyCode::Char('t'));
    press(&mut m, KeyCode::Down);
    match press(&mut m, KeyCode::Char('s')) {
        Some(Command::LoadTheme(name)) => assert_eq!(name, "light"),
        other => panic!("{other:?}"),
    }
    let theme = sk_tui::config::theme::embedded_theme("light").unwrap();
    match update(&mut m, Msg::ThemeLoaded(Box::new(theme.clone()))) {
        Some(Command::SaveTheme(name)) => assert_eq!(name, "light"),
        other => panic!("{other:?}"),
    }
    // Choosing with Enter loads without saving.
    press(&mut m, KeyCode::Char('t'));
    press(&mut m, KeyCode::Enter);
    assert!(update(&mut m, Msg::ThemeLoaded(Box::new(theme))).is_none());
}

#[test]
fn a_missing_model_fit_says_why() {
    // The default preset has two capped oracle learners: never a model fit.
    let mut m = fixture::model("default", 1_000_000, "dark", true);
    for c in &mut m.history {
        c.fits.model_exponent = None;
    }
    let why = m.model_fit_absence(false).unwrap();
    assert!(why.contains("2 capped oracle learners, needs 3"), "{why}");
    let short = m.model_fit_absence(true).unwrap();
    assert!(short.contains("2 oracles, needs 3") && short.len() <= 30, "{short}");
    // One is one learner.
    let mut m = fixture::model("neural", 100_000, "dark", true);
    for c in &mut m.history {
        c.fits.model_exponent = None;
    }
    assert_eq!(m.model_fit_absence(false).unwrap(), "no fit: 1 capped oracle learner, needs 3");
    assert_eq!(m.model_fit_absence(true).unwrap(), "no fit: 1 oracle, needs 3");
    // model-scaling has them: only "yet" while no budget is full.
    let mut m = fixture::model("model-scaling", 1_000_000, "dark", true);
    assert!(m.model_fit_absence(false).is_none());
    for c in &mut m.history {
        c.fits.model_exponent = None;
    }
    for short in [false, true] {
        assert!(m.model_fit_absence(short).unwrap().starts_with("no fit yet"));
    }
}
