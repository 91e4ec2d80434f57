//! The dashboard on recorded runs (`sk-tui view`): what the follower reads
//! becomes the same `Update` messages the engine thread sends, so the panes
//! need no change.
//!
//! One run is passed through line by line. Several runs are merged into
//! one stream whose learners are every shown run's, each named
//! `alpha=0.5 · bayes` (the run named by what differs between the headers):
//! a merged checkpoint at `n` sentences holds each run's latest point at or
//! before `n`, so each series is still one learner's history. A point that
//! arrives behind the merged stream (runs growing at different speeds), a
//! new header, or a change in the runs list replays the merged stream from
//! a `Started`. The run that is followed gives the parts that are not per
//! learner: the heatmap's bins, the theory, phases, samples, the parameters.

use crate::config::LearnerKind;
use std::path::{Path, PathBuf};

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;

use super::UiError;
use super::keys::{self, Action, Scope};
use super::model::{Model, Msg, RunState, update};
use super::sweep_chart::SweepChart;
use crate::config::{LearnerConfig, Preset};
use crate::engine::{Checkpoint, LearnerPoint, Progress, RunInfo, Sample, Update};
use crate::record::follow::{Followed, Follower};
use crate::record::reader::{NO_HEADER, first_line, parse_line};
use crate::record::{BadLine, Record, RunHeader, run_labels};

/// Bad lines shown per run; later ones are counted.
const BAD_SHOWN: usize = 3;
/// Samples kept per run (the model keeps its own window).
const SAMPLES_PER_RUN: usize = 64;
/// Why an engine command, or an edit of the generator parameters, does
/// nothing here.
pub const REFUSED: &str = "these are recorded runs: `sk-tui view` cannot pause, restart, edit, apply or fine-tune them (start a run with `sk-tui run`)";

/// One recorded run as read so far.
#[derive(Clone, Debug, Default)]
pub struct RunView {
    pub path: PathBuf,
    pub header: Option<RunHeader>,
    pub checkpoints: Vec<Checkpoint>,
    pub samples: Vec<Sample>,
    pub phase: Option<(u32, String)>,
    /// The summary or interrupted line, once read.
    pub end: Option<Record>,
    pub sentences: u64,
    pub bad_lines: usize,
}

impl RunView {
    /// `finished`, `interrupted (SIGTERM)` or `growing`.
    pub fn state(&self) -> String {
        match &self.end {
            Some(Record::Interrupted(i)) => format!("interrupted ({})", i.signal),
            Some(_) => "finished".into(),
            None => "growing".into(),
        }
    }

    /// The latest checkpoint at or before `n` sentences.
    fn at(&self, n: u64) -> Option<&Checkpoint> {
        let i = self.checkpoints.partition_point(|c| c.sentences <= n);
        i.checked_sub(1).map(|i| &self.checkpoints[i])
    }
}

/// Refuses, before the dashboard opens, a file that is not a run file at
/// all: its first line is complete and is not a run header (a line still
/// being written is let through, to be followed). The error is at the
/// line's `file:line:column`, as `sk-tui plot` gives it (exit 2).
pub fn refuse_non_run_files<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Result<(), UiError> {
    for path in paths {
        let file = path.display().to_string();
        let (text, complete) =
            first_line(path).map_err(|e| UiError::Usage(format!("cannot read {file}: {e}")))?;
        if !complete {
            continue;
        }
        let bad = match parse_line(&file, 1, &text) {
            Ok(Record::Run(_)) => continue,
            Ok(_) => BadLine { file, line: 1, column: 1, message: NO_HEADER.into() },
            Err(bad) => bad,
        };
        return Err(UiError::Usage(bad.to_string()));
    }
    Ok(())
}

/// The runs list overlay (`r`): which runs are shown, which is followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunsList {
    pub cursor: usize,
}

