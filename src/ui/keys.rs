//! Every key binding, in one table. The help overlay and the status bar's
//! hints are generated from it, so keys and help never drift apart.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere, unless an overlay or a typed edit has the keyboard.
    Global,
    /// When the generator-parameters pane has focus.
    Params,
    /// While typing a value into a field.
    Editing,
    /// In an overlay (help, preset picker, theme picker, error).
    Overlay,
    /// Typing a picker's filter (after `/`).
    Filter,
    /// `sk-tui view` on recorded runs, before the scopes above apply (the
    /// parameters pane's keys still come first while it has focus).
    View,
    /// `sk-tui view`'s runs list (after `r`).
    RunsList,
}

impl Scope {
    /// Every scope, in help order.
    pub const ALL: [Scope; 7] = [
        Scope::Global,
        Scope::Params,
        Scope::Editing,
        Scope::Overlay,
        Scope::Filter,
        Scope::View,
        Scope::RunsList,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Anywhere",
            Scope::Params => "Generator parameters pane",
            Scope::Editing => "Typing a value",
            Scope::Overlay => "Overlays and pickers",
            Scope::Filter => "Filtering a picker (after /)",
            Scope::View => "Recorded runs (sk-tui view)",
            Scope::RunsList => "The runs list (sk-tui view, after r)",
        }
    }
}

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Pause,
    Help,
    Presets,
    Themes,
    FocusNext,
    FocusPrev,
    /// Focus pane 1-5 (`Pane::ALL` order).
    Focus(u8),
    Zoom,
    NextLearner,
    PrevLearner,
    CycleY,
    ToggleModelView,
    ToggleHeatRows,
    ToggleHeatValue,
    /// Write the focused pane as an SVG figure in the current directory.
    Export,
    /// Restart with the other `[run] pace` (every sentence / sample).
    TogglePace,
    FieldUp,
    FieldDown,
    Increase,
    Decrease,
    Edit,
    Apply,
    FineTune,
    Revert,
    Commit,
    Cancel,
    ClearInput,
    DeleteChar,
    ListUp,
    ListDown,
    /// A page up or down in a list, help or the parameters.
    PageUp,
    PageDown,
    /// The first or last entry.
    Top,
    Bottom,
    /// Start typing a picker's filter.
    Filter,
    /// Yes in the confirmation overlay.
    Yes,
    /// Save the selected theme as the default in the config file.
    SaveTheme,
    Choose,
    Close,
    /// `sk-tui view`: open the runs list.
    RunsList,
    /// `sk-tui view` on a sweep directory: the exponents chart / the runs' panes.
    SweepChart,
    /// The runs list: show or hide the run under the cursor in the panes.
    ToggleRun,
    /// The runs list: follow the run under the cursor.
    FollowRun,
}

/// A key as the table names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Up,
    Down,
    Left,
    Right,
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Key {
    fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match (self, ev.code) {
            (Key::Char(c), KeyCode::Char(d)) => !ctrl && c == d,
            (Key::Ctrl(c), KeyCode::Char(d)) => ctrl && c == d.to_ascii_lowercase(),
            (Key::Up, KeyCode::Up)
            | (Key::Down, KeyCode::Down)
            | (Key::Left, KeyCode::Left)
            | (Key::Right, KeyCode::Right)
            | (Key::Enter, KeyCode::Enter)
            | (Key::Esc, KeyCode::Esc)
            | (Key::Tab, KeyCode::Tab)
            | (Key::BackTab, KeyCode::BackTab)
            | (Key::Backspace, KeyCode::Backspace)
            | (Key::PageUp, KeyCode::PageUp)
            | (Key::PageDown, KeyCode::PageDown)
            | (Key::Home, KeyCode::Home)
            | (Key::End, KeyCode::End) => true,
            _ => false,
        }
    }
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [Key],
    /// How help shows the keys.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
}

const fn b(
    scope: Scope,
    keys: &'static [Key],
    label: &'static str,
    action: Action,
    help: &'static str,
) -> Binding {
    Binding { scope, keys, label, action, help }
}

use Key::*;
use Scope::*;

