//! What the terminal can show: colour depth and glyph set, decided from the
//! environment (`COLORTERM`, `TERM`, the terminfo entry where one is
//! installed, the locale's charset) by a pure function, overridable by the
//! `--color-depth` and `--glyphs` flags. The palette then maps the theme's
//! colours down to the depth and its glyphs down to the set.

use std::path::{Path, PathBuf};

/// Colours the terminal shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColorDepth {
    /// No colour: modifiers only (`TERM=dumb`, terminfo without colours).
    Mono,
    /// The 16 ANSI colours.
    Ansi16,
    /// The xterm 256-colour palette.
    Ansi256,
    /// 24-bit RGB.
    TrueColor,
}

/// Glyphs the terminal (its font and charset) can draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GlyphSet {
    /// ASCII only: `+-|` borders, one ASCII mark per series.
    Ascii,
    /// Unicode lines and blocks, but no braille (the Linux console's fonts).
    NoBraille,
    /// Everything: braille dots, box drawing, block elements.
    Unicode,
}

/// What the terminal can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    pub depth: ColorDepth,
    pub glyphs: GlyphSet,
}

impl Capabilities {
    /// Everything: what snapshots and tests draw with.
    pub const FULL: Capabilities = Capabilities { depth: ColorDepth::TrueColor, glyphs: GlyphSet::Unicode };
}

/// `--color-depth`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DepthChoice {
    /// From COLORTERM, TERM and terminfo.
    #[default]
    Auto,
    /// 24-bit colour.
    #[value(name = "truecolor", alias = "24bit")]
    TrueColor,
    /// The 256-colour palette.
    #[value(name = "256")]
    Ansi256,
    /// The 16 ANSI colours.
    #[value(name = "16")]
    Ansi16,
    /// No colour.
    #[value(name = "mono")]
    Mono,
}

/// `--glyphs`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum GlyphChoice {
    /// From the locale's charset and TERM.
    #[default]
    Auto,
    /// Braille, box drawing and blocks.
    Unicode,
    /// Box drawing and blocks, no braille.
    #[value(name = "no-braille")]
    NoBraille,
    /// ASCII only.
    Ascii,
}

/// What detection reads from the environment (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TermEnv {
    pub term: Option<String>,
    pub colorterm: Option<String>,
    /// The first set of `LC_ALL`, `LC_CTYPE`, `LANG`.
    pub locale: Option<String>,
    /// `max_colors` of the terminfo entry of `term`, if one was found;
    /// `Some(None)` for an entry without the capability (no colour).
    pub terminfo_colors: Option<Option<u32>>,
}

impl TermEnv {
    /// This process's environment, with the terminfo entry read from disk.
    pub fn from_process() -> TermEnv {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let term = var("TERM");
        let terminfo_colors = term.as_deref().and_then(|t| {
            let path = find_terminfo(t, &terminfo_dirs())?;
            let bytes = std::fs::read(path).ok()?;
            terminfo_max_colors(&bytes)
        });
        TermEnv {
            term,
            colorterm: var("COLORTERM"),
            locale: var("LC_ALL").or_else(|| var("LC_CTYPE")).or_else(|| var("LANG")),
            terminfo_colors,
        }
    }
}

/// Whether a locale name (`en_US.UTF-8`, `C.utf8`) uses UTF-8.
pub fn locale_is_utf8(locale: &str) -> bool {
    let l = locale.to_ascii_lowercase();
    l.contains("utf-8") || l.contains("utf8")
}

/// The terminal's capabilities, decided from `env` alone.
///
/// Colour: `TERM=dumb` (or no TERM) has none; `COLORTERM=truecolor|24bit`
/// means 24-bit; then the terminfo entry's `colors` (at least 2^24: 24-bit,
/// at least 256: 256, at least 8: sixteen, absent: none); without an entry,
/// a TERM ending in `-direct` is 24-bit, one containing `256color` 256,
/// anything else 16.
///
/// Glyphs: ASCII unless the locale is UTF-8; `TERM=dumb` and the `vt` terms
/// are ASCII; the Linux console has no braille.
pub fn detect(env: &TermEnv) -> Capabilities {
    let term = env.term.as_deref().unwrap_or("dumb");
    let dumb = term == "dumb" || term.is_empty();
    let colorterm = env.colorterm.as_deref().unwrap_or("").to_ascii_lowercase();
    let depth = if dumb {
        ColorDepth::Mono
    } else if colorterm == "truecolor" || colorterm == "24bit" {
        ColorDepth::TrueColor
    } else {
        match env.terminfo_colors {
            Some(Some(n)) if n >= 1 << 24 => ColorDepth::TrueColor,
            Some(Some(n)) if n >= 256 => ColorDepth::Ansi256,
            Some(Some(n)) if n >= 8 => ColorDepth::Ansi16,
            Some(_) => ColorDepth::Mono,
            None if term.ends_with("-direct") => ColorDepth::TrueColor,
            None if term.contains("256color") => ColorDepth::Ansi256,
            None => ColorDepth::Ansi16,
        }
    };
    let utf8 = env.locale.as_deref().is_some_and(locale_is_utf8);
    let glyphs = if dumb || !utf8 || term.starts_with("vt") {
        GlyphSet::Ascii
    } else if term == "linux" || term.starts_with("linux-") {
        GlyphSet::NoBraille
    } else {
        GlyphSet::Unicode
    };
    Capabilities { depth, glyphs }
}

