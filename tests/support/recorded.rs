//! The dashboard of `sk-tui view` in tests: a model to feed, and feeding it
//! what a follower reads until a condition holds.

use std::time::{Duration, Instant};

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