/// Recorded runs feeding a dashboard.
pub struct Recorded {
    pub runs: Vec<RunView>,
    pub labels: Vec<String>,
    pub shown: Vec<bool>,
    /// The run the heatmap, samples, parameters and status bar follow.
    pub followed: usize,
    pub list: Option<RunsList>,
    follower: Option<Follower>,
    /// Sentences of the last merged checkpoint sent.
    merged_to: u64,
    /// The merged stream must be replayed: done once the follower's lines
    /// are caught up with, not at each line (a directory of finished runs
    /// would replay it once per line of each run).
    stale: bool,
    /// A sweep directory's exponents chart (`x`), when the runs are a sweep's.
    pub sweep: Option<SweepChart>,
}

impl Recorded {
    /// Recorded runs of `paths`, read by `follower` (run `i` is `paths[i]`).
    pub fn new(paths: Vec<PathBuf>, follower: Option<Follower>) -> Self {
        let n = paths.len();
        Recorded {
            runs: paths.into_iter().map(|path| RunView { path, ..Default::default() }).collect(),
            labels: vec![String::new(); n],
            shown: vec![true; n],
            followed: 0,
            list: None,
            follower,
            merged_to: 0,
            stale: false,
            sweep: None,
        }
    }

    /// The runs of a sweep directory: the view opens on its exponents chart.
    pub fn with_sweep(mut self, chart: SweepChart) -> Self {
        self.sweep = Some(SweepChart { shown: true, ..chart });
        self
    }

    /// A run file found after the view opened (a sweep point that started).
    fn add(&mut self, model: &mut Model, run: usize, path: PathBuf) {
        if run != self.runs.len() {
            return;
        }
        self.runs.push(RunView { path, ..Default::default() });
        self.labels.push(String::new());
        self.shown.push(true);
        if self.runs.len() >= 2 {
            // Labels change with the runs; the merged stream is replayed.
            self.stale = true;
        }
        model.dirty = true;
    }

    /// Run `run` was started again, into `path`: what was read of it is
    /// dropped, and the merged stream is replayed without it until its new
    /// lines come.
    fn restart(&mut self, model: &mut Model, run: usize, path: PathBuf) {
        let Some(r) = self.runs.get_mut(run) else { return };
        *r = RunView { path, ..Default::default() };
        self.stale = true;
        model.dirty = true;
    }

    /// The follower's channel, for the run loop to wait on.
    pub fn events(&self) -> Option<crossbeam_channel::Receiver<Followed>> {
        self.follower.as_ref().map(|f| f.events.clone())
    }

    /// One run, passed through as it is; a sweep's runs are always merged
    /// (named by their axis values, the status bar naming the sweep).
    fn single(&self) -> bool {
        self.runs.len() == 1 && self.sweep.is_none()
    }

    fn feed(model: &mut Model, updates: Vec<Update>) {
        for u in updates {
            update(model, Msg::Engine(u));
        }
    }

    /// Takes in what the follower read.
    pub fn handle(&mut self, model: &mut Model, event: Followed) {
        match event {
            Followed::Bad { run, error } => {
                let Some(r) = self.runs.get_mut(run) else { return };
                r.bad_lines += 1;
                if r.bad_lines <= BAD_SHOWN {
                    update(model, Msg::Error(format!("{error} (line skipped)")));
                } else if r.bad_lines == BAD_SHOWN + 1 {
                    let file = r.path.display();
                    update(
                        model,
                        Msg::Error(format!("{file}: more bad lines; skipping them without a word")),
                    );
                }
            }
            Followed::Line { run, record } => self.line(model, run, record),
            Followed::Added { run, path } => self.add(model, run, path),
            Followed::Restarted { run, path } => self.restart(model, run, path),
        }
        let caught_up = self.follower.as_ref().is_none_or(|f| f.events.is_empty());
        if self.stale && caught_up {
            self.rebuild(model);
        }
    }

