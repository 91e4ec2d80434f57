//! The confirmation before `p` (a preset) or `a` (apply) throws away a run
//! that has trained for a while: y or Enter goes ahead, n or Esc keeps it.
//! The box is sized to its lines (a long preset path is wrapped to the
//! screen), so the key line is always shown.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Padding, Paragraph};

use super::centered;
use crate::ui::model::{Model, Pending};
use crate::ui::panes::status::{clock, count};
use crate::ui::panes::wrap;

const TITLE: &str = " Throw away this run? ";

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let what = match &model.confirm {
        Some(Pending::LoadPreset(spec)) => format!("Restart with the preset {spec}?"),
        Some(Pending::Apply) => "Restart on the edited parameters?".to_string(),
        None => return,
    };
    let lost = [
        "This throws away the current run:".to_string(),
        format!("{} sentences, {} of training.", count(model.sentences()), clock(model.elapsed())),
    ];
    let keys = Line::from(vec![
        Span::styled("y", p.key),
        Span::styled(", Enter: restart   ", p.text),
        Span::styled("n", p.key),
        Span::styled(", Esc: keep the run", p.text),
    ]);
    // Borders and a column of padding on each side.
    let frame_w = 4;
    let longest = lost.iter().chain([&what]).map(|l| l.chars().count()).max().unwrap_or(0);
    let longest = longest.max(keys.width()).max(TITLE.len());
    let inner = longest.min(area.width.saturating_sub(frame_w) as usize).max(1);
    let mut text: Vec<Line> = wrap(&what, inner).into_iter().map(|l| Line::styled(l, p.title)).collect();
    text.extend(lost.iter().flat_map(|l| wrap(l, inner)).map(|l| Line::styled(l, p.text)));
    text.push(Line::raw(""));
    text.push(keys);
    let rect = centered(area, inner as u16 + frame_w, text.len() as u16 + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(p.border_set)
        .border_style(p.warn)
        .padding(Padding::horizontal(1))
        .title(Span::styled(TITLE, p.warn));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(text).block(block), rect);
}
