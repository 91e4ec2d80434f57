//! The theme turned into ratatui styles, border sets and chart markers: the
//! one place where `config::theme` meets ratatui.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::{self, Marker};

use crate::config::theme::{BorderGlyphs, HeatGlyphs, MarkerGlyphs, StyleSpec, Theme, ThemeColor};

use super::MarkerChoice;

/// ASCII border set for the `mono` theme and terminals without line drawing.
pub const ASCII_BORDER: symbols::border::Set = symbols::border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// A theme ready to draw with.
#[derive(Clone, Debug)]
pub struct Palette {
    pub theme: Theme,
    pub text: Style,
    pub muted: Style,
    pub border: Style,
    pub border_focus: Style,
    pub title: Style,
    pub selected: Style,
    pub status: Style,
    pub key: Style,
    pub good: Style,
    pub warn: Style,
    pub error: Style,
    pub theory: Style,
    pub syntax: Style,
    pub entity: Style,
    pub value: Style,
    pub wrong: Style,
    pub series: Vec<Style>,
    pub heat: Vec<Color>,
    pub border_set: symbols::border::Set<'static>,
    /// Chart marker for colour themes; `None` when each series has its own ASCII glyph.
    pub marker: Option<Marker>,
    pub series_glyphs: Vec<char>,
    pub shade: bool,
    /// Only ASCII glyphs may reach the screen (mono, no-colour).
    pub ascii: bool,
}

/// The ASCII shade ramp of heatmap cells, low to high.
pub const SHADE_RAMP: &[u8] = b".:-=+*#%@";

