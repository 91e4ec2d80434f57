//! `sk-tui view`.

use std::path::PathBuf;

use sk_tui::ui::{ColorChoice, MarkerChoice};

use super::Failure;

pub fn run(_runs: &[PathBuf], _theme: Option<String>, _color: ColorChoice, _fps: u32, _marker: MarkerChoice) -> Result<(), Failure> {
    Err(Failure::runtime("view: not built yet"))
}