    fn line(&mut self, model: &mut Model, run: usize, record: Record) {
        if run >= self.runs.len() {
            return;
        }
        let passthrough = self.single();
        if passthrough {
            Self::feed(model, record.updates());
        }
        let r = &mut self.runs[run];
        if let Some(n) = record.sentences() {
            r.sentences = r.sentences.max(n);
        }
        match record {
            Record::Run(h) => {
                r.header = Some(*h);
                self.relabel();
                self.stale |= !passthrough;
            }
            Record::Checkpoint(c) => {
                let n = c.sentences;
                r.checkpoints.push(*c);
                if passthrough || !self.shown[run] {
                    return;
                }
                if n >= self.merged_to && !self.stale {
                    self.send_merged(model, n);
                } else {
                    self.stale = true;
                }
            }
            Record::Samples(s) => {
                r.samples.extend(s.to_samples());
                let extra = r.samples.len().saturating_sub(SAMPLES_PER_RUN);
                r.samples.drain(..extra);
                if !passthrough && run == self.followed {
                    Self::feed(model, vec![Update::Samples(s.to_samples())]);
                }
            }
            Record::Phase(p) => {
                r.phase = Some((p.index, p.name.clone()));
                if !passthrough && run == self.followed {
                    Self::feed(model, vec![Update::Phase { index: p.index, name: p.name }]);
                }
            }
            end @ (Record::Summary(_) | Record::Interrupted(_)) => {
                r.end = Some(end);
                if !passthrough {
                    self.send_progress(model);
                }
                self.say_interrupted(model);
            }
        }
    }

    fn relabel(&mut self) {
        let known: Vec<(usize, &RunHeader)> =
            self.runs.iter().enumerate().filter_map(|(i, r)| Some((i, r.header.as_ref()?))).collect();
        let headers: Vec<&RunHeader> = known.iter().map(|k| k.1).collect();
        let paths: Vec<&std::path::Path> = known.iter().map(|k| self.runs[k.0].path.as_path()).collect();
        let mut labels = run_labels(&headers, &paths);
        // A sweep's first run: named by the chart's axis, as the others will be.
        if let (Some(key), [h]) = (self.sweep.as_ref().and_then(|s| s.key.as_deref()), &headers[..])
            && let Some(v) = crate::record::compare::value_of(h, key)
        {
            labels = vec![format!("{}={v}", crate::record::compare::short_key(key))];
        }
        for ((i, _), label) in known.iter().zip(labels) {
            self.labels[*i] = label;
        }
    }

    fn shown_runs(&self) -> impl Iterator<Item = (usize, &RunView)> {
        self.runs.iter().enumerate().filter(|(i, r)| self.shown[*i] && r.header.is_some())
    }

    /// A learner's name in the merged stream.
    fn series_name(&self, run: usize, learner: &str) -> String {
        format!("{} · {learner}", self.labels[run])
    }

    /// The status bar's name of what is shown: the sweep, or how many runs,
    /// and the run followed; on a sweep, what `x` switches to from here.
    fn status_name(&self) -> String {
        let following = &self.labels[self.followed];
        match &self.sweep {
            Some(s) => {
                let other = if s.shown { "panes" } else { "exponents" };
                format!(
                    "sweep {} · following {following} · {} {other}",
                    s.name,
                    keys::label(Action::SweepChart)
                )
            }
            None => format!("{} runs, following {following}", self.shown_runs().count()),
        }
    }

    /// What the dashboard shows as the run: the followed run's preset with
    /// every shown run's learners, renamed.
    fn merged_info(&self) -> Option<RunInfo> {
        let followed = self.runs.get(self.followed)?.header.as_ref()?;
        let mut preset: Preset = followed.preset.clone();
        preset.learners = self
            .shown_runs()
            .flat_map(|(i, r)| {
                r.header.iter().flat_map(move |h| {
                    h.preset
                        .learners
                        .iter()
                        .map(move |l| LearnerConfig { name: self.series_name(i, &l.name), ..l.clone() })
                })
            })
            .collect();
        Some(RunInfo {
            preset_name: self.status_name(),
            learners: preset.learners.iter().map(|l| l.name.clone()).collect(),
            total_sentences: self
                .shown_runs()
                .filter_map(|(_, r)| Some(r.header.as_ref()?.run_info().total_sentences))
                .max()
                .unwrap_or(0),
            preset,
        })
    }

