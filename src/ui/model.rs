//! The dashboard's state (`Model`), what can happen to it (`Msg`), and
//! `update`, the pure function from one to the next. `update` never touches
//! the terminal, the engine or the file system: what must happen outside is
//! returned as a [`Command`] for the run loop to carry out.

use std::collections::VecDeque;
use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent};
use ratatui::layout::Rect;

use crate::config::theme::Theme;
use crate::config::{PhaseConfig, Preset};
use crate::engine::{Checkpoint, Control, FineTune, Progress, Sample, Update};
use crate::sk::GeneratorParams;
use crate::sk::theory::zipf_law;
use crate::sk::zipf::ZipfLaw;

use super::MarkerChoice;
use super::fields::{self, FIELDS};
use super::keys::{self, Action, Scope};
use super::palette::Palette;
use super::terminal::Capabilities;

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

/// An overlay drawn over the panes. A picker's `selected` indexes the
/// entries its filter lets through ([`Model::visible_choices`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Presets {
        selected: usize,
    },
    Themes {
        selected: usize,
    },
    /// "Throw away this run?" before [`Model::confirm`] is carried out.
    Confirm,
}

/// What waits for a yes in the confirmation overlay.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    /// Restart with this preset (name or path).
    LoadPreset(String),
    /// Restart on the edited parameters.
    Apply,
}

/// Training time after which `p` or `a` asks before throwing the run away.
pub const LONG_RUN: Duration = Duration::from_secs(30);

/// What the run loop must do for `update`.
#[derive(Clone, Debug)]
pub enum Command {
    Engine(Control),
    /// Resolve a preset by name or path, then restart the engine with it.
    LoadPreset(String),
    /// Resolve a theme by name or path, then send `Msg::ThemeLoaded`.
    LoadTheme(String),
    /// Write this theme name into the config file as the default.
    SaveTheme(String),
    /// Write this pane as an SVG figure in the current directory.
    Export(Pane),
    Quit,
}

/// Something that happened.
#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// A mouse event and the screen's size when it happened.
    Mouse(MouseEvent, Rect),
    Engine(Update),
    /// The injected clock's time since the app started.
    Tick(Duration),
    Resize,
    ThemeLoaded(Box<Theme>),
    /// A failure outside the engine (a preset or theme that does not load).
    Error(String),
    /// Something done outside `update` worth a line in the status bar.
    Note(String),
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
    /// Sentences of the run the parameters are for (pycrp sizes its names by it).
    pub run_sentences: u64,
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
            run_sentences: crate::config::RunConfig::default().sentences,
        }
    }

    /// The editor for a run of `sentences` sentences.
    pub fn for_run(mut self, sentences: u64) -> Self {
        self.run_sentences = sentences;
        self
    }

    /// The problem with each invalid field, by key.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> =
            self.draft.check_for_run(self.run_sentences).into_iter().map(|i| (i.key, i.message)).collect();
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
/// The dashboard's window of recent samples: the samples pane shows the
/// latest and the rarest of these (the engine sends about 17 a second, so
/// this is the last half minute). Not the engine's own buffer
/// (`engine::run::SAMPLES_KEPT`), a ring of the latest few sentences.
pub const SAMPLE_WINDOW: usize = 512;

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
    /// The run's training time is `trained` plus the current stretch of
    /// training, from `started_at` to `stopped_at` or `now` (clock times
    /// from the injected clock): the clock stops while paused or finished.
    pub trained: Duration,
    /// Clock time the current stretch of training began.
    pub started_at: Duration,
    pub now: Duration,
    /// Set while training is stopped (paused or finished): elapsed stops.
    pub stopped_at: Option<Duration>,
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
    /// The zipf law of the running parameters (heatmap frontier).
    pub zipf_law: Option<ZipfLaw>,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    /// What the terminal can show (colour depth, glyphs).
    pub caps: Capabilities,
    /// Whether mouse events are acted on (`--no-mouse` clears it).
    pub mouse: bool,
    /// The picker's filter, while `/` typing is on or after it.
    pub filter: Option<String>,
    /// Whether typed characters go to the filter.
    pub filtering: bool,
    /// What the confirmation overlay waits to do.
    pub confirm: Option<Pending>,
    /// A theme to save as the default once it has loaded.
    pub pending_theme_save: Option<String>,
    /// A note for the status bar, until the next key.
    pub note: Option<String>,
    /// How a recorded run that ended by a signal ended (`interrupted
    /// (SIGINT)`): said instead of `finished` while the state is finished.
    pub interrupted: Option<String>,
}

