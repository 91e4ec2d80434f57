//! `sk-tui` (the dashboard) and `sk-tui snapshot`. The dashboard's defaults
//! come from the config file (`config.toml` in the user's config
//! directory); each flag overrides its setting.

use clap::ValueEnum;
use std::path::PathBuf;

use sk_tui::config::settings::{Settings, config_file, load_settings};
use sk_tui::ui::{self, MarkerChoice, SnapshotArgs, UiArgs, UiError};

use super::Failure;
use crate::cli::{DashboardArgs, Size};

impl From<UiError> for Failure {
    fn from(e: UiError) -> Self {
        if e.exit_code() == 2 { Failure::input(e.to_string()) } else { Failure::runtime(e.to_string()) }
    }
}

/// The config file, if there is a config directory, and its settings (the
/// defaults without one); for the dashboard and `view`.
pub fn user_settings() -> Result<(Option<PathBuf>, Settings), Failure> {
    let file = config_file();
    let settings = match &file {
        Some(path) => load_settings(path)?,
        None => Default::default(),
    };
    Ok((file, settings))
}

/// `--marker`, else the config file's, else the theme's.
pub fn marker_or_setting(flag: Option<MarkerChoice>, settings: &Settings) -> MarkerChoice {
    // The file's marker was checked against the names `--marker` takes.
    flag.or_else(|| settings.marker.as_deref().and_then(|m| MarkerChoice::from_str(m, true).ok()))
        .unwrap_or_default()
}

pub fn run(args: DashboardArgs) -> Result<(), Failure> {
    let (file, settings) = user_settings()?;
    let preset =
        super::load_preset(args.preset.as_deref().or(settings.preset.as_deref()).unwrap_or("default"))?;
    let marker = marker_or_setting(args.marker, &settings);
    ui::run(UiArgs {
        preset,
        theme: args.theme.or(settings.theme),
        color: args.color,
        fps: args.fps.or(settings.fps).unwrap_or(30),
        marker,
        depth: args.color_depth,
        glyphs: args.glyphs,
        mouse: !args.no_mouse && settings.mouse.unwrap_or(true),
        config_file: file,
    })?;
    Ok(())
}

pub fn snapshot(
    preset: &str,
    sentences: Option<u64>,
    size: Size,
    theme: Option<String>,
    ansi: bool,
) -> Result<(), Failure> {
    // `--size` is bounded by its parser (`cli::frame_size`), so it fits a u16.
    let (width, height) = (size.width as u16, size.height as u16);
    let mut preset = super::load_preset(preset)?;
    if let Some(n) = sentences {
        preset.preset = preset.preset.with_sentences(n).map_err(Failure::input)?;
    }
    let frame = ui::snapshot(SnapshotArgs { preset, sentences, width, height, theme, ansi })?;
    super::print_out(&frame)
}
