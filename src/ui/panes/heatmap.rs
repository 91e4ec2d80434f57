//! Pane 3, the knowledge heatmap (docs/theory.md, "Predictions the tool checks", acquisition frontier): the
//! fraction of probed facts memorized per frequency-rank bin (x, log2 bins),
//! over log-spaced checkpoints of the selected learner or over learners at
//! the current checkpoint, with the predicted frontier `r*(n) ∝ (n/r)^alpha`
//! drawn over it. After a fine-tuning phase the old and the new entities get
//! a grid each. Colour themes draw two checkpoints per line with half blocks
//! when there are more checkpoints than lines (one per line otherwise): a
//! line's label and frontier are its upper half's, and the newest checkpoint
//! is always an upper half, so it is labelled and has its frontier. The
//! shade style draws one row per line with an ASCII ramp.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::{fit_width, pane_block, pane_title, placeholder};
use crate::config::LearnerKind;
use crate::engine::{Checkpoint, RankBin};
use crate::ui::model::{HeatRows, HeatValue, Model, Pane};
use crate::ui::palette::{Palette, SHADE_RAMP};
use crate::ui::plot::short;

/// A learner's cells: knowledge beyond chance or raw accuracy per bin.
fn cell_values<'a>(model: &Model, l: &'a crate::engine::LearnerPoint, new: bool) -> Option<&'a [f64]> {
    Some(match (model.heat_value, new) {
        (HeatValue::Known, false) => &l.known[..],
        (HeatValue::Known, true) => l.known_new.as_deref()?,
        (HeatValue::Correct, false) => &l.memorized[..],
        (HeatValue::Correct, true) => l.memorized_new.as_deref()?,
    })
}

/// One row of cells.
struct Row<'a> {
    label: String,
    values: &'a [f64],
    /// Predicted frontier rank, if the theory gives one for this row.
    frontier: Option<f64>,
}

/// The predicted frontier rank of the running parameters (`sk::theory::frontier_rank`).
fn frontier_rank(model: &Model, n: f64, r: f64, budget: Option<f64>) -> Option<f64> {
    crate::sk::theory::frontier_rank(model.zipf_law.as_ref()?, &model.params.running, n, r, budget)
}

/// `(exposures, budget)` of a learner by name, `None` for a neural learner
/// (the theory gives it no threshold).
fn threshold(model: &Model, name: &str) -> Option<(f64, Option<f64>)> {
    let l = model.preset.learners.iter().find(|l| l.name == name)?;
    match l.kind {
        LearnerKind::Bayes => Some((1.0, None)),
        LearnerKind::Capped => Some((l.exposures as f64, l.budget_bits)),
        LearnerKind::Neural | LearnerKind::Transformer => None,
    }
}

