//! The theme turned into ratatui styles, border sets and chart markers: the
//! one place where `config::theme` meets ratatui.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::{self, Marker};

use crate::config::theme::{BorderGlyphs, HeatGlyphs, MarkerGlyphs, StyleSpec, Theme, ThemeColor};

use super::MarkerChoice;
use super::terminal::{ColorDepth, GlyphSet};

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

/// The theme as the terminal can show it: ASCII borders, marks and shades
/// for an ASCII terminal, half blocks instead of braille for one without a
/// braille font. Colours are reduced after drawing, by [`reduce_colors`].
pub fn fit_theme(mut theme: Theme, glyphs: GlyphSet) -> Theme {
    match glyphs {
        GlyphSet::Unicode => {}
        GlyphSet::NoBraille => {
            if theme.marker == MarkerGlyphs::Braille {
                theme.marker = MarkerGlyphs::Halfblock;
            }
        }
        GlyphSet::Ascii => {
            theme.marker = MarkerGlyphs::Ascii;
            theme.border_glyphs = BorderGlyphs::Ascii;
            theme.heat_glyphs = HeatGlyphs::Shade;
        }
    }
    theme
}

/// The xterm defaults of the 16 ANSI colours, in `Color` order.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// The channel levels of the 6x6x6 cube of the 256-colour palette.
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The RGB value of a 256-palette index.
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI16[i as usize].1,
        16..=231 => {
            let c = i - 16;
            (CUBE[(c / 36) as usize], CUBE[(c / 6 % 6) as usize], CUBE[(c % 6) as usize])
        }
        _ => {
            let g = 8 + 10 * (i - 232);
            (g, g, g)
        }
    }
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (x as i32 - y as i32).pow(2) as u32;
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

/// The nearest of the 256 palette's cube and grey ramp (16-255).
fn nearest_256(rgb: (u8, u8, u8)) -> u8 {
    (16..=255u8).min_by_key(|i| distance(indexed_rgb(*i), rgb)).unwrap_or(16)
}

fn nearest_16(rgb: (u8, u8, u8)) -> Color {
    ANSI16.iter().min_by_key(|(_, c)| distance(*c, rgb)).map_or(Color::Reset, |(c, _)| *c)
}

/// A colour as a terminal of `depth` shows it (for `Mono`, none).
pub fn reduce_color(c: Color, depth: ColorDepth) -> Color {
    match (depth, c) {
        (ColorDepth::TrueColor, c) => c,
        (ColorDepth::Mono, _) => Color::Reset,
        (ColorDepth::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(nearest_256((r, g, b))),
        (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => nearest_16((r, g, b)),
        (ColorDepth::Ansi16, Color::Indexed(i)) => nearest_16(indexed_rgb(i)),
        (_, c) => c,
    }
}

/// Reduces every cell's colours to what a terminal of `depth` shows, so no
/// 24-bit (or 256-colour) sequence is sent to a terminal that lacks it.
pub fn reduce_colors(buf: &mut ratatui::buffer::Buffer, depth: ColorDepth) {
    if depth == ColorDepth::TrueColor {
        return;
    }
    for cell in buf.content.iter_mut() {
        cell.fg = reduce_color(cell.fg, depth);
        cell.bg = reduce_color(cell.bg, depth);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_reduce_to_the_nearest_the_terminal_has() {
        assert_eq!(reduce_color(Color::Rgb(255, 0, 0), ColorDepth::Ansi16), Color::LightRed);
        assert_eq!(reduce_color(Color::Rgb(10, 10, 10), ColorDepth::Ansi16), Color::Black);
        assert_eq!(reduce_color(Color::Rgb(255, 0, 0), ColorDepth::Ansi256), Color::Indexed(196));
        assert_eq!(reduce_color(Color::Rgb(128, 128, 128), ColorDepth::Ansi256), Color::Indexed(244));
        assert_eq!(reduce_color(Color::Indexed(21), ColorDepth::Ansi16), Color::Blue);
        assert_eq!(reduce_color(Color::Indexed(21), ColorDepth::Ansi256), Color::Indexed(21));
        assert_eq!(reduce_color(Color::Cyan, ColorDepth::Ansi16), Color::Cyan);
        assert_eq!(reduce_color(Color::Rgb(1, 2, 3), ColorDepth::TrueColor), Color::Rgb(1, 2, 3));
        assert_eq!(reduce_color(Color::Red, ColorDepth::Mono), Color::Reset);
    }

    #[test]
    fn an_ascii_terminal_gets_an_ascii_palette() {
        let p = Palette::new(fit_theme(Theme::default(), GlyphSet::Ascii), MarkerChoice::Theme);
        assert!(p.ascii && p.marker.is_none() && p.shade);
        let p = Palette::new(fit_theme(Theme::default(), GlyphSet::NoBraille), MarkerChoice::Theme);
        assert_ne!(p.marker, Some(Marker::Braille));
    }
}
