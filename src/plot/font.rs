//! The figure's font. plotters lays out and draws text with a TrueType font
//! it is given (its `ab_glyph` backend: no fontconfig or freetype to build);
//! sk-tui ships none, so the first of `SK_TUI_FONT`, then common sans-serif
//! fonts in the usual system folders, is loaded once and registered.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::style::FontStyle;

/// Font files tried in order, by name, in each font folder.
const PREFERRED: [&str; 6] = [
    "DejaVuSans.ttf",
    "LiberationSans-Regular.ttf",
    "NotoSans-Regular.ttf",
    "FreeSans.ttf",
    "Arial.ttf",
    "arial.ttf",
];

const FOLDERS: [&str; 5] = [
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:\\Windows\\Fonts",
];

fn find_in(dir: &Path, name: &str, depth: u32) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut subdirs = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            subdirs.push(p);
        } else if p.file_name().is_some_and(|n| n == name) {
            return Some(p);
        }
    }
    subdirs.sort();
    (depth > 0).then(|| subdirs.iter().find_map(|d| find_in(d, name, depth - 1))).flatten()
}

/// The font file to use, if one is found.
pub fn font_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SK_TUI_FONT").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/fonts"));
    let folders: Vec<PathBuf> = FOLDERS.iter().map(PathBuf::from).chain(home).collect();
    PREFERRED.iter().find_map(|name| folders.iter().find_map(|d| find_in(d, name, 3)))
}

/// Registers the font as `sans-serif` (once); the error says what to do.
pub fn ensure_font() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        let path = font_path().ok_or_else(|| {
            format!(
                "no TrueType font found for the figure's text (looked for {} under {}); set SK_TUI_FONT=/path/to/font.ttf",
                PREFERRED[..3].join(", "),
                FOLDERS[..2].join(" and ")
            )
        })?;
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read the font {}: {e}", path.display()))?;
        // Registered fonts live as long as the process.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
            .map_err(|_| format!("{} is not a TrueType font (SK_TUI_FONT?)", path.display()))
    })
    .clone()
}
