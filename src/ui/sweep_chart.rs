//! The exponents chart of `sk-tui view` on a sweep directory: each finished
//! point's fitted data exponent (its Bayes learner) and model exponent (the
//! capped ladder), ± one standard error as vertical bars, against the axis
//! the sweep varies, with the theory's curves `1 - alpha` and `1/alpha - 1`;
//! under it, one row per run with the numbers. It grows as points finish.
//! The numbers are `record::exponents`', the same as `plot --pane exponents`.
//!
//! `x` switches between this chart and the runs' panes; a sweep view opens
//! on the chart.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Clear, Dataset, GraphType, Paragraph};

use super::model::Model;
use super::palette::Palette;
use super::panes::{LegendItem, chart_with_legend, fit_width, placeholder, plus_minus};
use super::plot::short;
use super::recorded::Recorded;
use crate::record::Record;
use crate::record::compare::{short_key, value_of};
use crate::record::exponents::{self, ALPHA, ExponentPoint};

/// What the view knows of the sweep it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepChart {
    /// The sweep directory's name.
    pub name: String,
    /// The axis the exponents are drawn against (`generator.alpha` when it
    /// varies); `None` when no numeric axis varies.
    pub key: Option<String>,
    /// The other axes that vary (their points share an x).
    pub others: Vec<String>,
    /// Points in the grid.
    pub points: usize,
    /// The chart is on screen (else the runs' panes are).
    pub shown: bool,
}

/// One run's row: its name, state and, once it has a checkpoint, its point.
struct Row {
    label: String,
    state: String,
    finished: bool,
    point: Option<ExponentPoint>,
}

fn rows(rec: &Recorded, key: &str) -> Vec<Row> {
    let mut rows: Vec<Row> = rec
        .runs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let h = r.header.as_ref()?;
            let x = value_of(h, key).unwrap_or(f64::NAN);
            Some(Row {
                label: rec.labels[i].clone(),
                state: r.state(),
                finished: matches!(r.end, Some(Record::Summary(_))),
                point: r.checkpoints.last().map(|c| exponents::exponent_point(x, c)),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        let x = |r: &Row| r.point.as_ref().map_or(f64::INFINITY, |p| p.x);
        x(a).total_cmp(&x(b))
    });
    rows
}

/// The finished points with an x, sorted by it: what the chart plots.
pub fn finished_points(rec: &Recorded, key: &str) -> Vec<ExponentPoint> {
    let mut pts: Vec<ExponentPoint> = rows(rec, key)
        .into_iter()
        .filter(|r| r.finished)
        .filter_map(|r| r.point)
        .filter(|p| p.x.is_finite())
        .collect();
    pts.sort_by(|a, b| a.x.total_cmp(&b.x));
    pts
}

/// A tick label: two decimals, or short form for large values.
fn tick(v: f64) -> String {
    if v.abs() >= 100.0 { short(v) } else { format!("{v:.2}") }
}

fn ticks(lo: f64, hi: f64, n: usize) -> Vec<Span<'static>> {
    let n = n.max(2);
    (0..n).map(|i| Span::raw(tick(lo + (hi - lo) * i as f64 / (n - 1) as f64))).collect()
}

/// The marker of a theory curve: the theme's line marker, or `.` (data)
/// and `:` (model) in ASCII.
fn theory_marker(p: &Palette, series: usize) -> Marker {
    match p.marker {
        Some(m) => m,
        None => Marker::Custom(if series == 0 { '.' } else { ':' }),
    }
}

fn theory_mark(p: &Palette, series: usize) -> String {
    match p.marker {
        Some(_) => "┄".into(),
        None => (if series == 0 { "." } else { ":" }).into(),
    }
}

fn bar_marker(p: &Palette) -> Marker {
    p.marker.unwrap_or(Marker::Custom('|'))
}

fn fit_text(fit: Option<(f64, f64)>, p: &Palette) -> String {
    match fit {
        Some((v, e)) if e.is_finite() => format!("{v:.3}{}{e:.3}", plus_minus(p)),
        Some((v, _)) => format!("{v:.3}"),
        None => "-".into(),
    }
}

