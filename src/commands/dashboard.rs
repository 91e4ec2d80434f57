//! `sk-tui` (the dashboard) and `sk-tui snapshot`. The dashboard's defaults
//! come from the config file (`config.toml` in the user's config
//! directory); each flag overrides its setting.

use clap::ValueEnum;
use sk_tui::config::resolve_preset;
use sk_tui::config::settings::{config_file, load_settings};
use sk_tui::ui::{self, MarkerChoice, SnapshotArgs, UiArgs, UiError};

use super::Failure;
use crate::cli::DashboardArgs;

impl From<UiError> for Failure {
    fn from(e: UiError) -> Self {
        Failure { code: e.exit_code(), message: e.to_string() }
    }
}

pub fn run(args: DashboardArgs) -> Result<(), Failure> {
    let file = config_file();
    let settings = match &file {
        Some(path) => load_settings(path)?,
        None => Default::default(),
    };
    let preset = resolve_preset(args.preset.as_deref().or(settings.preset.as_deref()).unwrap_or("default"))?;
    // The file's marker was checked against the names `--marker` takes.
    let marker = args
        .marker
        .or_else(|| settings.marker.as_deref().and_then(|m| MarkerChoice::from_str(m, true).ok()))
        .unwrap_or_default();
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
    size: &str,
    theme: Option<String>,
    ansi: bool,
) -> Result<(), Failure> {
    let (width, height) = parse_size(size)?;
    if let Some(n) = sentences
        && !(1..=1_000_000_000_000).contains(&n)
    {
        return Err(Failure::input(format!("--sentences {n} is outside [1, 10^12]")));
    }
    let preset = resolve_preset(preset)?;
    let frame = ui::snapshot(SnapshotArgs { preset, sentences, width, height, theme, ansi })?;
    print!("{frame}");
    Ok(())
}

/// `WIDTHxHEIGHT`, each in 20..=1000.
fn parse_size(size: &str) -> Result<(u16, u16), Failure> {
    let bad = || {
        Failure::input(format!("--size {size:?} must be WIDTHxHEIGHT with each in [20, 1000], e.g. 120x40"))
    };
    let (w, h) = size.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: u16 = w.trim().parse().map_err(|_| bad())?;
    let h: u16 = h.trim().parse().map_err(|_| bad())?;
    if !(40..=1000).contains(&w) || !(10..=500).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}
