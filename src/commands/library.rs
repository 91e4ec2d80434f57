//! `sk-tui presets`, `sk-tui themes` (lists, or one file's TOML with
//! `--show`) and `sk-tui check`.

use std::path::{Path, PathBuf};

use sk_tui::config::library::{EMBEDDED_PRESETS, parse_preset, user_presets};
use sk_tui::config::tables::{FileKind, file_kind};
use sk_tui::config::theme::{EMBEDDED_THEMES, user_themes};

use super::{Failure, outln, print_out};

pub fn list_presets() -> Result<(), Failure> {
    for (name, origin, about) in sk_tui::config::library::list_presets() {
        let origin = if origin == "<embedded>" { String::new() } else { format!(" [{origin}]") };
        outln!("{name:<22} {}{origin}", first_sentence(&about))?;
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
            outln!("{name}: a valid theme")?;
        }
        FileKind::Preset => {
            parse_preset(&name, &text)?;
            outln!("{name}: a valid preset")?;
        }
    }
    Ok(())
}

/// `sk-tui presets --show NAME`: the TOML of an embedded or user preset.
pub fn show_preset(name: &str) -> Result<(), Failure> {
    show("preset", name, user_presets(), &EMBEDDED_PRESETS)
}

/// `sk-tui themes --show NAME`: the TOML of an embedded or user theme.
pub fn show_theme(name: &str) -> Result<(), Failure> {
    show("theme", name, user_themes(), &EMBEDDED_THEMES)
}

/// Prints the file of `name`: the user's (which shadows an embedded one of
/// the same name), else the embedded text; else lists the names there are.
fn show(
    what: &str,
    name: &str,
    user: Vec<(String, PathBuf)>,
    embedded: &[(&str, &str)],
) -> Result<(), Failure> {
    if let Some((_, path)) = user.iter().find(|(n, _)| n == name) {
        print_out(&std::fs::read_to_string(path)?)?;
        return Ok(());
    }
    let Some((_, text)) = embedded.iter().find(|(n, _)| *n == name) else {
        let known: Vec<&str> =
            embedded.iter().map(|(n, _)| *n).chain(user.iter().map(|(n, _)| n.as_str())).collect();
        return Err(Failure::input(format!("no {what} named {name:?}; {what}s: {}", known.join(", "))));
    };
    print_out(text)
}

pub fn list_themes() -> Result<(), Failure> {
    for (name, origin, about) in sk_tui::config::theme::list_themes() {
        outln!("{name:<16} {about} [{origin}]")?;
    }
    Ok(())
}
