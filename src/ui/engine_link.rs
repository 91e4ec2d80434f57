//! The ui's only contact with the engine driver (`engine::driver`): start it
//! on its own thread for the live dashboard, or run it headless for
//! `snapshot`.

use crate::config::LoadedPreset;
use crate::engine::{DriverOptions, EngineHandle, Update, run_headless as drive_headless, spawn as drive};

use super::UiError;

/// Starts the engine on its own thread, with live progress and samples.
pub fn spawn(preset: &LoadedPreset) -> Result<EngineHandle, UiError> {
    Ok(drive(preset.clone(), DriverOptions { live: true, ..Default::default() }))
}

/// Runs the preset to `sentences` (or its schedule) without a thread,
/// handing every update to `sink`.
pub fn run_headless(
    preset: &LoadedPreset,
    sentences: Option<u64>,
    sink: &mut dyn FnMut(Update),
) -> Result<(), UiError> {
    drive_headless(preset, &DriverOptions { sentences, ..Default::default() }, &mut |u| {
        sink(u);
        std::ops::ControlFlow::Continue(())
    });
    Ok(())
}
