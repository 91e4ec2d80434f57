//! The four figures, drawn with plotters on any backend. Log–log axes are
//! drawn in log10 coordinates with bold ticks at whole decades (labelled
//! 10ⁿ) and light ones at 2..9 times each; several runs are named by what
//! differs between their headers (`alpha=0.5 · bayes`).

use crate::config::LearnerKind;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;

use super::{Figure, PlotError};
use crate::engine::{Checkpoint, LearnerPoint};
use crate::record::compare::{short_key, value_of, varying_generator_key};
use crate::record::{RunFile, exponents, run_labels};
use crate::sk::SourceKind;
use crate::ui::plot::to_log;

type Area<DB> = DrawingArea<DB, Shift>;

/// Category-10 colours: distinct and readable in print.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];
const THEORY: RGBColor = RGBColor(0, 0, 0);
const FONT: &str = "sans-serif";

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn fail(e: impl std::fmt::Display) -> PlotError {
    PlotError::Draw(format!("drawing the figure: {e}"))
}

/// Draws `figure` of `runs` on `root`.
pub fn draw<DB: DrawingBackend>(root: &Area<DB>, runs: &[RunFile], figure: Figure) -> Result<(), PlotError> {
    root.fill(&WHITE).map_err(fail)?;
    let headers: Vec<_> = runs.iter().map(|r| &r.header).collect();
    let paths: Vec<_> = runs.iter().map(|r| r.path.as_path()).collect();
    let labels = run_labels(&headers, &paths);
    if runs.iter().all(|r| r.checkpoints.is_empty()) {
        return Err(PlotError::Usage("the run files hold no checkpoint yet".into()));
    }
    match figure {
        Figure::Data => data(root, runs, &labels),
        Figure::Model => model(root, runs, &labels),
        Figure::Heatmap => heatmap(root, &runs[0], &labels[0]),
        Figure::Exponents => exponents(root, runs),
    }
}

/// `10` with a superscript exponent, at whole decades; nothing elsewhere.
pub fn decade_label(v: &f64) -> String {
    if (v - v.round()).abs() > 1e-6 {
        return String::new();
    }
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let k = v.round() as i64;
    let mut s = String::from("10");
    if k < 0 {
        s.push('⁻');
    }
    s.extend(k.unsigned_abs().to_string().chars().map(|c| SUP[c.to_digit(10).unwrap_or(0) as usize]));
    s
}

/// Whole decades around log10 values: `(lo, hi)` with `hi > lo`.
pub fn decade_bounds(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let (lo, hi) = (lo.floor(), hi.ceil());
    (lo, if hi > lo { hi } else { lo + 1.0 })
}

/// Bold ticks at decades, light ones at 2..9 times each.
fn log_ticks(lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>) {
    let decades: Vec<f64> = (lo as i64..=hi as i64).map(|k| k as f64).collect();
    let minor = decades
        .iter()
        .flat_map(|k| (2..10).map(move |m| k + (m as f64).log10()))
        .filter(|v| *v < hi)
        .collect();
    (decades, minor)
}

/// A log–log chart over `(x, y)` log10 bounds with decade ticks and labelled axes.
fn log_log_chart<'a, DB: DrawingBackend>(
    root: &'a Area<DB>,
    title: &str,
    (x, y): ((f64, f64), (f64, f64)),
    (x_desc, y_desc): (&str, &str),
) -> Result<ChartContext<'a, DB, LogLog>, PlotError> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(Decades { lo: x.0, hi: x.1 }, Decades { lo: y.0, hi: y.1 })
        .map_err(fail)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&decade_label)
        .y_label_formatter(&decade_label)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .bold_line_style(RGBColor(205, 205, 205))
        .light_line_style(RGBColor(238, 238, 238))
        .draw()
        .map_err(fail)?;
    Ok(chart)
}

type LogLog = Cartesian2d<Decades, Decades>;

/// A log10 axis: values are log10 of the quantity; bold ticks at decades,
/// light ones at 2..9 times each.
#[derive(Clone, Debug)]
pub struct Decades {
    lo: f64,
    hi: f64,
}

