//! Finds where a key lives in a TOML document (line and column), so that a
//! value rejected after parsing is reported at its place in the file.

use toml::de::{DeTable, DeValue};

use super::error::Located;

/// 1-based line and column of a byte offset, with the line's text.
pub fn line_column(text: &str, offset: usize) -> (usize, usize, String) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[start..offset].chars().count() + 1;
    let source_line = text[start..].lines().next().unwrap_or("").to_string();
    (line, column, source_line)
}

/// The byte span of the value at `path` (`generator.alpha`, `learner[2].type`,
/// `learner`), or of the deepest part of the path that exists.
pub fn find_span(text: &str, path: &str) -> Option<std::ops::Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let mut table: &DeTable = root.get_ref();
    let mut span = None;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref() == key) else { break };
        span = Some(if parts.peek().is_none() && index.is_none() { v.span() } else { k.span() });
        let mut value = v.get_ref();
        if let (Some(i), DeValue::Array(items)) = (index, value) {
            let Some(item) = items.get(i) else { break };
            span = Some(item.span());
            value = item.get_ref();
        }
        match value {
            DeValue::Table(t) => table = t,
            _ => break,
        }
    }
    span
}

/// The path of the key or value at byte `offset` (`generator.alpha`,
/// `learner[1].policy`), for errors the parser reports by position only.
pub fn path_at(text: &str, offset: usize) -> Option<String> {
    let root = DeTable::parse(text).ok()?;
    find_path(root.get_ref(), offset)
}

/// Depth-first: table spans may cover only their headers, so every entry
/// is searched, not only those whose parent span holds the offset.
fn find_path(table: &DeTable, offset: usize) -> Option<String> {
    let inside = |r: std::ops::Range<usize>| r.start <= offset && offset <= r.end;
    for (k, v) in table.iter() {
        let nested = match v.get_ref() {
            DeValue::Table(t) => find_path(t, offset).map(|p| format!("{}.{p}", k.get_ref())),
            DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| match item.get_ref() {
                DeValue::Table(t) => find_path(t, offset).map(|p| format!("{}[{i}].{p}", k.get_ref())),
                _ => None,
            }),
            _ => None,
        };
        if nested.is_some() {
            return nested;
        }
        if inside(k.span())
            || (inside(v.span()) && !matches!(v.get_ref(), DeValue::Table(_) | DeValue::Array(_)))
        {
            return Some(k.get_ref().to_string());
        }
    }
    None
}

/// A problem located at `path` in `text` (at the top of the file when the
/// key is absent, e.g. a missing required key).
pub fn locate(file: &str, text: &str, path: &str, message: &str) -> Located {
    let offset = find_span(text, path).map_or(0, |s| s.start);
    let (line, column, source_line) = line_column(text, offset);
    Located { file: file.into(), line, column, key: path.into(), message: message.into(), source_line }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_and_array_keys() {
        let text = "[generator]\nalpha = 1.5\n\n[[learner]]\nname = \"a\"\n\n[[learner]]\nname = \"b\"\nbudget_bits = -1\n";
        let l = locate("f.toml", text, "generator.alpha", "bad");
        assert_eq!((l.line, l.column), (2, 9));
        let l = locate("f.toml", text, "learner[1].budget_bits", "bad");
        assert_eq!((l.line, l.column), (9, 15));
        assert_eq!(l.source_line, "budget_bits = -1");
        let l = locate("f.toml", text, "run.seed", "missing");
        assert_eq!((l.line, l.column), (1, 1));
        // A missing key of a table that exists: at the table.
        let l = locate("f.toml", text, "learner[1].type", "missing");
        assert_eq!(l.line, 7, "{l:?}");
    }
}