impl Model {
    pub fn new(preset_name: &str, preset: Preset, theme: Theme, color: bool, marker: MarkerChoice) -> Model {
        let learners = preset.learners.iter().map(|l| l.name.clone()).collect();
        let theme = if color { theme } else { theme.without_color() };
        Model {
            preset_name: preset_name.into(),
            params: ParamsEditor::new(preset.generator.clone())
                .for_run(preset.run.sentences + preset.phases.iter().map(|p| p.sentences).sum::<u64>()),
            total_sentences: preset.run.sentences + preset.phases.iter().map(|p| p.sentences).sum::<u64>(),
            preset,
            learners,
            history: Vec::new(),
            samples: VecDeque::new(),
            progress: Progress::default(),
            phase: (0, "pre-training".into()),
            state: RunState::Starting,
            trained: Duration::ZERO,
            started_at: Duration::ZERO,
            now: Duration::ZERO,
            stopped_at: None,
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
            zipf_law: None,
            pending_preset: None,
            dirty: true,
            caps: Capabilities::FULL,
            mouse: true,
            filter: None,
            filtering: false,
            confirm: None,
            pending_theme_save: None,
            note: None,
            interrupted: None,
        }
        .with_norm()
    }

    fn with_norm(mut self) -> Model {
        self.zipf_law = zipf_law(&self.params.running);
        self
    }

    pub fn latest(&self) -> Option<&Checkpoint> {
        self.history.last()
    }

    /// Sentences so far: the freshest of progress and checkpoints.
    pub fn sentences(&self) -> u64 {
        self.progress.sentences.max(self.latest().map_or(0, |c| c.sentences))
    }

    /// The run state in words (`running`, `finished`); a recorded run that
    /// ended by a signal says `interrupted (SIGINT)` instead of `finished`.
    pub fn state_name(&self) -> &str {
        match self.state {
            RunState::Starting => "starting",
            RunState::Running => "running",
            RunState::Paused => "paused",
            RunState::Finished => self.interrupted.as_deref().unwrap_or("finished"),
        }
    }

    /// Training time: pauses and the time after finishing left out.
    pub fn elapsed(&self) -> Duration {
        self.trained + self.stopped_at.unwrap_or(self.now).saturating_sub(self.started_at)
    }

