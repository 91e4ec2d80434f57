//! Pane 5, samples: recent sentences with tokens coloured by role (syntax,
//! entity name, value), the fact each states and its frequency rank; facts
//! the selected learner gets wrong are marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{pane_block, placeholder};
use crate::sk::Role;
use crate::ui::model::{Model, Pane};

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let sel = model.selected_learner;
    let name = model.learners.get(sel).map_or("", |s| s.as_str());
    let mark = if p.ascii { "X" } else { "✗" };
    let block = pane_block(model, Pane::Samples, format!("{mark} = {name} answers wrongly"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if model.samples.is_empty() {
        placeholder(frame.buffer_mut(), inner, "no sentences yet", p.muted);
        return;
    }
    let h = inner.height as usize;
    let lines: Vec<Line> = model
        .samples
        .iter()
        .rev()
        .take(h)
        .rev()
        .map(|s| {
            let wrong = s.wrong.get(sel).copied().unwrap_or(false);
            let mut spans = vec![
                Span::styled(if wrong { format!("{mark} ") } else { "  ".into() }, p.wrong),
                Span::styled(format!("r{:<7} ", s.rank), p.muted),
            ];
            for (i, (word, role)) in s.words.iter().enumerate() {
                let mut style = match role {
                    Role::Syntax => p.syntax,
                    Role::Name => p.entity,
                    Role::Value => p.value,
                };
                if wrong && *role == Role::Value {
                    style = p.wrong;
                }
                // Spaced as `Sentence::text` does: none before "'s" and punctuation.
                let joined = sk_join(i, word);
                if i > 0 && !joined.tight {
                    spans.push(Span::raw(" "));
                }
                spans.push(Span::styled(joined.word, style));
            }
            spans.push(Span::styled(format!("   [{}]", s.fact), p.muted));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

struct Joined {
    word: String,
    tight: bool,
}

/// The word as the sentence's `i`-th, capitalised first, and whether it
/// follows the previous word without a space.
fn sk_join(i: usize, word: &str) -> Joined {
    let tight = word.starts_with('\'') || [".", ",", ":"].contains(&word);
    let word = if i == 0 { crate::sk::sentence::join_words([word]) } else { word.to_string() };
    Joined { word, tight }
}
