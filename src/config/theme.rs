//! Themes: named styles for every role the screen uses, and the glyphs that
//! carry meaning when colour cannot (`themes/*.toml`). Themes ship embedded,
//! are read from `<user_config_dir>/themes/NAME.toml` or from any path, and
//! are validated like presets: each problem names the file, line, column and
//! key, and says what is allowed.
//!
//! This module knows nothing of ratatui: a style is a [`StyleSpec`] of
//! [`ThemeColor`]s and modifiers, which the ui turns into its own types.
//!
//! Format (every key optional; a missing key takes the `dark` theme's value):
//!
//! ```toml
//! # One-line description (the file's opening comment).
//! [style]                       # "FG [on BG] [bold|dim|italic|underlined|reversed]..."
//! text = "white"
//! series = ["cyan", "yellow"]   # one style per learner, cycled
//! heat = ["#000000", "#ffffff"] # colour ramp, low to high, 2 to 16 colours
//! [glyphs]
//! border = "rounded"            # plain | rounded | double | thick | ascii
//! marker = "braille"            # braille | halfblock | dot | ascii
//! series = ["*", "+"]           # one ASCII glyph per learner when marker = "ascii"
//! heat = "colour"               # colour (half-block cells) | shade (ASCII ramp)
//! ```

use std::path::Path;

use serde::Deserialize;

use super::error::{ConfigError, Located};
use super::library::{description, listing, names_a_path, user_files};
use super::source_map::{line_column, locate};

/// The themes shipped inside the binary, in the order `sk-tui themes` lists them.
pub const EMBEDDED_THEMES: [(&str, &str); 5] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("tty16", include_str!("../../themes/tty16.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// The theme used when none is named.
pub const DEFAULT_THEME: &str = "dark";

/// A colour: the terminal's default, one of the 16 ANSI colours (0-15, in
/// ANSI order: black, red, green, yellow, blue, magenta, cyan, gray, then
/// their bright forms darkgray … white), a 256-colour index, or 24-bit RGB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeColor {
    Reset,
    Ansi(u8),
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// The 16 ANSI colour names, in index order.
pub const ANSI_NAMES: [&str; 16] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "darkgray",
    "lightred",
    "lightgreen",
    "lightyellow",
    "lightblue",
    "lightmagenta",
    "lightcyan",
    "white",
];

impl ThemeColor {
    /// Parses `reset`, an ANSI name, `0`-`255` or `#rrggbb`.
    pub fn parse(word: &str) -> Option<ThemeColor> {
        let w = word.to_ascii_lowercase();
        if w == "reset" || w == "default" {
            return Some(ThemeColor::Reset);
        }
        if let Some(i) = ANSI_NAMES.iter().position(|n| *n == w) {
            return Some(ThemeColor::Ansi(i as u8));
        }
        if let Some(hex) = w.strip_prefix('#') {
            if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
                return Some(ThemeColor::Rgb(byte(0)?, byte(2)?, byte(4)?));
            }
            return None;
        }
        w.parse::<u8>().ok().map(ThemeColor::Indexed)
    }

    /// Whether a 16-colour terminal can show it.
    pub fn is_ansi16(self) -> bool {
        matches!(self, ThemeColor::Reset | ThemeColor::Ansi(_))
    }
}

/// A style: optional foreground and background, and modifiers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StyleSpec {
    pub fg: Option<ThemeColor>,
    pub bg: Option<ThemeColor>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underlined: bool,
    pub reversed: bool,
}

const MODIFIERS: &str = "bold, dim, italic, underlined, reversed";

impl StyleSpec {
    /// Parses `"FG [on BG] [modifier]..."`; every word is optional.
    pub fn parse(spec: &str) -> Result<StyleSpec, String> {
        let mut out = StyleSpec::default();
        let mut words = spec.split_whitespace();
        while let Some(word) = words.next() {
            match word.to_ascii_lowercase().as_str() {
                "bold" => out.bold = true,
                "dim" => out.dim = true,
                "italic" => out.italic = true,
                "underlined" | "underline" => out.underlined = true,
                "reversed" | "reverse" => out.reversed = true,
                "on" => {
                    let Some(bg) = words.next() else {
                        return Err(format!("{spec:?}: `on` must be followed by a background colour"));
                    };
                    out.bg = Some(ThemeColor::parse(bg).ok_or_else(|| bad_word(spec, bg))?);
                }
                _ => {
                    let color = ThemeColor::parse(word).ok_or_else(|| bad_word(spec, word))?;
                    if out.fg.is_some() {
                        return Err(format!("{spec:?}: two foreground colours; write `FG on BG`"));
                    }
                    out.fg = Some(color);
                }
            }
        }
        Ok(out)
    }