    /// Stops or restarts the training clock to match the run's state, as of
    /// the latest tick.
    fn sync_clock(&mut self) {
        let training = matches!(self.state, RunState::Starting | RunState::Running);
        match (training, self.stopped_at) {
            (true, Some(at)) => {
                self.trained += at.saturating_sub(self.started_at);
                self.started_at = self.now;
                self.stopped_at = None;
            }
            (false, None) => self.stopped_at = Some(self.now),
            _ => {}
        }
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
        if self.filtering && self.errors.is_empty() {
            vec![Scope::Filter]
        } else if self.overlay.is_some() || !self.errors.is_empty() {
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
        self.palette = Palette::new(super::palette::fit_theme(theme, self.caps.glyphs), self.marker);
    }

    /// Draws for a terminal with `caps` from now on (glyphs; colours are
    /// reduced after drawing).
    pub fn set_capabilities(&mut self, caps: Capabilities) {
        self.caps = caps;
        let theme = self.palette.theme.clone();
        self.palette = Palette::new(super::palette::fit_theme(theme, caps.glyphs), self.marker);
    }

    /// The open picker's entries that pass the filter, with their index in
    /// the full list.
    pub fn visible_choices(&self) -> Vec<(usize, &Choice)> {
        let all = match self.overlay {
            Some(Overlay::Presets { .. }) => &self.preset_choices,
            Some(Overlay::Themes { .. }) => &self.theme_choices,
            _ => return Vec::new(),
        };
        let needle = self.filter.as_deref().unwrap_or("").to_lowercase();
        all.iter()
            .enumerate()
            .filter(|(_, c)| {
                needle.is_empty()
                    || c.name.to_lowercase().contains(&needle)
                    || c.description.to_lowercase().contains(&needle)
            })
            .collect()
    }

    /// Whether restarting now throws away a run worth asking about.
    pub fn long_run(&self) -> bool {
        self.elapsed() >= LONG_RUN && !self.history.is_empty()
    }

    /// The preset's name with the edit mark, for a run on applied edits.
    fn edited_name(&self) -> String {
        let base = self.preset_name.trim_end_matches(EDITED_MARK);
        format!("{base}{EDITED_MARK}")
    }
}

impl Model {
    /// Why the model-scaling pane has no fitted exponent ("fit -"), or
    /// `None` when it has one; `short`: in a few words, for a pane's
    /// border. The fit needs at least 3 capped `oracle` learners whose
    /// budgets are full (at most `SATURATED_FRACTION` of the knowledge seen),
    /// so some presets never have one and others only later.
    pub fn model_fit_absence(&self, short: bool) -> Option<String> {
        use crate::config::{LearnerKind, Policy};
        let latest = self.latest();
        if latest.is_some_and(|c| c.fits.model_exponent.is_some()) {
            return None;
        }
        let oracles = self
            .preset
            .learners
            .iter()
            .filter(|l| l.kind == LearnerKind::Capped && l.policy == Policy::Oracle)
            .count();
        let plural = if oracles == 1 { "" } else { "s" };
        Some(match (oracles < 3, latest.is_none(), short) {
            (true, _, false) => format!("no fit: {oracles} capped oracle learner{plural}, needs 3"),
            (true, _, true) => format!("no fit: {oracles} oracle{plural}, needs 3"),
            (false, true, _) => "no fit yet: no checkpoint".into(),
            // A budget counts as full when it is at most this share of the
            // knowledge seen so far (`fits::SATURATED_FRACTION`).
            (false, false, false) => format!(
                "no fit yet: < 3 oracle budgets full (<={:.0}% of seen)",
                100.0 * crate::engine::fits::SATURATED_FRACTION
            ),
            (false, false, true) => "no fit yet: < 3 budgets full".into(),
        })
    }
}

/// Appended to the preset's name once edits are applied to its run.
pub const EDITED_MARK: &str = " (edited)";

/// Applies `msg` to `model`; returns what the run loop must do.
pub fn update(model: &mut Model, msg: Msg) -> Option<Command> {
    let out = apply(model, msg);
    model.sync_clock();
    out
}

fn apply(model: &mut Model, msg: Msg) -> Option<Command> {
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
            model.pending_theme_save.take().map(Command::SaveTheme)
        }
        Msg::Error(e) => {
            model.dirty = true;
            model.pending_theme_save = None;
            model.errors.push(e);
            None
        }
        Msg::Note(n) => {
            model.dirty = true;
            model.note = Some(n);
            None
        }
        Msg::Mouse(ev, screen) => {
            let out = super::mouse::handle(model, ev, screen);
            model.dirty |= out.is_some();
            out.flatten()
        }
        Msg::Key(ev) => {
            if model.note.take().is_some() {
                model.dirty = true;
            }
            // The error popup's footer says `q quit`: the quit keys quit
            // there, over any overlay (in the overlay scope q closes).
            if !model.errors.is_empty() && keys::lookup(&ev, &[Scope::Global]) == Some(Action::Quit) {
                return Some(Command::Quit);
            }
            let scopes = model.scopes();
            let action = keys::lookup(&ev, &scopes);
            if let Some(a) = action {
                model.dirty = true;
                return act(model, a);
            }
            if model.filtering {
                if let (Some(f), KeyCode::Char(c)) = (&mut model.filter, ev.code)
                    && !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && f.len() < 40
                {
                    f.push(c);
                    reselect(model, 0);
                    model.dirty = true;
                }
                return None;
            }
            // Typed text goes to the field being edited.
            if let (Some(input), KeyCode::Char(c)) = (&mut model.params.input, ev.code)
                && !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                && input.len() < 40
            {
                input.push(c);
                model.dirty = true;
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
            model.params = ParamsEditor::new(info.preset.generator.clone()).for_run(info.total_sentences);
            model.zipf_law = zipf_law(&model.params.running);
            model.preset = info.preset;
            model.history.clear();
            model.samples.clear();
            model.progress = Progress::default();
            model.phase = (0, "pre-training".into());
            model.state = RunState::Running;
            model.trained = Duration::ZERO;
            model.started_at = model.now;
            model.stopped_at = None;
            model.interrupted = None;
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
            while model.samples.len() > SAMPLE_WINDOW {
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
            }
        }
        Update::Error(e) => model.errors.push(e),
        Update::Finished { sentences } => {
            model.progress.sentences = model.progress.sentences.max(sentences);
            model.progress.sentences_per_second = 0.0;
            model.state = RunState::Finished;
        }
    }
}

