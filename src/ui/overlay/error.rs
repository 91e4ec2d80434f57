//! The error popup: a bad preset or theme, or an engine error. The app keeps
//! running; Enter or Esc dismisses the oldest error.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use crate::ui::model::Model;

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let Some(first) = model.errors.first() else { return };
    let more = model.errors.len() - 1;
    let width = 76u16.min(area.width.saturating_sub(2));
    let inner_w = width.saturating_sub(2).max(1) as usize;
    let body_lines: usize = first.lines().map(|l| l.chars().count().div_ceil(inner_w).max(1)).sum();
    let h = (body_lines as u16 + 4).min(area.height.saturating_sub(2));
    let rect = centered(area, width, h);
    let title = if more > 0 { format!(" Error ({more} more) ") } else { " Error ".to_string() };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(p.border_set)
        .border_style(p.error)
        .title(Span::styled(title, p.error))
        .title_bottom(Line::styled(" Enter/Esc dismiss, q quit ", p.muted));
    frame.render_widget(Clear, rect);
    let mut text: Vec<Line> = first.lines().map(|l| Line::styled(l.to_string(), p.text)).collect();
    text.push(Line::raw(""));
    frame.render_widget(Paragraph::new(text).block(block).wrap(Wrap { trim: false }), rect);
}
