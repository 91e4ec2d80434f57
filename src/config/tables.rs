//! What a configuration file could be, judged by its top-level tables — a
//! preset (`[generator]`, `[run]`, `[[learner]]`, `[[phase]]`) or a theme
//! (`[style]`, `[glyphs]`) — and the nearest known name for a misspelled one.

use toml::de::DeTable;

use super::error::{ConfigError, Located};
use super::source_map::line_column;

/// A preset's top-level tables.
pub const PRESET_TABLES: [&str; 4] = ["generator", "run", "learner", "phase"];
/// A theme's top-level tables.
pub const THEME_TABLES: [&str; 2] = ["style", "glyphs"];

/// What a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Preset,
    Theme,
}

/// Edit distance (insertions, deletions, substitutions and swaps of two
/// neighbouring letters) between two words.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The candidate nearest to `word`, if it is near enough to be a typo (at
/// most one edit per three letters, and at least one allowed).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let (best, d) = candidates.iter().map(|c| (*c, distance(word, c))).min_by_key(|(_, d)| *d)?;
    (d > 0 && d <= best.chars().count().div_ceil(3)).then_some(best)
}

/// The message for an unknown top-level table of a `kind` file (or of a
/// file that is neither, when `kind` is `None`).
pub fn unknown_table(name: &str, kind: Option<FileKind>) -> String {
    let candidates: Vec<&str> = match kind {
        Some(FileKind::Preset) => PRESET_TABLES.to_vec(),
        Some(FileKind::Theme) => THEME_TABLES.to_vec(),
        None => PRESET_TABLES.iter().chain(THEME_TABLES.iter()).copied().collect(),
    };
    let hint = did_you_mean(name, &candidates).map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default();
    let known = match kind {
        Some(FileKind::Preset) => "a preset has [generator], [run], [[learner]] and [[phase]]",
        Some(FileKind::Theme) => "a theme has [style] and [glyphs]",
        None => "a preset has [generator], [run], [[learner]] and [[phase]]; a theme [style] and [glyphs]",
    };
    format!("unknown table `{name}`{hint}; {known}")
}

/// Decides what `text` is from its top-level tables: a preset if any is a
/// preset's, else a theme if any is a theme's. A file with only unknown
/// tables is refused at the first, naming the nearest known table; a file
/// that does not parse, or has no tables, is taken for a preset (whose
/// parser then reports it).
pub fn file_kind(file: &str, text: &str) -> Result<FileKind, ConfigError> {
    let Ok(root) = DeTable::parse(text) else { return Ok(FileKind::Preset) };
    let keys: Vec<_> = root.get_ref().iter().map(|(k, _)| (k.get_ref().to_string(), k.span())).collect();
    if keys.iter().any(|(k, _)| PRESET_TABLES.contains(&k.as_str())) || keys.is_empty() {
        return Ok(FileKind::Preset);
    }
    if keys.iter().any(|(k, _)| THEME_TABLES.contains(&k.as_str())) {
        return Ok(FileKind::Theme);
    }
    let (name, span) = &keys[0];
    let (line, column, source_line) = line_column(text, span.start);
    Err(ConfigError::Invalid(vec![Located {
        file: file.into(),
        line,
        column,
        key: String::new(),
        message: unknown_table(name, None),
        source_line,
    }]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_table_and_strangers_do_not() {
        assert_eq!(did_you_mean("generater", &PRESET_TABLES), Some("generator"));
        assert_eq!(did_you_mean("learners", &PRESET_TABLES), Some("learner"));
        assert_eq!(did_you_mean("stlye", &THEME_TABLES), Some("style"));
        assert_eq!(did_you_mean("colors", &THEME_TABLES), None);
        assert_eq!(did_you_mean("run", &PRESET_TABLES), None);
        assert_eq!(did_you_mean("rnu", &PRESET_TABLES), Some("run"));
        assert_eq!(did_you_mean("sky", &PRESET_TABLES), None);
    }

    #[test]
    fn a_file_is_what_its_tables_say() {
        assert_eq!(file_kind("f", "[generator]\nalpha = 0.5\n").unwrap(), FileKind::Preset);
        assert_eq!(file_kind("f", "[[learner]]\nname = \"b\"\n[style]\n").unwrap(), FileKind::Preset);
        assert_eq!(file_kind("f", "[glyphs]\nborder = \"ascii\"\n").unwrap(), FileKind::Theme);
        assert_eq!(file_kind("f", "").unwrap(), FileKind::Preset);
        let e = file_kind("f.toml", "# x\n[generater]\nalpha = 0.5\n").unwrap_err().to_string();
        assert!(e.starts_with("f.toml:2:2: unknown table `generater` (did you mean `generator`?)"), "{e}");
        let e = file_kind("f.toml", "[stlye]\n").unwrap_err().to_string();
        assert!(e.contains("(did you mean `style`?)"), "{e}");
    }
}
