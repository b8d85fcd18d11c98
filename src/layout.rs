//! Screen geometry, computed in one place: render lays the frame out with it,
//! and update uses the same numbers for paging and scrolling limits.

use ratatui::layout::{Constraint, Layout, Rect};

/// The four bands of every frame.
pub struct FrameAreas {
    pub title: Rect,
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

pub fn frame_areas(area: Rect) -> FrameAreas {
    let [title, body, status, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1), Constraint::Length(1)])
            .areas(area);
    FrameAreas { title, body, status, footer }
}

fn body(width: u16, height: u16) -> Rect {
    frame_areas(Rect::new(0, 0, width, height)).body
}

/// Rows a full-screen page can show: the body.
pub fn page_rows(height: u16) -> usize {
    (body(80, height).height as usize).max(1)
}

/// Rows of the list: the body minus its search line and table header.
pub fn list_rows(height: u16) -> usize {
    page_rows(height).saturating_sub(2).max(1)
}

/// Rows of text a doc page shows: the body minus its header line and the
/// search / message line.
pub fn doc_text_rows(height: u16) -> usize {
    page_rows(height).saturating_sub(2).max(1)
}

/// Terminal width from which the list shows the preview pane instead of the
/// Description column: the list's fixed columns (85), the pane's gap, border
/// and margin (3), and 52 columns of pane text. At 139 the Description column
/// is 53 wide, so crossing the threshold trades one cut line of description
/// for all of it at the same measure; narrower panes would also start to cut
/// full refs and emails.
pub const PREVIEW_MIN_WIDTH: u16 = 140;

/// Columns the doc TOC pane takes when shown beside the text.
pub const TOC_WIDTH: u16 = 30;
/// Narrower than this, the TOC covers the text instead of sitting beside it.
pub const TOC_SIDE_MIN: u16 = 90;

/// The width doc pages are laid out at, given the terminal and the TOC.
pub fn doc_text_width(terminal_width: u16, toc_visible: bool) -> u16 {
    let side = if toc_visible && terminal_width >= TOC_SIDE_MIN { TOC_WIDTH + 1 } else { 0 };
    terminal_width.saturating_sub(side + 2).max(20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_and_rows_agree() {
        // Title, status and footer take a row each; the list adds its search
        // line and header.
        assert_eq!(page_rows(24), 21);
        assert_eq!(list_rows(24), 19);
        assert_eq!(doc_text_rows(24), 19);
        assert_eq!(list_rows(3), 1);
        let areas = frame_areas(Rect::new(0, 0, 80, 24));
        assert_eq!(areas.body.height as usize, page_rows(24));
        assert_eq!(areas.footer.y, 23);
    }
}
