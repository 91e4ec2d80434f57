//! Pane 2, model scaling and the structure function: at the latest
//! checkpoint, each learner's knowledge in bits (x: facts known beyond
//! chance times the bits of a fact, measured from probes for every kind)
//! against one quantity (`m` chooses the fact or identity part per
//! sentence, the excess per token, or the two-part code's cumulative data
//! bits). The legend's exponent is a least-squares fit of the plotted
//! capped `oracle` ladder (budgets full enough to sit on the power law),
//! over a window marked on the plot; on a zipf stream the exact expected
//! fact excess of a learner holding the top-ranked facts that fit each
//! budget is drawn through the ladder.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Dataset, GraphType, Paragraph};

use super::data_scaling::quantity;
use super::{
    LegendItem, chart_with_legend, fit_width, format_exponent, format_fit, line_marker, pane_block,
    placeholder, render_log_log_chart, window_marks,
};
use crate::config::{LearnerKind, Policy};
use crate::engine::fits::SATURATED_FRACTION;
use crate::engine::{Checkpoint, ExponentFit, LearnerPoint};
use crate::sk::fit::fit_power_law;
use crate::sk::knowledge::value_entropy_bits;
use crate::ui::model::{DataY, Model, ModelView, Pane};
use crate::ui::plot::{log_axis, short, to_log};

/// The plotted y of a learner.
pub fn y_value(l: &LearnerPoint, view: ModelView) -> f64 {
    match view {
        ModelView::Scaling(y) => quantity(l, y),
        ModelView::TwoPart => l.cumulative_data_bits,
    }
}

fn y_label(view: ModelView) -> &'static str {
    match view {
        ModelView::Scaling(y) => y.label(),
        ModelView::TwoPart => "cumulative data bits",
    }
}

/// The budget of a capped `oracle` learner, by name.
fn oracle_budget(model: &Model, name: &str) -> Option<f64> {
    let l = model.preset.learners.iter().find(|l| l.name == name)?;
    (l.kind == LearnerKind::Capped && l.policy == Policy::Oracle).then_some(l.budget_bits?)
}

/// The oracle ladder's points that enter the fit: `(learner index, x, y)`
/// for oracle learners whose budget is at most a tenth of the knowledge
/// seen (full, on the power-law part of the structure function).
pub fn ladder(model: &Model, c: &Checkpoint, view: ModelView) -> Vec<(usize, f64, f64)> {
    let g = &model.params.running;
    let seen_bits = c.distinct_entities as f64 * (g.name_bits() + g.attributes as f64 * g.fact_bits());
    c.learners
        .iter()
        .enumerate()
        .filter(|(_, l)| oracle_budget(model, &l.name).is_some_and(|b| b <= SATURATED_FRACTION * seen_bits))
        .map(|(i, l)| (i, l.knowledge_bits, y_value(l, view)))
        .filter(|&(_, x, y)| x > 0.0 && y > 0.0)
        .collect()
}

/// The legend's fit: least squares of `ln y` on `ln x` over the ladder.
pub fn plotted_fit(ladder: &[(usize, f64, f64)]) -> Option<ExponentFit> {
    if ladder.len() < 3 {
        return None;
    }
    let f = fit_power_law(ladder.iter().map(|p| (p.1, p.2)))?;
    let from = ladder.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let to = ladder.iter().map(|p| p.1).fold(0.0, f64::max);
    Some(ExponentFit { value: -f.slope, stderr: f.slope_stderr, from, to })
}

/// The exact expected fact excess of each oracle learner, `(learner
/// index, x, y)` at the fact bits it holds when full (its budget's whole
/// entities times `F H(H_a)`), in order of budget.
pub fn exact_points(model: &Model, c: &Checkpoint) -> Vec<(usize, f64, f64)> {
    let g = &model.params.running;
    let per_entity = g.name_bits() + g.attributes as f64 * g.fact_bits();
    let fact_info = g.attributes as f64 * value_entropy_bits(g);
    let mut pts: Vec<(usize, f64, f64)> = c
        .learners
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            Some((i, oracle_budget(model, &l.name)? / per_entity * fact_info, l.expected_fact_excess?))
        })
        .collect();
    pts.sort_by(|a, b| a.1.total_cmp(&b.1));
    pts
}