/// Draws the chart over `area` (the panes' space).
pub fn render(frame: &mut Frame, area: Rect, model: &Model, rec: &Recorded, chart: &SweepChart) {
    let p = &model.palette;
    frame.render_widget(Clear, area);
    let finished = rec.runs.iter().filter(|r| matches!(r.end, Some(Record::Summary(_)))).count();
    let axis = chart.key.as_deref().map_or("-", short_key);
    let title = Line::from(vec![
        Span::styled(" Exponents", p.title),
        Span::styled(
            format!(" vs {axis} · sweep {} · {finished} of {} points finished ", chart.name, chart.points),
            p.muted,
        ),
    ]);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(p.border_set)
        .border_style(p.border_focus)
        .title(title)
        .title_bottom(Line::styled(" x: the runs' panes · r: runs list ", p.muted));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(key) = chart.key.as_deref() else {
        let text = "no numeric axis varies in this sweep: nothing to draw the exponents against";
        placeholder(frame.buffer_mut(), inner, text, p.muted);
        return;
    };
    let rows = rows(rec, key);
    // The table under the chart: as many runs as leave the chart 12 rows.
    let room = inner.height.saturating_sub(12) as usize;
    let table = table_lines(&rows, chart, p, inner.width as usize, room);
    let chart_area = Rect { height: inner.height - table.len() as u16, ..inner };
    if !table.is_empty() {
        let at = Rect { y: chart_area.bottom(), height: table.len() as u16, ..inner };
        frame.render_widget(Paragraph::new(table), at);
    }
    let points = finished_points(rec, key);
    if points.is_empty() {
        let text = format!("no point has finished yet (0 of {})", chart.points);
        placeholder(frame.buffer_mut(), chart_area, &text, p.muted);
        return;
    }
    draw_chart(frame, chart_area, model, key, &points);
}

fn draw_chart(frame: &mut Frame, area: Rect, model: &Model, key: &str, points: &[ExponentPoint]) {
    let p = &model.palette;
    let (x0, x1) = exponents::x_range(points);
    let ymax = exponents::y_max(points);
    let samples = (area.width as usize * 2).max(20);
    let (theory_data, theory_model) = exponents::theory_curves(key, points, (x0, x1), samples);
    let clip =
        |pts: Vec<(f64, f64)>| -> Vec<(f64, f64)> { pts.into_iter().filter(|q| q.1 <= ymax).collect() };
    let (theory_data, theory_model) = (clip(theory_data), clip(theory_model));
    let has_model = points.iter().any(|q| q.model.is_some());
    let fits: [Vec<(f64, f64, f64)>; 2] = [
        points.iter().filter_map(|q| exponents::with_error(q.x, q.data)).collect(),
        points.iter().filter_map(|q| exponents::with_error(q.x, q.model)).collect(),
    ];
    let series = if has_model { 2 } else { 1 };
    let what = ["data exponent", "model exponent"];
    let formula = ["1-alpha", "1/alpha-1"];
    let mut items = Vec::new();
    for s in 0..series {
        items.push(LegendItem {
            index: s,
            mark: p.series_glyph(s).to_string(),
            name: what[s].to_string(),
            value: match fits[s].len() {
                1 => "(1 fit)".to_string(),
                n => format!("({n} fits)"),
            },
        });
        items.push(LegendItem {
            index: s,
            mark: theory_mark(p, s),
            name: format!("theory {}", formula[s]),
            value: String::new(),
        });
    }
    let mut header = vec![
        ("fits at each run's end".to_string(), p.muted),
        ("data: its Bayes learner".to_string(), p.muted),
    ];
    if has_model {
        header.push(("model: its capped ladder".to_string(), p.muted));
    }
    header.push((format!("bars: {} 1 standard error", plus_minus(p)), p.muted));
    if key != ALPHA {
        header.push(("theory: at each point's alpha".to_string(), p.theory));
    }
    let (chart_area, legend) = chart_with_legend(area, model, &header, &items, usize::MAX);

    let bars: Vec<(usize, [(f64, f64); 2])> = (0..series)
        .flat_map(|s| {
            fits[s].iter().filter(|f| f.2 > 0.0).map(move |&(x, v, e)| (s, [(x, v - e), (x, v + e)]))
        })
        .collect();
    let dots: [Vec<(f64, f64)>; 2] =
        [fits[0].iter().map(|f| (f.0, f.1)).collect(), fits[1].iter().map(|f| (f.0, f.1)).collect()];
    let mut datasets = Vec::new();
    for (s, curve) in [&theory_data, &theory_model].into_iter().enumerate().take(series) {
        datasets.push(
            Dataset::default()
                .marker(theory_marker(p, s))
                .graph_type(GraphType::Line)
                .style(p.series_style(s))
                .data(curve),
        );
    }
    for (s, bar) in &bars {
        datasets.push(
            Dataset::default()
                .marker(bar_marker(p))
                .graph_type(GraphType::Line)
                .style(p.series_style(*s))
                .data(bar),
        );
    }
    for (s, d) in dots.iter().enumerate().take(series) {
        datasets.push(
            Dataset::default()
                .marker(Marker::Custom(p.series_glyph(s)))
                .graph_type(GraphType::Scatter)
                .style(p.series_style(s))
                .data(d),
        );
    }
    let x_title = if key == ALPHA {
        "alpha (discount; zipf s = 1/alpha)".to_string()
    } else {
        short_key(key).to_string()
    };
    let x_axis = Axis::default()
        .title(Span::styled(x_title, p.muted))
        .bounds([x0, x1])
        .labels(ticks(x0, x1, (chart_area.width as usize / 12).clamp(2, 6)))
        .style(p.muted);
    let y_axis = Axis::default()
        .title(Span::styled("exponent (log-log slope)", p.muted))
        .bounds([0.0, ymax])
        .labels(ticks(0.0, ymax, (chart_area.height as usize / 4).clamp(2, 5)))
        .style(p.muted);
    frame.render_widget(Chart::new(datasets).x_axis(x_axis).y_axis(y_axis).style(p.text), chart_area);
    if let Some((at, lines)) = legend {
        frame.render_widget(Paragraph::new(lines), at);
    }
}