/// Detection with the flags applied: a flag other than `auto` wins.
pub fn resolve(env: &TermEnv, depth: DepthChoice, glyphs: GlyphChoice) -> Capabilities {
    let found = detect(env);
    Capabilities {
        depth: match depth {
            DepthChoice::Auto => found.depth,
            DepthChoice::TrueColor => ColorDepth::TrueColor,
            DepthChoice::Ansi256 => ColorDepth::Ansi256,
            DepthChoice::Ansi16 => ColorDepth::Ansi16,
            DepthChoice::Mono => ColorDepth::Mono,
        },
        glyphs: match glyphs {
            GlyphChoice::Auto => found.glyphs,
            GlyphChoice::Unicode => GlyphSet::Unicode,
            GlyphChoice::NoBraille => GlyphSet::NoBraille,
            GlyphChoice::Ascii => GlyphSet::Ascii,
        },
    }
}

/// Where terminfo entries live: `$TERMINFO`, `~/.terminfo`,
/// `$TERMINFO_DIRS`, then the usual system directories.
fn terminfo_dirs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(d) = std::env::var_os("TERMINFO") {
        out.push(PathBuf::from(d));
    }
    if let Some(h) = std::env::var_os("HOME") {
        out.push(PathBuf::from(h).join(".terminfo"));
    }
    if let Some(ds) = std::env::var_os("TERMINFO_DIRS") {
        out.extend(std::env::split_paths(&ds).filter(|p| !p.as_os_str().is_empty()));
    }
    out.extend(
        ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo"].map(PathBuf::from),
    );
    out
}

/// The compiled entry of `term` in `dirs` (`x/xterm`, or `78/xterm` on macOS).
fn find_terminfo(term: &str, dirs: &[PathBuf]) -> Option<PathBuf> {
    let first = term.chars().next()?;
    if term.contains(['/', '\\']) || term.starts_with('.') {
        return None;
    }
    dirs.iter().find_map(|d| {
        [d.join(first.to_string()), d.join(format!("{:x}", first as u32))]
            .into_iter()
            .map(|sub| sub.join(term))
            .find(|p| Path::is_file(p))
    })
}

