//! The status bar: preset, phase, sentences, rate, training time (from the
//! injected clock; it stops while paused or finished), run state, how neural learners are paced (each one's
//! share of the stream when sampled) and key hints from the key table. When the
//! bar is too narrow for all of it, the least important pieces go first:
//! the preset, state, sentences, `? help` and `q quit` stay longest.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::config::{LearnerKind, Pace};
use crate::engine::LearnerPoint;
use crate::ui::keys::{Action, label};
use crate::ui::model::{Model, RunState};

/// A rate: `950`, `41.2k`, `1.25M`.
pub fn per_second(r: f64) -> String {
    if r >= 1e6 {
        format!("{:.2}M", r / 1e6)
    } else if r >= 1e3 {
        format!("{:.1}k", r / 1e3)
    } else {
        format!("{r:.0}")
    }
}

/// `h:mm:ss`.
pub fn clock(d: std::time::Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// A count with thousands separators.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A learner's share of the stream as a percentage (`4%`) when it trained
/// on a sample; `None` when it trained on every sentence.
pub fn share_percent(l: &LearnerPoint) -> Option<String> {
    if l.sentences_dropped == 0 {
        return None;
    }
    let pct = 100.0 * l.stream_share();
    Some(if (1.0..99.0).contains(&pct) { format!("{pct:.0}%") } else { format!("{pct:.1}%") })
}

/// A sampled learner's share of the stream (`4% of sentences`); `None`
/// when it trained on every sentence.
pub fn stream_share_label(l: &LearnerPoint) -> Option<String> {
    share_percent(l).map(|pct| format!("{pct} of sentences"))
}

/// With neural learners: `pace: all`, or what each sampled learner saw
/// (`nn-32 · 4%, nn-64 · 3% of sentences`).
fn pace_text(model: &Model) -> Option<String> {
    if !model.preset.learners.iter().any(|l| l.kind == LearnerKind::Neural) {
        return None;
    }
    let shares: Vec<String> = model
        .latest()
        .filter(|_| model.preset.run.pace == Pace::Sample)
        .map(|c| {
            c.learners.iter().filter_map(|l| Some(format!("{} · {}", l.name, share_percent(l)?))).collect()
        })
        .unwrap_or_default();
    Some(if shares.is_empty() {
        format!("pace: {}", model.preset.run.pace.name())
    } else {
        format!("{} of sentences", shares.join(", "))
    })
}

/// One piece of the status bar: its spans, whether it is a key hint (hints
/// sit on the right), and its rank (0 is kept longest when the bar is too
/// narrow for everything).
#[derive(Clone)]
struct Item<'a> {
    rank: u8,
    hint: bool,
    spans: Vec<Span<'a>>,
}

/// The separator between the left-hand items.
const SEP: &str = " | ";

/// The width `items` take: their spans, and a separator between left-hand ones.
fn width(items: &[Item]) -> usize {
    let lefts = items.iter().filter(|i| !i.hint).count();
    items.iter().flat_map(|i| &i.spans).map(|s| s.width()).sum::<usize>()
        + SEP.len() * lefts.saturating_sub(1)
}

/// Keeps the most important items that fit in `max`, in their order: drops
/// the lowest-ranked until the rest fit.
fn fit(mut items: Vec<Item>, max: usize) -> Vec<Item> {
    while width(&items) > max {
        let Some(worst) = items.iter().enumerate().max_by_key(|(_, i)| i.rank).map(|(k, _)| k) else { break };
        items.remove(worst);
    }
    items
}

/// The cells a status-bar note asks for before the others are placed, and
/// its rank: kept after the preset, state, `? help` and `q quit`, before
/// the rest (the only item of that rank).
const NOTE_MIN: usize = 16;
const NOTE_RANK: u8 = 45;

/// `s` in at most `w` characters, cut with `…`.
fn cut(s: &str, w: usize) -> String {
    super::cut_with(s, w, '…')
}

/// The hints with their ranks: help and quit outrank everything but the
/// preset, state and sentences (a note outranks the sentences); the rest
/// come as width allows.
const HINTS: [(Action, &str, u8); 6] = [
    (Action::Help, "help", 20),
    (Action::Quit, "quit", 40),
    (Action::Presets, "presets", 80),
    (Action::Themes, "themes", 90),
    (Action::Pause, "pause", 100),
    (Action::Zoom, "zoom", 110),
];

