//! Pane 4, the generator parameters: every key of `[generator]` with its
//! value and valid range. Edited values are marked; invalid ones are shown
//! with the reason `GeneratorParams::check` gives, and are never applied.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{fit_width, pane_block};
use crate::ui::fields::{self, FIELDS};
use crate::ui::model::{Model, Pane};

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let e = &model.params;
    let detail = if e.edited() { "edited, not applied".to_string() } else { "running".to_string() };
    let block = pane_block(model, Pane::Params, detail);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let problems = e.problems();
    let focused = model.focus == Pane::Params;
    // The footer: the selected field's problem, or the pane's message, or hints.
    let selected_key = FIELDS[e.selected].key;
    let status: Option<Line> = if let Some((_, why)) = problems.iter().find(|(k, _)| *k == selected_key) {
        Some(Line::styled(why.clone(), p.error))
    } else if let Some(m) = &e.message {
        Some(Line::styled(m.clone(), if m.starts_with("not") { p.error } else { p.good }))
    } else if !problems.is_empty() {
        Some(Line::styled(format!("{} invalid: {}", problems.len(), problems[0].0), p.error))
    } else {
        None
    };
    let hints = Line::from(vec![
        Span::styled(format!("{selected_key} in {}  ", FIELDS[e.selected].range), p.muted),
        Span::styled("a", p.key),
        Span::styled(" apply ", p.muted),
        Span::styled("f", p.key),
        Span::styled(" fine-tune", p.muted),
    ]);
    let footer: Vec<Line> = match (status, inner.height >= 8) {
        (Some(s), true) => vec![s, hints],
        (Some(s), false) => vec![s],
        (None, true) => vec![Line::raw(""), hints],
        (None, false) => vec![hints],
    };
    let footer_h: u16 = if inner.height >= 8 { 2 } else { 1 };
    let list_h = inner.height.saturating_sub(footer_h) as usize;
    let top = if e.selected >= list_h { e.selected + 1 - list_h } else { 0 };
    let w = inner.width as usize;
    let show_range = w >= 44;
    let value_w = 12.min(w / 3);
    let range_w = if show_range { 15 } else { 0 };
    let key_w = w.saturating_sub(value_w + range_w + 3);
    let mut lines = Vec::with_capacity(list_h);
    for (i, f) in FIELDS.iter().enumerate().skip(top).take(list_h) {
        let invalid = problems.iter().any(|(k, _)| *k == f.key);
        let edited = fields::get(&e.draft, f.key) != fields::get(&e.running, f.key);
        let selected = i == e.selected;
        let mark = if invalid {
            "!"
        } else if edited {
            "*"
        } else {
            " "
        };
        let value = match (&e.input, selected) {
            (Some(text), true) => format!("{text}_"),
            _ => fields::get(&e.draft, f.key),
        };
        let mut value_style = if invalid {
            p.error
        } else if edited {
            p.warn
        } else {
            p.text
        };
        let mut key_style = p.text;
        if selected && focused {
            key_style = p.selected;
            value_style = value_style.add_modifier(Modifier::UNDERLINED);
        } else if selected {
            key_style = key_style.add_modifier(Modifier::BOLD);
        }
        let mut spans = vec![
            Span::styled(mark, if invalid { p.error } else { p.warn }),
            Span::styled(format!("{:<key_w$}", fit_width(f.key, key_w)), key_style),
            Span::raw(" "),
            Span::styled(format!("{:>value_w$}", fit_width(&value, value_w)), value_style),
        ];
        if show_range {
            spans.push(Span::styled(format!(" {:<range_w$}", fit_width(f.range, range_w)), p.muted));
        }
        lines.push(Line::from(spans));
    }
    let list = Rect { height: list_h as u16, ..inner };
    frame.render_widget(Paragraph::new(lines), list);
    let foot = Rect { y: inner.y + list_h as u16, height: footer_h, ..inner };
    frame.render_widget(Paragraph::new(footer).wrap(Wrap { trim: true }), foot);
}
