//! The dashboard's state (`Model`), what can happen to it (`Msg`), and
//! `update`, the pure function from one to the next. `update` never touches
//! the terminal, the engine or the file system: what must happen outside is
//! returned as a [`Command`] for the run loop to carry out.

use std::collections::VecDeque;
use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::config::theme::Theme;
use crate::config::{PhaseConfig, Preset};
use crate::engine::{Checkpoint, Control, FineTune, Progress, Sample, Update};
use crate::sk::GeneratorParams;

use super::MarkerChoice;
use super::fields::{self, FIELDS};
use super::keys::{self, Action, Scope};
use super::palette::Palette;

/// The panes, in focus order (keys 1-5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    DataScaling,
    ModelScaling,
    Heatmap,
    Params,
    Samples,
}

impl Pane {
    pub const ALL: [Pane; 5] =
        [Pane::DataScaling, Pane::ModelScaling, Pane::Heatmap, Pane::Params, Pane::Samples];

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::DataScaling => "Data scaling",
            Pane::ModelScaling => "Model scaling",
            Pane::Heatmap => "Knowledge",
            Pane::Params => "Generator",
            Pane::Samples => "Samples",
        }
    }
}

/// The y quantity of a scaling pane: one quantity per view, and the
/// legend's fit is of exactly that series. Window means per checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataY {
    /// Fact part of the excess, bits per sentence (exact theory on zipf).
    Fact,
    Identity,
    /// Total excess, bits per token.
    Excess,
    Syntax,
    Loss,
}

impl DataY {
    /// `y` cycles through these in the data pane.
    pub fn next(self) -> DataY {
        match self {
            DataY::Fact => DataY::Identity,
            DataY::Identity => DataY::Excess,
            DataY::Excess => DataY::Syntax,
            DataY::Syntax => DataY::Loss,
            DataY::Loss => DataY::Fact,
        }
    }

    /// Quantity and unit, as axis titles and legends name them.
    pub fn label(self) -> &'static str {
        match self {
            DataY::Excess => "excess bits/token",
            DataY::Loss => "loss bits/token",
            DataY::Syntax => "syntax excess bits/sentence",
            DataY::Identity => "identity excess bits/sentence",
            DataY::Fact => "fact excess bits/sentence",
        }
    }
}

/// The model-scaling pane's y quantity at the latest checkpoint (x is
/// every learner's knowledge in bits), or the two-part code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelView {
    /// One of the excess quantities against knowledge bits.
    Scaling(DataY),
    /// The two-part code: cumulative prequential data bits against knowledge bits.
    TwoPart,
}

impl ModelView {
    /// `m` cycles through these.
    pub fn next(self) -> ModelView {
        match self {
            ModelView::Scaling(DataY::Fact) => ModelView::Scaling(DataY::Identity),
            ModelView::Scaling(DataY::Identity) => ModelView::Scaling(DataY::Excess),
            ModelView::Scaling(_) => ModelView::TwoPart,
            ModelView::TwoPart => ModelView::Scaling(DataY::Fact),
        }
    }
}

/// What a heatmap cell shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeatValue {
    /// Knowledge beyond chance, `(accuracy - c) / (1 - c)`.
    Known,
    /// Fraction of probes answered correctly, chance included.
    Correct,
}

/// The heatmap's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeatRows {
    /// Log-spaced checkpoints of the selected learner.
    Checkpoints,
    /// Every learner at the current checkpoint.
    Learners,
}

/// Whether the engine is training.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    Starting,
    Running,
    Paused,
    Finished,
}

/// An entry of a picker: name, origin, one-line description.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub name: String,
    pub origin: String,
    pub description: String,
}

/// An overlay drawn over the panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help { scroll: u16 },
    Presets { selected: usize },
    Themes { selected: usize },
}

/// What the run loop must do for `update`.
#[derive(Clone, Debug)]
pub enum Command {
    Engine(Control),
    /// Resolve a preset by name or path, then restart the engine with it.
    LoadPreset(String),
    /// Resolve a theme by name or path, then send `Msg::ThemeLoaded`.
    LoadTheme(String),
    Quit,
}

