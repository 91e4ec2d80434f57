//! The dashboard (ratatui), Elm-style: a [`Model`], the [`Msg`]s that change
//! it, a pure [`update`], and a [`view`] generic over the backend, so every
//! frame can be rendered into a `TestBackend` and pinned by a snapshot.
//!
//! - `model`: state, messages, `update`; `keys`: the one key table.
//! - `view`, `panes/` (one file per pane), `overlay/`: drawing.
//! - `palette`: the theme as ratatui styles; `plot`: log–log axes; `fields`:
//!   the editable generator parameters.
//! - `app`: the live run loop and terminal lifecycle; `snapshot`: a headless
//!   run drawn as text; `terminal`: what the terminal can show; `mouse`:
//!   mouse events as `update` handles them.
//! - `recorded`: recorded runs (`sk-tui view`) turned into engine updates;
//!   `runs`: their list (`r`); `sweep_chart`: a sweep directory's exponents
//!   against its axis (`x`).

pub mod app;
mod engine_link;
pub mod fields;
#[doc(hidden)]
pub mod fixture;
pub mod keys;
pub mod model;
pub mod mouse;
pub mod overlay;
pub mod palette;
pub mod panes;
pub mod plot;
pub mod recorded;
pub mod runs;
pub mod snapshot;
pub mod sweep_chart;
pub mod terminal;
pub mod view;

pub use app::run;
pub use model::{Command, Model, Msg, update};
pub use snapshot::{buffer_to_ansi, buffer_to_text, snapshot};
pub use view::view;

use crate::config::{ConfigError, LoadedPreset};

/// `--color`: whether to use colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour unless `NO_COLOR` is set (to anything but the empty string).
    #[default]
    Auto,
    /// Colour even if `NO_COLOR` is set.
    Always,
    /// No colour: the theme's modifiers and ASCII glyphs carry the meaning.
    Never,
}

impl ColorChoice {
    /// Whether colour is on, given the `NO_COLOR` variable's value.
    pub fn enabled_with(self, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => no_color.is_none_or(|v| v.is_empty()),
        }
    }

    /// Whether colour is on in this process's environment.
    pub fn enabled(self) -> bool {
        self.enabled_with(std::env::var_os("NO_COLOR").as_deref())
    }
}

/// `--marker`: how chart points are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum MarkerChoice {
    /// What the theme says (braille for most; ASCII glyphs for mono).
    #[default]
    Theme,
    /// Braille dots: the finest resolution; needs a font with braille.
    Braille,
    /// Half blocks: for fonts without braille.
    #[value(name = "half-block", alias = "halfblock")]
    HalfBlock,
    /// One dot per cell.
    Dot,
}

/// What `sk-tui` (the dashboard) needs.
#[derive(Clone, Debug)]
pub struct UiArgs {
    pub preset: LoadedPreset,
    /// A theme name or path; `None` for the default.
    pub theme: Option<String>,
    pub color: ColorChoice,
    /// Frames per second at most (1 to 60).
    pub fps: u32,
    pub marker: MarkerChoice,
    /// `--color-depth` and `--glyphs`: `auto` detects from the environment.
    pub depth: terminal::DepthChoice,
    pub glyphs: terminal::GlyphChoice,
    /// Mouse capture and handling (`--no-mouse` or `mouse = false` clears it).
    pub mouse: bool,
    /// Where `s` in the theme picker saves the default theme.
    pub config_file: Option<std::path::PathBuf>,
}

/// What `sk-tui snapshot` needs.
#[derive(Clone, Debug)]
pub struct SnapshotArgs {
    pub preset: LoadedPreset,
    /// Sentences to train before drawing; the preset's schedule when `None`.
    pub sentences: Option<u64>,
    pub width: u16,
    pub height: u16,
    pub theme: Option<String>,
    /// Keep colours as ANSI escape sequences.
    pub ansi: bool,
}

/// Why the dashboard could not run.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// A theme or preset that does not load (exit 2).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Arguments out of range (exit 2).
    #[error("{0}")]
    Usage(String),
    /// stdout is not a terminal (exit 2).
    #[error(
        "the sk-tui dashboard needs a terminal, but stdout is not one; for a headless run use `sk-tui run --preset NAME` (JSONL), or `sk-tui snapshot` for a frame as text"
    )]
    NotATerminal,
    /// The terminal failed (exit 1).
    #[error("terminal: {0}")]
    Io(#[from] std::io::Error),
    /// The engine failed (exit 1).
    #[error("engine: {0}")]
    Engine(String),
}

/// A backend that cannot fail (ratatui's `TestBackend`), so tests can drive
/// [`app::event_loop`].
impl From<std::convert::Infallible> for UiError {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl UiError {
    /// The process exit code (docs/design.md: 1 runtime failure, 2 bad input).
    pub fn exit_code(&self) -> i32 {
        match self {
            UiError::Config(_) | UiError::Usage(_) | UiError::NotATerminal => 2,
            UiError::Io(_) | UiError::Engine(_) => 1,
        }
    }
}

/// Resolves the theme argument (the default theme when `None`).
pub fn load_theme(spec: Option<&str>) -> Result<crate::config::theme::Theme, ConfigError> {
    match spec {
        Some(s) => crate::config::theme::resolve_theme(s),
        None => Ok(crate::config::theme::Theme::default()),
    }
}

/// The preset picker's entries: embedded presets, then the user's.
pub fn preset_choices() -> Vec<model::Choice> {
    crate::config::library::list_presets()
        .into_iter()
        .map(|(name, origin, description)| model::Choice { name, origin, description })
        .collect()
}

/// The theme picker's entries.
pub fn theme_choices() -> Vec<model::Choice> {
    crate::config::theme::list_themes()
        .into_iter()
        .map(|(name, origin, description)| model::Choice { name, origin, description })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_is_honoured_unless_always() {
        let set = Some(std::ffi::OsStr::new("1"));
        let empty = Some(std::ffi::OsStr::new(""));
        assert!(!ColorChoice::Auto.enabled_with(set));
        assert!(ColorChoice::Auto.enabled_with(empty));
        assert!(ColorChoice::Auto.enabled_with(None));
        assert!(ColorChoice::Always.enabled_with(set));
        assert!(!ColorChoice::Never.enabled_with(None));
    }

    #[test]
    fn exit_codes_follow_design() {
        assert_eq!(UiError::NotATerminal.exit_code(), 2);
        assert_eq!(UiError::Engine("x".into()).exit_code(), 1);
        let e = ConfigError::Unknown { what: "theme", name: "x".into(), known: "dark".into() };
        assert_eq!(UiError::from(e).exit_code(), 2);
    }
}
