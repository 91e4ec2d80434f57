//! Grid files: a base preset (`preset = "NAME|PATH"` or an inline
//! `[generator]`/`[run]`/`[[learner]]`/`[[phase]]` body) and a `[sweep]` table
//! whose keys are preset keys (`"generator.alpha"`, `"learner[1].budget_bits"`)
//! and whose values are lists (an axis) or single values (fixed for every
//! point). Points are the cartesian product of the axes in file order, the
//! last axis varying fastest, so point numbers are stable. Every point is
//! validated like a preset before anything runs, each problem reported at the
//! axis value's line and column in the grid file.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::config::library::{names_a_path, parse_preset, resolve_preset};
use crate::config::preset::valid_range;
use crate::config::source_map::line_column;
use crate::config::{ConfigError, Located, Preset};

/// Most points a grid may have.
pub const MAX_POINTS: usize = 100_000;

/// One key of `[sweep]`: several values (an axis) or one (fixed).
#[derive(Clone, Debug)]
pub struct Axis {
    /// The preset key, `generator.alpha`.
    pub key: String,
    pub values: Vec<toml::Value>,
    /// A single value rather than a list: the same for every point.
    pub fixed: bool,
    key_span: Range<usize>,
    value_spans: Vec<Range<usize>>,
}

/// A parsed grid file.
#[derive(Clone, Debug)]
pub struct Grid {
    /// The grid file's path as given, for messages.
    pub file: String,
    /// Its absolute path, for Slurm tasks that start elsewhere.
    pub path: PathBuf,
    pub text: String,
    /// Where the base preset came from: a name, a path, or `<inline>`.
    pub base_origin: String,
    pub base: Preset,
    /// In file order; fixed keys included.
    pub axes: Vec<Axis>,
    sweep_span: Range<usize>,
}

/// One point of the grid: its coordinates and its resolved preset.
#[derive(Clone, Debug)]
pub struct Point {
    pub index: usize,
    /// `(key, value)` of each axis (fixed keys left out).
    pub coords: Vec<(String, toml::Value)>,
    pub preset: Preset,
}

impl Point {
    /// `generator.alpha = 0.5, run.seed = 1`.
    pub fn label(&self) -> String {
        self.coords.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ")
    }

    /// The point's preset as a TOML file that `sk-tui run --preset` reads.
    pub fn preset_toml(&self, grid_file: &str) -> String {
        let body = toml::to_string(&self.preset).unwrap_or_default();
        let label = if self.coords.is_empty() { "the only point".into() } else { self.label() };
        format!(
            "# Point {} of the sweep {grid_file}: {label}.\n# Written by sk-tui sweep; edit the grid, not this file.\n\n{body}",
            self.index
        )
    }
}

const BODY_KEYS: [&str; 4] = ["generator", "run", "learner", "phase"];

