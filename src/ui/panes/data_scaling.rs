//! Pane 1, data scaling: a log–log plot of one quantity (`y` chooses the
//! fact, identity or syntax part per sentence, the excess or the loss per
//! token) against the sentences each learner has seen, one series per
//! learner. The legend's exponents are least-squares fits of exactly the
//! plotted series over a window marked on the plot; where the expectation
//! is exact (the Bayes fact part on a zipf stream) the exact expected curve
//! is drawn, and its local exponent over the same window stands beside the
//! measured one and the asymptote.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Dataset, GraphType, Paragraph};

use super::{
    LegendItem, chart_with_legend, fit_width, format_exponent, format_fit, line_marker, pane_block,
    placeholder, plus_minus, render_log_log_chart, window_marks,
};
use crate::engine::fits::data_exponent;
use crate::engine::{Checkpoint, ExponentFit, LearnerPoint};
use crate::sk::fit::fit_power_law;
use crate::ui::model::{DataY, Model, Pane};
use crate::ui::plot::{downsample, log_axis, short, to_log};

/// The plotted quantity of one learner at one checkpoint.
pub fn quantity(l: &LearnerPoint, y: DataY) -> f64 {
    match y {
        DataY::Excess => l.excess_bits_per_token,
        DataY::Loss => l.loss_bits_per_token,
        DataY::Syntax => l.excess_by_part.syntax,
        DataY::Identity => l.excess_by_part.identity,
        DataY::Fact => l.excess_by_part.fact,
    }
}

/// Whether a point's window is long enough to enter a fit: at least a
/// tenth of its `n` (the engine's rule; the last checkpoint of a phase can
/// close a tiny window).
pub fn fit_eligible(l: &LearnerPoint) -> bool {
    l.window_sentences > 0 && l.window_sentences * 10 >= l.sentences_seen
}

/// Learner `i`'s series in the current phase: `(sentences seen, quantity, eligible for the fit)`.
pub fn series(model: &Model, i: usize, y: DataY) -> Vec<(f64, f64, bool)> {
    let phase = model.latest().map_or(0, |c| c.phase);
    model
        .history
        .iter()
        .filter(|c| c.phase == phase)
        .filter_map(|c| c.learners.get(i))
        .map(|l| (l.sentences_seen as f64, quantity(l, y), fit_eligible(l)))
        .collect()
}

/// The fit the legend shows: the plotted series' eligible points over the
/// last 1.5 decades of `n` (`engine::fits::data_exponent`).
pub fn plotted_fit(series: &[(f64, f64, bool)]) -> Option<ExponentFit> {
    let points: Vec<(f64, f64)> = series.iter().filter(|p| p.2).map(|p| (p.0, p.1)).collect();
    data_exponent(&points)
}

/// The exact expected curve of the quantity, where it is known: the Bayes
/// fact part's window means, `(n, expectation)` in the current phase.
pub fn exact_series(model: &Model, y: DataY) -> Vec<(f64, f64)> {
    let phase = model.latest().map_or(0, |c| c.phase);
    model
        .history
        .iter()
        .filter(|c| c.phase == phase)
        .filter_map(|c| match y {
            DataY::Fact => Some((c.sentences as f64, c.theory.expected_fact_excess?)),
            DataY::Syntax => Some((c.sentences as f64, c.theory.expected_syntax_excess)),
            _ => None,
        })
        .collect()
}

/// The local exponent of the exact curve over a fit's window.
pub fn exact_exponent(exact: &[(f64, f64)], window: &ExponentFit) -> Option<f64> {
    let inside = exact.iter().copied().filter(|&(n, _)| n >= window.from && n <= window.to);
    fit_power_law(inside).map(|f| -f.slope)
}