/// The table. Order is help order; the first match in the active scopes wins.
pub const KEYS: &[Binding] = &[
    b(Global, &[Char('q'), Ctrl('c')], "q, Ctrl-C", Action::Quit, "quit"),
    b(Global, &[Char(' ')], "space", Action::Pause, "pause / resume training"),
    b(Global, &[Char('?'), Char('h')], "?, h", Action::Help, "this help"),
    b(Global, &[Char('p')], "p", Action::Presets, "preset picker (restarts with the preset)"),
    b(Global, &[Char('t')], "t", Action::Themes, "theme picker"),
    b(Global, &[Tab], "Tab", Action::FocusNext, "focus the next pane"),
    b(Global, &[BackTab], "Shift-Tab", Action::FocusPrev, "focus the previous pane"),
    b(Global, &[Char('1')], "1", Action::Focus(1), "focus data scaling"),
    b(Global, &[Char('2')], "2", Action::Focus(2), "focus model scaling"),
    b(Global, &[Char('3')], "3", Action::Focus(3), "focus knowledge heatmap"),
    b(Global, &[Char('4')], "4", Action::Focus(4), "focus generator parameters"),
    b(Global, &[Char('5')], "5", Action::Focus(5), "focus samples"),
    b(Global, &[Char('z')], "z", Action::Zoom, "zoom the focused pane to full screen / back"),
    b(Global, &[Char(']')], "]", Action::NextLearner, "select the next learner"),
    b(Global, &[Char('[')], "[", Action::PrevLearner, "select the previous learner"),
    b(Global, &[Char('y')], "y", Action::CycleY, "pane 1's y: fact, identity, excess/token, syntax, loss"),
    b(
        Global,
        &[Char('m')],
        "m",
        Action::ToggleModelView,
        "pane 2's y: fact, identity, excess/token, two-part code",
    ),
    b(Global, &[Char('v')], "v", Action::ToggleHeatRows, "heatmap rows: checkpoints / learners"),
    b(Global, &[Char('c')], "c", Action::ToggleHeatValue, "heatmap cells: known beyond chance / raw correct"),
    b(Global, &[Char('e')], "e", Action::Export, "export the focused pane (1-3) as SVG to the current dir"),
    b(Global, &[Char('s')], "s", Action::TogglePace, "neural learners: every sentence / sampled (restarts)"),
    b(Global, &[Esc], "Esc", Action::Close, "leave zoom"),
    b(Params, &[Up, Char('k')], "Up, k", Action::FieldUp, "previous field"),
    b(Params, &[Down, Char('j')], "Down, j", Action::FieldDown, "next field"),
    b(Params, &[PageUp], "PgUp", Action::PageUp, "a page of fields up"),
    b(Params, &[PageDown], "PgDn", Action::PageDown, "a page of fields down"),
    b(Params, &[Home, Char('g')], "Home, g", Action::Top, "first field"),
    b(Params, &[End, Char('G')], "End, G", Action::Bottom, "last field"),
    b(Params, &[Right, Char('+'), Char('=')], "Right, +", Action::Increase, "step the value up"),
    b(Params, &[Left, Char('-')], "Left, -", Action::Decrease, "step the value down"),
    b(Params, &[Enter, Char('e')], "Enter, e", Action::Edit, "type a value"),
    b(Params, &[Char('a')], "a", Action::Apply, "apply: restart on the edited parameters"),
    b(Params, &[Char('f')], "f", Action::FineTune, "fine-tune: continue training on them"),
    b(Params, &[Char('r')], "r", Action::Revert, "revert edits to the running parameters"),
    b(Editing, &[Enter], "Enter", Action::Commit, "set the value (checked, not yet applied)"),
    b(Editing, &[Esc], "Esc", Action::Cancel, "cancel typing"),
    b(Editing, &[Backspace], "Backspace", Action::DeleteChar, "delete a character"),
    b(Editing, &[Ctrl('u')], "Ctrl-U", Action::ClearInput, "clear the input"),
    b(Overlay, &[Up, Char('k')], "Up, k", Action::ListUp, "move up"),
    b(Overlay, &[Down, Char('j')], "Down, j", Action::ListDown, "move down"),
    b(Overlay, &[PageUp], "PgUp", Action::PageUp, "a page up"),
    b(Overlay, &[PageDown], "PgDn", Action::PageDown, "a page down"),
    b(Overlay, &[Home, Char('g')], "Home, g", Action::Top, "to the top"),
    b(Overlay, &[End, Char('G')], "End, G", Action::Bottom, "to the bottom"),
    b(Overlay, &[Char('/')], "/", Action::Filter, "pickers: filter by name or description"),
    b(Overlay, &[Char('s')], "s", Action::SaveTheme, "theme picker: choose and save as the default"),
    b(Overlay, &[Enter], "Enter", Action::Choose, "choose / dismiss / confirm"),
    b(Overlay, &[Char('y')], "y", Action::Yes, "confirm: yes, throw the run away"),
    b(Overlay, &[Esc, Char('q'), Char('n')], "Esc, q, n", Action::Close, "close / cancel"),
    b(Filter, &[Up], "Up", Action::ListUp, "move up"),
    b(Filter, &[Down], "Down", Action::ListDown, "move down"),
    b(Filter, &[PageUp], "PgUp", Action::PageUp, "a page up"),
    b(Filter, &[PageDown], "PgDn", Action::PageDown, "a page down"),
    b(Filter, &[Enter], "Enter", Action::Choose, "choose the selected entry"),
    b(Filter, &[Esc], "Esc", Action::Cancel, "stop filtering (the filter stays)"),
    b(Filter, &[Backspace], "Backspace", Action::DeleteChar, "delete a character"),
    b(Filter, &[Ctrl('u')], "Ctrl-U", Action::ClearInput, "clear the filter"),
    b(View, &[Char('r')], "r", Action::RunsList, "runs list (outside the parameters pane, where r reverts)"),
    b(View, &[Char('x')], "x", Action::SweepChart, "sweep directory: exponents chart / the runs' panes"),
    b(View, &[Esc], "Esc", Action::Close, "sweep directory: from the chart to the runs' panes"),
    b(RunsList, &[Up, Char('k')], "Up, k", Action::ListUp, "move up"),
    b(RunsList, &[Down, Char('j')], "Down, j", Action::ListDown, "move down"),
    b(RunsList, &[Char(' ')], "space", Action::ToggleRun, "show / hide the run in the panes"),
    b(
        RunsList,
        &[Enter, Char('f')],
        "Enter, f",
        Action::FollowRun,
        "follow the run: heatmap, samples, parameters, status bar",
    ),
    b(RunsList, &[Esc, Char('r'), Char('q')], "Esc, r, q", Action::Close, "close the list"),
];

