//! One file per pane; each draws itself from the `Model` into a `Rect`.

pub mod data_scaling;
pub mod heatmap;
pub mod model_scaling;
pub mod params;
pub mod samples;
pub mod status;

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::model::{Model, Pane};
use super::palette::Palette;

/// The bordered block of a pane: number, title, detail, and the focus colour.
pub fn pane_block<'a>(model: &Model, pane: Pane, detail: String) -> Block<'a> {
    let p = &model.palette;
    let focused = model.focus == pane;
    let border = if focused { p.border_focus } else { p.border };
    let mut title = vec![
        Span::styled(format!(" {} ", pane.index() + 1), if focused { p.border_focus } else { p.muted }),
        Span::styled(pane.title().to_string(), p.title),
    ];
    if !detail.is_empty() {
        title.push(Span::styled(format!(" · {detail}"), p.muted));
    }
    title.push(Span::raw(" "));
    Block::default()
        .borders(Borders::ALL)
        .border_set(p.border_set)
        .border_style(border)
        .title(Line::from(title))
}

/// `±` or, in an ASCII theme, `+-`.
pub fn plus_minus(p: &Palette) -> &'static str {
    if p.ascii { "+-" } else { "±" }
}

/// A fitted exponent as `0.44±0.01` (`-` when there is none).
pub fn format_fit(fit: Option<crate::engine::ExponentFit>, p: &Palette) -> String {
    match fit {
        Some(f) if f.stderr.is_finite() => format!("{:.2}{}{:.2}", f.value, plus_minus(p), f.stderr),
        Some(f) => format!("{:.2}", f.value),
        None => "-".into(),
    }
}

/// Splits a chart pane into the chart and, when there is room for `rows`
/// legend lines beside it, a legend column of at most 30 cells.
pub fn chart_and_legend(inner: Rect, rows: usize) -> (Rect, Option<Rect>) {
    if inner.width >= 70 && inner.height as usize >= rows + 3 {
        let w = 30.min(inner.width / 3);
        let [a, b] = ratatui::layout::Layout::horizontal([
            ratatui::layout::Constraint::Min(10),
            ratatui::layout::Constraint::Length(w),
        ])
        .areas(inner);
        (a, Some(b))
    } else {
        (inner, None)
    }
}

/// A legend row: the series mark, the learner's name (bold and underlined
/// when selected) and a right-hand value, fitted to `width`.
pub fn legend_row<'a>(
    p: &Palette,
    i: usize,
    selected: bool,
    mark: String,
    name: &str,
    value: &str,
    width: usize,
) -> Line<'a> {
    let name_w = width.saturating_sub(value.chars().count() + 3);
    let mut name_style = p.text;
    if selected {
        name_style =
            name_style.add_modifier(ratatui::style::Modifier::BOLD | ratatui::style::Modifier::UNDERLINED);
    }
    Line::from(vec![
        Span::styled(format!("{mark} "), p.series_style(i)),
        Span::styled(format!("{:<name_w$}", fit_width(name, name_w)), name_style),
        Span::styled(format!(" {value}"), p.text),
    ])
}

/// A log–log chart of `datasets` on the two axes (values already in log10).
pub fn log_log_chart<'a>(
    datasets: Vec<ratatui::widgets::Dataset<'a>>,
    x: super::plot::LogAxis,
    y: super::plot::LogAxis,
    p: &Palette,
) -> ratatui::widgets::Chart<'a> {
    use ratatui::widgets::{Axis, Chart};
    let axis = |a: super::plot::LogAxis| {
        Axis::default()
            .bounds(a.bounds)
            .labels(a.labels.into_iter().map(Span::from).collect::<Vec<_>>())
            .style(p.muted)
    };
    Chart::new(datasets).x_axis(axis(x)).y_axis(axis(y)).style(p.text)
}

/// A message centred in `area` (an empty pane says why it is empty).
pub fn placeholder(buf: &mut ratatui::buffer::Buffer, area: Rect, text: &str, style: Style) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let w = (text.chars().count() as u16).min(area.width);
    let x = area.x + (area.width - w) / 2;
    let y = area.y + area.height / 2;
    buf.set_stringn(x, y, text, w as usize, style);
}

/// The index of the learner the theory lines anchor on: the first Bayes learner.
pub fn bayes_index(c: &crate::engine::Checkpoint) -> Option<usize> {
    c.learners.iter().position(|l| l.kind == "bayes")
}

/// Truncates to `w` characters, marking the cut with `~`.
pub fn fit_width(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else if w == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(w - 1).collect();
        t.push('~');
        t
    }
}
