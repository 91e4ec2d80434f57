//! Where presets come from: embedded in the binary, the user's config
//! directory (`$XDG_CONFIG_HOME/sk-tui/presets` or `~/.config/sk-tui/presets`),
//! or any path. A preset is parsed, then every value is range-checked, and
//! each problem is reported at its line and column.

use std::path::{Path, PathBuf};

use super::error::{ConfigError, Located};
use super::preset::Preset;
use super::source_map::{line_column, locate};

/// The presets shipped inside the binary, in the order `sk-tui presets` lists them.
pub const EMBEDDED_PRESETS: [(&str, &str); 11] = [
    ("default", include_str!("../../presets/default.toml")),
    ("data-scaling", include_str!("../../presets/data-scaling.toml")),
    ("model-scaling", include_str!("../../presets/model-scaling.toml")),
    ("knowledge-acquisition", include_str!("../../presets/knowledge-acquisition.toml")),
    ("finetune", include_str!("../../presets/finetune.toml")),
    ("hallucination", include_str!("../../presets/hallucination.toml")),
    ("pycrp-heaps", include_str!("../../presets/pycrp-heaps.toml")),
    ("syntax-first", include_str!("../../presets/syntax-first.toml")),
    ("kaplan", include_str!("../../presets/kaplan.toml")),
    ("neural", include_str!("../../presets/neural.toml")),
    ("transformer", include_str!("../../presets/transformer.toml")),
];

/// A loaded preset with where it came from.
#[derive(Clone, Debug)]
pub struct LoadedPreset {
    pub name: String,
    /// `<embedded>` or the file's path.
    pub origin: String,
    /// The opening comment of the file: what it demonstrates.
    pub description: String,
    pub preset: Preset,
}

/// The user's sk-tui config directory, if a home is known.
pub fn user_config_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("sk-tui"))
}

/// The first paragraph of `#` comments at the top of a file.
pub fn description(text: &str) -> String {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The embedded files, then the user's, as `(name, origin, description)`:
/// a user file named like an embedded one takes that one's place in the
/// list, as it does when the name is loaded, and its origin says so.
pub fn listing(
    embedded: &[(&str, &str)],
    user: Vec<(String, PathBuf)>,
    what: &str,
) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = embedded
        .iter()
        .map(|(n, text)| ((*n).to_string(), "<embedded>".to_string(), description(text)))
        .collect();
    for (name, path) in user {
        let about = std::fs::read_to_string(&path).map(|t| description(&t)).unwrap_or_default();
        let origin = path.display().to_string();
        match out.iter_mut().find(|(n, origin, _)| *n == name && origin == "<embedded>") {
            Some(entry) => *entry = (name, format!("{origin}, replacing the embedded {what}"), about),
            None => out.push((name, origin, about)),
        }
    }
    out
}

/// Every preset `--preset NAME` finds ([`listing`]).
pub fn list_presets() -> Vec<(String, String, String)> {
    listing(&EMBEDDED_PRESETS, user_presets(), "preset")
}

/// Parses and checks a preset's text; `file` names it in messages.
pub fn parse_preset(file: &str, text: &str) -> Result<Preset, ConfigError> {
    let preset: Preset = toml::from_str(text).map_err(|e| {
        let (line, column, source_line) = line_column(text, e.span().map_or(0, |s| s.start));
        // Name the key and its valid range, where the parser knows the place.
        let offset = e.span().map_or(0, |s| s.start);
        let key = super::source_map::path_at(text, offset).unwrap_or_default();
        let range = super::preset::valid_range(&key).map(|r| format!(" (valid: {r})")).unwrap_or_default();
        let unknown = e.message().contains("unknown field");
        let header = source_line.trim();
        let message =
            if let Some(table) = ["generator", "run"].iter().find(|t| key.starts_with(&format!("{t}["))) {
                format!("[{table}] is one table: write [{table}], not [[{table}]]")
            } else if let Some(list) = ["learner", "phase"].iter().find(|t| header == format!("[{t}]")) {
                format!("[[{list}]] is a list of tables, one per {list}: write [[{list}]], not [{list}]")
            } else if !key.contains('.') && unknown {
                super::tables::unknown_table(&key, Some(super::tables::FileKind::Preset))
            } else if unknown {
                // A key that does not belong here has no range here.
                e.message().trim().to_string()
            } else {
                format!("{}{range}", e.message().trim())
            };
        ConfigError::Invalid(vec![Located { file: file.into(), line, column, key, message, source_line }])
    })?;
    let problems = preset.check();
    if problems.is_empty() {
        Ok(preset)
    } else {
        Err(ConfigError::Invalid(problems.iter().map(|p| locate(file, text, &p.path, &p.message)).collect()))
    }
}

