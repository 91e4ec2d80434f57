//! The ui's only contact with the engine driver (`engine::driver`): start it
//! on its own thread for the live dashboard, or run it headless for
//! `snapshot`. Until the driver lands these report that it is missing.

use crossbeam_channel::{Receiver, Sender};

use crate::config::LoadedPreset;
use crate::engine::{Control, Update};

use super::UiError;

/// A running engine: where to send commands, where updates arrive, and how
/// to stop it.
pub struct Engine {
    pub control: Sender<Control>,
    pub updates: Receiver<Update>,
    stop: Box<dyn FnOnce() + Send>,
}

impl Engine {
    /// Stops the engine and waits for its thread.
    pub fn shutdown(self) {
        (self.stop)()
    }
}

/// Starts the engine on its own thread, with live progress and samples.
pub fn spawn(preset: &LoadedPreset) -> Result<Engine, UiError> {
    let _ = preset;
    let _ =
        |c: Sender<Control>, u: Receiver<Update>| Engine { control: c, updates: u, stop: Box::new(|| {}) };
    Err(UiError::Engine("the engine driver (engine::driver) is not built into this binary yet".into()))
}

/// Runs the preset to `sentences` (or its schedule) without a thread,
/// handing every update to `sink`.
pub fn run_headless(
    preset: &LoadedPreset,
    sentences: Option<u64>,
    sink: &mut dyn FnMut(Update),
) -> Result<(), UiError> {
    let _ = (preset, sentences, sink);
    Err(UiError::Engine("the engine driver (engine::driver) is not built into this binary yet".into()))
}