pub fn color(c: ThemeColor) -> Color {
    match c {
        ThemeColor::Reset => Color::Reset,
        ThemeColor::Ansi(i) => match i {
            0 => Color::Black,
            1 => Color::Red,
            2 => Color::Green,
            3 => Color::Yellow,
            4 => Color::Blue,
            5 => Color::Magenta,
            6 => Color::Cyan,
            7 => Color::Gray,
            8 => Color::DarkGray,
            9 => Color::LightRed,
            10 => Color::LightGreen,
            11 => Color::LightYellow,
            12 => Color::LightBlue,
            13 => Color::LightMagenta,
            14 => Color::LightCyan,
            _ => Color::White,
        },
        ThemeColor::Indexed(i) => Color::Indexed(i),
        ThemeColor::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

pub fn style(s: &StyleSpec) -> Style {
    let mut out = Style::default();
    if let Some(fg) = s.fg {
        out = out.fg(color(fg));
    }
    if let Some(bg) = s.bg {
        out = out.bg(color(bg));
    }
    let mut m = Modifier::empty();
    for (on, flag) in [
        (s.bold, Modifier::BOLD),
        (s.dim, Modifier::DIM),
        (s.italic, Modifier::ITALIC),
        (s.underlined, Modifier::UNDERLINED),
        (s.reversed, Modifier::REVERSED),
    ] {
        if on {
            m |= flag;
        }
    }
    out.add_modifier(m)
}

impl Palette {
    /// `marker` is the `--marker` choice; an ASCII theme keeps its glyphs.
    pub fn new(theme: Theme, marker: MarkerChoice) -> Palette {
        let ascii = theme.marker == MarkerGlyphs::Ascii && theme.border_glyphs == BorderGlyphs::Ascii;
        let marker = match (theme.marker, marker) {
            (MarkerGlyphs::Ascii, _) => None,
            (_, MarkerChoice::Braille) => Some(Marker::Braille),
            (_, MarkerChoice::HalfBlock) => Some(Marker::HalfBlock),
            (_, MarkerChoice::Dot) => Some(Marker::Dot),
            (MarkerGlyphs::Braille, MarkerChoice::Theme) => Some(Marker::Braille),
            (MarkerGlyphs::Halfblock, MarkerChoice::Theme) => Some(Marker::HalfBlock),
            (MarkerGlyphs::Dot, MarkerChoice::Theme) => Some(Marker::Dot),
        };
        let border_set = match theme.border_glyphs {
            BorderGlyphs::Plain => symbols::border::PLAIN,
            BorderGlyphs::Rounded => symbols::border::ROUNDED,
            BorderGlyphs::Double => symbols::border::DOUBLE,
            BorderGlyphs::Thick => symbols::border::THICK,
            BorderGlyphs::Ascii => ASCII_BORDER,
        };
        Palette {
            text: style(&theme.text),
            muted: style(&theme.muted),
            border: style(&theme.border),
            border_focus: style(&theme.border_focus),
            title: style(&theme.title),
            selected: style(&theme.selected),
            status: style(&theme.status),
            key: style(&theme.key),
            good: style(&theme.good),
            warn: style(&theme.warn),
            error: style(&theme.error),
            theory: style(&theme.theory),
            syntax: style(&theme.syntax),
            entity: style(&theme.entity),
            value: style(&theme.value),
            wrong: style(&theme.wrong),
            series: theme.series.iter().map(style).collect(),
            heat: theme.heat.iter().map(|c| color(*c)).collect(),
            border_set,
            marker,
            series_glyphs: theme.series_glyphs.clone(),
            shade: theme.heat_glyphs == HeatGlyphs::Shade,
            ascii,
            theme,
        }
    }

    /// The style of learner `i`.
    pub fn series_style(&self, i: usize) -> Style {
        if self.series.is_empty() { self.text } else { self.series[i % self.series.len()] }
    }

    /// The chart marker of learner `i`.
    pub fn series_marker(&self, i: usize) -> Marker {
        match self.marker {
            Some(m) => m,
            None => Marker::Custom(self.series_glyph(i)),
        }
    }

    /// The legend glyph of learner `i`.
    pub fn series_glyph(&self, i: usize) -> char {
        if self.series_glyphs.is_empty() { '*' } else { self.series_glyphs[i % self.series_glyphs.len()] }
    }

    /// The legend swatch of learner `i`: its ASCII glyph, or a bar in its colour.
    pub fn series_swatch(&self, i: usize) -> String {
        match self.marker {
            None => self.series_glyph(i).to_string(),
            Some(_) => "━".into(),
        }
    }

    /// The colour of a heat value in `[0, 1]`.
    pub fn heat_color(&self, v: f64) -> Color {
        let n = self.heat.len().max(1);
        let i = (v.clamp(0.0, 1.0) * (n - 1) as f64).round() as usize;
        self.heat.get(i).copied().unwrap_or(Color::Reset)
    }

    /// The shade glyph of a heat value in `[0, 1]`.
    pub fn heat_shade(v: f64) -> char {
        let n = SHADE_RAMP.len();
        SHADE_RAMP[((v.clamp(0.0, 1.0) * (n - 1) as f64).round() as usize).min(n - 1)] as char
    }
}

/// Replaces every non-ASCII glyph in `buf` with an ASCII stand-in, so the
/// mono theme never draws a glyph a plain terminal lacks (chart axes are
/// drawn by ratatui with line-drawing characters).
pub fn asciify(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if sym.is_ascii() {
            continue;
        }
        let repl = match sym {
            "│" | "┃" | "║" | "╎" | "┆" | "▏" | "▕" => "|",
            "─" | "━" | "═" | "╌" | "┄" => "-",
            "└" | "┘" | "┌" | "┐" | "╭" | "╮" | "╰" | "╯" | "┼" | "├" | "┤" | "┬" | "┴" | "┗" | "┛" | "┏"
            | "┓" | "╔" | "╗" | "╚" | "╝" => "+",
            "·" | "•" => ".",
            "…" => "~",
            "▲" | "↑" => "^",
            "▼" | "↓" => "v",
            "←" => "<",
            "→" => ">",
            "±" => "+",
            "α" => "a",
            "✗" | "×" => "x",
            "✓" => "v",
            "⏸" => "=",
            "●" | "▶" => ">",
            _ => "?",
        };
        cell.set_symbol(repl);
    }
}