/// A rank as a short label: 1, 16, 256, 4k, 65k, 1M.
fn rank_label(r: u64) -> String {
    match r {
        0..1_000 => r.to_string(),
        1_000..1_000_000 => format!("{}k", r / 1_000),
        1_000_000..1_000_000_000 => format!("{}M", r / 1_000_000),
        _ => format!("{}G", r / 1_000_000_000),
    }
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let narrow = area.width < 70;
    let cells = match (model.heat_value, narrow) {
        (HeatValue::Known, false) => "known beyond chance",
        (HeatValue::Correct, false) => "answered correctly",
        (HeatValue::Known, true) => "known",
        (HeatValue::Correct, true) => "correct",
    };
    let detail = match model.heat_rows {
        HeatRows::Checkpoints => {
            let name = model.learners.get(model.selected_learner).map_or("", |s| s.as_str());
            let share = model.latest().and_then(|c| c.learners.get(model.selected_learner));
            let share = share
                .and_then(super::status::stream_share_label)
                .map_or(String::new(), |s| format!(" · {s}"));
            if narrow {
                format!("{cells}: {name}{share}")
            } else {
                format!("{cells}: {name}{share}, rows = n")
            }
        }
        HeatRows::Learners => format!("{cells}, rows = learners"),
    };
    // The widest legend that fits beside the title; when none does, the
    // title's detail is cut (marked `~`) to make room for the tightest, so
    // the two never overwrite each other.
    let room = |detail: &str| {
        let title = pane_title(model, Pane::Heatmap, detail.to_string()).width();
        (area.width as usize).saturating_sub(2 + title)
    };
    let fits = [Legend::Frontier, Legend::Spaced, Legend::Tight]
        .into_iter()
        .map(|l| legend_line(p, l))
        .find(|l| l.width() <= room(&detail));
    let (legend, detail) = match fits {
        Some(legend) => (legend, detail),
        None => {
            let legend = legend_line(p, Legend::Tight);
            let over = legend.width() - room(&detail);
            let keep = detail.chars().count().saturating_sub(over);
            let detail = fit_width(&detail, keep);
            (legend, detail)
        }
    };
    let mut block = pane_block(model, Pane::Heatmap, detail).title_top(legend.right_aligned());
    if let Some(l) = model.latest().and_then(|c| c.learners.get(model.selected_learner)) {
        block = block.title_bottom(Line::styled(answers_line(model, l), p.muted));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(latest) = model.latest() else {
        placeholder(frame.buffer_mut(), inner, "waiting for the first checkpoint", p.muted);
        return;
    };
    if inner.height < 3 || inner.width < 12 {
        return;
    }
    let sel = model.selected_learner.min(latest.learners.len().saturating_sub(1));
    let fine_tuned =
        latest.new_rank_bins.is_some() && latest.learners.iter().any(|l| l.memorized_new.is_some());
    let (old_area, new_area) = if fine_tuned {
        let top = inner.height / 2;
        (Rect { height: top, ..inner }, Some(Rect { y: inner.y + top, height: inner.height - top, ..inner }))
    } else {
        (inner, None)
    };
    let half = !p.shade;
    let buf = frame.buffer_mut();
    for (grid_area, new) in [(Some(old_area), false), (new_area, true)] {
        let Some(grid_area) = grid_area else { continue };
        let bins: &[RankBin] =
            if new { latest.new_rank_bins.as_deref().unwrap_or(&[]) } else { &latest.rank_bins };
        let mut grid = grid_area;
        if fine_tuned {
            let title = if new { "new entities (fine-tuning)" } else { "pre-training entities" };
            buf.set_stringn(
                grid.x,
                grid.y,
                fit_width(title, grid.width as usize),
                grid.width as usize,
                p.muted,
            );
            grid = Rect { y: grid.y + 1, height: grid.height.saturating_sub(1), ..grid };
        }
        match model.heat_rows {
            HeatRows::Checkpoints => {
                let name = &latest.learners[sel].name;
                let thr = threshold(model, name);
                let lines = grid.height.saturating_sub(1) as usize;
                // Paired, an odd number of rows puts the newest in an upper half.
                let count = if half { (lines * 2).saturating_sub(1) } else { lines };
                let history: Vec<&Checkpoint> = model
                    .history
                    .iter()
                    .filter(|c| c.learners.get(sel).is_some_and(|l| !new || l.memorized_new.is_some()))
                    .collect();
                let picked = pick_rows_ref(&history, count);
                let mut rows: Vec<Row> = picked
                    .iter()
                    .filter_map(|c| {
                        let l = c.learners.get(sel)?;
                        let values = cell_values(model, l, new)?;
                        let frontier = if new {
                            None
                        } else {
                            thr.and_then(|(r, b)| frontier_rank(model, l.sentences_seen as f64, r, b))
                        };
                        Some(Row { label: short(c.sentences as f64), values, frontier })
                    })
                    .collect();
                if half && rows.len() > lines && rows.len().is_multiple_of(2) {
                    // Paired, the second oldest goes: the oldest and the
                    // newest stay, and the newest is an upper half.
                    rows.remove(1);
                }
                let paired = half && rows.len() > lines;
                draw_grid(buf, grid, &rows, bins, p, paired, 6);
            }
            HeatRows::Learners => {
                let rows: Vec<Row> = latest
                    .learners
                    .iter()
                    .filter_map(|l| {
                        let values = cell_values(model, l, new)?;
                        let frontier = if new {
                            None
                        } else {
                            threshold(model, &l.name)
                                .and_then(|(r, b)| frontier_rank(model, l.sentences_seen as f64, r, b))
                        };
                        Some(Row { label: l.name.clone(), values, frontier })
                    })
                    .collect();
                let label_w =
                    rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(4).clamp(4, 14) as u16;
                draw_grid(buf, grid, &rows, bins, p, false, label_w + 1);
            }
        }
    }
}

/// The selected learner's probe answers: wrong, confidently wrong, stale.
fn answers_line(model: &Model, l: &crate::engine::LearnerPoint) -> String {
    let mut text = format!(
        " {}: wrong {:.0}% · confident wrong {:.0}% (p>={}) ",
        l.name,
        100.0 * l.error_rate,
        100.0 * l.confident_error_rate,
        model.preset.run.confidence
    );
    if let Some(s) = l.stale_answers {
        text.push_str(&format!("· stale {:.0}% ", 100.0 * s));
    }
    if let Some(x) = l.frontier_exposures {
        text.push_str(&format!("· 50% frontier at {x:.1} exposures/fact "));
        if let Some(f) = l.frontier_exponent {
            text.push_str(&format!("moving as n^{:.2} (alpha {:.2}) ", f.value, model.params.running.alpha));
        }
    }
    text
}

/// The checkpoints to show as `count` rows, spread evenly in log n.
fn pick_rows_ref<'a>(history: &[&'a Checkpoint], count: usize) -> Vec<&'a Checkpoint> {
    if history.len() <= count || count < 2 {
        return history.iter().rev().take(count.max(1)).rev().copied().collect();
    }
    let ln = |c: &Checkpoint| (c.sentences.max(1) as f64).ln();
    let (lo, hi) = (ln(history[0]), ln(history[history.len() - 1]));
    let mut out: Vec<&Checkpoint> = Vec::with_capacity(count);
    let mut j = 0;
    for k in 0..count {
        let t = lo + (hi - lo) * k as f64 / (count - 1) as f64;
        while j + 1 < history.len() && (ln(history[j + 1]) - t).abs() <= (ln(history[j]) - t).abs() {
            j += 1;
        }
        if out.last().is_none_or(|c| !std::ptr::eq(*c, history[j])) {
            out.push(history[j]);
        }
    }
    out
}

