//! The user's config file, `<user_config_dir>/config.toml`
//! (`$XDG_CONFIG_HOME/sk-tui/config.toml`, else `~/.config/sk-tui/config.toml`):
//! the dashboard's defaults, each overridden by its command-line flag.
//! Validated like presets: every problem names the file, line, column and
//! key, and says what is allowed.
//!
//! ```toml
//! theme = "dark"        # a theme name or path
//! preset = "default"    # a preset name or path
//! fps = 30              # 1 to 60
//! marker = "theme"      # theme | braille | half-block | dot
//! mouse = true          # false: like --no-mouse
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::{ConfigError, Located};
use super::library::user_config_dir;
use super::source_map::{line_column, locate, path_at};

/// The config file's name in the user's config directory.
pub const FILE_NAME: &str = "config.toml";

/// The values of `--marker` the file accepts.
pub const MARKERS: [&str; 4] = ["theme", "braille", "half-block", "dot"];

/// The config file's settings; `None` where the file says nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub theme: Option<String>,
    pub preset: Option<String>,
    pub fps: Option<u32>,
    pub marker: Option<String>,
    pub mouse: Option<bool>,
}

/// The valid values of a settings key, for messages.
fn valid(key: &str) -> Option<&'static str> {
    Some(match key {
        "theme" => "a theme name or path (sk-tui themes lists them)",
        "preset" => "a preset name or path (sk-tui presets lists them)",
        "fps" => "an integer in [1, 60]",
        "marker" => "\"theme\", \"braille\", \"half-block\" or \"dot\"",
        "mouse" => "true or false",
        _ => return None,
    })
}

/// Where the config file is, if a home is known.
pub fn config_file() -> Option<PathBuf> {
    user_config_dir().map(|d| d.join(FILE_NAME))
}

/// Parses and checks a config file's text; `file` names it in messages.
pub fn parse_settings(file: &str, text: &str) -> Result<Settings, ConfigError> {
    let settings: Settings = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let (line, column, source_line) = line_column(text, offset);
        let key = path_at(text, offset).unwrap_or_default();
        let range = valid(&key).map(|r| format!(" (valid: {r})")).unwrap_or_default();
        let known = if e.message().contains("unknown field") {
            " (the keys are theme, preset, fps, marker and mouse)"
        } else {
            ""
        };
        ConfigError::Invalid(vec![Located {
            file: file.into(),
            line,
            column,
            key,
            message: format!("{}{range}{known}", e.message().trim()),
            source_line,
        }])
    })?;
    let mut problems = Vec::new();
    if let Some(fps) = settings.fps
        && !(1..=60).contains(&fps)
    {
        problems.push(locate(file, text, "fps", &format!("fps = {fps} is outside [1, 60]")));
    }
    if let Some(m) = &settings.marker
        && !MARKERS.contains(&m.as_str())
    {
        problems.push(locate(
            file,
            text,
            "marker",
            &format!("marker {m:?} is not one of {}", MARKERS.join(", ")),
        ));
    }
    for key in ["theme", "preset"] {
        let value = if key == "theme" { &settings.theme } else { &settings.preset };
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            problems.push(locate(file, text, key, &format!("{key} is empty; give a name or a path")));
        }
    }
    if problems.is_empty() { Ok(settings) } else { Err(ConfigError::Invalid(problems)) }
}

/// Reads the config file at `path`; a missing file is no settings.
pub fn load_settings(path: &Path) -> Result<Settings, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_settings(&path.display().to_string(), &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(source) => Err(ConfigError::Io { path: path.into(), source }),
    }
}

/// The file's text with `theme = "name"` set: the existing top-level line
/// replaced, or a line added at the top; comments and other keys are kept.
pub fn with_theme(text: &str, name: &str) -> String {
    let line = format!("theme = {}", toml::Value::String(name.into()));
    let mut out: Vec<String> = Vec::new();
    let mut done = false;
    for l in text.lines() {
        let key = l.split('=').next().unwrap_or("").trim();
        if !done && key == "theme" && l.contains('=') {
            out.push(line.clone());
            done = true;
        } else {
            out.push(l.to_string());
        }
    }
    if !done {
        out.insert(0, line);
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// Saves `name` as the default theme in the config file at `path` (created
/// with its directory if need be); refuses to write a file that would not load.
pub fn save_theme(path: &Path, name: &str) -> Result<(), ConfigError> {
    let io = |source| ConfigError::Io { path: path.into(), source };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io(e)),
    };
    let new = with_theme(&text, name);
    parse_settings(&path.display().to_string(), &new)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, new).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses() {
        let s = parse_settings(
            "c.toml",
            "theme = \"light\"\npreset = \"kaplan\"\nfps = 12\nmarker = \"half-block\"\nmouse = false\n",
        )
        .unwrap();
        assert_eq!(s.theme.as_deref(), Some("light"));
        assert_eq!((s.fps, s.marker.as_deref(), s.mouse), (Some(12), Some("half-block"), Some(false)));
        assert_eq!(parse_settings("c.toml", "").unwrap(), Settings::default());
    }

    #[test]
    fn problems_are_located_with_the_valid_range() {
        let e = parse_settings("c.toml", "theme = \"dark\"\nfps = 0\n").unwrap_err().to_string();
        assert!(e.starts_with("c.toml:2:7: fps: fps = 0 is outside [1, 60]"), "{e}");
        let e = parse_settings("c.toml", "fps = \"fast\"\n").unwrap_err().to_string();
        assert!(e.starts_with("c.toml:1:7:") && e.contains("[1, 60]"), "{e}");
        let e = parse_settings("c.toml", "\nthem = \"dark\"\n").unwrap_err().to_string();
        assert!(e.starts_with("c.toml:2:1:") && e.contains("them") && e.contains("theme, preset"), "{e}");
        let e = parse_settings("c.toml", "marker = \"dots\"\n").unwrap_err().to_string();
        assert!(e.starts_with("c.toml:1:10: marker:") && e.contains("half-block"), "{e}");
        let e = parse_settings("c.toml", "mouse = 1\n").unwrap_err().to_string();
        assert!(e.contains("true or false"), "{e}");
    }

    #[test]
    fn saving_a_theme_keeps_the_rest_of_the_file() {
        let before = "# mine\nfps = 20\ntheme = \"dark\"\nmouse = false\n";
        let after = with_theme(before, "light");
        assert_eq!(after, "# mine\nfps = 20\ntheme = \"light\"\nmouse = false\n");
        assert_eq!(with_theme("", "mono"), "theme = \"mono\"\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sk-tui").join(FILE_NAME);
        save_theme(&path, "tty16").unwrap();
        assert_eq!(load_settings(&path).unwrap().theme.as_deref(), Some("tty16"));
        assert_eq!(load_settings(&dir.path().join("none.toml")).unwrap(), Settings::default());
    }
}