/// Something that happened.
#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent),
    Engine(Update),
    /// The injected clock's time since the app started.
    Tick(Duration),
    Resize,
    ThemeLoaded(Box<Theme>),
    /// A failure outside the engine (a preset or theme that does not load).
    Error(String),
}

/// The editor of the generator-parameters pane.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamsEditor {
    /// The parameters the engine runs on.
    pub running: GeneratorParams,
    /// The edited parameters, shown in the pane; applied only when valid.
    pub draft: GeneratorParams,
    pub selected: usize,
    /// Text being typed into the selected field.
    pub input: Option<String>,
    /// Why the last typed text was not a value, by field key.
    pub input_error: Option<(&'static str, String)>,
    /// The pane's one-line report (applied, refused and why).
    pub message: Option<String>,
}

impl ParamsEditor {
    pub fn new(p: GeneratorParams) -> Self {
        ParamsEditor {
            running: p.clone(),
            draft: p,
            selected: 0,
            input: None,
            input_error: None,
            message: None,
        }
    }

    /// The problem with each invalid field, by key.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> =
            self.draft.check().into_iter().map(|i| (i.key, i.message)).collect();
        if let Some(e) = &self.input_error {
            out.push(e.clone());
        }
        out
    }

    pub fn edited(&self) -> bool {
        self.draft != self.running
    }
}

/// Checkpoints kept per decade of sentences: later ones in the same bucket
/// replace earlier ones, so history stays bounded over any run length.
pub const HISTORY_PER_DECADE: f64 = 40.0;
/// Recent samples kept.
pub const SAMPLES_KEPT: usize = 64;

/// The whole state of the dashboard.
#[derive(Clone, Debug)]
pub struct Model {
    pub preset_name: String,
    pub preset: Preset,
    pub learners: Vec<String>,
    pub total_sentences: u64,
    /// Log-thinned checkpoints, oldest first.
    pub history: Vec<Checkpoint>,
    pub samples: VecDeque<Sample>,
    pub progress: Progress,
    pub phase: (u32, String),
    pub state: RunState,
    /// Clock time of the run's start and now (from the injected clock).
    pub started_at: Duration,
    pub now: Duration,
    /// Set when the run finished: elapsed stops.
    pub finished_at: Option<Duration>,
    pub focus: Pane,
    pub zoom: bool,
    pub selected_learner: usize,
    pub data_y: DataY,
    pub model_view: ModelView,
    pub heat_rows: HeatRows,
    pub heat_value: HeatValue,
    pub params: ParamsEditor,
    pub overlay: Option<Overlay>,
    /// Errors to show, oldest first; the popup shows the first.
    pub errors: Vec<String>,
    pub palette: Palette,
    /// Whether colours are shown (`--color`, `NO_COLOR`).
    pub color: bool,
    pub marker: MarkerChoice,
    pub preset_choices: Vec<Choice>,
    pub theme_choices: Vec<Choice>,
    /// The name of a preset sent to the engine, for its `Started` to carry.
    pub pending_preset: Option<String>,
    /// The zipf normaliser of the running parameters (heatmap frontier).
    pub zipf_norm: Option<f64>,
    /// Something visible changed since the last frame.
    pub dirty: bool,
}

impl Model {
    pub fn new(preset_name: &str, preset: Preset, theme: Theme, color: bool, marker: MarkerChoice) -> Model {
        let learners = preset.learners.iter().map(|l| l.name.clone()).collect();
        let theme = if color { theme } else { theme.without_color() };
        Model {
            preset_name: preset_name.into(),
            params: ParamsEditor::new(preset.generator.clone()),
            total_sentences: preset.run.sentences + preset.phases.iter().map(|p| p.sentences).sum::<u64>(),
            preset,
            learners,
            history: Vec::new(),
            samples: VecDeque::new(),
            progress: Progress::default(),
            phase: (0, "pre-training".into()),
            state: RunState::Starting,
            started_at: Duration::ZERO,
            now: Duration::ZERO,
            finished_at: None,
            focus: Pane::DataScaling,
            zoom: false,
            selected_learner: 0,
            data_y: DataY::Fact,
            model_view: ModelView::Scaling(DataY::Fact),
            heat_rows: HeatRows::Checkpoints,
            heat_value: HeatValue::Known,
            overlay: None,
            errors: Vec::new(),
            palette: Palette::new(theme, marker),
            color,
            marker,
            preset_choices: Vec::new(),
            theme_choices: Vec::new(),
            zipf_norm: None,
            pending_preset: None,
            dirty: true,
        }
        .with_norm()
    }