fn act(model: &mut Model, action: Action) -> Option<Command> {
    if !model.errors.is_empty() {
        return act_error_popup(model, action);
    }
    if let Some(overlay) = model.overlay {
        return act_overlay(model, overlay, action);
    }
    match action {
        Action::Quit | Action::Pause | Action::TogglePace | Action::Export => act_run(model, action),
        Action::Help
        | Action::Presets
        | Action::Themes
        | Action::FocusNext
        | Action::FocusPrev
        | Action::Focus(_)
        | Action::Zoom
        | Action::Close
        | Action::NextLearner
        | Action::PrevLearner
        | Action::CycleY
        | Action::ToggleModelView
        | Action::ToggleHeatValue
        | Action::ToggleHeatRows => {
            act_view(model, action);
            None
        }
        Action::FieldUp
        | Action::FieldDown
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
        | Action::Increase
        | Action::Decrease
        | Action::Edit
        | Action::Commit
        | Action::Cancel
        | Action::DeleteChar
        | Action::ClearInput
        | Action::Revert
        | Action::Apply
        | Action::FineTune => act_params(model, action),
        // Only meaningful inside an overlay, or in `sk-tui view` (ui/recorded.rs).
        Action::ListUp
        | Action::ListDown
        | Action::Choose
        | Action::Filter
        | Action::Yes
        | Action::SaveTheme
        | Action::RunsList
        | Action::SweepChart
        | Action::ToggleRun
        | Action::FollowRun => None,
    }
}

/// The error popup takes the keyboard first: it closes one error at a time.
fn act_error_popup(model: &mut Model, action: Action) -> Option<Command> {
    match action {
        Action::Quit => return Some(Command::Quit),
        Action::Choose | Action::Close => {
            model.errors.remove(0);
        }
        _ => {}
    }
    None
}

