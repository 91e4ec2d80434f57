//! The runs list of `sk-tui view` (`r`): every recorded run with its name
//! (what differs between the runs), file, checkpoints and state; which are
//! shown in the scaling panes, and which one the heatmap, samples,
//! parameters and status bar follow.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::model::Model;
use super::overlay::centered;
use super::panes::fit_width;
use super::recorded::Recorded;

pub fn render(frame: &mut Frame, model: &Model, recorded: &Recorded, cursor: usize) {
    let p = &model.palette;
    let area = frame.area();
    let h = (recorded.runs.len() as u16 + 4).min(area.height.saturating_sub(2));
    let rect = centered(area, 96.min(area.width.saturating_sub(2)), h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(p.border_set)
        .border_style(p.border_focus)
        .title(Span::styled(" Runs: space show/hide, Enter follow, Esc close ", p.title));
    frame.render_widget(Clear, rect);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let w = inner.width as usize;
    let (on, off, arrow) = if p.ascii { ("[x]", "[ ]", ">") } else { ("[x]", "[ ]", "▶") };
    let mut lines = vec![Line::styled(
        fit_width(&format!("     {:<28} {:<28} {:>11}  state", "run", "file", "checkpoints"), w),
        p.muted,
    )];
    for (i, r) in recorded.runs.iter().enumerate() {
        let name = if recorded.labels[i].is_empty() { "(no header yet)" } else { &recorded.labels[i] };
        let file = r.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let text = format!(
            "{} {} {:<28} {:<28} {:>11}  {}",
            if recorded.shown[i] { on } else { off },
            if i == recorded.followed { arrow } else { " " },
            fit_width(name, 28),
            fit_width(&file, 28),
            r.checkpoints.len(),
            r.state()
        );
        let style =
            if i == cursor { p.title.add_modifier(ratatui::style::Modifier::REVERSED) } else { p.text };
        lines.push(Line::styled(fit_width(&text, w), style));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