    fn with_norm(mut self) -> Model {
        self.zipf_norm = super::panes::heatmap::zipf_norm(&self.params.running);
        self
    }

    pub fn latest(&self) -> Option<&Checkpoint> {
        self.history.last()
    }

    /// Sentences so far: the freshest of progress and checkpoints.
    pub fn sentences(&self) -> u64 {
        self.progress.sentences.max(self.latest().map_or(0, |c| c.sentences))
    }

    pub fn elapsed(&self) -> Duration {
        self.finished_at.unwrap_or(self.now).saturating_sub(self.started_at)
    }

    /// Adds a checkpoint, replacing the last one if both fall in the same
    /// log bucket (time-based checkpoints between log-spaced ones).
    pub fn push_checkpoint(&mut self, c: Checkpoint) {
        let bucket = |n: u64| ((n.max(1) as f64).log10() * HISTORY_PER_DECADE).floor() as i64;
        if let Some(last) = self.history.last_mut() {
            if c.sentences < last.sentences {
                // A restart that was not announced: start afresh.
                self.history.clear();
            } else if last.phase == c.phase && bucket(last.sentences) == bucket(c.sentences) {
                *last = c;
                return;
            }
        }
        self.history.push(c);
    }

    fn scopes(&self) -> Vec<Scope> {
        if self.overlay.is_some() || !self.errors.is_empty() {
            vec![Scope::Overlay]
        } else if self.params.input.is_some() {
            vec![Scope::Editing]
        } else if self.focus == Pane::Params {
            vec![Scope::Params, Scope::Global]
        } else {
            vec![Scope::Global]
        }
    }

    pub fn set_theme(&mut self, theme: Theme) {
        let theme = if self.color { theme } else { theme.without_color() };
        self.palette = Palette::new(theme, self.marker);
    }
}

/// Applies `msg` to `model`; returns what the run loop must do.
pub fn update(model: &mut Model, msg: Msg) -> Option<Command> {
    match msg {
        Msg::Tick(now) => {
            let before = model.elapsed().as_secs();
            model.now = now;
            if model.state == RunState::Starting && model.started_at.is_zero() {
                model.started_at = now;
            }
            if model.elapsed().as_secs() != before {
                model.dirty = true;
            }
            None
        }
        Msg::Resize => {
            model.dirty = true;
            None
        }
        Msg::Engine(u) => {
            model.dirty = true;
            engine_update(model, u);
            None
        }
        Msg::ThemeLoaded(theme) => {
            model.dirty = true;
            model.set_theme(*theme);
            None
        }
        Msg::Error(e) => {
            model.dirty = true;
            model.errors.push(e);
            None
        }
        Msg::Key(ev) => {
            let scopes = model.scopes();
            let action = keys::lookup(&ev, &scopes);
            if let Some(a) = action {
                model.dirty = true;
                return act(model, a);
            }
            // Typed text goes to the field being edited.
            if let (Some(input), KeyCode::Char(c)) = (&mut model.params.input, ev.code) {
                if !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) && input.len() < 40 {
                    input.push(c);
                    model.dirty = true;
                }
            }
            None
        }
    }
}

