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

/// `theme`, `fps` and `marker` default to the config file's, as the live
/// dashboard's do, and the theme picker saves there.
pub fn run(
    paths: &[PathBuf],
    theme: Option<String>,
    color: ColorChoice,
    fps: Option<u32>,
    marker: Option<MarkerChoice>,
) -> Result<(), Failure> {
    let (file, settings) = super::dashboard::user_settings()?;
    let marker = super::dashboard::marker_or_setting(marker, &settings);
    let fps = fps.or(settings.fps).unwrap_or(30);
    let theme = load_theme(theme.or(settings.theme).as_deref()).map_err(UiError::from)?;
    let model = |name: &str| {
        let mut model = Model::new(name, Preset::default(), theme.clone(), color.enabled(), marker);
        model.mouse = settings.mouse.unwrap_or(true);
        model.theme_choices = sk_tui::ui::theme_choices();
        model
    };
    if let [dir] = paths
        && sk_tui::sweep::view::is_sweep_dir(dir)
    {
        let sweep = sk_tui::sweep::view::open(dir)?;
        let model = model(&sk_tui::ui::sweep_chart::hint(&sweep.chart));
        let follower = follow_discovering(sweep.files.clone(), Some(sweep.discover), POLL);
        let mut recorded = Recorded::new(sweep.files, Some(follower)).with_sweep(sweep.chart);
        sk_tui::ui::app::run_recorded(model, &mut recorded, fps, file.as_deref())?;
        return Ok(());
    }
    let files = run_files_in(paths)?;
    let name = files[0].file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut recorded = Recorded::new(files.clone(), Some(follow(files)));
    sk_tui::ui::app::run_recorded(model(&name), &mut recorded, fps, file.as_deref())?;
    Ok(())
}