    /// The merged checkpoint at `n` sentences.
    fn merged(&self, n: u64) -> Option<Checkpoint> {
        let base = self.runs.get(self.followed).filter(|_| self.shown[self.followed]).and_then(|r| r.at(n));
        let base = base.or_else(|| self.shown_runs().find_map(|(_, r)| r.at(n)))?;
        let mut c = base.clone();
        c.sentences = n;
        c.learners = Vec::new();
        for (i, r) in self.shown_runs() {
            let Some(h) = &r.header else { continue };
            let at = r.at(n);
            for (j, l) in h.preset.learners.iter().enumerate() {
                let name = self.series_name(i, &l.name);
                c.learners.push(match at.and_then(|c| c.learners.get(j)) {
                    Some(p) => LearnerPoint { name, ..p.clone() },
                    None => placeholder(name, l.kind),
                });
            }
        }
        Some(c)
    }

    fn send_merged(&mut self, model: &mut Model, n: u64) {
        if let Some(c) = self.merged(n) {
            self.merged_to = n;
            Self::feed(model, vec![Update::Checkpoint(Box::new(c))]);
        }
        self.send_progress(model);
    }

    fn send_progress(&self, model: &mut Model) {
        let sentences = self.shown_runs().map(|(_, r)| r.sentences).max().unwrap_or(0);
        let mut updates = vec![Update::Progress(Progress { sentences, ..Default::default() })];
        if self.shown_runs().all(|(_, r)| r.end.is_some()) {
            updates.push(Update::Finished { sentences });
        }
        Self::feed(model, updates);
    }

    /// When the followed run's file ends in an interrupted line, the status
    /// bar says so where it would say finished.
    fn say_interrupted(&self, model: &mut Model) {
        model.interrupted = self
            .runs
            .get(self.followed)
            .filter(|r| matches!(r.end, Some(Record::Interrupted(_))))
            .map(RunView::state);
    }

    /// Replays the merged stream from the start.
    pub fn rebuild(&mut self, model: &mut Model) {
        self.stale = false;
        if self.single() {
            return;
        }
        let Some(info) = self.merged_info() else { return };
        Self::feed(model, vec![Update::Started(Box::new(info))]);
        let mut points: Vec<u64> =
            self.shown_runs().flat_map(|(_, r)| r.checkpoints.iter().map(|c| c.sentences)).collect();
        points.sort_unstable();
        points.dedup();
        self.merged_to = 0;
        for n in points {
            if let Some(c) = self.merged(n) {
                self.merged_to = n;
                Self::feed(model, vec![Update::Checkpoint(Box::new(c))]);
            }
        }
        if let Some(r) = self.runs.get(self.followed) {
            let mut updates = Vec::new();
            if !r.samples.is_empty() {
                updates.push(Update::Samples(r.samples.clone()));
            }
            if let Some((index, name)) = r.phase.clone() {
                updates.push(Update::Phase { index, name });
            }
            Self::feed(model, updates);
        }
        self.send_progress(model);
        self.say_interrupted(model);
    }

    /// The engine's commands have no recorded counterpart: say so, and
    /// undo the state the key changed ahead of the command.
    pub fn refuse(&self, model: &mut Model) {
        let ended = self.runs.iter().all(|r| r.end.is_some());
        model.state = if ended { RunState::Finished } else { RunState::Running };
        update(model, Msg::Error(REFUSED.into()));
    }

