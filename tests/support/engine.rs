//! A preset run headless by the engine itself (no driver thread), for tests
//! that check what its checkpoints measure.

use sk_tui::config::Preset;
use sk_tui::engine::{Checkpoint, Engine, Step};

/// Every checkpoint of `preset`'s run, in order.
pub fn checkpoints(preset: &Preset) -> Vec<Checkpoint> {
    let mut e = Engine::new(preset, None, None);
    let mut out = Vec::new();
    loop {
        match e.advance(1 << 20) {
            Step::Checkpoint(c) => out.push(*c),
            Step::Finished => return out,
            _ => {}
        }
    }
}
