//! Pane 5, samples: sentences with tokens coloured by role (syntax, entity
//! name, value), the fact each states and its frequency rank; facts the
//! selected learner gets wrong are marked.
//!
//! Sentences drawn at random are nearly all about frequent entities, which
//! every learner knows, so a pane of the latest ones rarely shows a miss.
//! The pane therefore shows two groups: on top, the rarest sentences (by
//! frequency rank) among the samples kept, where the learners' misses are;
//! below, the latest ones, for the stream as it is.

use crate::engine::Sample;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The rows for `h` lines: the rarest `h / 2` samples, rarest first, that
/// are not among the latest shown, then the latest `h - h / 2`, oldest first.
pub fn rows<'a>(samples: impl DoubleEndedIterator<Item = &'a Sample> + Clone, h: usize) -> Vec<&'a Sample> {
    let latest_n = h - h / 2;
    let latest: Vec<&Sample> = {
        let mut v: Vec<&Sample> = samples.clone().rev().take(latest_n).collect();
        v.reverse();
        v
    };
    let mut rare: Vec<&Sample> = samples.rev().skip(latest_n).collect();
    rare.sort_by_key(|s| std::cmp::Reverse(s.rank));
    // The engine may send a sentence twice (when training is slow): show it once.
    rare.dedup_by(|a, b| a.rank == b.rank && a.fact == b.fact);
    rare.retain(|r| !latest.iter().any(|l| l.rank == r.rank && l.fact == r.fact));
    rare.truncate(h / 2);
    rare.into_iter().chain(latest).collect()
}
use ratatui::widgets::Paragraph;

use super::{pane_block, placeholder};
use crate::sk::Role;
use crate::ui::model::{Model, Pane};

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let sel = model.selected_learner;
    let name = model.learners.get(sel).map_or("", |s| s.as_str());
    let mark = if p.ascii { "X" } else { "✗" };
    let block = pane_block(
        model,
        Pane::Samples,
        format!(
            "{mark} = {name} answers wrongly · rarest of last {} above, latest below",
            model.samples.len()
        ),
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if model.samples.is_empty() {
        placeholder(frame.buffer_mut(), inner, "no sentences yet", p.muted);
        return;
    }
    let h = inner.height as usize;
    let lines: Vec<Line> = rows(model.samples.iter(), h)
        .into_iter()
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
