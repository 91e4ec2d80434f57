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
    let border = if model.focus == pane { p.border_focus } else { p.border };
    Block::default()
        .borders(Borders::ALL)
        .border_set(p.border_set)
        .border_style(border)
        .title(pane_title(model, pane, detail))
}

/// A pane's title: its key, its name and what it shows.
pub fn pane_title(model: &Model, pane: Pane, detail: String) -> Line<'static> {
    let p = &model.palette;
    let focused = model.focus == pane;
    let mut title = vec![
        Span::styled(format!(" {} ", pane.index() + 1), if focused { p.border_focus } else { p.muted }),
        Span::styled(pane.title().to_string(), p.title),
    ];
    if !detail.is_empty() {
        title.push(Span::styled(format!(" · {detail}"), p.muted));
    }
    title.push(Span::raw(" "));
    Line::from(title)
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

/// An exponent with two decimals, `1` and `0.5` kept short.
pub fn format_exponent(v: f64) -> String {
    format!("{v:.2}")
}

/// The marker of theory lines and window marks.
pub fn line_marker(p: &Palette) -> ratatui::symbols::Marker {
    if p.marker.is_some() { p.series_marker(0) } else { ratatui::symbols::Marker::Custom('.') }
}

/// Two vertical segments at `from` and `to` (log10 of the window's ends on
/// a log axis): the fit window marked on the plot.
pub fn window_marks(from: f64, to: f64, y_bounds: [f64; 2]) -> Vec<Vec<(f64, f64)>> {
    [from, to]
        .iter()
        .filter(|x| **x > 0.0)
        .map(|x| vec![(x.log10(), y_bounds[0]), (x.log10(), y_bounds[1])])
        .collect()
}

/// A learner's legend name: with the share of the stream it trained on
/// when it dropped sentences (`nn-64 · 4%`).
pub fn legend_name(l: &crate::engine::LearnerPoint) -> String {
    match status::share_percent(l) {
        Some(pct) => format!("{} · {pct}", l.name),
        None => l.name.clone(),
    }
}

/// A legend entry: the learner's series index, its name and a value.
pub struct LegendItem {
    pub index: usize,
    /// The series' mark: its swatch (lines) or glyph (points).
    pub mark: String,
    pub name: String,
    pub value: String,
}

/// Splits a chart pane into the chart and its legend: a column beside the
/// chart (at most 30 cells) when the pane is wide, else rows under it with
/// the entries flowed across. Header lines (theory, fit window) come first.
/// `None` when not even the entries fit.
pub fn chart_with_legend<'a>(
    inner: Rect,
    model: &Model,
    header: &[(String, Style)],
    items: &[LegendItem],
    selected: usize,
) -> (Rect, Option<(Rect, Vec<Line<'a>>)>) {
    let p = &model.palette;
    let entry = |it: &LegendItem| -> Vec<Span<'a>> {
        let mut name_style = p.text;
        if it.index == selected {
            name_style = name_style
                .add_modifier(ratatui::style::Modifier::BOLD | ratatui::style::Modifier::UNDERLINED);
        }
        vec![
            Span::styled(format!("{} ", it.mark), p.series_style(it.index)),
            Span::styled(it.name.clone(), name_style),
            Span::styled(format!(" {}", it.value), p.text),
        ]
    };
    let rows = header.len() + items.len();
    if inner.width >= 70 && inner.height as usize >= rows + 3 {
        let w = 30.min(inner.width / 3);
        let [a, b] = ratatui::layout::Layout::horizontal([
            ratatui::layout::Constraint::Min(10),
            ratatui::layout::Constraint::Length(w),
        ])
        .areas(inner);
        let width = w.saturating_sub(1) as usize;
        let mut lines: Vec<Line> =
            header.iter().map(|(t, s)| Line::styled(fit_width(t, width), *s)).collect();
        for it in items {
            let name_w = width.saturating_sub(it.value.chars().count() + 3);
            let mut spans = entry(it);
            spans[1].content = format!("{:<name_w$}", fit_width(&it.name, name_w)).into();
            lines.push(Line::from(spans));
        }
        let legend = Rect { x: b.x + 1, width: b.width.saturating_sub(1), ..b };
        return (a, Some((legend, lines)));
    }
    // Rows under the chart: entries flowed across the width.
    let width = inner.width as usize;
    let mut lines: Vec<Line> = header.iter().map(|(t, s)| Line::styled(fit_width(t, width), *s)).collect();
    let mut current: Vec<Span> = Vec::new();
    let mut used = 0;
    for it in items {
        let spans = entry(it);
        let w: usize = spans.iter().map(|s| s.content.chars().count()).sum::<usize>() + 2;
        if used > 0 && used + w > width {
            lines.push(Line::from(std::mem::take(&mut current)));
            used = 0;
        }
        if used > 0 {
            current.push(Span::raw("  "));
        }
        current.extend(spans);
        used += w;
    }
    if !current.is_empty() {
        lines.push(Line::from(current));
    }
    let legend_h = lines.len() as u16;
    if inner.height < legend_h + 5 {
        return (inner, None);
    }
    let chart = Rect { height: inner.height - legend_h, ..inner };
    let legend = Rect { y: inner.y + chart.height, height: legend_h, ..inner };
    (chart, Some((legend, lines)))
}

