//! Pane 2, model scaling and the structure function (THEORY.md §1, §3): at
//! the current checkpoint, each learner's excess against its size in bits,
//! with the predicted slope `-(1/alpha - 1)` fitted through the capped
//! learners; or the two-part code, data bits against model bits.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Dataset, GraphType, Paragraph};

use super::{chart_and_legend, fit_width, format_fit, legend_row, log_log_chart, pane_block, placeholder};
use crate::engine::{Checkpoint, LearnerPoint};
use crate::ui::model::{Model, ModelView, Pane};
use crate::ui::plot::{clip_line, log_axis, short, to_log};

/// Data bits of the two-part code: the learner's loss over the stream so far.
pub fn data_bits(c: &Checkpoint, l: &LearnerPoint) -> f64 {
    l.loss_bits_per_token * c.tokens as f64
}

/// Whether a learner's size is a budget the theory's model law speaks of.
fn sized(l: &LearnerPoint) -> bool {
    l.kind == "capped" || l.kind == "neural" || l.kind == "transformer"
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let detail = match model.model_view {
        ModelView::Scaling => "excess bits/token vs model bits",
        ModelView::TwoPart => "two-part code: data vs model bits",
    };
    let block = pane_block(model, Pane::ModelScaling, detail.into());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(c) = model.latest() else {
        placeholder(frame.buffer_mut(), inner, "waiting for the first checkpoint", p.muted);
        return;
    };
    let y_of = |l: &LearnerPoint| match model.model_view {
        ModelView::Scaling => l.excess_bits_per_token,
        ModelView::TwoPart => data_bits(c, l),
    };
    let points: Vec<Vec<(f64, f64)>> = c.learners.iter().map(|l| to_log([(l.model_bits, y_of(l))])).collect();
    let n_points = points.iter().filter(|v| !v.is_empty()).count();
    if n_points == 0 {
        placeholder(frame.buffer_mut(), inner, "no learner has a positive size yet", p.muted);
        return;
    }
    let (chart_area, legend_area) = chart_and_legend(inner, c.learners.len());
    let x_axis = log_axis(points.iter().flatten().map(|p| p.0), (chart_area.width as usize / 8).clamp(2, 10));
    let y_axis = log_axis(points.iter().flatten().map(|p| p.1), (chart_area.height as usize / 3).clamp(2, 6));

    // Slope -(1/alpha - 1) through the sized learners (least squares with the
    // slope fixed: the intercept is the mean of y + e x).
    let exponent = c.theory.model_exponent;
    let sized_points: Vec<(f64, f64)> = c
        .learners
        .iter()
        .zip(&points)
        .filter(|(l, _)| sized(l))
        .flat_map(|(_, pts)| pts.iter().copied())
        .collect();
    let mut theory = Vec::new();
    let mut frontier = Vec::new();
    match model.model_view {
        ModelView::Scaling if !sized_points.is_empty() => {
            let x0 = sized_points.iter().map(|p| p.0).sum::<f64>() / sized_points.len() as f64;
            let y0 = sized_points.iter().map(|p| p.1 + exponent * (p.0 - x0)).sum::<f64>()
                / sized_points.len() as f64;
            if let Some(seg) = clip_line(x0, y0, -exponent, x_axis.bounds, y_axis.bounds) {
                theory = seg.to_vec();
            }
        }
        ModelView::TwoPart => {
            // The learners in order of size, joined: the structure function's trace.
            frontier = points.iter().flatten().copied().collect();
            frontier.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        _ => {}
    }
    let line_marker = |i: usize| if p.marker.is_some() { p.series_marker(i) } else { Marker::Custom('.') };
    let mut datasets = Vec::new();
    if theory.len() == 2 {
        datasets.push(
            Dataset::default()
                .marker(line_marker(0))
                .graph_type(GraphType::Line)
                .style(p.theory)
                .data(&theory),
        );
    }
    if frontier.len() >= 2 {
        datasets.push(
            Dataset::default()
                .marker(line_marker(0))
                .graph_type(GraphType::Line)
                .style(p.muted)
                .data(&frontier),
        );
    }
    let sel = model.selected_learner;
    for (i, pts) in points.iter().enumerate() {
        let mut style = p.series_style(i);
        if i == sel {
            style = style.add_modifier(Modifier::BOLD);
        }
        datasets.push(
            Dataset::default()
                .marker(Marker::Custom(p.series_glyph(i)))
                .graph_type(GraphType::Scatter)
                .style(style)
                .data(pts),
        );
    }
    let chart = log_log_chart(datasets, x_axis, y_axis, p);
    frame.render_widget(chart, chart_area);

    let fit = format_fit(c.fits.model_exponent, p);
    let summary = match model.model_view {
        ModelView::Scaling => format!("fit {fit} vs theory {exponent:.2} (1/alpha-1)"),
        ModelView::TwoPart => "model + data bits; smaller is better".into(),
    };
    if let Some(legend) = legend_area {
        let w = legend.width.saturating_sub(1) as usize;
        let mut lines = vec![Line::styled(fit_width(&summary, w), p.theory)];
        for (i, l) in c.learners.iter().enumerate() {
            let value = match model.model_view {
                ModelView::Scaling => short(l.model_bits),
                ModelView::TwoPart => short(l.model_bits + data_bits(c, l)),
            };
            lines.push(legend_row(p, i, i == sel, p.series_glyph(i).to_string(), &l.name, &value, w));
        }
        let label = match model.model_view {
            ModelView::Scaling => "x: model bits",
            ModelView::TwoPart => "total = model + data bits",
        };
        lines.push(Line::styled(fit_width(label, w), p.muted));
        let legend = Rect { x: legend.x + 1, width: legend.width.saturating_sub(1), ..legend };
        frame.render_widget(Paragraph::new(lines), legend);
    } else {
        let w = area.width.saturating_sub(4) as usize;
        let row = Rect {
            x: area.x + 2,
            y: area.bottom().saturating_sub(1),
            width: area.width.saturating_sub(4),
            height: 1,
        };
        frame.render_widget(Paragraph::new(Line::styled(fit_width(&format!(" {summary} "), w), p.text)), row);
    }
}