    /// The colours it uses.
    pub fn colors(&self) -> impl Iterator<Item = ThemeColor> {
        self.fg.into_iter().chain(self.bg)
    }

    /// The same modifiers without colour.
    pub fn without_color(self) -> StyleSpec {
        StyleSpec { fg: None, bg: None, ..self }
    }
}

fn bad_word(spec: &str, word: &str) -> String {
    format!(
        "{spec:?}: {word:?} is neither a colour (reset, {}, 0-255, #rrggbb) nor a modifier ({MODIFIERS})",
        ANSI_NAMES.join(", ")
    )
}

/// Box-drawing set of pane borders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BorderGlyphs {
    Plain,
    Rounded,
    Double,
    Thick,
    /// `+`, `-` and `|` only.
    Ascii,
}

/// How chart points are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkerGlyphs {
    Braille,
    Halfblock,
    Dot,
    /// One ASCII glyph per series (`[glyphs] series`): no font needs more than ASCII.
    Ascii,
}

/// How heatmap cells are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeatGlyphs {
    /// Coloured half-block cells, two rows per line.
    #[serde(alias = "color")]
    Colour,
    /// An ASCII shade ramp ` .:-=+*#%@`, one row per line.
    Shade,
}

/// A validated theme.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    /// `<embedded NAME>` or the file's path.
    pub origin: String,
    pub description: String,
    /// Body text.
    pub text: StyleSpec,
    /// Secondary text: axis labels, hints, ranges.
    pub muted: StyleSpec,
    pub border: StyleSpec,
    /// The border of the focused pane.
    pub border_focus: StyleSpec,
    pub title: StyleSpec,
    /// The selected row of a list or field.
    pub selected: StyleSpec,
    /// The status bar.
    pub status: StyleSpec,
    /// Key names in the status bar and help.
    pub key: StyleSpec,
    /// Running, valid, memorized.
    pub good: StyleSpec,
    /// Paused, edited but not applied.
    pub warn: StyleSpec,
    /// Errors and invalid values.
    pub error: StyleSpec,
    /// Lines of the theory's predictions.
    pub theory: StyleSpec,
    /// Sample tokens by role.
    pub syntax: StyleSpec,
    pub entity: StyleSpec,
    pub value: StyleSpec,
    /// A fact the selected learner gets wrong.
    pub wrong: StyleSpec,
    /// One style per learner, cycled.
    pub series: Vec<StyleSpec>,
    /// Heatmap colour ramp, low to high.
    pub heat: Vec<ThemeColor>,
    pub border_glyphs: BorderGlyphs,
    pub marker: MarkerGlyphs,
    /// One glyph per learner for the ASCII marker.
    pub series_glyphs: Vec<char>,
    pub heat_glyphs: HeatGlyphs,
}

impl Theme {
    /// The same theme for a terminal without colour (`NO_COLOR`, `--color
    /// never`): modifiers stay, colours go, and the glyphs carry the meaning
    /// (ASCII series markers, shade heatmap).
    pub fn without_color(&self) -> Theme {
        let strip = |s: &StyleSpec| s.without_color();
        Theme {
            name: self.name.clone(),
            origin: self.origin.clone(),
            description: self.description.clone(),
            text: strip(&self.text),
            muted: strip(&self.muted),
            border: strip(&self.border),
            border_focus: strip(&self.border_focus),
            title: strip(&self.title),
            selected: strip(&self.selected),
            status: strip(&self.status),
            key: strip(&self.key),
            good: strip(&self.good),
            warn: strip(&self.warn),
            error: strip(&self.error),
            theory: strip(&self.theory),
            syntax: strip(&self.syntax),
            entity: strip(&self.entity),
            value: strip(&self.value),
            wrong: strip(&self.wrong),
            series: self.series.iter().map(strip).collect(),
            heat: vec![ThemeColor::Reset, ThemeColor::Reset],
            border_glyphs: self.border_glyphs,
            marker: MarkerGlyphs::Ascii,
            series_glyphs: self.series_glyphs.clone(),
            heat_glyphs: HeatGlyphs::Shade,
        }
    }

