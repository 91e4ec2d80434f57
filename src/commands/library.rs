//! `sk-tui presets` and `sk-tui check`.

use std::path::Path;

use sk_tui::config::library::{EMBEDDED_PRESETS, description, parse_preset, user_presets};

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

/// Validates a preset or theme: a theme has a `[colors]`-style table of its
/// own, a preset anything else; both report every problem with its place.
pub fn check(file: &Path) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", file.display())))?;
    let name = file.display().to_string();
    if looks_like_theme(&text) {
        sk_tui::config::theme::parse_theme(&name, &text)?;
        println!("{name}: a valid theme");
    } else {
        parse_preset(&name, &text)?;
        println!("{name}: a valid preset");
    }
    Ok(())
}

/// A theme has tables of its own; a preset uses only its four sections.
fn looks_like_theme(text: &str) -> bool {
    let preset_tables = ["[generator]", "[run]", "[[learner]]", "[[phase]]"];
    let tables: Vec<&str> = text.lines().map(str::trim).filter(|l| l.starts_with('[')).collect();
    !tables.is_empty() && !tables.iter().any(|l| preset_tables.contains(l))
}

pub fn list_themes() -> Result<(), Failure> {
    for (name, origin, about) in sk_tui::config::theme::list_themes() {
        println!("{name:<16} {about} [{origin}]");
    }
    Ok(())
}
