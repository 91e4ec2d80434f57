//! The confirmation before `p` (a preset) or `a` (apply) throws away a run
//! that has trained for a while: y or Enter goes ahead, n or Esc keeps it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use crate::ui::model::{Model, Pending};
use crate::ui::panes::status::{clock, count};

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let what = match &model.confirm {
        Some(Pending::LoadPreset(spec)) => format!("Restart with the preset {spec}?"),
        Some(Pending::Apply) => "Restart on the edited parameters?".to_string(),
        None => return,
    };
    let text = vec![
        Line::styled(what, p.title),
        Line::styled(
            format!(
                "This throws away the current run: {} sentences, {} of training.",
                count(model.sentences()),
                clock(model.elapsed())
            ),
            p.text,
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", p.key),
            Span::styled(", Enter: restart   ", p.text),
            Span::styled("n", p.key),
            Span::styled(", Esc: keep the run", p.text),
        ]),
    ];
    let rect = centered(area, 64, 6);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(p.border_set)
        .border_style(p.warn)
        .title(Span::styled(" Throw away this run? ", p.warn));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(text).block(block).wrap(Wrap { trim: true }), rect);
}