/// The run itself: quit, pause and resume, the pace, exporting a pane.
fn act_run(model: &mut Model, action: Action) -> Option<Command> {
    match action {
        Action::Quit => Some(Command::Quit),
        Action::Pause => match model.state {
            RunState::Running | RunState::Starting => {
                model.state = RunState::Paused;
                Some(Command::Engine(Control::Pause))
            }
            RunState::Paused => {
                model.state = RunState::Running;
                Some(Command::Engine(Control::Resume))
            }
            RunState::Finished => None,
        },
        Action::TogglePace => {
            let mut preset = model.preset.clone();
            preset.run.pace = preset.run.pace.toggled();
            Some(Command::Engine(Control::Restart(Box::new(preset))))
        }
        Action::Export => match model.focus {
            Pane::DataScaling | Pane::ModelScaling | Pane::Heatmap if model.latest().is_some() => {
                Some(Command::Export(model.focus))
            }
            Pane::DataScaling | Pane::ModelScaling | Pane::Heatmap => {
                model.note = Some("e exports pane 1, 2 or 3 once there is a checkpoint".into());
                None
            }
            Pane::Params | Pane::Samples => {
                let pane = model.focus;
                model.note = Some(format!(
                    "pane {} ({}) cannot be exported; e exports pane 1, 2 or 3",
                    pane.index() + 1,
                    pane.title()
                ));
                None
            }
        },
        _ => None,
    }
}

/// What the screen shows: overlays, focus and zoom, the selected learner,
/// and each pane's choice of quantity.
fn act_view(model: &mut Model, action: Action) {
    match action {
        Action::Help => model.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::Presets => {
            let name = model.preset_name.trim_end_matches(EDITED_MARK);
            let selected = model.preset_choices.iter().position(|c| c.name == name).unwrap_or(0);
            model.filter = None;
            model.overlay = Some(Overlay::Presets { selected })
        }
        Action::Themes => {
            let name = &model.palette.theme.name;
            let selected = model.theme_choices.iter().position(|c| &c.name == name).unwrap_or(0);
            model.filter = None;
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
        _ => {}
    }
}

/// The generator pane's editor: moving between fields, editing a value,
/// reverting, and applying the edits (restart or fine-tune).
fn act_params(model: &mut Model, action: Action) -> Option<Command> {
    let long = model.long_run();
    let p = &mut model.params;
    match action {
        Action::FieldUp => p.selected = (p.selected + FIELDS.len() - 1) % FIELDS.len(),
        Action::FieldDown => p.selected = (p.selected + 1) % FIELDS.len(),
        Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
            p.selected = list_move(p.selected, FIELDS.len(), action, PARAMS_PAGE)
        }
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
        Action::Apply if long && p.problems().is_empty() => {
            model.confirm = Some(Pending::Apply);
            model.overlay = Some(Overlay::Confirm);
        }
        Action::Apply | Action::FineTune => return apply_edits(model, action),
        _ => {}
    }
    None
}

/// `a` (restart) or `f` (fine-tune) on the edited parameters, when all are valid.
fn apply_edits(model: &mut Model, action: Action) -> Option<Command> {
    let p = &mut model.params;
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
    model.zipf_law = zipf_law(&g);
    if action == Action::Apply {
        p.message = Some("applied: restarting".into());
        // The engine's `Started` names the launch preset; keep this run's.
        model.pending_preset = Some(model.edited_name());
        return Some(Command::Engine(Control::Apply(g)));
    }
    p.message = Some("fine-tuning on the edited parameters".into());
    let phase = PhaseConfig {
        name: "fine-tune".into(),
        sentences: model.preset.run.sentences.clamp(1, 1_000_000_000),
        ..Default::default()
    };
    // The engine ends the current phase now and appends this one: the run
    // ends `phase.sentences` from here, and progress counts against that.
    model.total_sentences = model.sentences() + phase.sentences;
    Some(Command::Engine(Control::FineTune(Box::new(FineTune { generator: *g, phase }))))
}

/// Fields a page key moves in the parameters pane.
const PARAMS_PAGE: usize = 6;
/// Entries a page key moves in help and the pickers.
const LIST_PAGE: usize = 10;