impl Ranged for Decades {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let f = (v - self.lo) / (self.hi - self.lo);
        limit.0 + (f * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        let (decades, minor) = log_ticks(self.lo, self.hi);
        if hint.weight().allow_light_points() { minor } else { decades }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> Result<(), PlotError> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 14))
        .draw()
        .map_err(fail)
}

fn series_name(run_label: &str, learner: &str, runs: usize) -> String {
    if runs > 1 { format!("{run_label} · {learner}") } else { learner.to_string() }
}

fn learner_names(run: &RunFile) -> Vec<String> {
    let from_header: Vec<String> = run.header.preset.learners.iter().map(|l| l.name.clone()).collect();
    match run.last() {
        Some(c) if c.learners.len() != from_header.len() => {
            c.learners.iter().map(|l| l.name.clone()).collect()
        }
        _ => from_header,
    }
}

/// Data scaling: the fact part of the excess (bits per sentence) against
/// sentences seen, as the dashboard opens on it; each series' legend names
/// the least-squares exponent of exactly the plotted points (the dashboard's
/// window rule), and the exact expected Bayes curve is drawn where it is known.
fn data<DB: DrawingBackend>(root: &Area<DB>, runs: &[RunFile], labels: &[String]) -> Result<(), PlotError> {
    use crate::ui::panes::data_scaling::fit_eligible;
    let mut series: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    let mut exact: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for (run, label) in runs.iter().zip(labels) {
        let phase = run.last().map_or(0, |c| c.phase);
        let current: Vec<&Checkpoint> = run.checkpoints.iter().filter(|c| c.phase == phase).collect();
        for (i, name) in learner_names(run).iter().enumerate() {
            let ls: Vec<&LearnerPoint> = current.iter().filter_map(|c| c.learners.get(i)).collect();
            let eligible: Vec<(f64, f64)> = ls
                .iter()
                .filter(|l| fit_eligible(l))
                .map(|l| (l.sentences_seen as f64, l.excess_by_part.fact))
                .collect();
            let fit = crate::engine::fits::data_exponent(&eligible)
                .map_or(String::new(), |f| format!(": exponent {:.2}±{:.2}", f.value, f.stderr));
            let pts = to_log(ls.iter().map(|l| (l.sentences_seen as f64, l.excess_by_part.fact)));
            series.push((format!("{}{fit}", series_name(label, name, runs.len())), pts));
        }
        let curve =
            to_log(current.iter().filter_map(|c| Some((c.sentences as f64, c.theory.expected_fact_excess?))));
        if curve.len() >= 2 {
            let name = if runs.len() > 1 {
                format!("exact expectation ({label})")
            } else {
                "exact expectation".into()
            };
            exact.push((name, curve));
        }
    }
    let (x, y) = (
        decade_bounds(series.iter().flat_map(|s| s.1.iter().map(|p| p.0))),
        decade_bounds(series.iter().chain(&exact).flat_map(|s| s.1.iter().map(|p| p.1))),
    );
    let mut chart =
        log_log_chart(root, "Data scaling", (x, y), ("sentences seen", "fact excess bits per sentence"))?;
    for (i, (name, pts)) in series.iter().enumerate() {
        let style = colour(i).stroke_width(2);
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), style))
            .map_err(fail)?
            .label(name.as_str())
            .legend(move |(a, b)| PathElement::new(vec![(a, b), (a + 20, b)], colour(i).stroke_width(2)));
    }
    for (k, (name, pts)) in exact.into_iter().enumerate() {
        let style = THEORY.mix(if k == 0 { 1.0 } else { 0.6 }).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(pts, 8, 6, style))
            .map_err(fail)?
            .label(name)
            .legend(move |(a, b)| PathElement::new(vec![(a, b), (a + 20, b)], style));
    }
    legend(&mut chart)
}