/// `max_colors` of a compiled terminfo entry (legacy 16-bit or the 32-bit
/// format): `Some(Some(n))`, `Some(None)` when the entry lacks it, `None`
/// when the bytes are not an entry.
pub fn terminfo_max_colors(bytes: &[u8]) -> Option<Option<u32>> {
    const MAX_COLORS: usize = 13;
    let short = |i: usize| bytes.get(i..i + 2).map(|b| i16::from_le_bytes([b[0], b[1]]));
    let num_size = match short(0)? {
        0o432 => 2,
        0o1036 => 4,
        _ => return None,
    };
    let (names, bools, nums) = (short(2)? as usize, short(4)? as usize, short(6)? as usize);
    let mut at = 12 + names + bools;
    at += at % 2;
    if MAX_COLORS >= nums {
        return Some(None);
    }
    let p = at + MAX_COLORS * num_size;
    let v = if num_size == 2 {
        i64::from(short(p)?)
    } else {
        let b = bytes.get(p..p + 4)?;
        i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    Some(u32::try_from(v).ok().filter(|n| *n > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(
        term: Option<&str>,
        colorterm: Option<&str>,
        locale: Option<&str>,
        ti: Option<Option<u32>>,
    ) -> TermEnv {
        TermEnv {
            term: term.map(Into::into),
            colorterm: colorterm.map(Into::into),
            locale: locale.map(Into::into),
            terminfo_colors: ti,
        }
    }

    #[test]
    fn detection_table() {
        use ColorDepth::*;
        use GlyphSet::*;
        const U: Option<&str> = Some("en_US.UTF-8");
        // (TERM, COLORTERM, locale, terminfo colours) -> (depth, glyphs)
        type Row = (
            Option<&'static str>,
            Option<&'static str>,
            Option<&'static str>,
            Option<Option<u32>>,
            ColorDepth,
            GlyphSet,
        );
        let table: &[Row] = &[
            (Some("xterm-256color"), Some("truecolor"), U, Some(Some(256)), TrueColor, Unicode),
            (Some("xterm-256color"), Some("24bit"), U, None, TrueColor, Unicode),
            (Some("xterm-256color"), None, U, Some(Some(256)), Ansi256, Unicode),
            (Some("xterm-256color"), None, U, None, Ansi256, Unicode),
            (Some("tmux-256color"), None, Some("C.UTF-8"), None, Ansi256, Unicode),
            (Some("xterm"), None, U, Some(Some(8)), Ansi16, Unicode),
            (Some("xterm-direct"), None, U, Some(Some(1 << 24)), TrueColor, Unicode),
            (Some("xterm-direct"), None, U, None, TrueColor, Unicode),
            (Some("screen"), None, U, None, Ansi16, Unicode),
            (Some("linux"), None, U, Some(Some(8)), Ansi16, NoBraille),
            (Some("linux"), None, Some("C"), Some(Some(8)), Ansi16, Ascii),
            (Some("dumb"), Some("truecolor"), U, None, Mono, Ascii),
            (Some("dumb"), None, U, Some(None), Mono, Ascii),
            (None, None, U, None, Mono, Ascii),
            (Some("vt100"), None, U, Some(None), Mono, Ascii),
            (Some("xterm-mono"), None, U, Some(None), Mono, Unicode),
            (Some("xterm-256color"), Some("truecolor"), Some("C"), None, TrueColor, Ascii),
            (Some("xterm-256color"), None, Some("POSIX"), None, Ansi256, Ascii),
            (Some("xterm-256color"), None, None, None, Ansi256, Ascii),
            (Some("xterm-256color"), None, Some("en_US.ISO-8859-1"), None, Ansi256, Ascii),
            (Some("xterm-256color"), None, Some("de_DE.utf8"), None, Ansi256, Unicode),
        ];
        for &(term, ct, loc, ti, depth, glyphs) in table {
            let got = detect(&env(term, ct, loc, ti));
            assert_eq!(
                got,
                Capabilities { depth, glyphs },
                "TERM={term:?} COLORTERM={ct:?} locale={loc:?} terminfo={ti:?}"
            );
        }
    }

    #[test]
    fn flags_override_detection() {
        let dumb = env(Some("dumb"), None, Some("C"), None);
        let c = resolve(&dumb, DepthChoice::TrueColor, GlyphChoice::Unicode);
        assert_eq!(c, Capabilities::FULL);
        let rich = env(Some("xterm-256color"), Some("truecolor"), Some("C.UTF-8"), None);
        let c = resolve(&rich, DepthChoice::Ansi16, GlyphChoice::Ascii);
        assert_eq!(c, Capabilities { depth: ColorDepth::Ansi16, glyphs: GlyphSet::Ascii });
        assert_eq!(resolve(&rich, DepthChoice::Auto, GlyphChoice::Auto), detect(&rich));
    }

    /// A legacy-format entry with `max_colors` at numeric index 13.
    fn entry(magic: i16, num_size: usize, colors: Option<i32>) -> Vec<u8> {
        let names = b"x|test\0";
        let nums = if colors.is_some() { 14 } else { 5 };
        let mut out = Vec::new();
        for v in [magic, names.len() as i16, 3, nums, 0, 0] {
            out.extend(v.to_le_bytes());
        }
        out.extend(names);
        out.extend([1, 0, 1]);
        if out.len() % 2 == 1 {
            out.push(0);
        }
        for i in 0..nums {
            let v = if i == 13 { colors.unwrap_or(-1) } else { -1 };
            if num_size == 2 {
                out.extend((v as i16).to_le_bytes());
            } else {
                out.extend(v.to_le_bytes());
            }
        }
        out
    }

    #[test]
    fn terminfo_colours_are_read_from_both_formats() {
        assert_eq!(terminfo_max_colors(&entry(0o432, 2, Some(256))), Some(Some(256)));
        assert_eq!(terminfo_max_colors(&entry(0o1036, 4, Some(1 << 24))), Some(Some(1 << 24)));
        assert_eq!(terminfo_max_colors(&entry(0o432, 2, None)), Some(None));
        assert_eq!(terminfo_max_colors(&entry(0o432, 2, Some(-1))), Some(None));
        assert_eq!(terminfo_max_colors(b"not terminfo"), None);
        assert_eq!(terminfo_max_colors(&[]), None);
    }

    #[test]
    fn installed_entries_agree_with_their_names() {
        // Where the system has these entries, reading them must give their colours.
        for (term, colors) in [("xterm-256color", 256), ("xterm", 8), ("linux", 8)] {
            if let Some(path) = find_terminfo(term, &terminfo_dirs()) {
                let bytes = std::fs::read(&path).unwrap();
                assert_eq!(terminfo_max_colors(&bytes), Some(Some(colors)), "{}", path.display());
            }
        }
    }
}
