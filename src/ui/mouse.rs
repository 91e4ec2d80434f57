//! The mouse, as `update` sees it: a click focuses the pane under it (and in
//! the parameters pane selects the field), the wheel scrolls help and moves
//! in the pickers and the parameters. Pure: the screen's size comes with the
//! event, and panes are found with the same layout `view` draws with.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::fields::FIELDS;
use super::keys::Action;
use super::model::{Command, Model, Overlay, Pane};
use super::view::{MIN_HEIGHT, MIN_WIDTH, pane_areas, screen_areas};

/// Lines the wheel scrolls help by.
const WHEEL_LINES: u16 = 3;

/// `None` when the event changes nothing; `Some(command)` when it did
/// (the command, if any, for the run loop).
pub fn handle(model: &mut Model, ev: MouseEvent, screen: Rect) -> Option<Option<Command>> {
    if !model.mouse || !model.errors.is_empty() || screen.width < MIN_WIDTH || screen.height < MIN_HEIGHT {
        return None;
    }
    let at = Position { x: ev.column, y: ev.row };
    let [main, _] = screen_areas(screen);
    let wheel = match ev.kind {
        MouseEventKind::ScrollUp => Some(Action::ListUp),
        MouseEventKind::ScrollDown => Some(Action::ListDown),
        _ => None,
    };
    match model.overlay {
        Some(Overlay::Help { scroll }) => {
            let scroll = match wheel? {
                Action::ListUp => scroll.saturating_sub(WHEEL_LINES),
                _ => scroll.saturating_add(WHEEL_LINES).min(super::overlay::help::lines(model).len() as u16),
            };
            model.overlay = Some(Overlay::Help { scroll });
            Some(None)
        }
        Some(Overlay::Presets { selected } | Overlay::Themes { selected }) => {
            let n = model.visible_choices().len();
            let selected = match wheel? {
                Action::ListUp => selected.saturating_sub(1),
                _ => (selected + 1).min(n.saturating_sub(1)),
            };
            model.overlay = Some(match model.overlay {
                Some(Overlay::Presets { .. }) => Overlay::Presets { selected },
                _ => Overlay::Themes { selected },
            });
            Some(None)
        }
        Some(Overlay::Confirm) => None,
        None => {
            let (pane, rect) = pane_areas(model, main).into_iter().find(|(_, r)| r.contains(at))?;
            match (ev.kind, wheel) {
                (MouseEventKind::Down(MouseButton::Left), _) => {
                    model.focus = pane;
                    if pane == Pane::Params {
                        select_field(model, rect, at);
                    }
                    Some(None)
                }
                (_, Some(dir)) if pane == Pane::Params => {
                    let p = &mut model.params;
                    p.selected = match dir {
                        Action::ListUp => p.selected.saturating_sub(1),
                        _ => (p.selected + 1).min(FIELDS.len() - 1),
                    };
                    Some(None)
                }
                _ => None,
            }
        }
    }
}

/// Selects the field on the clicked row of the parameters pane at `rect`.
fn select_field(model: &mut Model, rect: Rect, at: Position) {
    let inner = Rect {
        x: rect.x + 1,
        y: rect.y + 1,
        width: rect.width.saturating_sub(2),
        height: rect.height.saturating_sub(2),
    };
    let (list, top) = super::panes::params::list_layout(inner, model);
    if list.contains(at) {
        let i = top + (at.y - list.y) as usize;
        if i < FIELDS.len() && model.params.input.is_none() {
            model.params.selected = i;
        }
    }
}