fn engine_update(model: &mut Model, u: Update) {
    match u {
        Update::Started(info) => {
            model.preset_name = model.pending_preset.take().unwrap_or(info.preset_name);
            model.learners = info.learners;
            model.total_sentences = info.total_sentences;
            model.params = ParamsEditor::new(info.preset.generator.clone());
            model.zipf_norm = super::panes::heatmap::zipf_norm(&model.params.running);
            model.preset = info.preset;
            model.history.clear();
            model.samples.clear();
            model.progress = Progress::default();
            model.phase = (0, "pre-training".into());
            model.state = RunState::Running;
            model.started_at = model.now;
            model.finished_at = None;
            model.selected_learner = model.selected_learner.min(model.learners.len().saturating_sub(1));
        }
        Update::Checkpoint(c) => {
            if model.state == RunState::Starting {
                model.state = RunState::Running;
            }
            if model.learners.is_empty() {
                model.learners = c.learners.iter().map(|l| l.name.clone()).collect();
            }
            model.push_checkpoint(*c);
        }
        Update::Samples(list) => {
            model.samples.extend(list);
            while model.samples.len() > SAMPLES_KEPT {
                model.samples.pop_front();
            }
        }
        Update::Progress(p) => {
            model.progress = p;
            if model.state != RunState::Finished {
                model.state = if p.paused { RunState::Paused } else { RunState::Running };
            }
        }
        Update::Phase { index, name } => {
            model.phase = (index, name);
            if model.state == RunState::Finished {
                model.state = RunState::Running;
                model.finished_at = None;
            }
        }
        Update::Error(e) => model.errors.push(e),
        Update::Finished { sentences } => {
            model.progress.sentences = model.progress.sentences.max(sentences);
            model.progress.sentences_per_second = 0.0;
            model.state = RunState::Finished;
            model.finished_at = Some(model.now);
        }
    }
}

fn list_len(model: &Model, overlay: Overlay) -> usize {
    match overlay {
        Overlay::Help { .. } => keys::KEYS.len() + 8,
        Overlay::Presets { .. } => model.preset_choices.len(),
        Overlay::Themes { .. } => model.theme_choices.len(),
    }
}

