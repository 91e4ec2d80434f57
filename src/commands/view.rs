//! `sk-tui view FILE_OR_DIR...`: the dashboard on recorded runs, following
//! files that are still growing (docs/recorded-runs.md).

use std::path::PathBuf;

use sk_tui::config::Preset;
use sk_tui::record::follow::follow;
use sk_tui::record::run_files_in;
use sk_tui::ui::model::Model;
use sk_tui::ui::recorded::Recorded;
use sk_tui::ui::{ColorChoice, MarkerChoice, UiError, load_theme};

use super::Failure;

pub fn run(
    paths: &[PathBuf],
    theme: Option<String>,
    color: ColorChoice,
    fps: u32,
    marker: MarkerChoice,
) -> Result<(), Failure> {
    let files = run_files_in(paths)?;
    let theme = load_theme(theme.as_deref()).map_err(UiError::from)?;
    let name = files[0].file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let model = Model::new(&name, Preset::default(), theme, color.enabled(), marker);
    let mut recorded = Recorded::new(files.clone(), Some(follow(files)));
    sk_tui::ui::app::run_recorded(model, &mut recorded, fps)?;
    Ok(())
}