/// The asymptotic exponent of the quantity and its formula, if the theory gives one.
fn limit(c: &Checkpoint, y: DataY) -> Option<(f64, &'static str)> {
    match y {
        DataY::Fact | DataY::Identity | DataY::Excess => Some((c.theory.data_exponent, "1-alpha")),
        DataY::Syntax => Some((1.0, "d/(2n ln2)")),
        DataY::Loss => None,
    }
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let y = model.data_y;
    let block = pane_block(model, Pane::DataScaling, format!("{} vs sentences seen", y.label()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(latest) = model.latest() else {
        placeholder(frame.buffer_mut(), inner, "waiting for the first checkpoint", p.muted);
        return;
    };
    let learners = latest.learners.len();
    let sel = model.selected_learner.min(learners.saturating_sub(1));
    let raw: Vec<Vec<(f64, f64, bool)>> = (0..learners).map(|i| series(model, i, y)).collect();
    let fits: Vec<Option<ExponentFit>> = raw.iter().map(|s| plotted_fit(s)).collect();
    let exact = exact_series(model, y);

    let items: Vec<LegendItem> = latest
        .learners
        .iter()
        .enumerate()
        .map(|(i, l)| LegendItem {
            index: i,
            mark: p.series_swatch(i).to_string(),
            name: super::legend_name(l),
            value: format_fit(fits[i], p),
        })
        .collect();
    let selected_fit = fits.get(sel).copied().flatten();
    let mut header = Vec::new();
    let mut theory_text = String::new();
    if let Some(f) = selected_fit
        && let Some(e) = exact_exponent(&exact, &f)
    {
        theory_text.push_str(&format!("exponent exact {e:.2} · "));
    }
    match limit(latest, y) {
        Some((v, formula)) => {
            let name = if theory_text.is_empty() { "exponent limit" } else { "limit" };
            theory_text.push_str(&format!("{name} {} ({formula})", format_exponent(v)))
        }
        None => theory_text.push_str("no theory line"),
    }
    header.push((theory_text, p.theory));
    let why_no_fit = match selected_fit {
        Some(f) => {
            format!("exponents{}s.e., fit to plotted {}..{}", plus_minus(p), short(f.from), short(f.to))
        }
        None => "fit - : needs 4 points over 1.5 decades".into(),
    };
    header.push((why_no_fit, p.muted));
    let (chart_area, legend) = chart_with_legend(inner, model, &header, &items, sel);

    let mut series: Vec<Vec<(f64, f64)>> =
        raw.iter().map(|s| to_log(s.iter().map(|&(n, v, _)| (n, v)))).collect();
    let exact_points = to_log(exact.iter().copied());
    let x_axis = log_axis(series.iter().flatten().map(|p| p.0), (chart_area.width as usize / 8).clamp(2, 10));
    let ys = series.iter().flatten().map(|p| p.1).chain(exact_points.iter().map(|p| p.1));
    let y_axis = log_axis(ys, (chart_area.height as usize / 3).clamp(2, 6));
    let buckets = (chart_area.width as usize).max(8);
    for s in &mut series {
        *s = downsample(s, x_axis.bounds[0], x_axis.bounds[1], buckets);
    }
    let marks = selected_fit.map(|f| window_marks(f.from, f.to, y_axis.bounds)).unwrap_or_default();

    let mut datasets = Vec::new();
    for m in &marks {
        datasets.push(
            Dataset::default().marker(line_marker(p)).graph_type(GraphType::Line).style(p.muted).data(m),
        );
    }
    if exact_points.len() >= 2 {
        datasets.push(
            Dataset::default()
                .marker(line_marker(p))
                .graph_type(GraphType::Line)
                .style(p.theory)
                .data(&exact_points),
        );
    }
    let order = (0..learners).filter(|i| *i != sel).chain(std::iter::once(sel).filter(|_| learners > 0));
    for i in order {
        let mut style = p.series_style(i);
        if i == sel {
            style = style.add_modifier(Modifier::BOLD);
        }
        datasets.push(
            Dataset::default()
                .marker(p.series_marker(i))
                .graph_type(GraphType::Line)
                .style(style)
                .data(&series[i]),
        );
    }
    render_log_log_chart(frame, chart_area, datasets, (x_axis, y_axis), p, ("sentences", y.label()));
    if let Some((area, lines)) = legend {
        frame.render_widget(Paragraph::new(lines), area);
    } else if let Some(l) = latest.learners.get(sel) {
        // No room for a legend: the selected learner's fit on the bottom border.
        let text = format!(" {} exponent {} ", l.name, format_fit(selected_fit, p));
        let row = Rect {
            x: area.x + 2,
            y: area.bottom().saturating_sub(1),
            width: area.width.saturating_sub(4),
            height: 1,
        };
        frame.render_widget(Paragraph::new(Line::styled(fit_width(&text, row.width as usize), p.text)), row);
    }
}