/// How much of the colour legend the title has room for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Legend {
    /// ` 0 ramp 1 │ frontier `
    Frontier,
    /// ` 0 ramp 1 `
    Spaced,
    /// `0ramp1`
    Tight,
}

/// The colour legend for the pane's title.
fn legend_line(p: &Palette, legend: Legend) -> Line<'static> {
    let pad = |s: &'static str| if legend == Legend::Tight { s.trim() } else { s };
    let mut spans = vec![Span::styled(pad(" 0 "), p.muted)];
    if p.shade {
        spans.push(Span::styled(String::from_utf8_lossy(SHADE_RAMP).into_owned(), p.text));
    } else {
        for c in &p.heat {
            spans.push(Span::styled("█", Style::default().fg(*c)));
        }
    }
    spans.push(Span::styled(pad(" 1 "), p.muted));
    if legend == Legend::Frontier {
        spans.push(Span::styled(if p.ascii { "| " } else { "│ " }, p.theory));
        spans.push(Span::styled("frontier ", p.muted));
    }
    Line::from(spans)
}

/// Draws rows of cells (two per line in half-block mode) with labels on the
/// left, rank labels on the last line, and the frontier over the cells. In
/// half-block mode, a line's label and frontier are its upper row's.
fn draw_grid(
    buf: &mut Buffer,
    area: Rect,
    rows: &[Row],
    bins: &[RankBin],
    p: &Palette,
    half: bool,
    label_w: u16,
) {
    if rows.is_empty() || bins.is_empty() || area.height < 2 || area.width <= label_w + 2 {
        placeholder(buf, area, "no probes yet", p.muted);
        return;
    }
    let grid_w = area.width - label_w;
    let cell_w = (grid_w as usize / bins.len()).max(1) as u16;
    let shown = (grid_w / cell_w).min(bins.len() as u16) as usize;
    let x0 = area.x + label_w;
    let lines = (area.height - 1) as usize;
    let per_line = if half { 2 } else { 1 };
    let used_lines = rows.len().div_ceil(per_line).min(lines);
    let label_every = if half { 2 } else { 1 };
    let empty = Color::Reset;
    for line in 0..used_lines {
        let y = area.y + line as u16;
        let top = &rows[line * per_line];
        let bottom = if half { rows.get(line * per_line + 1) } else { None };
        if line % label_every == 0 || line + 1 == used_lines || !half {
            let label = fit_width(&top.label, (label_w - 1) as usize);
            buf.set_stringn(
                area.x,
                y,
                format!("{label:>w$}", w = (label_w - 1) as usize),
                label_w as usize,
                p.muted,
            );
        }
        for (b, _) in bins.iter().enumerate().take(shown) {
            let vt = top.values.get(b).copied().filter(|v| v.is_finite());
            let vb = bottom.and_then(|r| r.values.get(b).copied()).filter(|v| v.is_finite());
            for dx in 0..cell_w {
                let Some(cell) = buf.cell_mut((x0 + b as u16 * cell_w + dx, y)) else { continue };
                if p.shade {
                    match vt {
                        Some(v) => cell.set_char(Palette::heat_shade(v)).set_style(p.text),
                        None => cell.set_char(' ').set_style(p.text),
                    };
                } else {
                    let fg = vt.map_or(empty, |v| p.heat_color(v));
                    let bg = if half { vb.map_or(empty, |v| p.heat_color(v)) } else { fg };
                    let sym = if half { "▀" } else { "█" };
                    cell.set_symbol(sym).set_fg(fg).set_bg(bg);
                }
            }
        }
        // The predicted frontier of the top row.
        if let Some(r) = top.frontier {
            let col = (r.log2() * cell_w as f64) as u16;
            if col < shown as u16 * cell_w
                && let Some(cell) = buf.cell_mut((x0 + col, y))
            {
                cell.set_symbol(if p.ascii { "|" } else { "│" });
                if let Some(fg) = p.theory.fg {
                    cell.set_fg(fg);
                } else {
                    cell.set_fg(Color::Reset);
                }
                cell.modifier = p.theory.add_modifier;
            }
        }
    }
    // Rank labels under the bins, where they fit.
    let y = area.y + used_lines as u16;
    buf.set_stringn(
        area.x,
        y,
        format!("{:>w$}", "rank", w = (label_w - 1) as usize),
        label_w as usize,
        p.muted,
    );
    let mut next_free = x0;
    for (b, bin) in bins.iter().enumerate().take(shown) {
        let x = x0 + b as u16 * cell_w;
        let label = rank_label(bin.lo);
        if x >= next_free && x + label.len() as u16 <= area.right() {
            buf.set_string(x, y, &label, p.muted);
            next_free = x + label.len() as u16 + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::fixture;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// The pane's top border at `width` columns, as text.
    fn top_line(model: &Model, width: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(width, 12)).expect("test backend");
        t.draw(|f| render(f, f.area(), model)).expect("draw");
        let buf = t.backend().buffer();
        (0..width).map(|x| buf[(x, 0)].symbol()).collect()
    }

    /// The pane at `width` x `height`, one string per line.
    fn pane_lines(model: &Model, width: u16, height: u16) -> Vec<Vec<String>> {
        let mut t = Terminal::new(TestBackend::new(width, height)).expect("test backend");
        t.draw(|f| render(f, f.area(), model)).expect("draw");
        let buf = t.backend().buffer();
        (0..height).map(|y| (0..width).map(|x| buf[(x, y)].symbol().to_string()).collect()).collect()
    }

    /// At every height, the newest checkpoint has a row label and its
    /// frontier: with two checkpoints per line it is an upper half, whose
    /// label and frontier the line shows. So does the oldest.
    #[test]
    fn the_newest_checkpoint_is_labelled_with_its_frontier() {
        let model = fixture::model("default", 20_000_000, "dark", true);
        let (oldest, newest) = (model.history[0].sentences, model.latest().unwrap().sentences);
        assert_eq!(newest, 20_000_000);
        let width = 90;
        for height in 5..40 {
            let lines = pane_lines(&model, width, height);
            let text = |l: &[String], from: usize, to: usize| l[from..to].concat().trim().to_string();
            let axis = lines.iter().position(|l| text(l, 1, 6) == "rank").expect("a rank axis");
            let (first, last) = (&lines[1], &lines[axis - 1]);
            assert_eq!(text(last, 1, 6), short(newest as f64), "height {height}: the last line's label");
            assert!(last[7..width as usize - 1].contains(&"│".to_string()), "height {height}: no frontier");
            assert_eq!(text(first, 1, 6), short(oldest as f64), "height {height}: the first line's label");
        }
    }

    /// At every width the legend fits beside the whole title, or the title
    /// is cut with `~`: the legend never overwrites the learner's name.
    #[test]
    fn the_legend_never_overwrites_the_title() {
        for theme in ["dark", "mono"] {
            let model = fixture::model("default", 2_000_000, theme, theme != "mono");
            let ramp: String =
                legend_line(&model.palette, Legend::Tight).spans.iter().map(|s| s.content.as_ref()).collect();
            for width in 34..90 {
                let top = top_line(&model, width);
                assert!(top.contains(&ramp[1..ramp.len() - 1]), "{theme} {width}: no legend in {top:?}");
                assert!(
                    ["bayes ", "bayes,", "~"].iter().any(|t| top.contains(t)),
                    "{theme} {width}: name overwritten in {top:?}"
                );
            }
        }
    }
}