/// The action of a key event in the given scopes (first scope first).
pub fn lookup(ev: &KeyEvent, scopes: &[Scope]) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    // Ctrl-C quits from anywhere, even while typing or in an overlay.
    if Key::Ctrl('c').matches(ev) {
        return Some(Action::Quit);
    }
    scopes.iter().find_map(|s| {
        KEYS.iter().find(|b| b.scope == *s && b.keys.iter().any(|k| k.matches(ev))).map(|b| b.action)
    })
}

/// The label of the first binding of `action`, for hints.
pub fn label(action: Action) -> &'static str {
    KEYS.iter().find(|b| b.action == action).map_or("", |b| b.label.split(',').next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_a_scope() {
        for (i, a) in KEYS.iter().enumerate() {
            for b in &KEYS[i + 1..] {
                if a.scope == b.scope {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{k:?} bound to {:?} and {:?}", a.action, b.action);
                    }
                }
            }
        }
    }

    #[test]
    fn scopes_are_searched_in_order() {
        let ev = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(lookup(&ev, &[Editing, Global]), Some(Action::Cancel));
        assert_eq!(lookup(&ev, &[Global]), Some(Action::Close));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&ctrl_c, &[Editing]), Some(Action::Quit));
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_ne!(lookup(&c, &[Global]), Some(Action::Quit), "only Ctrl-C quits, not c");
    }
}