    /// `sk-tui view`'s own keys (the key table's `View` and `RunsList`
    /// scopes); true when the key was taken. In the parameters pane, the
    /// keys that edit, apply or fine-tune are refused with [`REFUSED`] and
    /// change nothing. `r` opens the runs list
    /// (outside the parameters pane, whose `r` reverts edits); `x`, or Esc
    /// on the exponents chart, switches between a sweep's chart and the
    /// runs' panes. The open list takes every key but Ctrl-C.
    pub fn key(&mut self, model: &mut Model, key: &KeyEvent) -> bool {
        let Some(list) = self.list else {
            let free = model.overlay.is_none() && model.errors.is_empty() && model.params.input.is_none();
            if !free {
                return false;
            }
            let on_chart = self.sweep.as_ref().is_some_and(|s| s.shown);
            let params = model.focus == super::model::Pane::Params && !on_chart;
            let scopes: &[Scope] = if params { &[Scope::Params, Scope::View] } else { &[Scope::View] };
            match (keys::lookup(key, scopes), self.sweep.as_mut()) {
                // A recorded run's parameters are what it ran on: an edit
                // could never be applied, so it is refused before it starts.
                (
                    Some(
                        Action::Increase | Action::Decrease | Action::Edit | Action::Apply | Action::FineTune,
                    ),
                    _,
                ) if params => {
                    update(model, Msg::Error(REFUSED.into()));
                    return true;
                }
                (Some(Action::SweepChart), Some(chart)) => chart.shown = !chart.shown,
                (Some(Action::Close), Some(chart)) if chart.shown => chart.shown = false,
                (Some(Action::RunsList), _) => {
                    self.list = Some(RunsList { cursor: self.followed });
                    model.dirty = true;
                    return true;
                }
                _ => return false,
            }
            // The chart was switched: the status bar names the other way back.
            model.preset_name = self.status_name();
            model.dirty = true;
            return true;
        };
        let n = self.runs.len();
        let mut changed = false;
        match keys::lookup(key, &[Scope::RunsList]) {
            Some(Action::Quit) => return false,
            Some(Action::ListUp) => self.list = Some(RunsList { cursor: list.cursor.saturating_sub(1) }),
            Some(Action::ListDown) => {
                self.list = Some(RunsList { cursor: (list.cursor + 1).min(n.saturating_sub(1)) })
            }
            Some(Action::ToggleRun) => {
                let c = list.cursor;
                // At least one run stays shown.
                if !self.shown[c] || self.shown.iter().filter(|s| **s).count() > 1 {
                    self.shown[c] = !self.shown[c];
                    if !self.shown[self.followed] {
                        self.followed = self.shown.iter().position(|s| *s).unwrap_or(0);
                    }
                    changed = true;
                }
            }
            Some(Action::FollowRun) => {
                self.followed = list.cursor;
                self.shown[list.cursor] = true;
                changed = true;
            }
            Some(Action::Close) => self.list = None,
            _ => {}
        }
        if changed {
            if self.single() {
                // One run: nothing to merge; the list only shows it.
                self.shown[0] = true;
            } else {
                self.rebuild(model);
            }
        }
        model.dirty = true;
        true
    }

    /// Draws what `sk-tui view` adds over the dashboard: a sweep's exponents
    /// chart in the panes' space (with the overlays again on top), and the
    /// runs list when it is open.
    pub fn draw(&self, model: &Model, frame: &mut Frame) {
        let area = frame.area();
        let big = area.width >= super::view::MIN_WIDTH && area.height >= super::view::MIN_HEIGHT;
        if let Some(chart) = self.sweep.as_ref().filter(|s| s.shown && big) {
            let [main, _] = super::view::screen_areas(area);
            super::sweep_chart::render(frame, main, model, self, chart);
            super::view::overlays(model, frame, main);
            if model.palette.ascii {
                super::palette::asciify(frame.buffer_mut());
            }
        }
        if let Some(list) = self.list {
            super::runs::render(frame, model, self, list.cursor);
        }
    }
}