/// The exact curve's local exponent over the ladder's learners.
pub fn exact_exponent(exact: &[(usize, f64, f64)], ladder: &[(usize, f64, f64)]) -> Option<f64> {
    let inside = exact.iter().filter(|e| ladder.iter().any(|l| l.0 == e.0)).map(|e| (e.1, e.2));
    fit_power_law(inside).map(|f| -f.slope)
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let view = model.model_view;
    let block = pane_block(model, Pane::ModelScaling, format!("{} vs knowledge bits", y_label(view)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(c) = model.latest() else {
        placeholder(frame.buffer_mut(), inner, "waiting for the first checkpoint", p.muted);
        return;
    };
    let points: Vec<Vec<(f64, f64)>> =
        c.learners.iter().map(|l| to_log([(l.knowledge_bits, y_value(l, view))])).collect();
    if points.iter().all(|v| v.is_empty()) {
        placeholder(frame.buffer_mut(), inner, "no learner knows anything beyond chance yet", p.muted);
        return;
    }
    let sel = model.selected_learner.min(c.learners.len().saturating_sub(1));
    let ladder = ladder(model, c, view);
    let fit = plotted_fit(&ladder);
    let exact = if view == ModelView::Scaling(DataY::Fact) { exact_points(model, c) } else { Vec::new() };
    let exact_log = to_log(exact.iter().map(|e| (e.1, e.2)));

    let mut header = Vec::new();
    let mut theory_text = String::new();
    // The exact curve is named whenever it is drawn; its exponent only
    // over the fit's window.
    if exact_log.len() >= 2 {
        match exact_exponent(&exact, &ladder).filter(|_| fit.is_some()) {
            Some(e) => theory_text.push_str(&format!("exact {} · ", format_exponent(e))),
            None => theory_text.push_str("exact curve · "),
        }
    }
    match view {
        ModelView::Scaling(_) => {
            theory_text.push_str(&format!("limit {} (1/alpha-1)", format_exponent(c.theory.model_exponent)))
        }
        ModelView::TwoPart => theory_text.push_str("two-part code: smaller total is better"),
    }
    header.push((theory_text, p.theory));
    header.push((
        match fit {
            Some(f) => {
                format!("oracle fit {} over {}..{} b", format_fit(Some(f), p), short(f.from), short(f.to))
            }
            None => model
                .model_fit_absence(false)
                .unwrap_or_else(|| "no fit yet: needs 3 full oracle budgets".into()),
        },
        p.muted,
    ));
    let items: Vec<LegendItem> = c
        .learners
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut value = format!("{}b", short(l.knowledge_bits.max(0.0)));
            if l.kind.is_network() && l.params > 0 {
                value.push_str(&format!(" {:.2}b/p", l.knowledge_bits.max(0.0) / l.params as f64));
            }
            LegendItem { index: i, mark: p.series_glyph(i).to_string(), name: super::legend_name(l), value }
        })
        .collect();
    let (chart_area, legend) = chart_with_legend(inner, model, &header, &items, sel);

    let xs = points.iter().flatten().map(|p| p.0).chain(exact_log.iter().map(|p| p.0));
    let x_axis = log_axis(xs, (chart_area.width as usize / 8).clamp(2, 10));
    let ys = points.iter().flatten().map(|p| p.1).chain(exact_log.iter().map(|p| p.1));
    let y_axis = log_axis(ys, (chart_area.height as usize / 3).clamp(2, 6));
    let marks = fit.map(|f| window_marks(f.from, f.to, y_axis.bounds)).unwrap_or_default();
    // The two-part view joins the learners in order of knowledge: the
    // structure function's trace.
    let mut trace: Vec<(f64, f64)> = Vec::new();
    if view == ModelView::TwoPart {
        trace = points.iter().flatten().copied().collect();
        trace.sort_by(|a, b| a.0.total_cmp(&b.0));
    }

    let mut datasets = Vec::new();
    for m in &marks {
        datasets.push(
            Dataset::default().marker(line_marker(p)).graph_type(GraphType::Line).style(p.muted).data(m),
        );
    }
    for (line, style) in [(&exact_log, p.theory), (&trace, p.muted)] {
        // At least two points: a line (the exact curve is then named above).
        if line.len() >= 2 {
            datasets.push(
                Dataset::default().marker(line_marker(p)).graph_type(GraphType::Line).style(style).data(line),
            );
        }
    }
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
    render_log_log_chart(frame, chart_area, datasets, (x_axis, y_axis), p, ("knowledge bits", y_label(view)));
    if let Some((area, lines)) = legend {
        frame.render_widget(Paragraph::new(lines), area);
    } else {
        let row = Rect {
            x: area.x + 2,
            y: area.bottom().saturating_sub(1),
            width: area.width.saturating_sub(4),
            height: 1,
        };
        let absence =
            |short| format!(" {} ", model.model_fit_absence(short).unwrap_or_else(|| "no fit yet".into()));
        let text = match fit {
            Some(_) => format!(" oracle fit {} ", format_fit(fit, p)),
            None if absence(false).chars().count() <= row.width as usize => absence(false),
            None => absence(true),
        };
        frame.render_widget(Paragraph::new(Line::styled(fit_width(&text, row.width as usize), p.text)), row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::fixture;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn pane_text(model: &Model) -> String {
        let mut t = Terminal::new(TestBackend::new(60, 24)).expect("test backend");
        t.draw(|f| render(f, f.area(), model)).expect("draw");
        crate::ui::buffer_to_text(t.backend().buffer())
    }

    /// The default preset has two capped oracle learners: no fit, but the
    /// exact curve through their budgets is drawn, and the legend names it.
    #[test]
    fn the_exact_curve_is_named_whenever_it_is_drawn() {
        let mut m = fixture::model("default", 2_000_000, "dark", true);
        assert!(!pane_text(&m).contains("exact"), "no exact values: no curve, no name");
        let c = m.history.last_mut().unwrap();
        c.fits.model_exponent = None;
        for l in &mut c.learners {
            l.expected_fact_excess = Some(1e4 / l.knowledge_bits.max(1.0));
        }
        let c = m.latest().unwrap();
        assert!(plotted_fit(&ladder(&m, c, m.model_view)).is_none());
        assert_eq!(to_log(exact_points(&m, c).iter().map(|e| (e.1, e.2))).len(), 2, "a curve is drawn");
        let text = pane_text(&m);
        assert!(text.contains("exact curve · limit 0.67 (1/alpha-1)"), "{text}");
    }
}
