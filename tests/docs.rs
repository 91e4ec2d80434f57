//! The project's documents against the code: every `*.md` path named in the
//! sources and the README exists in the repository, and the keys table of
//! `docs/reference.md` is the one generated from the key table in
//! `src/ui/keys.rs` (run with `UPDATE_DOCS=1` to rewrite it), and every
//! theme and preset example in them is accepted.

use std::path::{Path, PathBuf};

use sk_tui::ui::keys::{KEYS, Scope};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Words ending in `.md` that look like paths (letters, digits, `_-./`).
fn md_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices(".md") {
        let end = i + 3;
        if text[end..].chars().next().is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        let start = text[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')))
            .map_or(0, |(j, c)| j + c.len_utf8());
        if start < i {
            out.push(text[start..end].to_string());
        }
    }
    out
}

#[test]
fn every_md_path_named_in_the_sources_and_readme_exists() {
    let root = root();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.push(root.join("README.md"));
    let mut missing = Vec::new();
    let mut named = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for p in md_paths(&text) {
            named += 1;
            // Paths are relative to the repository root or to the file's folder.
            let here = f.parent().unwrap().join(&p);
            if !root.join(&p).exists() && !here.exists() {
                missing.push(format!("{}: {p}", f.strip_prefix(&root).unwrap().display()));
            }
        }
    }
    assert!(named > 0, "the sources name no document at all");
    assert!(missing.is_empty(), "documents named but not in the repository:\n{}", missing.join("\n"));
}

#[test]
fn md_paths_are_found() {
    assert_eq!(
        md_paths("see docs/theory.md, \"Window means\" and README.md."),
        ["docs/theory.md", "README.md"]
    );
    assert!(md_paths("x.mdx").is_empty());
}

fn scope_name(s: Scope) -> &'static str {
    match s {
        Scope::Global => "anywhere",
        Scope::Params => "generator pane",
        Scope::Editing => "typing a value",
        Scope::Overlay => "help, pickers, popups",
        Scope::Filter => "typing a picker's filter",
        Scope::View => "sk-tui view",
        Scope::RunsList => "sk-tui view's runs list",
    }
}

/// The keys table as `docs/reference.md` shows it.
fn keys_table() -> String {
    let mut t = String::from("| keys | where | does |\n|---|---|---|\n");
    for k in KEYS {
        t.push_str(&format!("| `{}` | {} | {} |\n", k.label, scope_name(k.scope), k.help));
    }
    t
}

#[test]
fn reference_keys_table_is_the_key_table() {
    let path = root().join("docs/reference.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- keys:begin -->\n", "<!-- keys:end -->");
    let a = text.find(begin).expect("docs/reference.md has a keys:begin marker") + begin.len();
    let b = text.find(end).expect("docs/reference.md has a keys:end marker");
    let table = keys_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{table}{}", &text[..a], &text[b..])).unwrap();
        return;
    }
    assert_eq!(
        &text[a..b],
        table,
        "docs/reference.md's keys table differs from src/ui/keys.rs (UPDATE_DOCS=1 rewrites it)"
    );
}

/// The ```toml blocks of a markdown text.
fn toml_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```toml\n") {
        let body = &rest[start + "```toml\n".len()..];
        let end = body.find("```").expect("a ```toml block is closed");
        blocks.push(body[..end].to_string());
        rest = &body[end + 3..];
    }
    blocks
}

/// Every theme and preset example in the docs and the README is one that
/// sk-tui accepts: a block with a `[style]` or `[glyphs]` table is parsed as
/// a theme, one with `[generator]`, `[run]` or `[[learner]]` as a preset.
#[test]
fn theme_and_preset_examples_in_the_docs_are_accepted() {
    use sk_tui::config::library::parse_preset;
    use sk_tui::config::theme::parse_theme;
    let mut files = vec![root().join("README.md")];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        files.push(entry.unwrap().path());
    }
    let mut checked = 0;
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "md")) {
        let text = std::fs::read_to_string(file).unwrap();
        for (i, block) in toml_blocks(&text).iter().enumerate() {
            let name = format!("{} block {}", file.display(), i + 1);
            let has = |table: &str| block.lines().any(|l| l.trim_start().starts_with(table));
            if has("[style]") || has("[glyphs]") {
                parse_theme(&name, block).unwrap_or_else(|e| panic!("{e}"));
                checked += 1;
            } else if has("[generator]") || has("[run]") || has("[[learner]]") {
                parse_preset(&name, block).unwrap_or_else(|e| panic!("{e}"));
                checked += 1;
            }
        }
    }
    assert!(checked >= 2, "only {checked} examples found");
}
