//! Plain-text tables for `sweep status` and `sweep summary`: cells padded to
//! aligned columns, and a point's axis values as cells.

/// Rows joined with two spaces between columns padded to their widest cell.
pub fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r.iter().zip(&widths).map(|(c, &w)| format!("{c:<w$}")).collect();
        out += cells.join("  ").trim_end();
        out += "\n";
    }
    out
}

/// The point number, then its value on each axis (`-` where it has none).
pub fn point_cells(
    index: usize,
    values: &serde_json::Map<String, serde_json::Value>,
    axes: &[String],
) -> Vec<String> {
    let mut cells = vec![index.to_string()];
    cells.extend(axes.iter().map(|k| values.get(k).map_or("-".into(), |v| v.to_string())));
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let rows = vec![vec!["point".to_string(), "state".into()], vec!["10".into(), "finished".into()]];
        assert_eq!(aligned(&rows), "point  state\n10     finished\n");
    }
}