/// Model scaling: the fact part of the excess (bits per sentence) against
/// each learner's knowledge in bits (facts known beyond chance, from its
/// probes) at the last checkpoint, as the dashboard's model pane shows it.
/// With several runs, a series is a run and each point is labelled with its
/// learner's name.
fn model<DB: DrawingBackend>(root: &Area<DB>, runs: &[RunFile], labels: &[String]) -> Result<(), PlotError> {
    let last: Vec<&Checkpoint> = runs.iter().filter_map(|r| r.last()).collect();
    let point = |l: &LearnerPoint| (l.knowledge_bits, l.excess_by_part.fact);
    let all: Vec<(f64, f64)> = last.iter().flat_map(|c| to_log(c.learners.iter().map(point))).collect();
    if all.is_empty() {
        return Err(PlotError::Usage("no learner knows anything beyond chance yet".into()));
    }
    let (x, y) = (decade_bounds(all.iter().map(|p| p.0)), decade_bounds(all.iter().map(|p| p.1)));
    let short = |n: u64| crate::ui::plot::short(n as f64);
    let (first, most) = (
        last.iter().map(|c| c.sentences).min().unwrap_or(0),
        last.iter().map(|c| c.sentences).max().unwrap_or(0),
    );
    let title = if first == most {
        format!("Model scaling at n = {}", short(most))
    } else {
        format!("Model scaling at each run's last checkpoint, n = {} to {}", short(first), short(most))
    };
    let mut chart = log_log_chart(root, &title, (x, y), ("knowledge bits", "fact excess bits per sentence"))?;
    let mut k = 0;
    for (run, label) in runs.iter().zip(labels) {
        let Some(c) = run.last() else { continue };
        // One series per learner for a single run, one per run otherwise.
        let groups: Vec<(String, Vec<&LearnerPoint>)> = if runs.len() == 1 {
            c.learners.iter().map(|l| (l.name.clone(), vec![l])).collect()
        } else {
            vec![(label.clone(), c.learners.iter().collect())]
        };
        for (name, ls) in groups {
            let pts = to_log(ls.iter().map(|l| point(l)));
            let col = colour(k);
            k += 1;
            chart
                .draw_series(pts.iter().map(|p| Circle::new(*p, 5, col.filled())))
                .map_err(fail)?
                .label(name)
                .legend(move |(a, b)| Circle::new((a + 10, b), 5, col.filled()));
            if runs.len() > 1 {
                // Learners at the same point share one label.
                let mut texts: Vec<((f64, f64), String)> = Vec::new();
                for l in &ls {
                    let Some(&p) = to_log([point(l)]).first() else { continue };
                    match texts.iter_mut().find(|(q, _)| *q == p) {
                        Some((_, names)) => *names = format!("{names}, {}", l.name),
                        None => texts.push((p, l.name.clone())),
                    }
                }
                chart
                    .draw_series(texts.into_iter().map(|(p, names)| {
                        EmptyElement::at(p) + Text::new(names, (8, -6), (FONT, 13).into_font())
                    }))
                    .map_err(fail)?;
            }
        }
    }
    legend(&mut chart)
}

