//! The status bar: preset, phase, sentences, rate, elapsed time (from the
//! injected clock), run state, how neural learners are paced (each one's
//! share of the stream when sampled) and key hints from the key table.

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
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A learner's share of the stream as a percentage (`4%`) when it trained
/// on a sample; `None` when it trained on every sentence.
fn share_percent(l: &LearnerPoint) -> Option<String> {
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

pub fn render(frame: &mut Frame, area: Rect, model: &Model) {
    let p = &model.palette;
    let (state, state_style) = match model.state {
        RunState::Starting => ("starting", p.warn),
        RunState::Running => ("running", p.good),
        RunState::Paused => ("paused", p.warn),
        RunState::Finished => ("finished", p.good),
    };
    let n = model.sentences();
    let pct = if model.total_sentences > 0 { 100.0 * n as f64 / model.total_sentences as f64 } else { 0.0 };
    let rate = model.progress.sentences_per_second;
    let rate = if rate > 0.0 { format!("{}/s", per_second(rate)) } else { "-/s".into() };
    let phase = if model.phase.0 == 0 {
        model.phase.1.clone()
    } else {
        format!("phase {}: {}", model.phase.0, model.phase.1)
    };
    let sep = || Span::styled(" | ", p.status);
    let mut left = vec![
        Span::styled(
            format!(" {} ", model.preset_name),
            p.status.add_modifier(ratatui::style::Modifier::BOLD),
        ),
        sep(),
        Span::styled(phase, p.status),
        sep(),
        Span::styled(format!("{} sentences ({pct:.0}%)", count(n)), p.status),
        sep(),
        Span::styled(rate, p.status),
        sep(),
        Span::styled(clock(model.elapsed()), p.status),
        sep(),
        Span::styled(state, state_style.patch(p.status).patch(state_style)),
    ];
    if let Some(pace) = pace_text(model) {
        left.push(sep());
        left.push(Span::styled(pace, p.status));
    }
    if model.progress.dropped > 0 {
        left.push(sep());
        left.push(Span::styled(format!("{} updates dropped", model.progress.dropped), p.status));
    }
    let used: usize = left.iter().map(|s| s.width()).sum();
    let hints = [
        (Action::Help, "help"),
        (Action::Pause, "pause"),
        (Action::Zoom, "zoom"),
        (Action::Presets, "presets"),
        (Action::Themes, "themes"),
        (Action::Quit, "quit"),
    ];
    let mut right: Vec<Span> = Vec::new();
    let mut right_w = 0;
    for (a, text) in hints {
        let key = label(a);
        let w = key.len() + text.len() + 3;
        if used + right_w + w + 1 > area.width as usize {
            break;
        }
        right.push(Span::styled(format!(" {key}"), p.key.patch(p.status).patch(p.key)));
        right.push(Span::styled(format!(" {text} "), p.status));
        right_w += w;
    }
    let pad = (area.width as usize).saturating_sub(used + right_w);
    left.push(Span::styled(" ".repeat(pad), p.status));
    left.extend(right);
    frame.render_widget(Paragraph::new(Line::from(left)).style(p.status), area);
}
