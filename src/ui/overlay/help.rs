//! The help overlay: every binding of the key table, by scope (`sk-tui
//! view`'s own keys among them), and the mouse. Generated, so it cannot drift from the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::ui::keys::{KEYS, Scope};
use crate::ui::model::Model;

/// The help text, one line per binding under a heading per scope.
pub fn lines(model: &Model) -> Vec<Line<'static>> {
    let p = &model.palette;
    let mut out = Vec::new();
    for scope in Scope::ALL {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(scope.title(), p.title));
        for b in KEYS.iter().filter(|b| b.scope == scope) {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<12}", b.label), p.key),
                Span::styled(b.help, p.text),
            ]));
        }
    }
    out.push(Line::raw(""));
    let state = if model.mouse { "on; --no-mouse turns it off" } else { "off (--no-mouse)" };
    out.push(Line::styled(format!("Mouse ({state})"), p.title));
    for (what, does) in MOUSE {
        out.push(Line::from(vec![Span::styled(format!("  {what:<12}"), p.key), Span::styled(does, p.text)]));
    }
    out
}

/// The help box's width, borders included: it fits an 80-column terminal.
const WIDTH: u16 = 72;

/// What the mouse does, for help.
pub const MOUSE: [(&str, &str); 3] = [
    ("click", "focus the pane; in the parameters, select the field"),
    ("wheel", "scroll help, move in pickers and the parameters"),
    ("Shift-drag", "select text (most terminals), even with the mouse on"),
];

pub fn render(frame: &mut Frame, area: Rect, model: &Model, scroll: u16) {
    let p = &model.palette;
    let text = lines(model);
    let h = (text.len() as u16 + 2).min(area.height.saturating_sub(2));
    let rect = centered(area, WIDTH, h);
    let title = " Help: Up/Down, PgUp/PgDn, g/G scroll; Esc close ";
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(p.border_set)
        .border_style(p.border_focus)
        .title(Span::styled(title, p.title));
    frame.render_widget(Clear, rect);
    let max_scroll = (text.len() as u16).saturating_sub(h.saturating_sub(2));
    frame.render_widget(
        Paragraph::new(text).block(block).style(p.text).scroll((scroll.min(max_scroll), 0)),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::fixture;

    /// No line of help is cut off by the box's borders.
    #[test]
    fn every_line_fits_inside_the_box() {
        let model = fixture::model("default", 1000, "dark", true);
        for line in lines(&model) {
            assert!(line.width() <= (WIDTH - 2) as usize, "cut off: {line}");
        }
    }
}