    /// Every colour the theme uses.
    pub fn colors(&self) -> Vec<ThemeColor> {
        let singles = [
            &self.text,
            &self.muted,
            &self.border,
            &self.border_focus,
            &self.title,
            &self.selected,
            &self.status,
            &self.key,
            &self.good,
            &self.warn,
            &self.error,
            &self.theory,
            &self.syntax,
            &self.entity,
            &self.value,
            &self.wrong,
        ];
        let mut out: Vec<ThemeColor> = singles.iter().flat_map(|s| s.colors()).collect();
        out.extend(self.series.iter().flat_map(|s| s.colors()));
        out.extend(self.heat.iter().copied());
        out
    }
}

impl Default for Theme {
    fn default() -> Self {
        embedded_theme(DEFAULT_THEME).unwrap_or_else(builtin_fallback)
    }
}

/// A plain theme that needs no file, used only if the embedded default
/// failed to parse (a bug the test suite catches).
fn builtin_fallback() -> Theme {
    let plain = StyleSpec::default();
    let bold = StyleSpec { bold: true, ..plain };
    let reversed = StyleSpec { reversed: true, ..plain };
    Theme {
        name: "fallback".into(),
        origin: "<builtin>".into(),
        description: String::new(),
        text: plain,
        muted: StyleSpec { dim: true, ..plain },
        border: plain,
        border_focus: bold,
        title: bold,
        selected: reversed,
        status: reversed,
        key: bold,
        good: plain,
        warn: bold,
        error: StyleSpec { bold: true, reversed: true, ..plain },
        theory: StyleSpec { dim: true, ..plain },
        syntax: plain,
        entity: bold,
        value: StyleSpec { underlined: true, ..plain },
        wrong: reversed,
        series: vec![plain],
        heat: vec![ThemeColor::Reset, ThemeColor::Reset],
        border_glyphs: BorderGlyphs::Ascii,
        marker: MarkerGlyphs::Ascii,
        series_glyphs: vec!['*', '+', 'o', 'x', '#', '@', '%', '&'],
        heat_glyphs: HeatGlyphs::Shade,
    }
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ThemeFile {
    style: StyleTable,
    glyphs: GlyphTable,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct StyleTable {
    text: Option<String>,
    muted: Option<String>,
    border: Option<String>,
    border_focus: Option<String>,
    title: Option<String>,
    selected: Option<String>,
    status: Option<String>,
    key: Option<String>,
    good: Option<String>,
    warn: Option<String>,
    error: Option<String>,
    theory: Option<String>,
    syntax: Option<String>,
    entity: Option<String>,
    value: Option<String>,
    wrong: Option<String>,
    series: Option<Vec<String>>,
    heat: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct GlyphTable {
    border: Option<BorderGlyphs>,
    marker: Option<MarkerGlyphs>,
    series: Option<Vec<String>>,
    heat: Option<HeatGlyphs>,
}

/// Parses and checks a theme's text over `base` (missing keys keep `base`'s
/// values); `file` names it in messages.
fn parse_over(file: &str, text: &str, base: &Theme) -> Result<Theme, ConfigError> {
    let raw: ThemeFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let (line, column, source_line) = line_column(text, offset);
        ConfigError::Invalid(vec![Located {
            file: file.into(),
            line,
            column,
            key: super::source_map::path_at(text, offset).unwrap_or_default(),
            message: e.message().trim().to_string(),
            source_line,
        }])
    })?;
    let mut problems: Vec<Located> = Vec::new();
    let mut out = base.clone();
    out.description = description(text);
    let at = |key: &str, message: &str| locate(file, text, key, message);
    read_styles(&raw.style, &mut out, &mut problems, &at);
    read_glyphs(&raw.glyphs, &mut out, &mut problems, &at);
    if problems.is_empty() { Ok(out) } else { Err(ConfigError::Invalid(problems)) }
}

/// The `[style]` table over `out`: the named styles, the series' styles and
/// the heat ramp; each bad entry is a problem located by `at`.
fn read_styles(
    s: &StyleTable,
    out: &mut Theme,
    problems: &mut Vec<Located>,
    at: &dyn Fn(&str, &str) -> Located,
) {
    let mut style = |key: &str, value: &Option<String>, slot: &mut StyleSpec| {
        if let Some(v) = value {
            match StyleSpec::parse(v) {
                Ok(spec) => *slot = spec,
                Err(m) => problems.push(at(&format!("style.{key}"), &m)),
            }
        }
    };
    style("text", &s.text, &mut out.text);
    style("muted", &s.muted, &mut out.muted);
    style("border", &s.border, &mut out.border);
    style("border_focus", &s.border_focus, &mut out.border_focus);
    style("title", &s.title, &mut out.title);
    style("selected", &s.selected, &mut out.selected);
    style("status", &s.status, &mut out.status);
    style("key", &s.key, &mut out.key);
    style("good", &s.good, &mut out.good);
    style("warn", &s.warn, &mut out.warn);
    style("error", &s.error, &mut out.error);
    style("theory", &s.theory, &mut out.theory);
    style("syntax", &s.syntax, &mut out.syntax);
    style("entity", &s.entity, &mut out.entity);
    style("value", &s.value, &mut out.value);
    style("wrong", &s.wrong, &mut out.wrong);
    if let Some(list) = &s.series {
        if list.is_empty() || list.len() > 32 {
            problems.push(at("style.series", "series needs 1 to 32 styles"));
        }
        let mut specs = Vec::new();
        for (i, v) in list.iter().enumerate() {
            match StyleSpec::parse(v) {
                Ok(spec) => specs.push(spec),
                Err(m) => problems.push(at(&format!("style.series[{i}]"), &m)),
            }
        }
        out.series = specs;
    }
    if let Some(list) = &s.heat {
        if !(2..=16).contains(&list.len()) {
            problems.push(at("style.heat", "heat needs 2 to 16 colours, low to high"));
        }
        let mut ramp = Vec::new();
        for (i, v) in list.iter().enumerate() {
            match ThemeColor::parse(v) {
                Some(c) => ramp.push(c),
                None => problems.push(at(
                    &format!("style.heat[{i}]"),
                    &format!("{v:?} is not a colour (reset, {}, 0-255, #rrggbb)", ANSI_NAMES.join(", ")),
                )),
            }
        }
        out.heat = ramp;
    }
}

/// The `[glyphs]` table over `out`; each bad entry is a problem located by `at`.
fn read_glyphs(
    g: &GlyphTable,
    out: &mut Theme,
    problems: &mut Vec<Located>,
    at: &dyn Fn(&str, &str) -> Located,
) {
    if let Some(b) = g.border {
        out.border_glyphs = b;
    }
    if let Some(m) = g.marker {
        out.marker = m;
    }
    if let Some(h) = g.heat {
        out.heat_glyphs = h;
    }
    if let Some(list) = &g.series {
        if list.is_empty() || list.len() > 32 {
            problems.push(at("glyphs.series", "series needs 1 to 32 glyphs"));
        }
        let mut glyphs = Vec::new();
        for (i, v) in list.iter().enumerate() {
            let mut chars = v.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_graphic() => glyphs.push(c),
                _ => problems.push(at(
                    &format!("glyphs.series[{i}]"),
                    &format!("{v:?} must be one printable ASCII character"),
                )),
            }
        }
        out.series_glyphs = glyphs;
    }
}

