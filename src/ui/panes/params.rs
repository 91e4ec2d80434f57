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

use super::{fit_width, pane_block, wrap};
use crate::ui::fields::{self, FIELDS};
use crate::ui::model::{Model, Pane};

/// The footer's height inside a pane whose inside is `inner`: two rows
/// from 8 rows up, one below, or as many as `status` needs to be read
/// whole, leaving at least two rows of fields.
fn footer_height(inner: Rect, status: &[Line]) -> u16 {
    let base = if inner.height >= 8 { 2 } else { 1 };
    let needed: usize = status.iter().map(|l| wrapped_rows(l, inner.width as usize)).sum();
    let room = inner.height.saturating_sub(2).max(base);
    (needed as u16).clamp(base, room)
}

/// Rows `line` takes when wrapped to `width` columns (as the footer's
/// `Paragraph` wraps it: at spaces, a word longer than a row split).
fn wrapped_rows(line: &Line, width: usize) -> usize {
    wrap(&line.to_string(), width).len()
}

/// The rows of the field list inside the pane's `inner` area, and the first
/// field shown (the selection stays in view): what is left above the
/// footer the model's status needs.
pub fn list_layout(inner: Rect, model: &Model) -> (Rect, usize) {
    layout(inner, model.params.selected, &status(model, &model.params.problems()))
}

/// `list_layout` with the footer's `status` lines.
fn layout(inner: Rect, selected: usize, status: &[Line]) -> (Rect, usize) {
    let list_h = inner.height.saturating_sub(footer_height(inner, status)) as usize;
    let top = if selected >= list_h { selected + 1 - list_h } else { 0 };
    (Rect { height: list_h as u16, ..inner }, top)
}

/// The footer's message lines: a refusal first (it answers the key just
/// pressed), then the selected field's problem, or the pane's message, or
/// the count of `problems` elsewhere.
fn status(model: &Model, problems: &[(&'static str, String)]) -> Vec<Line<'static>> {
    let (p, e) = (&model.palette, &model.params);
    let selected_key = FIELDS[e.selected].key;
    let mut status = Vec::new();
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
    status
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
    let problems = e.problems();
    let status = status(model, &problems);
    let (list, top) = layout(inner, e.selected, &status);
    if let Some(note) = more_fields(top, list.height as usize) {
        block = block.title_bottom(Line::styled(note, p.muted).right_aligned());
    }
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let focused = model.focus == Pane::Params;
    let selected_key = FIELDS[e.selected].key;
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
    // The status lines whole, as they wrap; the hints on the last row when
    // a row is left.
    let footer_h = inner.height - list.height;
    let rows = footer_h as usize;
    let (mut footer, mut used) = (Vec::new(), 0);
    for line in status {
        let r = wrapped_rows(&line, inner.width as usize);
        if used + r > rows && !footer.is_empty() {
            break;
        }
        used += r;
        footer.push(line);
    }
    if used < rows {
        footer.extend((used + 1..rows).map(|_| Line::raw("")));
        footer.push(hints);
    }
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