/// A log–log chart of `datasets` on the two axes (values already in log10),
/// without titles: [`render_log_log_chart`] puts them outside the plot.
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

/// Draws the log–log chart of `datasets` with its axes titled by quantity
/// and unit, the titles outside the plot so they never hide a point: the y
/// title on a row of its own above the plot (over the y labels), the x title
/// over the right end of the x axis line (where nothing is plotted).
/// ratatui would write them inside the plot (its top and bottom rows),
/// over the points there.
pub fn render_log_log_chart<'a>(
    frame: &mut ratatui::Frame,
    area: Rect,
    datasets: Vec<ratatui::widgets::Dataset<'a>>,
    (x, y): (super::plot::LogAxis, super::plot::LogAxis),
    p: &Palette,
    (x_title, y_title): (&str, &str),
) {
    if area.height < 5 {
        frame.render_widget(log_log_chart(datasets, x, y, p), area);
        return;
    }
    let chart = Rect { y: area.y + 1, height: area.height - 1, ..area };
    frame.render_widget(log_log_chart(datasets, x, y, p), chart);
    let buf = frame.buffer_mut();
    buf.set_stringn(area.x, area.y, y_title, area.width as usize, p.muted);
    // The axis line is the row above the x labels, the chart's last.
    let title = format!(" {x_title} ");
    let w = title.chars().count() as u16;
    if w + 10 <= area.width {
        buf.set_stringn(area.right() - w - 1, chart.bottom() - 2, &title, w as usize, p.muted);
    }
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

/// `text` in lines of at most `width` characters, broken at spaces (a word
/// longer than a line, such as a path, is broken where the line ends).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        let used = line.chars().count();
        if used > 0 && used + 1 + word.len() <= width {
            line.push(' ');
        } else if used > 0 {
            out.push(std::mem::take(&mut line));
        }
        while line.is_empty() && word.len() > width {
            out.push(word.drain(..width).collect());
        }
        line.extend(word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// Truncates to `w` characters, marking the cut with `~`.
pub fn fit_width(s: &str, w: usize) -> String {
    cut_with(s, w, '~')
}

/// Truncates to `w` characters, the last one `mark` when it cuts.
pub fn cut_with(s: &str, w: usize, mark: char) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else if w == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(w - 1).collect();
        t.push(mark);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::fixture;

    #[test]
    fn wrap_breaks_at_spaces_and_long_words_at_the_width() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("go /a/long/path?", 6), ["go", "/a/lon", "g/path", "?"]);
        assert_eq!(wrap("", 5), [""]);
        assert!(wrap("Restart with the preset kaplan?", 12).iter().all(|l| l.chars().count() <= 12));
        // Rows, as the parameters pane counts its footer's: abc / def / g x.
        assert_eq!(wrap("aaa bbb", 7).len(), 1);
        assert_eq!(wrap("aaa bbb", 6).len(), 2);
        assert_eq!(wrap("aaa bbb cc", 7).len(), 2);
        assert_eq!(wrap("abcdefg x", 3).len(), 3);
        assert_eq!(wrap("x abcdefg", 3).len(), 4);
    }
    use crate::ui::plot::LogAxis;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::widgets::{Dataset, GraphType};

    /// Points in the corners where ratatui writes the axis titles (top-left
    /// for y, bottom-right for x) are still drawn.
    #[test]
    fn axis_titles_never_hide_a_point() {
        let m = fixture::model("default", 1_000_000, "dark", true);
        let p = &m.palette;
        let axis = || LogAxis { bounds: [0.0, 4.0], labels: vec!["1".into(), "1e4".into()] };
        const TOP_LEFT: [(f64, f64); 1] = [(0.0, 4.0)];
        const BOTTOM_RIGHT: [(f64, f64); 1] = [(4.0, 0.0)];
        let mut t = Terminal::new(TestBackend::new(40, 12)).unwrap();
        t.draw(|f| {
            let dot = |d: &'static [(f64, f64)], glyph| {
                Dataset::default()
                    .marker(ratatui::symbols::Marker::Custom(glyph))
                    .graph_type(GraphType::Scatter)
                    .data(d)
            };
            let points = vec![dot(&TOP_LEFT, '#'), dot(&BOTTOM_RIGHT, '@')];
            render_log_log_chart(
                f,
                f.area(),
                points,
                (axis(), axis()),
                p,
                ("knowledge bits", "bits/sentence"),
            );
        })
        .unwrap();
        let text = crate::ui::buffer_to_text(t.backend().buffer());
        assert!(text.contains('#') && text.contains('@'), "{text}");
        assert!(text.contains("ts/sentence") && text.contains("knowledge bit"), "the titles stay:\n{text}");
    }
}