/// Parses and checks a theme's text; `file` names it in messages. Keys the
/// file leaves out take the default (`dark`) theme's values.
pub fn parse_theme(file: &str, text: &str) -> Result<Theme, ConfigError> {
    let base =
        if file == format!("<embedded {DEFAULT_THEME}>") { builtin_fallback() } else { Theme::default() };
    let mut theme = parse_over(file, text, &base)?;
    theme.origin = file.into();
    theme.name = file.into();
    Ok(theme)
}

/// An embedded theme by name.
pub fn embedded_theme(name: &str) -> Option<Theme> {
    let (name, text) = EMBEDDED_THEMES.iter().find(|(n, _)| *n == name)?;
    let origin = format!("<embedded {name}>");
    // Embedded themes are checked by the test suite; a failure here is a bug.
    let mut theme = parse_theme(&origin, text).ok()?;
    theme.name = (*name).into();
    Some(theme)
}

/// Reads and checks a theme file.
pub fn load_theme_file(path: &Path) -> Result<Theme, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: path.into(), source })?;
    let origin = path.display().to_string();
    let mut theme = parse_theme(&origin, &text)?;
    theme.name = path.file_stem().map_or_else(|| origin.clone(), |s| s.to_string_lossy().into_owned());
    Ok(theme)
}

/// Themes in the user's config directory: `(name, path)`, sorted.
pub fn user_themes() -> Vec<(String, std::path::PathBuf)> {
    user_files("themes")
}

/// Resolves `--theme NAME|PATH`: a path if it names a file (or contains a
/// separator or ends in `.toml`), else a user theme, else an embedded one.
pub fn resolve_theme(spec: &str) -> Result<Theme, ConfigError> {
    if names_a_path(spec) {
        return load_theme_file(Path::new(spec));
    }
    if let Some((_, p)) = user_themes().into_iter().find(|(n, _)| n == spec) {
        return load_theme_file(&p);
    }
    embedded_theme(spec).ok_or_else(|| ConfigError::Unknown {
        what: "theme",
        name: spec.into(),
        known: list_themes().into_iter().map(|(n, _, _)| n).collect::<Vec<_>>().join(", "),
    })
}

