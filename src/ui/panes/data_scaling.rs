//! Pane 1, data scaling (THEORY.md §3): a log–log plot of the chosen
//! quantity (excess, loss, or the syntax / identity / fact parts) against
//! the sentences each learner has seen, one series per learner, with the
//! theory drawn over it: slope `-(1-alpha)` through the Bayes learner's last
//! point, or the exact predicted syntax (and zipf fact) excess curves.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Dataset, GraphType, Paragraph};

use super::{
    bayes_index, chart_and_legend, fit_width, format_fit, legend_row, log_log_chart, pane_block, placeholder,
};
use crate::engine::{Checkpoint, LearnerPoint};
use crate::ui::model::{DataY, Model, Pane};
use crate::ui::plot::{clip_line, downsample, log_axis, to_log};

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

/// The theory's exact curve for the quantity, where THEORY.md gives one.
fn theory_curve(c: &Checkpoint, y: DataY) -> Option<f64> {
    match y {
        DataY::Syntax => Some(c.theory.expected_syntax_excess),
        DataY::Fact => c.theory.expected_fact_excess,
        _ => None,
    }
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let block = pane_block(model, Pane::DataScaling, format!("{} vs sentences", model.data_y.label()));
    let inner = block.inner(area);
    frame.render_widget(block.clone(), area);
    let Some(latest) = model.latest() else {
        placeholder(frame.buffer_mut(), inner, "waiting for the first checkpoint", p.muted);
        return;
    };
    let y = model.data_y;
    let learners = latest.learners.len();
    let mut series: Vec<Vec<(f64, f64)>> = (0..learners)
        .map(|i| {
            to_log(model.history.iter().filter_map(|c| {
                let l = c.learners.get(i)?;
                Some((l.sentences_seen as f64, quantity(l, y)))
            }))
        })
        .collect();
    let theory_points: Vec<(f64, f64)> =
        to_log(model.history.iter().filter_map(|c| Some((c.sentences as f64, theory_curve(c, y)?))));

    let (chart_area, legend_area) = chart_and_legend(inner, learners);

    let xs = series.iter().flatten().map(|p| p.0);
    let x_axis = log_axis(xs, (chart_area.width as usize / 8).clamp(2, 10));
    let ys = series.iter().flatten().map(|p| p.1).chain(theory_points.iter().map(|p| p.1));
    let y_axis = log_axis(ys, (chart_area.height as usize / 3).clamp(2, 6));
    let buckets = (chart_area.width as usize).max(8);
    for s in &mut series {
        *s = downsample(s, x_axis.bounds[0], x_axis.bounds[1], buckets);
    }

    // The theory line: slope -(1-alpha) through the Bayes learner's last point
    // (excess and its identity part), or the exact curve (syntax, zipf fact).
    let exponent = latest.theory.data_exponent;
    let anchor = bayes_index(latest).and_then(|b| series.get(b)?.last().copied());
    let theory_line: Vec<(f64, f64)> = if !theory_points.is_empty() {
        theory_points
    } else if matches!(y, DataY::Excess | DataY::Identity) {
        anchor
            .and_then(|(x0, y0)| clip_line(x0, y0, -exponent, x_axis.bounds, y_axis.bounds))
            .map(|seg| seg.to_vec())
            .unwrap_or_default()
    } else {
        Vec::new()
    };

    let mut datasets = Vec::new();
    if !theory_line.is_empty() {
        let marker =
            if p.marker.is_some() { p.series_marker(0) } else { ratatui::symbols::Marker::Custom('.') };
        datasets.push(
            Dataset::default().marker(marker).graph_type(GraphType::Line).style(p.theory).data(&theory_line),
        );
    }
    let sel = model.selected_learner.min(learners.saturating_sub(1));
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
    let chart = log_log_chart(datasets, x_axis, y_axis, p);
    frame.render_widget(chart, chart_area);

    let theory_text = match y {
        DataY::Syntax => "theory d/(2n ln2)".to_string(),
        DataY::Fact if latest.theory.expected_fact_excess.is_some() => "theory: exact (zipf)".to_string(),
        DataY::Loss => format!("theory: excess ~ n^-{exponent:.2}"),
        _ => format!("theory n^-{exponent:.2} (1-alpha)"),
    };
    let fit_of = |l: &LearnerPoint| format_fit(l.data_exponent, p);
    if let Some(legend) = legend_area {
        let w = legend.width.saturating_sub(1) as usize;
        let mut lines = vec![
            Line::styled(fit_width(&theory_text, w), p.theory),
            Line::styled(fit_width("fitted exponent:", w), p.muted),
        ];
        for (i, l) in latest.learners.iter().enumerate() {
            lines.push(legend_row(p, i, i == sel, p.series_swatch(i).to_string(), &l.name, &fit_of(l), w));
        }
        if let Some(f) = latest.learners.get(sel).and_then(|l| l.data_exponent) {
            lines.push(Line::styled(
                fit_width(&format!("window {}..{}", short_n(f.from), short_n(f.to)), w),
                p.muted,
            ));
        }
        let legend = Rect { x: legend.x + 1, width: legend.width.saturating_sub(1), ..legend };
        frame.render_widget(Paragraph::new(lines), legend);
    } else if let Some(l) = latest.learners.get(sel) {
        // Compact: the selected learner's fit against the prediction, on the bottom border.
        let text = format!(" {} {} vs {} ", l.name, fit_of(l), theory_text.trim_start_matches("theory "));
        let w = area.width.saturating_sub(4) as usize;
        let line = Line::from(vec![
            Span::styled(p.series_swatch(sel), p.series_style(sel)),
            Span::styled(fit_width(&text, w.saturating_sub(1)), p.text),
        ]);
        let row = Rect {
            x: area.x + 2,
            y: area.bottom().saturating_sub(1),
            width: area.width.saturating_sub(4),
            height: 1,
        };
        frame.render_widget(Paragraph::new(line), row);
    }
}

/// A sentence count as a short label.
pub fn short_n(n: f64) -> String {
    crate::ui::plot::short(n)
}
