//! Overlays drawn over the panes: help (generated from the key table), the
//! preset and theme pickers, the confirmation before a restart, and the
//! error popup.

pub mod confirm;
pub mod error;
pub mod help;
pub mod picker;

use ratatui::layout::Rect;

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