/// Every theme `--theme NAME` finds ([`listing`]): `(name, origin,
/// description)`.
pub fn list_themes() -> Vec<(String, String, String)> {
    listing(&EMBEDDED_THEMES, user_themes(), "theme")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_theme_parses_and_says_what_it_is() {
        for (name, text) in EMBEDDED_THEMES {
            if let Err(e) = parse_theme(name, text) {
                panic!("embedded theme {name}: {e}");
            }
            assert!(description(text).len() > 20, "{name} needs an opening comment");
            assert!(embedded_theme(name).is_some());
        }
    }

    #[test]
    fn tty16_uses_only_ansi_colours_and_mono_none() {
        let t = embedded_theme("tty16").unwrap();
        assert!(t.colors().iter().all(|c| c.is_ansi16()), "{:?}", t.colors());
        let m = embedded_theme("mono").unwrap();
        assert!(m.colors().iter().all(|c| *c == ThemeColor::Reset), "{:?}", m.colors());
        assert_eq!(m.marker, MarkerGlyphs::Ascii);
        assert_eq!(m.border_glyphs, BorderGlyphs::Ascii);
        assert_eq!(m.heat_glyphs, HeatGlyphs::Shade);
    }

    #[test]
    fn style_specs_parse() {
        let s = StyleSpec::parse("black on #ff8800 bold reversed").unwrap();
        assert_eq!(s.fg, Some(ThemeColor::Ansi(0)));
        assert_eq!(s.bg, Some(ThemeColor::Rgb(255, 136, 0)));
        assert!(s.bold && s.reversed && !s.dim);
        assert_eq!(StyleSpec::parse("").unwrap(), StyleSpec::default());
        assert_eq!(StyleSpec::parse("208").unwrap().fg, Some(ThemeColor::Indexed(208)));
        assert!(StyleSpec::parse("red blue").is_err());
        assert!(StyleSpec::parse("on").is_err());
        assert!(StyleSpec::parse("#12345").is_err());
    }

    #[test]
    fn errors_are_located() {
        let e = parse_theme("t.toml", "[style]\ntext = \"white\"\nmuted = \"grey-ish\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.toml:3:9: style.muted:") && e.contains("grey-ish"), "{e}");
        let e = parse_theme("t.toml", "[style]\nseries = [\"red\", \"bluish\"]\n").unwrap_err().to_string();
        assert!(e.starts_with("t.toml:2:18: style.series[1]:"), "{e}");
        let e = parse_theme("t.toml", "[glyphs]\nmarker = \"sparkle\"\n").unwrap_err().to_string();
        assert!(e.starts_with("t.toml:2:10: glyphs.marker:") && e.contains("braille"), "{e}");
        let e = parse_theme("t.toml", "[style]\ntxt = \"red\"\n").unwrap_err().to_string();
        assert!(e.starts_with("t.toml:2:1: style.txt:") && e.contains("txt"), "{e}");
        let e = parse_theme("t.toml", "[glyphs]\nseries = [\"ab\"]\n").unwrap_err().to_string();
        assert!(e.contains("glyphs.series[0]"), "{e}");
        let e = parse_theme("t.toml", "[style]\nheat = [\"red\"]\n").unwrap_err().to_string();
        assert!(e.contains("2 to 16"), "{e}");
    }

    #[test]
    fn missing_keys_keep_the_default() {
        let t = parse_theme("t.toml", "[style]\ntext = \"red\"\n").unwrap();
        let d = Theme::default();
        assert_eq!(t.text.fg, Some(ThemeColor::Ansi(1)));
        assert_eq!(t.muted, d.muted);
        assert_eq!(t.series, d.series);
    }

    #[test]
    fn unknown_theme_lists_known_ones() {
        let e = resolve_theme("no-such-theme").unwrap_err().to_string();
        assert!(e.contains("dark") && e.contains("mono"), "{e}");
        assert_eq!(resolve_theme("light").unwrap().name, "light");
    }

    #[test]
    fn without_color_keeps_meaning_in_glyphs() {
        let t = Theme::default().without_color();
        assert!(t.colors().iter().all(|c| *c == ThemeColor::Reset));
        assert_eq!(t.marker, MarkerGlyphs::Ascii);
        assert_eq!(t.heat_glyphs, HeatGlyphs::Shade);
    }
}