/// The runs' numbers, a header and one row per run, in at most `room` lines.
fn table_lines(
    rows: &[Row],
    chart: &SweepChart,
    p: &Palette,
    width: usize,
    room: usize,
) -> Vec<Line<'static>> {
    if room < 2 || rows.is_empty() {
        return Vec::new();
    }
    let lw = rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(3).clamp(3, 28);
    let pm = plus_minus(p);
    let header = format!(
        "{:<lw$}  {:<9}  {:>12}  {:>7}  {:>12}  {:>9}",
        "run",
        "state",
        format!("data {pm} s.e."),
        "1-alpha",
        format!("model {pm} s.e."),
        "1/alpha-1"
    );
    let mut out = vec![Line::styled(fit_width(&header, width), p.muted)];
    let shown = if rows.len() < room { rows.len() } else { room - 2 };
    for r in &rows[..shown] {
        let (data, model, td, tm) = match &r.point {
            Some(q) => (
                fit_text(q.data, p),
                fit_text(q.model, p),
                format!("{:.3}", q.theory_data),
                format!("{:.3}", q.theory_model),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        let text = format!(
            "{:<lw$}  {:<9}  {data:>12}  {td:>7}  {model:>12}  {tm:>9}",
            fit_width(&r.label, lw),
            fit_width(&r.state, 9)
        );
        let style = if r.finished { p.text } else { p.muted };
        out.push(Line::styled(fit_width(&text, width), style));
    }
    if shown < rows.len() {
        let text = format!("... {} more runs: sk-tui sweep summary {}", rows.len() - shown, chart.name);
        out.push(Line::styled(fit_width(&text, width), p.muted));
    }
    out
}

/// The status bar's name of the sweep before its runs are read (the chart
/// is on screen: `x` leads to the runs' panes).
pub fn hint(chart: &SweepChart) -> String {
    let x = crate::ui::keys::label(crate::ui::keys::Action::SweepChart);
    format!("sweep {} · {x} panes", chart.name)
}
