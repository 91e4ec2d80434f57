//! The preset and theme pickers: a list of names with their origin, and the
//! selected entry's description. `/` filters the list by name or
//! description. Choosing a preset restarts the engine with it; choosing a
//! theme redraws with it (`s` also saves it as the default).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use crate::ui::model::{Model, Overlay};
use crate::ui::panes::fit_width;

/// Lines under the list for the selected entry's description.
const DESCRIPTION_ROWS: u16 = 4;

/// The picker's rectangle in `area` for `entries` entries.
pub fn area_for(area: Rect, entries: usize) -> Rect {
    let h = (entries as u16 + DESCRIPTION_ROWS + 4).min(area.height.saturating_sub(2));
    centered(area, 72, h)
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, title: &str, selected: usize) {
    let p = &model.palette;
    let all = match model.overlay {
        Some(Overlay::Themes { .. }) => model.theme_choices.len(),
        _ => model.preset_choices.len(),
    };
    let choices = model.visible_choices();
    // Sized for the whole list, so the box does not jump while filtering.
    let rect = area_for(area, all);
    let save = if title == "Themes" { ", s save" } else { "" };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(p.border_set)
        .border_style(p.border_focus)
        .title(Span::styled(format!(" {title}: Enter choose{save}, / filter, Esc close "), p.title));
    frame.render_widget(Clear, rect);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height < 3 {
        return;
    }
    let filter_line = match (&model.filter, model.filtering) {
        (Some(f), true) => Line::from(vec![Span::styled("/", p.key), Span::styled(format!("{f}_"), p.text)]),
        (Some(f), false) if !f.is_empty() => Line::from(vec![
            Span::styled(format!("/{f}"), p.text),
            Span::styled(format!("  {} of {all}", choices.len()), p.muted),
        ]),
        _ => Line::styled(format!("{all} entries; / to filter"), p.muted),
    };
    frame.render_widget(Paragraph::new(filter_line), Rect { height: 1, ..inner });
    let list = Rect { y: inner.y + 1, height: inner.height - 1, ..inner };
    let list_h = list.height.saturating_sub(DESCRIPTION_ROWS + 1).max(1) as usize;
    let top = if selected >= list_h { selected + 1 - list_h } else { 0 };
    let w = list.width as usize;
    let name_w = 24.min(w / 2);
    let mut lines: Vec<Line> = choices
        .iter()
        .enumerate()
        .skip(top)
        .take(list_h)
        .map(|(i, (_, c))| {
            let origin_w = w.saturating_sub(name_w + 3);
            let text = format!(
                " {:<name_w$} {:<origin_w$}",
                fit_width(&c.name, name_w),
                fit_width(&c.origin, origin_w)
            );
            Line::styled(text, if i == selected { p.selected } else { p.text })
        })
        .collect();
    if choices.is_empty() {
        lines.push(Line::styled(" nothing matches the filter (Ctrl-U clears it)", p.muted));
    }
    frame.render_widget(Paragraph::new(lines), Rect { height: list_h as u16, ..list });
    let desc = choices.get(selected).map_or(String::new(), |(_, c)| c.description.clone());
    let d =
        Rect { y: list.y + list_h as u16 + 1, height: list.height.saturating_sub(list_h as u16 + 1), ..list };
    frame.render_widget(Paragraph::new(Line::styled(desc, p.muted)).wrap(Wrap { trim: true }), d);
}