/// Reads and checks a preset file.
pub fn load_preset_file(path: &Path) -> Result<LoadedPreset, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: path.into(), source })?;
    let origin = path.display().to_string();
    let preset = parse_preset(&origin, &text)?;
    let name = path.file_stem().map_or_else(|| origin.clone(), |s| s.to_string_lossy().into_owned());
    Ok(LoadedPreset { name, origin, description: description(&text), preset })
}

/// An embedded preset by name.
pub fn embedded_preset(name: &str) -> Option<LoadedPreset> {
    let (name, text) = EMBEDDED_PRESETS.iter().find(|(n, _)| *n == name)?;
    let origin = format!("<embedded {name}>");
    // Embedded presets are checked by the test suite; a failure here is a bug.
    let preset = parse_preset(&origin, text).ok()?;
    Some(LoadedPreset { name: (*name).into(), origin, description: description(text), preset })
}

/// Presets in the user's config directory: `(name, path)`, sorted.
pub fn user_presets() -> Vec<(String, PathBuf)> {
    user_files("presets")
}

/// The `.toml` files of a folder of the user's config directory
/// (`presets`, `themes`): `(name, path)`, sorted.
pub fn user_files(folder: &str) -> Vec<(String, PathBuf)> {
    let Some(dir) = user_config_dir().map(|d| d.join(folder)) else { return Vec::new() };
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| Some((p.file_stem()?.to_string_lossy().into_owned(), p)))
        .collect();
    out.sort();
    out
}

/// Whether `--preset`/`--theme` names a path rather than a preset or theme
/// name: an existing file, or text with a separator or a `.toml` ending.
pub fn names_a_path(spec: &str) -> bool {
    Path::new(spec).is_file() || spec.contains(std::path::MAIN_SEPARATOR) || spec.ends_with(".toml")
}

/// Resolves `--preset NAME|PATH`: a path if it names a file (or contains a
/// separator or ends in `.toml`), else a user preset, else an embedded one.
pub fn resolve_preset(spec: &str) -> Result<LoadedPreset, ConfigError> {
    if names_a_path(spec) {
        return load_preset_file(Path::new(spec));
    }
    if let Some((_, p)) = user_presets().into_iter().find(|(n, _)| n == spec) {
        return load_preset_file(&p);
    }
    embedded_preset(spec).ok_or_else(|| ConfigError::Unknown {
        what: "preset",
        name: spec.into(),
        known: EMBEDDED_PRESETS
            .iter()
            .map(|(n, _)| *n)
            .chain(user_presets().iter().map(|(n, _)| n.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_preset_parses_and_says_what_it_shows() {
        for (name, text) in EMBEDDED_PRESETS {
            if let Err(e) = parse_preset(name, text) {
                panic!("embedded preset {name}: {e}");
            }
            assert!(description(text).len() > 40, "{name} needs an opening comment");
        }
    }

    #[test]
    fn syntax_and_type_errors_are_located() {
        let e = parse_preset("x.toml", "[generator]\nalpha = \"big\"\n").unwrap_err().to_string();
        assert!(e.starts_with("x.toml:2:9:"), "{e}");
        let e = parse_preset("x.toml", "[generator]\nalpah = 0.5\n").unwrap_err().to_string();
        assert!(e.starts_with("x.toml:2:1:") && e.contains("alpah"), "{e}");
        let e = parse_preset("x.toml", "[generator]\nalpha = 1.5\n").unwrap_err().to_string();
        assert!(e.starts_with("x.toml:2:9: generator.alpha: alpha = 1.5 is outside [0, 1)"), "{e}");
    }
}