/// `at` moved by a list key in a list of `n` entries.
fn list_move(at: usize, n: usize, action: Action, page: usize) -> usize {
    let last = n.saturating_sub(1);
    match action {
        Action::ListUp => at.saturating_sub(1),
        Action::ListDown => (at + 1).min(last),
        Action::PageUp => at.saturating_sub(page),
        Action::PageDown => (at + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => at.min(last),
    }
}

/// A key in an overlay: help scrolls, pickers move, filter and choose, the
/// confirmation waits for a yes.
fn act_overlay(model: &mut Model, overlay: Overlay, action: Action) -> Option<Command> {
    let moves = matches!(
        action,
        Action::ListUp | Action::ListDown | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom
    );
    match (action, overlay) {
        (Action::Quit, _) => return Some(Command::Quit),
        (Action::Close, _) | (Action::Choose, Overlay::Help { .. }) => {
            model.overlay = None;
            model.confirm = None;
            model.filter = None;
        }
        (Action::Choose | Action::Yes, Overlay::Confirm) => {
            model.overlay = None;
            return match model.confirm.take() {
                Some(Pending::LoadPreset(spec)) => Some(Command::LoadPreset(spec)),
                Some(Pending::Apply) => apply_edits(model, Action::Apply),
                None => None,
            };
        }
        (_, Overlay::Help { scroll }) if moves => {
            let n = super::overlay::help::lines(model).len();
            let at = list_move(scroll as usize, n, action, LIST_PAGE);
            model.overlay = Some(Overlay::Help { scroll: at.min(u16::MAX as usize) as u16 });
        }
        (_, Overlay::Presets { selected }) if moves => {
            let at = list_move(selected, model.visible_choices().len(), action, LIST_PAGE);
            model.overlay = Some(Overlay::Presets { selected: at });
        }
        (_, Overlay::Themes { selected }) if moves => {
            let at = list_move(selected, model.visible_choices().len(), action, LIST_PAGE);
            model.overlay = Some(Overlay::Themes { selected: at });
        }
        (Action::Filter, Overlay::Presets { .. } | Overlay::Themes { .. }) => {
            model.filtering = true;
            model.filter.get_or_insert_with(String::new);
        }
        (Action::Cancel, _) => model.filtering = false,
        (Action::DeleteChar | Action::ClearInput, Overlay::Presets { .. } | Overlay::Themes { .. }) => {
            if let Some(f) = &mut model.filter {
                if action == Action::DeleteChar {
                    f.pop();
                } else {
                    f.clear();
                }
            }
            reselect(model, 0);
        }
        (Action::Choose, Overlay::Presets { selected }) => {
            let spec = model.visible_choices().get(selected).map(|(_, c)| choice_spec(c))?;
            close_picker(model);
            if model.long_run() {
                model.confirm = Some(Pending::LoadPreset(spec));
                model.overlay = Some(Overlay::Confirm);
                return None;
            }
            return Some(Command::LoadPreset(spec));
        }
        (Action::Choose | Action::SaveTheme, Overlay::Themes { selected }) => {
            let (spec, name) =
                model.visible_choices().get(selected).map(|(_, c)| (choice_spec(c), c.name.clone()))?;
            close_picker(model);
            if action == Action::SaveTheme {
                // Loaded first, then saved: a theme that does not load is not saved.
                model.pending_theme_save = Some(name);
            }
            return Some(Command::LoadTheme(spec));
        }
        _ => {}
    }
    None
}

/// A picker entry as `resolve_*` takes it: the name for embedded ones, the path otherwise.
fn choice_spec(c: &Choice) -> String {
    if c.origin.starts_with('<') { c.name.clone() } else { c.origin.clone() }
}

fn close_picker(model: &mut Model) {
    model.overlay = None;
    model.filter = None;
    model.filtering = false;
}

/// Puts the picker's selection at `at` (after the filter changed).
fn reselect(model: &mut Model, at: usize) {
    model.overlay = match model.overlay {
        Some(Overlay::Presets { .. }) => Some(Overlay::Presets { selected: at }),
        Some(Overlay::Themes { .. }) => Some(Overlay::Themes { selected: at }),
        o => o,
    };
}
