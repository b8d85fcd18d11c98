pub mod doc;
pub mod entity;
pub mod facets;
pub mod help;
pub mod list;
pub mod owner;
pub mod palette;
pub mod preview;
pub mod tree;

use ratatui::layout::Rect;

/// A centred rectangle of at most the given size, inside `area` (a margin
/// of one cell when there is room; never larger than `area`).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width.saturating_sub(2)).max(1).min(area.width);
    let h = height.min(area.height.saturating_sub(2)).max(1).min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}