impl Grid {
    /// Reads, parses and validates a grid file: every point is checked.
    pub fn load(path: &Path) -> Result<Grid, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: path.into(), source })?;
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let grid = Grid::parse(&path.display().to_string(), &absolute, &text)?;
        grid.points()?;
        Ok(grid)
    }

    /// Parses a grid's text (`file` names it in messages, `path` resolves
    /// relative preset paths); points are checked by [`Grid::points`].
    pub fn parse(file: &str, path: &Path, text: &str) -> Result<Grid, ConfigError> {
        let at = |offset: usize, key: &str, message: String| {
            let (line, column, source_line) = line_column(text, offset);
            ConfigError::Invalid(vec![Located {
                file: file.into(),
                line,
                column,
                key: key.into(),
                message,
                source_line,
            }])
        };
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            at(e.span().map_or(0, |s| s.start), "", e.message().trim().into())
        })?;
        let spans = DeTable::parse(text).map_err(|e| at(0, "", e.to_string()))?;
        let root = spans.get_ref();
        let key_span =
            |name: &str| root.iter().find(|(k, _)| k.get_ref() == name).map(|(k, v)| (k.span(), v.span()));

        for (k, _) in root.iter() {
            let name: &str = k.get_ref();
            if name != "preset" && name != "sweep" && !BODY_KEYS.contains(&name) {
                return Err(at(
                    k.span().start,
                    name,
                    format!(
                        "unknown key {name:?}; a grid file has `preset = \"NAME|PATH\"` (or an inline \
                         [generator]/[run]/[[learner]]/[[phase]] body) and a [sweep] table"
                    ),
                ));
            }
        }
        let has_body = BODY_KEYS.iter().any(|k| table.contains_key(*k));
        let (base_origin, base) = match (table.get("preset"), has_body) {
            (Some(toml::Value::String(spec)), false) => {
                let (_, value_span) = key_span("preset").unwrap_or((0..0, 0..0));
                let spec_path = Path::new(spec);
                let resolved = if names_a_path(spec) && spec_path.is_relative() {
                    let beside = path.parent().unwrap_or(Path::new(".")).join(spec_path);
                    if beside.is_file() { beside.display().to_string() } else { spec.clone() }
                } else {
                    spec.clone()
                };
                let loaded = resolve_preset(&resolved).map_err(|e| match e {
                    ConfigError::Unknown { .. } | ConfigError::Io { .. } => {
                        at(value_span.start, "preset", e.to_string())
                    }
                    other => other,
                })?;
                (resolved, loaded.preset)
            }
            (Some(_), true) => {
                let (k, _) = key_span("preset").unwrap_or((0..0, 0..0));
                return Err(at(
                    k.start,
                    "preset",
                    "give either `preset = ...` or an inline preset body ([generator], [run], [[learner]], [[phase]]), not both".into(),
                ));
            }
            (Some(_), false) => {
                let (_, v) = key_span("preset").unwrap_or((0..0, 0..0));
                return Err(at(
                    v.start,
                    "preset",
                    "preset must be a string: an embedded preset's name, a user preset's name, or a path"
                        .into(),
                ));
            }
            (None, true) => ("<inline>".into(), parse_preset(file, &blank_grid_keys(text, root))?),
            (None, false) => {
                return Err(at(
                    0,
                    "preset",
                    "a grid needs a base preset: `preset = \"NAME|PATH\"` or an inline preset body".into(),
                ));
            }
        };

        let mut axes = Vec::new();
        let mut sweep_span = 0..0;
        if let Some((k, v)) = root.iter().find(|(k, _)| k.get_ref() == "sweep") {
            sweep_span = k.span();
            let (DeValue::Table(de), Some(toml::Value::Table(values))) = (v.get_ref(), table.get("sweep"))
            else {
                return Err(at(k.span().start, "sweep", "sweep must be a table of preset keys".into()));
            };
            collect_axes(de, values, "", &mut axes)
                .map_err(|(offset, key, message)| at(offset, &key, message))?;
            // TOML hands the keys over sorted; the axes go in file order.
            axes.sort_by_key(|a| a.key_span.start);
            // `"generator.alpha"` and `generator.alpha` are two TOML keys
            // but one preset key: a second axis on it would replace the first.
            for (i, axis) in axes.iter().enumerate() {
                if let Some(first) = axes[..i].iter().find(|a| a.key == axis.key) {
                    let line = text[..first.key_span.start].matches('\n').count() + 1;
                    return Err(at(
                        axis.key_span.start,
                        &axis.key,
                        format!("{} is already set on line {line}; a key takes one list of values", axis.key),
                    ));
                }
            }
        }
        let grid = Grid {
            file: file.into(),
            path: path.into(),
            text: text.into(),
            base_origin,
            base,
            axes,
            sweep_span,
        };
        let count = grid.axes.iter().try_fold(1usize, |n, a| n.checked_mul(a.values.len()));
        if count.is_none_or(|n| n > MAX_POINTS) {
            return Err(at(
                grid.sweep_span.start,
                "sweep",
                format!("the grid has more than {MAX_POINTS} points; split it into several sweeps"),
            ));
        }
        Ok(grid)
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.axes.iter().map(|a| a.values.len()).product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The axes that vary (fixed keys left out).
    pub fn varying(&self) -> impl Iterator<Item = &Axis> {
        self.axes.iter().filter(|a| !a.fixed)
    }

    /// Every point, each validated; all problems at once, each at its place in the grid.
    pub fn points(&self) -> Result<Vec<Point>, ConfigError> {
        let base = toml::Value::try_from(&self.base).map_err(|e| self.error(0, "", e.to_string()))?;
        // Keys and types first, one value at a time: a problem belongs to one value.
        let mut problems = Vec::new();
        for axis in &self.axes {
            for (value, span) in axis.values.iter().zip(&axis.value_spans) {
                let mut v = base.clone();
                let result = set_path(&mut v, &axis.key, value.clone())
                    .map_err(|m| (axis.key_span.start, m))
                    .and_then(|_| {
                        v.try_into::<Preset>().map(drop).map_err(|e| {
                            let message = e.message().trim().replace('\n', " ");
                            let offset = if message.contains("unknown field") {
                                axis.key_span.start
                            } else {
                                span.start
                            };
                            let range =
                                valid_range(&axis.key).map(|r| format!(" (valid: {r})")).unwrap_or_default();
                            (offset, format!("{message}{range}"))
                        })
                    });
                if let Err((offset, message)) = result {
                    problems.push(self.located(offset, &axis.key, message));
                    // A bad key is bad for every value: say it once.
                    if offset == axis.key_span.start {
                        break;
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError::Invalid(problems));
        }
        let mut points = Vec::with_capacity(self.len());
        for index in 0..self.len() {
            let choice = self.choice(index);
            let mut v = base.clone();
            for (axis, &c) in self.axes.iter().zip(&choice) {
                set_path(&mut v, &axis.key, axis.values[c].clone())
                    .map_err(|m| self.error(0, &axis.key, m))?;
            }
            let preset: Preset = v.try_into().map_err(|e| self.error(0, "", e.message().to_string()))?;
            let coords: Vec<(String, toml::Value)> = self
                .axes
                .iter()
                .zip(&choice)
                .filter(|(a, _)| !a.fixed)
                .map(|(a, &c)| (a.key.clone(), a.values[c].clone()))
                .collect();
            for p in preset.check() {
                let located = match self.axes.iter().zip(&choice).find(|(a, _)| a.key == p.path) {
                    Some((a, &c)) => self.located(a.value_spans[c].start, &p.path, p.message),
                    None => {
                        let label =
                            coords.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ");
                        self.located(
                            self.sweep_span.start,
                            &p.path,
                            format!("at point {index} ({label}): {}", p.message),
                        )
                    }
                };
                if !problems.contains(&located) {
                    problems.push(located);
                }
            }
            points.push(Point { index, coords, preset });
        }
        if problems.is_empty() { Ok(points) } else { Err(ConfigError::Invalid(problems)) }
    }

    /// The value index on each axis of point `index` (last axis fastest).
    fn choice(&self, mut index: usize) -> Vec<usize> {
        let mut out = vec![0; self.axes.len()];
        for (i, axis) in self.axes.iter().enumerate().rev() {
            out[i] = index % axis.values.len();
            index /= axis.values.len();
        }
        out
    }

    fn located(&self, offset: usize, key: &str, message: String) -> Located {
        let (line, column, source_line) = line_column(&self.text, offset);
        Located { file: self.file.clone(), line, column, key: key.into(), message, source_line }
    }

    fn error(&self, offset: usize, key: &str, message: String) -> ConfigError {
        ConfigError::Invalid(vec![self.located(offset, key, message)])
    }
}

/// Flattens `[sweep]` (quoted dotted keys, or unquoted ones that TOML nests)
/// into axes with the spans of their keys and values.
fn collect_axes(
    de: &DeTable,
    values: &toml::Table,
    prefix: &str,
    out: &mut Vec<Axis>,
) -> Result<(), (usize, String, String)> {
    for (k, v) in de.iter() {
        let name: &str = k.get_ref();
        let key = format!("{prefix}{name}");
        let Some(value) = values.get(name) else { continue };
        match (v.get_ref(), value) {
            (DeValue::Table(t), toml::Value::Table(inner)) => {
                collect_axes(t, inner, &format!("{key}."), out)?
            }
            (DeValue::Array(items), toml::Value::Array(list)) => {
                if list.is_empty() {
                    return Err((v.span().start, key, "an axis needs at least one value".into()));
                }
                if let Some((item, _)) = items
                    .iter()
                    .zip(list)
                    .find(|(_, x)| matches!(x, toml::Value::Array(_) | toml::Value::Table(_)))
                {
                    return Err((
                        item.span().start,
                        key,
                        "axis values are numbers, strings or booleans".into(),
                    ));
                }
                let value_spans = items.iter().map(|i| i.span()).collect();
                out.push(Axis { key, values: list.clone(), fixed: false, key_span: k.span(), value_spans });
            }
            _ => out.push(Axis {
                key,
                values: vec![value.clone()],
                fixed: true,
                key_span: k.span(),
                value_spans: vec![v.span()],
            }),
        }
    }
    Ok(())
}

/// Sets `path` (`generator.alpha`, `learner[1].policy`) in a preset value.
fn set_path(root: &mut toml::Value, path: &str, value: toml::Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let section = parts[0].split('[').next().unwrap_or("");
    if !BODY_KEYS.contains(&section) || parts.len() < 2 {
        return Err(format!(
            "{path:?} is not a preset key; axes name keys like \"generator.alpha\", \"run.seed\", \"learner[0].budget_bits\""
        ));
    }
    let mut here = root;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => {
                let idx = rest
                    .strip_suffix(']')
                    .and_then(|r| r.parse::<usize>().ok())
                    .ok_or_else(|| format!("{path:?}: {part:?} is not name[INDEX]"))?;
                (n, Some(idx))
            }
            None => (*part, None),
        };
        let toml::Value::Table(table) = here else {
            return Err(format!("{path:?}: {name:?} is not a table"));
        };
        if last {
            if index.is_some() {
                return Err(format!("{path:?}: a value cannot be indexed"));
            }
            table.insert(name.into(), value);
            return Ok(());
        }
        let entry = table.entry(name).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        here = match (entry, index) {
            (toml::Value::Array(items), Some(idx)) => {
                let len = items.len();
                items
                    .get_mut(idx)
                    .ok_or_else(|| format!("{path:?}: the base preset has {len} {name} table(s)"))?
            }
            (toml::Value::Array(_), None) => {
                return Err(format!("{path:?}: {name} is a list; name one, as {name}[0].{}", parts[i + 1]));
            }
            (other, None) => other,
            (_, Some(_)) => return Err(format!("{path:?}: {name} is not a list")),
        };
    }
    Ok(())
}