fn act(model: &mut Model, action: Action) -> Option<Command> {
    // The error popup takes the keyboard first.
    if !model.errors.is_empty() {
        match action {
            Action::Quit => return Some(Command::Quit),
            Action::Choose | Action::Close => {
                model.errors.remove(0);
            }
            _ => {}
        }
        return None;
    }
    if let Some(overlay) = model.overlay {
        let n = list_len(model, overlay);
        match (action, overlay) {
            (Action::Quit, _) => return Some(Command::Quit),
            (Action::Close, _) | (Action::Choose, Overlay::Help { .. }) => model.overlay = None,
            (Action::ListUp, Overlay::Help { scroll }) => {
                model.overlay = Some(Overlay::Help { scroll: scroll.saturating_sub(1) })
            }
            (Action::ListDown, Overlay::Help { scroll }) => {
                model.overlay = Some(Overlay::Help { scroll: (scroll + 1).min(n as u16) })
            }
            (Action::ListUp, Overlay::Presets { selected }) => {
                model.overlay = Some(Overlay::Presets { selected: selected.saturating_sub(1) })
            }
            (Action::ListDown, Overlay::Presets { selected }) => {
                model.overlay = Some(Overlay::Presets { selected: (selected + 1).min(n.saturating_sub(1)) })
            }
            (Action::ListUp, Overlay::Themes { selected }) => {
                model.overlay = Some(Overlay::Themes { selected: selected.saturating_sub(1) })
            }
            (Action::ListDown, Overlay::Themes { selected }) => {
                model.overlay = Some(Overlay::Themes { selected: (selected + 1).min(n.saturating_sub(1)) })
            }
            (Action::Choose, Overlay::Presets { selected }) => {
                model.overlay = None;
                let choice = model.preset_choices.get(selected)?;
                let spec =
                    if choice.origin.starts_with('<') { choice.name.clone() } else { choice.origin.clone() };
                return Some(Command::LoadPreset(spec));
            }
            (Action::Choose, Overlay::Themes { selected }) => {
                model.overlay = None;
                let choice = model.theme_choices.get(selected)?;
                let spec =
                    if choice.origin.starts_with('<') { choice.name.clone() } else { choice.origin.clone() };
                return Some(Command::LoadTheme(spec));
            }
            _ => {}
        }
        return None;
    }
    let p = &mut model.params;
    match action {
        Action::Quit => return Some(Command::Quit),
        Action::Pause => {
            return match model.state {
                RunState::Running | RunState::Starting => {
                    model.state = RunState::Paused;
                    Some(Command::Engine(Control::Pause))
                }
                RunState::Paused => {
                    model.state = RunState::Running;
                    Some(Command::Engine(Control::Resume))
                }
                RunState::Finished => None,
            };
        }
        Action::Help => model.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::Presets => {
            let selected = model.preset_choices.iter().position(|c| c.name == model.preset_name).unwrap_or(0);
            model.overlay = Some(Overlay::Presets { selected })
        }
        Action::Themes => {
            let name = &model.palette.theme.name;
            let selected = model.theme_choices.iter().position(|c| &c.name == name).unwrap_or(0);
            model.overlay = Some(Overlay::Themes { selected })
        }
        Action::FocusNext => model.focus = Pane::ALL[(model.focus.index() + 1) % Pane::ALL.len()],
        Action::FocusPrev => {
            model.focus = Pane::ALL[(model.focus.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
        }
        Action::Focus(i) => {
            if let Some(pane) = Pane::ALL.get((i as usize).wrapping_sub(1)) {
                model.focus = *pane;
            }
        }
        Action::Zoom => model.zoom = !model.zoom,
        Action::Close => model.zoom = false,
        Action::NextLearner => {
            let n = model.learners.len().max(1);
            model.selected_learner = (model.selected_learner + 1) % n;
        }
        Action::PrevLearner => {
            let n = model.learners.len().max(1);
            model.selected_learner = (model.selected_learner + n - 1) % n;
        }
        Action::CycleY => model.data_y = model.data_y.next(),
        Action::ToggleModelView => model.model_view = model.model_view.next(),
        Action::ToggleHeatValue => {
            model.heat_value = match model.heat_value {
                HeatValue::Known => HeatValue::Correct,
                HeatValue::Correct => HeatValue::Known,
            }
        }
        Action::ToggleHeatRows => {
            model.heat_rows = match model.heat_rows {
                HeatRows::Checkpoints => HeatRows::Learners,
                HeatRows::Learners => HeatRows::Checkpoints,
            }
        }
        Action::TogglePace => {
            let mut preset = model.preset.clone();
            preset.run.pace = preset.run.pace.toggled();
            return Some(Command::Engine(Control::Restart(Box::new(preset))));
        }
        Action::FieldUp => p.selected = (p.selected + FIELDS.len() - 1) % FIELDS.len(),
        Action::FieldDown => p.selected = (p.selected + 1) % FIELDS.len(),
        Action::Increase | Action::Decrease => {
            let key = FIELDS[p.selected].key;
            fields::step(&mut p.draft, key, if action == Action::Increase { 1 } else { -1 });
            if p.input_error.as_ref().is_some_and(|(k, _)| *k == key) {
                p.input_error = None;
            }
            p.message = None;
        }
        Action::Edit => {
            let key = FIELDS[p.selected].key;
            let current = fields::get(&p.draft, key);
            p.input = Some(if current.starts_with("auto") { String::new() } else { current });
        }
        Action::Commit => {
            let key = FIELDS[p.selected].key;
            if let Some(text) = p.input.take() {
                match fields::set(&mut p.draft, key, &text) {
                    Ok(()) => p.input_error = None,
                    Err(e) => p.input_error = Some((key, e)),
                }
                p.message = None;
            }
        }
        Action::Cancel => p.input = None,
        Action::DeleteChar => {
            if let Some(i) = &mut p.input {
                i.pop();
            }
        }
        Action::ClearInput => {
            if let Some(i) = &mut p.input {
                i.clear();
            }
        }
        Action::Revert => {
            p.draft = p.running.clone();
            p.input_error = None;
            p.message = Some("reverted to the running parameters".into());
        }
        Action::Apply | Action::FineTune => {
            let problems = p.problems();
            if !problems.is_empty() {
                p.message = Some(format!(
                    "not applied: {} invalid value{}",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                ));
                return None;
            }
            p.running = p.draft.clone();
            let g = Box::new(p.draft.clone());
            model.zipf_norm = super::panes::heatmap::zipf_norm(&g);
            if action == Action::Apply {
                p.message = Some("applied: restarting".into());
                return Some(Command::Engine(Control::Apply(g)));
            }
            p.message = Some("fine-tuning on the edited parameters".into());
            let phase = PhaseConfig {
                name: "fine-tune".into(),
                sentences: model.preset.run.sentences.clamp(1, 1_000_000_000),
                ..Default::default()
            };
            return Some(Command::Engine(Control::FineTune(Box::new(FineTune { generator: *g, phase }))));
        }
        Action::ListUp | Action::ListDown | Action::Choose => {}
    }
    None
}