/// A viridis-like ramp from 0 (dark purple) to 1 (yellow).
pub fn ramp(v: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = v.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The predicted frontier rank after `n` sentences (zipf; docs/theory.md,
/// "Predictions the tool checks"): facts of rank r have been stated `threshold` times in
/// expectation, `n p_r / F = threshold`; capped by the universe and a budget.
fn frontier(run: &RunFile, learner: usize, n: f64, norm: f64) -> Option<f64> {
    let g = &run.header.preset.generator;
    let cfg = run.header.preset.learners.get(learner)?;
    let (threshold, budget) = match cfg.kind {
        crate::config::LearnerKind::Bayes => (1.0, None),
        crate::config::LearnerKind::Capped => (cfg.exposures as f64, cfg.budget_bits),
        crate::config::LearnerKind::Neural | crate::config::LearnerKind::Transformer => return None,
    };
    let s = g.zipf_s();
    let mut rank = (n / (threshold * g.attributes as f64 * norm)).powf(1.0 / s) - g.zipf_offset;
    rank = rank.min(g.entities as f64);
    if let Some(b) = budget {
        rank = rank.min(b / (g.name_bits() + g.attributes as f64 * g.fact_bits()));
    }
    (rank >= 1.0).then_some(rank)
}

/// The knowledge heatmap of the first run's first Bayes learner (else its first).
fn heatmap<DB: DrawingBackend>(root: &Area<DB>, run: &RunFile, label: &str) -> Result<(), PlotError> {
    let Some(last) = run.last() else { return Err(PlotError::Usage("no checkpoint yet".into())) };
    let learner = last.learners.iter().position(|l| l.kind == LearnerKind::Bayes).unwrap_or(0);
    let name = last.learners.get(learner).map_or("", |l| l.name.as_str());
    let (main, bar) = root.split_horizontally(root.dim_in_pixel().0.saturating_sub(110).max(100));
    let rows: Vec<&Checkpoint> = run.checkpoints.iter().filter(|c| c.phase == 0 && c.sentences > 0).collect();
    let bins = &last.rank_bins;
    let x = decade_bounds(bins.iter().flat_map(|b| [(b.lo as f64).log10(), ((b.hi + 1) as f64).log10()]));
    let y = decade_bounds(rows.iter().map(|c| (c.sentences as f64).log10()));
    let title = format!("Knowledge: fraction memorized, {name} ({label})");
    let mut chart = log_log_chart(&main, &title, (x, y), ("frequency rank", "sentences"))?;
    let per_decade = run.header.preset.run.checkpoints_per_decade.max(1) as f64;
    let mut below = y.0;
    for c in &rows {
        let top = (c.sentences as f64).log10();
        let bottom = below.max(top - 1.0 / per_decade);
        below = top;
        let Some(l) = c.learners.get(learner) else { continue };
        chart
            .draw_series(bins.iter().zip(&l.memorized).filter(|(_, m)| m.is_finite()).map(|(b, m)| {
                let (x0, x1) = ((b.lo as f64).log10(), ((b.hi + 1) as f64).log10());
                Rectangle::new([(x0, bottom), (x1, top)], ramp(*m).filled())
            }))
            .map_err(fail)?;
    }
    let g = &run.header.preset.generator;
    if g.source == SourceKind::Zipf {
        let norm = crate::sk::rank_sum::rank_sum(g.entities, |k| (k + g.zipf_offset).powf(-g.zipf_s()));
        let line: Vec<(f64, f64)> = to_log(rows.iter().filter_map(|c| {
            let n = c.sentences as f64;
            Some((frontier(run, learner, n, norm)?, n))
        }));
        chart
            .draw_series(LineSeries::new(line, WHITE.stroke_width(3)))
            .map_err(fail)?
            .label("predicted frontier r*(n)")
            .legend(|(a, b)| PathElement::new(vec![(a, b), (a + 20, b)], BLACK.stroke_width(3)));
        legend(&mut chart)?;
    }
    // The colour bar: 0 (nothing memorized) to 1 (every probed fact).
    let mut cb = ChartBuilder::on(&bar)
        .margin_top(60)
        .margin_bottom(64)
        .margin_right(10)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(fail)?;
    cb.configure_mesh()
        .disable_x_mesh()
        .disable_y_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_desc("fraction memorized")
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .draw()
        .map_err(fail)?;
    cb.draw_series((0..100).map(|i| {
        let (a, b) = (i as f64 / 100.0, (i + 1) as f64 / 100.0);
        Rectangle::new([(0.0, a), (1.0, b)], ramp((a + b) / 2.0).filled())
    }))
    .map_err(fail)?;
    Ok(())
}

pub use crate::record::exponents::ExponentPoint;

/// Each run's fitted exponents against the generator key that varies.
pub fn exponent_points(runs: &[RunFile]) -> Result<(String, Vec<ExponentPoint>), PlotError> {
    let headers: Vec<_> = runs.iter().map(|r| &r.header).collect();
    let key = varying_generator_key(&headers).ok_or_else(|| {
        PlotError::Usage(
            "--pane exponents needs runs that differ in a numeric [generator] key (e.g. alpha); these do not"
                .into(),
        )
    })?;
    let points = exponents::exponent_points(
        runs.iter().filter_map(|r| Some((value_of(&r.header, &key).unwrap_or(f64::NAN), r.last()?))),
    );
    Ok((key, points))
}

/// Fitted exponents against the key that varies, with the theory's curves.
fn exponents<DB: DrawingBackend>(root: &Area<DB>, runs: &[RunFile]) -> Result<(), PlotError> {
    let (key, points) = exponent_points(runs)?;
    let (x0, x1) = exponents::x_range(&points);
    let (theory_data, theory_model) = exponents::theory_curves(&key, &points, (x0, x1), 200);
    let has_model = points.iter().any(|p| p.model.is_some());
    let ymax = exponents::y_max(&points);
    let mut chart = ChartBuilder::on(root)
        .caption("Exponents against the generator", (FONT, 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, 0.0..ymax)
        .map_err(fail)?;
    chart
        .configure_mesh()
        .x_desc(short_key(&key))
        .y_desc("exponent")
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .bold_line_style(RGBColor(215, 215, 215))
        .light_line_style(RGBColor(242, 242, 242))
        .draw()
        .map_err(fail)?;
    let clip =
        |pts: Vec<(f64, f64)>| -> Vec<(f64, f64)> { pts.into_iter().filter(|p| p.1 <= ymax).collect() };
    let (c0, c1) = (colour(0), colour(3));
    chart
        .draw_series(LineSeries::new(clip(theory_data), c0.stroke_width(2)))
        .map_err(fail)?
        .label("theory 1 - alpha (data)")
        .legend(move |(a, b)| PathElement::new(vec![(a, b), (a + 20, b)], c0.stroke_width(2)));
    if has_model {
        chart
            .draw_series(DashedLineSeries::new(clip(theory_model), 8, 6, c1.stroke_width(2)))
            .map_err(fail)?
            .label("theory 1/alpha - 1 (model)")
            .legend(move |(a, b)| PathElement::new(vec![(a, b), (a + 20, b)], c1.stroke_width(2)));
    }
    let fitted = |pick: fn(&ExponentPoint) -> Option<(f64, f64)>| -> Vec<(f64, f64, f64)> {
        points.iter().filter_map(|p| exponents::with_error(p.x, pick(p))).collect()
    };
    let data_fits = fitted(|p| p.data);
    // An error bar marks its centre with a dot: the fitted value.
    chart
        .draw_series(
            data_fits.iter().map(|&(x, v, e)| ErrorBar::new_vertical(x, v - e, v, v + e, c0.filled(), 8)),
        )
        .map_err(fail)?
        .label("fitted data exponent (Bayes), ± 1 s.e.")
        .legend(move |(a, b)| Circle::new((a + 10, b), 4, c0.filled()));
    if has_model {
        let model_fits = fitted(|p| p.model);
        chart
            .draw_series(
                model_fits
                    .iter()
                    .map(|&(x, v, e)| ErrorBar::new_vertical(x, v - e, v, v + e, c1.filled(), 8)),
            )
            .map_err(fail)?
            .label("fitted model exponent, ± 1 s.e.")
            .legend(move |(a, b)| Circle::new((a + 10, b), 4, c1.filled()));
    }
    legend(&mut chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decades_are_labelled_with_superscripts() {
        assert_eq!(decade_label(&3.0), "10³");
        assert_eq!(decade_label(&-2.0), "10⁻²");
        assert_eq!(decade_label(&12.0), "10¹²");
        assert_eq!(decade_label(&2.5), "");
        assert_eq!(decade_bounds([1.2, 3.7]), (1.0, 4.0));
        assert_eq!(decade_bounds([2.0, 2.0]), (2.0, 3.0));
        let (k, m) = log_ticks(1.0, 3.0);
        assert_eq!(k, [1.0, 2.0, 3.0]);
        assert_eq!(m.len(), 16);
    }

    #[test]
    fn the_ramp_runs_dark_to_light() {
        assert_eq!(ramp(0.0), RGBColor(68, 1, 84));
        assert_eq!(ramp(1.0), RGBColor(253, 231, 37));
        assert_eq!(ramp(2.0), ramp(1.0));
    }
}
