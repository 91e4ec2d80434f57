//! `sk-tui view FILE_OR_DIR...`: the dashboard on recorded runs, following
//! files that are still growing (docs/recorded-runs.md). A sweep directory
//! (docs/sweeps.md) opens on its exponents chart, and the run files of its
//! points are picked up as they appear.

use std::path::PathBuf;

use sk_tui::config::Preset;
use sk_tui::record::follow::{POLL, follow, follow_discovering};
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
    let theme = load_theme(theme.as_deref()).map_err(UiError::from)?;
    if let [dir] = paths
        && sk_tui::sweep::view::is_sweep_dir(dir)
    {
        let sweep = sk_tui::sweep::view::open(dir)?;
        let name = sk_tui::ui::sweep_chart::hint(&sweep.chart);
        let model = Model::new(&name, Preset::default(), theme, color.enabled(), marker);
        let follower = follow_discovering(sweep.files.clone(), Some(sweep.discover), POLL);
        let mut recorded = Recorded::new(sweep.files, Some(follower)).with_sweep(sweep.chart);
        sk_tui::ui::app::run_recorded(model, &mut recorded, fps)?;
        return Ok(());
    }
    let files = run_files_in(paths)?;
    let name = files[0].file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let model = Model::new(&name, Preset::default(), theme, color.enabled(), marker);
    let mut recorded = Recorded::new(files.clone(), Some(follow(files)));
    sk_tui::ui::app::run_recorded(model, &mut recorded, fps)?;
    Ok(())
}
