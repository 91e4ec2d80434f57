//! The preset and theme pickers: a list of names with their origin, and the
//! selected entry's description. Choosing a preset restarts the engine with
//! it; choosing a theme redraws with it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use crate::ui::model::{Choice, Model};
use crate::ui::panes::fit_width;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    title: &str,
    choices: &[Choice],
    selected: usize,
) {
    let p = &model.palette;
    let desc_h = 4u16;
    let h = (choices.len() as u16 + desc_h + 3).min(area.height.saturating_sub(2));
    let rect = centered(area, 72, h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(p.border_set)
        .border_style(p.border_focus)
        .title(Span::styled(format!(" {title}: Enter choose, Esc close "), p.title));
    frame.render_widget(Clear, rect);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height < 2 {
        return;
    }
    let list_h = inner.height.saturating_sub(desc_h + 1).max(1) as usize;
    let top = if selected >= list_h { selected + 1 - list_h } else { 0 };
    let w = inner.width as usize;
    let name_w = 24.min(w / 2);
    let lines: Vec<Line> = choices
        .iter()
        .enumerate()
        .skip(top)
        .take(list_h)
        .map(|(i, c)| {
            let origin_w = w.saturating_sub(name_w + 3);
            let text = format!(
                " {:<name_w$} {:<origin_w$}",
                fit_width(&c.name, name_w),
                fit_width(&c.origin, origin_w)
            );
            Line::styled(text, if i == selected { p.selected } else { p.text })
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), Rect { height: list_h as u16, ..inner });
    let desc = choices.get(selected).map_or(String::new(), |c| c.description.clone());
    let d = Rect {
        y: inner.y + list_h as u16 + 1,
        height: inner.height.saturating_sub(list_h as u16 + 1),
        ..inner
    };
    frame.render_widget(Paragraph::new(Line::styled(desc, p.muted)).wrap(Wrap { trim: true }), d);
}
