//! Pane 4, the generator parameters: every key of `[generator]` with its
//! value and valid range. Edited values are marked; invalid ones are shown
//! with the reason `GeneratorParams::check` gives, and are never applied.
//! When not every field fits, the bottom border says which are shown and
//! how many more there are; the list scrolls with the selection.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{fit_width, pane_block};
use crate::ui::fields::{self, FIELDS};
use crate::ui::model::{Model, Pane};

/// The footer's height for a pane whose inside is `inner_h` rows.
fn footer_height(inner_h: u16) -> u16 {
    if inner_h >= 8 { 2 } else { 1 }
}

/// The rows of the field list inside the pane's `inner` area, and the first
/// field shown when `selected` is selected (the selection stays in view).
pub fn list_layout(inner: Rect, selected: usize) -> (Rect, usize) {
    let list_h = inner.height.saturating_sub(footer_height(inner.height)) as usize;
    let top = if selected >= list_h { selected + 1 - list_h } else { 0 };
    (Rect { height: list_h as u16, ..inner }, top)
}

/// The bottom border's note when not every field fits: which are shown and
/// how many more there are above and below.
pub fn more_fields(top: usize, shown: usize) -> Option<String> {
    let n = FIELDS.len();
    let shown = shown.min(n - top);
    if shown >= n {
        return None;
    }
    let below = n - top - shown;
    let mut out = format!(" fields {}-{} of {n}", top + 1, top + shown);
    if top > 0 {
        out.push_str(&format!(", ↑ {top} more"));
    }
    if below > 0 {
        out.push_str(&format!(", ↓ {below} more"));
    }
    out.push(' ');
    Some(out)
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let e = &model.params;
    let detail = if e.edited() { "edited, not applied" } else { model.state_name() };
    let mut block = pane_block(model, Pane::Params, detail.to_string());
    let inner = block.inner(area);
    let (list, top) = list_layout(inner, e.selected);
    if let Some(note) = more_fields(top, list.height as usize) {
        block = block.title_bottom(Line::styled(note, p.muted).right_aligned());
    }
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let problems = e.problems();
    let focused = model.focus == Pane::Params;
    // The footer: a refusal first (it answers the key just pressed), then the
    // selected field's problem, or the pane's message, or hints.
    let selected_key = FIELDS[e.selected].key;
    let mut status: Vec<Line> = Vec::new();
    let refused = e.message.as_deref().filter(|m| m.starts_with("not"));
    if let Some(m) = refused {
        status.push(Line::styled(m.to_string(), p.error));
    }
    if let Some((_, why)) = problems.iter().find(|(k, _)| *k == selected_key) {
        status.push(Line::styled(why.clone(), p.error));
    } else if let (Some(m), None) = (&e.message, refused) {
        status.push(Line::styled(m.clone(), p.good));
    } else if !problems.is_empty() && refused.is_none() {
        status.push(Line::styled(format!("{} invalid: {}", problems.len(), problems[0].0), p.error));
    }
    // The hints that fit on the line, a key never without its word.
    let mut hints = vec![
        vec![Span::styled(format!("{selected_key} in {}  ", fields::range(&FIELDS[e.selected])), p.muted)],
        vec![Span::styled("a", p.key), Span::styled(" apply ", p.muted)],
        vec![Span::styled("f", p.key), Span::styled(" fine-tune", p.muted)],
    ];
    let width = |h: &[Vec<Span>]| h.iter().flatten().map(Span::width).sum::<usize>();
    while hints.len() > 1 && width(&hints) > inner.width as usize {
        hints.pop();
    }
    let hints = Line::from(hints.concat());
    let rows = footer_height(inner.height) as usize;
    let mut footer: Vec<Line> = status.into_iter().take(rows).collect();
    if footer.len() < rows {
        while footer.len() + 1 < rows {
            footer.push(Line::raw(""));
        }
        footer.push(hints);
    }
    let footer_h = footer_height(inner.height);
    let list_h = list.height as usize;
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
            spans
                .push(Span::styled(format!(" {:<range_w$}", fit_width(&fields::range(f), range_w)), p.muted));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), list);
    let foot = Rect { y: inner.y + list_h as u16, height: footer_h, ..inner };
    frame.render_widget(Paragraph::new(footer).wrap(Wrap { trim: true }), foot);
}