pub fn render<'a>(frame: &mut Frame, area: Rect, model: &'a Model) {
    let p = &model.palette;
    let state_style = match model.state {
        RunState::Starting | RunState::Paused => p.warn,
        RunState::Finished if model.interrupted.is_some() => p.warn,
        RunState::Running | RunState::Finished => p.good,
    };
    let state = model.state_name().to_string();
    let n = model.sentences();
    let pct = if model.total_sentences > 0 { 100.0 * n as f64 / model.total_sentences as f64 } else { 0.0 };
    let rate = model.progress.sentences_per_second;
    let rate = if rate > 0.0 { format!("{}/s", per_second(rate)) } else { "-/s".into() };
    let phase = if model.phase.0 == 0 {
        model.phase.1.clone()
    } else {
        format!("phase {}: {}", model.phase.0, model.phase.1)
    };
    let item = |rank: u8, span: Span<'static>| Item { rank, hint: false, spans: vec![span] };
    // While a note is shown, it outranks the sentence count and the pace.
    let count_rank = if model.note.is_some() { NOTE_RANK + 1 } else { 30 };
    let bold = p.status.add_modifier(ratatui::style::Modifier::BOLD);
    let mut items = vec![
        item(0, Span::styled(format!(" {} ", model.preset_name), bold)),
        item(50, Span::styled(phase, p.status)),
        item(count_rank, Span::styled(format!("{} sentences ({pct:.0}%)", count(n)), p.status)),
        item(70, Span::styled(rate, p.status)),
        item(60, Span::styled(clock(model.elapsed()), p.status)),
        item(10, Span::styled(state, state_style.patch(p.status).patch(state_style))),
    ];
    if let Some(pace) = pace_text(model) {
        items.push(item(count_rank, Span::styled(pace, p.status)));
    }
    if model.progress.dropped > 0 {
        items.push(item(120, Span::styled(format!("{} updates dropped", model.progress.dropped), p.status)));
    }
    items.extend(HINTS.iter().map(|(a, text, rank)| Item {
        rank: *rank,
        hint: true,
        spans: vec![
            Span::styled(format!(" {}", label(*a)), p.key.patch(p.status).patch(p.key)),
            Span::styled(format!(" {text} "), p.status),
        ],
    }));
    // The note answers the last key: shown whole if the items it outranks
    // can make room, else given the room left once the others it is ranked
    // after are placed (at least a few cells), cut with `…`.
    let kept = match &model.note {
        None => fit(items, area.width as usize),
        Some(note) => {
            let with = |text: String, mut items: Vec<Item<'a>>| {
                items.push(item(NOTE_RANK, Span::styled(text, p.status)));
                fit(items, area.width as usize)
            };
            let is_note = |i: &Item| !i.hint && i.rank == NOTE_RANK;
            let whole = with(note.clone(), items.clone());
            if whole.iter().any(is_note) {
                whole
            } else {
                let min = note.chars().count().min(NOTE_MIN);
                let mut kept = with(cut(note, min), items);
                let room = min + (area.width as usize).saturating_sub(width(&kept));
                if let Some(kept_note) = kept.iter_mut().find(|i| is_note(i)) {
                    kept_note.spans[0].content = cut(note, room).into();
                }
                kept
            }
        }
    };
    let pad = (area.width as usize).saturating_sub(width(&kept));
    let (left, right): (Vec<Item>, Vec<Item>) = kept.into_iter().partition(|i| !i.hint);
    let mut spans: Vec<Span> = Vec::new();
    for (k, item) in left.into_iter().enumerate() {
        if k > 0 {
            spans.push(Span::styled(SEP, p.status));
        }
        spans.extend(item.spans);
    }
    spans.push(Span::styled(" ".repeat(pad), p.status));
    spans.extend(right.into_iter().flat_map(|i| i.spans));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(p.status), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::fixture;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn bar(model: &Model, width: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(width, 1)).unwrap();
        t.draw(|f| render(f, f.area(), model)).unwrap();
        crate::ui::buffer_to_text(t.backend().buffer())
    }

    /// A long note (a theme saved as the default) is shown, cut with `…`,
    /// and `? help`, `q quit` and the state stay (the sentence count may give way until the next key).
    #[test]
    fn a_long_note_is_cut_and_the_key_hints_stay() {
        let mut m = fixture::model("neural", 1_000_000, "dark", true);
        let long = "theme high-contrast saved as the default in /tmp/v/cfg/sk-tui/config.toml (theme = \"high-contrast\")";
        m.note = Some(long.into());
        let text = bar(&m, 80);
        for want in ["? help", "q quit", "running", "theme high-contrast saved", "…"] {
            assert!(text.contains(want), "no {want:?} in {text:?}");
        }
        // A wide bar shows the note whole.
        let text = bar(&m, 250);
        assert!(text.contains(long) && !text.contains('…'), "{text:?}");
        // A short note is not cut.
        m.note = Some("saved".into());
        assert!(bar(&m, 80).contains("| saved"), "{:?}", bar(&m, 80));
    }
}
