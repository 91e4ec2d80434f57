//! `sk-tui presets`, `sk-tui themes` (lists, or one file's TOML with
//! `--show`) and `sk-tui check`.

use std::path::Path;

use sk_tui::config::library::{EMBEDDED_PRESETS, description, parse_preset, user_presets};
use sk_tui::config::tables::{FileKind, file_kind};
use sk_tui::config::theme::{EMBEDDED_THEMES, user_themes};

use super::Failure;

pub fn list_presets() -> Result<(), Failure> {
    for (name, text) in EMBEDDED_PRESETS {
        println!("{name:<22} {}", first_sentence(&description(text)));
    }
    for (name, path) in user_presets() {
        let about =
            std::fs::read_to_string(&path).map(|t| first_sentence(&description(&t))).unwrap_or_default();
        println!("{name:<22} {about} [{}]", path.display());
    }
    Ok(())
}

fn first_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(i) => text[..=i].to_string(),
        None => text.to_string(),
    }
}

/// Validates a preset or theme, deciding which by the file's top-level
/// tables; both report every problem with its place.
pub fn check(file: &Path) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", file.display())))?;
    let name = file.display().to_string();
    match file_kind(&name, &text)? {
        FileKind::Theme => {
            sk_tui::config::theme::parse_theme(&name, &text)?;
            println!("{name}: a valid theme");
        }
        FileKind::Preset => {
            parse_preset(&name, &text)?;
            println!("{name}: a valid preset");
        }
    }
    Ok(())
}

/// `sk-tui presets --show NAME`: the TOML of an embedded or user preset.
pub fn show_preset(name: &str) -> Result<(), Failure> {
    if let Some((_, path)) = user_presets().into_iter().find(|(n, _)| n == name) {
        print!("{}", std::fs::read_to_string(&path)?);
        return Ok(());
    }
    let (_, text) = EMBEDDED_PRESETS.iter().find(|(n, _)| *n == name).ok_or_else(|| {
        let known: Vec<String> = EMBEDDED_PRESETS
            .iter()
            .map(|(n, _)| n.to_string())
            .chain(user_presets().into_iter().map(|(n, _)| n))
            .collect();
        Failure::input(format!("no preset named {name:?}; presets: {}", known.join(", ")))
    })?;
    print!("{text}");
    Ok(())
}

/// `sk-tui themes --show NAME`: the TOML of an embedded or user theme.
pub fn show_theme(name: &str) -> Result<(), Failure> {
    if let Some((_, path)) = user_themes().into_iter().find(|(n, _)| n == name) {
        print!("{}", std::fs::read_to_string(&path)?);
        return Ok(());
    }
    let (_, text) = EMBEDDED_THEMES.iter().find(|(n, _)| *n == name).ok_or_else(|| {
        let known: Vec<String> = list_themes_names();
        Failure::input(format!("no theme named {name:?}; themes: {}", known.join(", ")))
    })?;
    print!("{text}");
    Ok(())
}

fn list_themes_names() -> Vec<String> {
    sk_tui::config::theme::list_themes().into_iter().map(|(n, _, _)| n).collect()
}

pub fn list_themes() -> Result<(), Failure> {
    for (name, origin, about) in sk_tui::config::theme::list_themes() {
        println!("{name:<16} {about} [{origin}]");
    }
    Ok(())
}