/// The grid's text with `preset = ...` and the `[sweep]` table replaced by
/// spaces (newlines kept), so an inline preset body parses as a preset whose
/// errors keep their lines and columns.
fn blank_grid_keys(text: &str, root: &DeTable) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut blank = |range: Range<usize>| {
        for b in &mut bytes[range.start.min(text.len())..range.end.min(text.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    for (k, v) in root.iter() {
        let name: &str = k.get_ref();
        if name == "preset" {
            blank(k.span().start..v.span().end);
        } else if name == "sweep" {
            let line_start = text[..k.span().start].rfind('\n').map_or(0, |i| i + 1);
            let is_header = text[line_start..].trim_start().starts_with('[');
            if is_header {
                let line_end = text[k.span().start..].find('\n').map_or(text.len(), |i| k.span().start + i);
                blank(line_start..line_end);
                if let DeValue::Table(t) = v.get_ref() {
                    for (ik, iv) in t.iter() {
                        blank(ik.span().start..last_end(iv));
                    }
                }
            } else {
                blank(k.span().start..v.span().end);
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.into())
}

/// The end of a value, nested dotted-key tables included.
fn last_end(v: &toml::Spanned<DeValue>) -> usize {
    match v.get_ref() {
        DeValue::Table(t) => t.iter().map(|(_, iv)| last_end(iv)).max().unwrap_or(v.span().end),
        _ => v.span().end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Grid, ConfigError> {
        Grid::parse("g.toml", Path::new("g.toml"), text)
    }

    #[test]
    fn points_are_the_cartesian_product_last_axis_fastest() {
        let g = parse(
            "preset = \"default\"\n[sweep]\n\"generator.alpha\" = [0.5, 0.7]\nrun.seed = [1, 2, 3]\n\"run.sentences\" = 1000\n",
        )
        .unwrap();
        let points = g.points().unwrap();
        assert_eq!(points.len(), 6);
        assert_eq!(points[4].label(), "generator.alpha = 0.7, run.seed = 2");
        assert_eq!(points[4].preset.generator.alpha, 0.7);
        assert_eq!(points[4].preset.run.seed, 2);
        assert!(points.iter().all(|p| p.preset.run.sentences == 1000));
        // File order, not the keys' alphabetical order.
        let g = parse("preset = \"default\"\n[sweep]\n\"run.seed\" = [1, 2]\ngenerator.alpha = [0.5, 0.7]\n")
            .unwrap();
        assert_eq!(g.points().unwrap()[1].label(), "run.seed = 1, generator.alpha = 0.7");
    }

    #[test]
    fn point_presets_round_trip_through_toml() {
        let g =
            parse("preset = \"data-scaling\"\n[sweep]\n\"learner[1].budget_bits\" = [2e4, 3e4]\n").unwrap();
        for p in g.points().unwrap() {
            let text = p.preset_toml("g.toml");
            let back = parse_preset("p.toml", &text).unwrap();
            assert_eq!(back, p.preset);
        }
    }

    #[test]
    fn bad_values_are_located_at_the_axis_value() {
        let e = parse("preset = \"default\"\n[sweep]\n\"generator.alpha\" = [0.5, 1.5]\n")
            .unwrap()
            .points()
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.toml:3:27: generator.alpha: alpha = 1.5 is outside [0, 1)"), "{e}");
        let e = parse("preset = \"default\"\n[sweep]\n\"generator.alpah\" = [0.5]\n")
            .unwrap()
            .points()
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.toml:3:1: generator.alpah:") && e.contains("alpah"), "{e}");
        let e = parse("preset = \"default\"\n[sweep]\n\"run.seed\" = [1, \"x\"]\n")
            .unwrap()
            .points()
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.toml:3:18: run.seed:") && e.contains("valid: an integer"), "{e}");
    }

    #[test]
    fn a_key_given_twice_is_refused_at_the_second() {
        for text in [
            "preset = \"default\"\n[sweep]\n\"generator.alpha\" = [0.5, 0.6]\ngenerator.alpha = [0.7]\n",
            "preset = \"default\"\n[sweep]\n\"generator.alpha\" = [0.5, 0.6]\ngenerator.alpha = 0.7\n",
        ] {
            let e = parse(text).expect_err("refused").to_string();
            assert!(
                e.starts_with("g.toml:4:11: generator.alpha: generator.alpha is already set on line 3"),
                "{e}"
            );
        }
    }

    #[test]
    fn inline_bodies_keep_their_lines() {
        let g =
            parse("[sweep]\n\"run.seed\" = [1, 2]\n\n[generator]\nalpha = 0.4\n\n[run]\nsentences = 1000\n")
                .unwrap();
        assert_eq!(g.base.generator.alpha, 0.4);
        assert_eq!(g.points().unwrap().len(), 2);
        let e =
            parse("[sweep]\n\"run.seed\" = [1, 2]\n\n[generator]\nalpha = 4.0\n").unwrap_err().to_string();
        assert!(e.starts_with("g.toml:5:9: generator.alpha:"), "{e}");
    }
}
