//! The dashboard of `sk-tui view` in tests: a model to feed, and feeding it
//! what a follower reads until a condition holds.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::KeyCode;

use sk_tui::config::Preset;
use sk_tui::config::theme::Theme;
use sk_tui::ui::MarkerChoice;
use sk_tui::ui::model::Model;
use sk_tui::ui::recorded::Recorded;

/// The model `sk-tui view` starts from, before any run is read.
pub fn view_model() -> Model {
    Model::new("view", Preset::default(), Theme::default(), false, MarkerChoice::Theme)
}

/// Feeds what `rec`'s follower reads into `m` until `done` holds; fails
/// after 20 s, naming the runs read so far.
pub fn pump(rec: &mut Recorded, m: &mut Model, done: impl Fn(&Model, &Recorded) -> bool) {
    let events = rec.events().expect("a follower");
    let start = Instant::now();
    while !done(m, rec) {
        let runs: Vec<(String, String, usize)> =
            rec.runs.iter().map(|r| (r.path.display().to_string(), r.state(), r.checkpoints.len())).collect();
        assert!(start.elapsed() < Duration::from_secs(20), "timed out; errors {:?}; runs {runs:?}", m.errors);
        if let Ok(ev) = events.recv_timeout(Duration::from_millis(50)) {
            rec.handle(m, ev);
        }
    }
}

/// Types `keys` into `sk-tui view`'s run loop (`app::event_loop` on a
/// `TestBackend`, `rec` answering the engine commands as it does for the
/// real view), then Ctrl-C.
pub fn type_keys(rec: &mut Recorded, m: &mut Model, keys: &[KeyCode]) {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{Event, KeyEvent, KeyModifiers};
    use sk_tui::ui::app::{Channels, Clock, event_loop};

    struct Stopped;
    impl Clock for Stopped {
        fn now(&self) -> Duration {
            Duration::from_secs(1)
        }
    }
    let (input_tx, input) = crossbeam_channel::unbounded();
    for k in keys {
        input_tx.send(Event::Key(KeyEvent::from(*k))).unwrap();
    }
    input_tx.send(Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))).unwrap();
    let (control, _control_rx) = crossbeam_channel::bounded(1);
    let (_updates_tx, updates) = crossbeam_channel::bounded(1);
    let (_signals_tx, signals) = crossbeam_channel::bounded(1);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let ch = Channels {
        control: &control,
        updates: &updates,
        input: &input,
        signals: &signals,
        recorded: Some(rec),
    };
    event_loop(&mut terminal, m, ch, &Stopped, 60, None).unwrap();
}
