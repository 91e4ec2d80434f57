//! `view`: the whole screen from the `Model`, generic over the backend.
//! Layout: data and model scaling on top, heatmap and parameters below,
//! samples, then the status bar; a zoomed pane takes the panes' space; an
//! overlay goes on top; below the minimum size, a message instead.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::model::{Model, Overlay, Pane};
use super::overlay;
use super::palette::asciify;
use super::panes;

/// The smallest screen the dashboard lays out fully.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn view(model: &Model, frame: &mut Frame) {
    let area = frame.area();
    let p = &model.palette;
    frame.render_widget(Block::default().style(p.text), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(model, frame, area);
    } else {
        let [main, status] = screen_areas(area);
        for (pane, rect) in pane_areas(model, main) {
            render_pane(model, frame, pane, rect);
        }
        panes::status::render(frame, status, model);
        overlays(model, frame, main);
    }
    if p.ascii {
        asciify(frame.buffer_mut());
    }
}

/// The open overlay and the error popup over `main` (the panes' space);
/// drawn again by what is drawn over the panes (`sk-tui view`'s sweep chart).
pub fn overlays(model: &Model, frame: &mut Frame, main: Rect) {
    match model.overlay {
        Some(Overlay::Help { scroll }) => overlay::help::render(frame, main, model, scroll),
        Some(Overlay::Presets { selected }) => {
            overlay::picker::render(frame, main, model, "Presets", selected)
        }
        Some(Overlay::Themes { selected }) => overlay::picker::render(frame, main, model, "Themes", selected),
        Some(Overlay::Confirm) => overlay::confirm::render(frame, main, model),
        None => {}
    }
    if !model.errors.is_empty() {
        overlay::error::render(frame, main, model);
    }
}

/// The panes' space and the status bar of a screen at least the minimum size.
pub fn screen_areas(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area)
}

/// Where each pane is drawn in `main` (only the focused one when zoomed);
/// the mouse finds panes with it too.
pub fn pane_areas(model: &Model, main: Rect) -> Vec<(Pane, Rect)> {
    if model.zoom {
        return vec![(model.focus, main)];
    }
    let samples_h = (main.height / 6).clamp(5, 12);
    let [top, bottom, samples] =
        Layout::vertical([Constraint::Fill(1), Constraint::Fill(1), Constraint::Length(samples_h)])
            .areas(main);
    let [data, model_scaling] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    let params_w = if main.width >= 150 { 64 } else { 40.min(main.width / 2) };
    let [heat, params] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(params_w)]).areas(bottom);
    vec![
        (Pane::DataScaling, data),
        (Pane::ModelScaling, model_scaling),
        (Pane::Heatmap, heat),
        (Pane::Params, params),
        (Pane::Samples, samples),
    ]
}

fn render_pane(model: &Model, frame: &mut Frame, pane: Pane, area: Rect) {
    match pane {
        Pane::DataScaling => panes::data_scaling::render(frame, area, model),
        Pane::ModelScaling => panes::model_scaling::render(frame, area, model),
        Pane::Heatmap => panes::heatmap::render(frame, area, model),
        Pane::Params => panes::params::render(frame, area, model),
        Pane::Samples => panes::samples::render(frame, area, model),
    }
}

fn too_small(model: &Model, frame: &mut Frame, area: Rect) {
    let p = &model.palette;
    let text = vec![
        Line::styled("sk-tui needs a larger terminal", p.title),
        Line::styled(
            format!("at least {MIN_WIDTH}x{MIN_HEIGHT}; this one is {}x{}", area.width, area.height),
            p.text,
        ),
        Line::styled("enlarge the window, or press q to quit", p.muted),
    ];
    let h = 3.min(area.height);
    let y = area.y + (area.height - h) / 2;
    let rect = Rect { y, height: h, ..area };
    frame.render_widget(
        Paragraph::new(text).alignment(ratatui::layout::Alignment::Center).wrap(Wrap { trim: true }),
        rect,
    );
}