/// A learner of a run that has no checkpoint yet at this point of the merged
/// stream: no value (NaN points are not drawn).
fn placeholder(name: String, kind: LearnerKind) -> LearnerPoint {
    LearnerPoint {
        name,
        kind,
        model_bits: f64::NAN,
        params: 0,
        sentences_seen: 0,
        window_sentences: 0,
        sentences_dropped: 0,
        loss_bits_per_token: f64::NAN,
        excess_bits_per_token: f64::NAN,
        excess_bits_per_sentence: f64::NAN,
        excess_by_part: Default::default(),
        cumulative_data_bits: f64::NAN,
        phase_data_bits: f64::NAN,
        memorized: Vec::new(),
        memorized_new: None,
        known: Vec::new(),
        known_new: None,
        knowledge_bits: f64::NAN,
        stale_answers: None,
        error_rate: f64::NAN,
        confident_error_rate: f64::NAN,
        data_exponent: None,
        expected_fact_excess: None,
        frontier_exposures: None,
        frontier_exponent: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::theme::Theme;
    use crate::ui::MarkerChoice;
    use crate::ui::model::Pane;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn model() -> Model {
        Model::new("view", Preset::default(), Theme::default(), false, MarkerChoice::Theme)
    }

    fn press(rec: &mut Recorded, m: &mut Model, code: KeyCode) -> bool {
        rec.key(m, &KeyEvent::from(code))
    }

    fn sweep() -> SweepChart {
        SweepChart { name: "s".into(), key: None, others: Vec::new(), points: 2, shown: false }
    }

    #[test]
    fn r_opens_the_runs_list_except_in_the_parameters_pane() {
        let mut m = model();
        let mut rec = Recorded::new(vec!["a.jsonl".into(), "b.jsonl".into()], None);
        m.focus = Pane::Params;
        assert!(!press(&mut rec, &mut m, KeyCode::Char('r')), "r reverts edits in the parameters pane");
        assert_eq!(rec.list, None);
        m.focus = Pane::DataScaling;
        assert!(!press(&mut rec, &mut m, KeyCode::Char('x')), "no sweep: x is not taken");
        assert!(press(&mut rec, &mut m, KeyCode::Char('r')));
        assert_eq!(rec.list, Some(RunsList { cursor: 0 }));
        // In the list: move, hide the followed run (the other is followed), follow, close.
        assert!(press(&mut rec, &mut m, KeyCode::Char('j')));
        assert_eq!(rec.list, Some(RunsList { cursor: 1 }));
        assert!(press(&mut rec, &mut m, KeyCode::Up));
        assert!(press(&mut rec, &mut m, KeyCode::Char(' ')));
        assert_eq!((rec.shown.clone(), rec.followed), (vec![false, true], 1));
        assert!(press(&mut rec, &mut m, KeyCode::Down));
        assert!(press(&mut rec, &mut m, KeyCode::Char(' ')), "the last shown run stays shown");
        assert_eq!(rec.shown, [false, true]);
        assert!(press(&mut rec, &mut m, KeyCode::Char('k')));
        assert!(press(&mut rec, &mut m, KeyCode::Enter));
        assert_eq!((rec.shown.clone(), rec.followed), (vec![true, true], 0));
        assert!(press(&mut rec, &mut m, KeyCode::Char('z')), "the open list takes every key");
        assert!(press(&mut rec, &mut m, KeyCode::Char('r')));
        assert_eq!(rec.list, None);
        for close in [KeyCode::Esc, KeyCode::Char('q')] {
            assert!(press(&mut rec, &mut m, KeyCode::Char('r')));
            assert!(press(&mut rec, &mut m, close));
            assert_eq!(rec.list, None, "{close:?} closes the list");
        }
    }

    #[test]
    fn ctrl_c_in_the_runs_list_goes_on_to_quit() {
        let mut m = model();
        let mut rec = Recorded::new(vec!["a.jsonl".into()], None);
        assert!(press(&mut rec, &mut m, KeyCode::Char('r')));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(!rec.key(&mut m, &ctrl_c));
    }

    #[test]
    fn x_and_esc_switch_between_the_sweep_chart_and_the_panes() {
        let mut m = model();
        let mut rec = Recorded::new(vec!["a.jsonl".into()], None).with_sweep(sweep());
        let shown = |r: &Recorded| r.sweep.as_ref().unwrap().shown;
        assert!(shown(&rec), "a sweep opens on its chart");
        assert!(press(&mut rec, &mut m, KeyCode::Esc));
        assert!(!shown(&rec));
        assert!(!press(&mut rec, &mut m, KeyCode::Esc), "Esc on the panes is the dashboard's");
        m.focus = Pane::Params;
        assert!(press(&mut rec, &mut m, KeyCode::Char('x')), "x works from the parameters pane too");
        assert!(shown(&rec));
        assert!(press(&mut rec, &mut m, KeyCode::Char('r')), "on the chart, r opens the list");
        assert!(rec.list.is_some());
        assert!(press(&mut rec, &mut m, KeyCode::Esc));
        m.overlay = Some(crate::ui::model::Overlay::Help { scroll: 0 });
        assert!(!press(&mut rec, &mut m, KeyCode::Char('x')), "an overlay has the keyboard");
        assert!(shown(&rec));
    }
}
