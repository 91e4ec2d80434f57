//! `sk-tui snapshot`: run the engine headless, feed its updates to a
//! `Model`, draw one frame into a `TestBackend`, and return it as text
//! (or with ANSI colours). The clock is fixed, so no wall-clock time is shown.

use std::fmt::Write as _;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::model::{Model, Msg, update};
use super::{MarkerChoice, SnapshotArgs, UiError};

/// The frame as plain text: one line per row, trailing spaces trimmed.
pub fn buffer_to_text(buf: &Buffer) -> String {
    let mut out = String::with_capacity(buf.content.len() + buf.area.height as usize);
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(buf.area.x + x, buf.area.y + y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn sgr_color(out: &mut String, c: Color, background: bool) {
    let base = if background { 40 } else { 30 };
    let bright = if background { 100 } else { 90 };
    let _ = match c {
        Color::Reset => write!(out, ";{}", base + 9),
        Color::Black => write!(out, ";{base}"),
        Color::Red => write!(out, ";{}", base + 1),
        Color::Green => write!(out, ";{}", base + 2),
        Color::Yellow => write!(out, ";{}", base + 3),
        Color::Blue => write!(out, ";{}", base + 4),
        Color::Magenta => write!(out, ";{}", base + 5),
        Color::Cyan => write!(out, ";{}", base + 6),
        Color::Gray => write!(out, ";{}", base + 7),
        Color::DarkGray => write!(out, ";{bright}"),
        Color::LightRed => write!(out, ";{}", bright + 1),
        Color::LightGreen => write!(out, ";{}", bright + 2),
        Color::LightYellow => write!(out, ";{}", bright + 3),
        Color::LightBlue => write!(out, ";{}", bright + 4),
        Color::LightMagenta => write!(out, ";{}", bright + 5),
        Color::LightCyan => write!(out, ";{}", bright + 6),
        Color::White => write!(out, ";{}", bright + 7),
        Color::Indexed(i) => write!(out, ";{};5;{i}", base + 8),
        Color::Rgb(r, g, b) => write!(out, ";{};2;{r};{g};{b}", base + 8),
    };
}

/// The frame with ANSI SGR colour sequences; each line ends with a reset.
pub fn buffer_to_ansi(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut current = None;
        for x in 0..buf.area.width {
            let cell = &buf[(buf.area.x + x, buf.area.y + y)];
            let style = (cell.fg, cell.bg, cell.modifier);
            if current != Some(style) {
                out.push_str("\x1b[0");
                for (m, code) in [
                    (Modifier::BOLD, 1),
                    (Modifier::DIM, 2),
                    (Modifier::ITALIC, 3),
                    (Modifier::UNDERLINED, 4),
                    (Modifier::REVERSED, 7),
                ] {
                    if cell.modifier.contains(m) {
                        let _ = write!(out, ";{code}");
                    }
                }
                if cell.fg != Color::Reset {
                    sgr_color(&mut out, cell.fg, false);
                }
                if cell.bg != Color::Reset {
                    sgr_color(&mut out, cell.bg, true);
                }
                out.push('m');
                current = Some(style);
            }
            out.push_str(cell.symbol());
        }
        out.push_str("\x1b[0m\n");
    }
    out
}

/// Draws `model` into a `width` x `height` test terminal.
pub fn render(model: &Model, width: u16, height: u16) -> Result<Buffer, UiError> {
    let mut terminal =
        Terminal::new(TestBackend::new(width, height)).map_err(|e| UiError::Engine(e.to_string()))?;
    terminal.draw(|f| super::view(model, f)).map_err(|e| UiError::Engine(e.to_string()))?;
    Ok(terminal.backend().buffer().clone())
}

/// Runs the preset headless and returns the dashboard's frame as text.
pub fn snapshot(args: SnapshotArgs) -> Result<String, UiError> {
    if !(super::view::MIN_WIDTH / 2..=1000).contains(&args.width) || !(10..=500).contains(&args.height) {
        return Err(UiError::Usage(format!(
            "--size {}x{} is outside 40x10 to 1000x500 (the dashboard lays out fully from {}x{})",
            args.width,
            args.height,
            super::view::MIN_WIDTH,
            super::view::MIN_HEIGHT
        )));
    }
    let theme = super::load_theme(args.theme.as_deref())?;
    // Plain text cannot show colour: draw as the no-colour variant, whose
    // glyphs carry the meaning. With --ansi, the theme's colours.
    let mut model =
        Model::new(&args.preset.name, args.preset.preset.clone(), theme, args.ansi, MarkerChoice::Theme);
    model.preset_choices = super::preset_choices();
    model.theme_choices = super::theme_choices();
    update(&mut model, Msg::Tick(Duration::ZERO));
    super::engine_link::run_headless(&args.preset, args.sentences, &mut |u| {
        update(&mut model, Msg::Engine(u));
    })?;
    update(&mut model, Msg::Tick(Duration::ZERO));
    let buf = render(&model, args.width, args.height)?;
    Ok(if args.ansi { buffer_to_ansi(&buf) } else { buffer_to_text(&buf) })
}
