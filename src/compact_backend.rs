//! Fewer bytes per frame. ratatui hands the backend only the cells that
//! changed, and the backend moves the cursor (`ESC [ row ; col H`, 6–8
//! bytes) over every run of unchanged cells. When a search reorders the list,
//! most rows differ in scattered cells, and those moves were a third of the
//! bytes written. This wrapper remembers what is on screen and rewrites short
//! unchanged gaps instead, when that is cheaper than jumping over them.

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use std::io;

/// Longest gap rewritten: a cursor move costs about this many bytes.
const MAX_GAP: u16 = 6;

pub struct CompactBackend<B: Backend> {
    inner: B,
    /// What the terminal shows, as far as this backend has drawn it.
    screen: Buffer,
}

impl<B: Backend> CompactBackend<B> {
    pub fn new(inner: B) -> CompactBackend<B> {
        let size = inner.size().unwrap_or_default();
        CompactBackend { inner, screen: Buffer::empty(Rect::new(0, 0, size.width, size.height)) }
    }

    fn forget_screen(&mut self) {
        let size = self.inner.size().unwrap_or_default();
        self.screen = Buffer::empty(Rect::new(0, 0, size.width, size.height));
    }

    fn known(&self, x: u16, y: u16) -> Option<&Cell> {
        self.screen.area.contains(Position::new(x, y)).then(|| &self.screen[(x, y)])
    }
}

/// A cell that can be rewritten as is: one plain column, nothing hidden by
/// a wide neighbour.
fn simple(cell: &Cell) -> bool {
    !cell.skip && cell.symbol().len() == 1 && cell.symbol().is_ascii()
}

/// The changed cells plus the short unchanged gaps between them on a row,
/// when the gap looks exactly like the cell before it (no colour change).
fn with_gaps_filled(changed: &[(u16, u16, Cell)], known: impl Fn(u16, u16) -> Option<Cell>) -> Vec<(u16, u16, Cell)> {
    let mut out: Vec<(u16, u16, Cell)> = Vec::with_capacity(changed.len());
    for (x, y, cell) in changed {
        let last = out.last().map(|(px, py, prev)| (*px, *py, simple(prev), prev.style()));
        if let Some((px, py, prev_simple, style)) = last {
            let gap = x.saturating_sub(px + 1);
            if py == *y && *x > px && gap > 0 && gap <= MAX_GAP && prev_simple {
                let filler: Option<Vec<Cell>> =
                    (px + 1..*x).map(|gx| known(gx, *y).filter(|c| simple(c) && c.style() == style)).collect();
                if let Some(filler) = filler {
                    let start = px + 1;
                    for (i, c) in filler.into_iter().enumerate() {
                        out.push((start + i as u16, *y, c));
                    }
                }
            }
        }
        out.push((*x, *y, cell.clone()));
    }
    out
}

/// Blanks shorter than this are cheaper written than erased (a cursor move
/// plus `ESC [ K` is about 11 bytes).
const MIN_ERASE: usize = 12;

/// A space in the terminal's default colours: what an erase leaves behind.
fn is_blank(cell: &Cell) -> bool {
    use ratatui::style::Color;
    cell.symbol() == " " && cell.fg == Color::Reset && cell.bg == Color::Reset && cell.modifier.is_empty() && !cell.skip
}

/// (row, first column) of rows whose whole tail from that column is blank in
/// the new screen and where at least MIN_ERASE of those blanks are being drawn.
fn blank_tails(changed: &[(u16, u16, Cell)], screen: &Buffer) -> Vec<(u16, u16)> {
    let mut rows: Vec<u16> = changed.iter().map(|(_, y, _)| *y).collect();
    rows.dedup();
    let width = screen.area.width;
    let mut out = Vec::new();
    for y in rows {
        if y >= screen.area.height {
            continue;
        }
        let mut start = width;
        while start > 0 && is_blank(&screen[(start - 1, y)]) {
            start -= 1;
        }
        if start == width {
            continue;
        }
        let drawn = changed.iter().filter(|(cx, cy, _)| *cy == y && *cx >= start).count();
        if drawn >= MIN_ERASE {
            out.push((y, start));
        }
    }
    out
}

impl<B: Backend> Backend for CompactBackend<B> {
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let changed: Vec<(u16, u16, Cell)> = content.map(|(x, y, c)| (x, y, c.clone())).collect();
        for (x, y, cell) in &changed {
            if self.screen.area.contains(Position::new(*x, *y)) {
                self.screen[(*x, *y)] = cell.clone();
            }
        }
        // Rows whose new tail is blank: erase it with one EL instead of spaces.
        let tails = blank_tails(&changed, &self.screen);
        let kept: Vec<(u16, u16, Cell)> =
            changed.into_iter().filter(|(x, y, _)| !tails.iter().any(|(ty, tx)| ty == y && x >= tx)).collect();
        let out = with_gaps_filled(&kept, |x, y| self.known(x, y).cloned());
        self.inner.draw(out.iter().map(|(x, y, c)| (*x, *y, c)))?;
        // ratatui's crossterm backend ends a draw with colours reset, so the
        // erase paints default blanks, exactly what the cells held.
        for (y, x) in tails {
            self.inner.set_cursor_position(Position::new(x, y))?;
            self.inner.clear_region(ClearType::UntilNewLine)?;
        }
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.forget_screen();
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.forget_screen();
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Anything but a full clear leaves a screen we no longer know cell by
        // cell: rewrite nothing from memory until the next full clear.
        self.screen = Buffer::empty(Rect::default());
        if clear_type == ClearType::All {
            self.forget_screen();
        }
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    fn cell(symbol: &str, style: Style) -> Cell {
        let mut c = Cell::default();
        c.set_symbol(symbol).set_style(style);
        c
    }

    #[test]
    fn short_same_style_gaps_are_filled_others_are_not() {
        let plain = Style::default();
        let red = Style::default().fg(Color::Red);
        let screen = |x: u16, _y: u16| Some(cell(if x == 5 { "r" } else { "k" }, if x == 5 { red } else { plain }));
        let changed = vec![
            (0, 0, cell("a", plain)),
            (3, 0, cell("b", plain)),  // gap 1..3 known, same style: filled
            (7, 0, cell("c", plain)),  // gap holds a red cell: jumped over
            (20, 0, cell("d", plain)), // gap too long
            (2, 1, cell("e", plain)),  // next row
        ];
        let got: Vec<(u16, u16, String)> =
            with_gaps_filled(&changed, screen).into_iter().map(|(x, y, c)| (x, y, c.symbol().to_string())).collect();
        let xs: Vec<u16> = got.iter().filter(|(_, y, _)| *y == 0).map(|(x, _, _)| *x).collect();
        assert_eq!(xs, vec![0, 1, 2, 3, 7, 20]);
        assert_eq!(got[1].2, "k");
        assert_eq!(got.last().unwrap(), &(2, 1, "e".to_string()));
    }

    #[test]
    fn a_blank_tail_is_erased_not_written() {
        use ratatui::backend::TestBackend;
        use ratatui::widgets::Paragraph;
        let mut compact = ratatui::Terminal::new(CompactBackend::new(TestBackend::new(40, 2))).unwrap();
        compact.draw(|f| f.render_widget(Paragraph::new("a long line of text that fills the row"), f.area())).unwrap();
        let screen = compact.backend().screen.clone();
        let mut next = screen.clone();
        next.set_string(0, 0, "short", Style::default());
        for x in 5..40 {
            next[(x, 0)] = Cell::default();
        }
        let changed: Vec<(u16, u16, Cell)> =
            screen.diff(&next).into_iter().map(|(x, y, c)| (x, y, c.clone())).collect();
        assert_eq!(blank_tails(&changed, &next), vec![(0, 5)]);
        compact.draw(|f| f.render_widget(Paragraph::new("short"), f.area())).unwrap();
        assert_eq!(compact.backend().inner.buffer()[(20, 0)].symbol(), " ");
        assert_eq!(compact.backend().inner.buffer()[(4, 0)].symbol(), "t");
    }

    #[test]
    fn draws_the_same_screen_as_without_it() {
        use ratatui::backend::TestBackend;
        use ratatui::widgets::Paragraph;
        let mut plain = ratatui::Terminal::new(TestBackend::new(20, 3)).unwrap();
        let mut compact = ratatui::Terminal::new(CompactBackend::new(TestBackend::new(20, 3))).unwrap();
        for text in ["payments api", "payment gateway and a long tail", "pay", "", "x"] {
            plain.draw(|f| f.render_widget(Paragraph::new(text), f.area())).unwrap();
            compact.draw(|f| f.render_widget(Paragraph::new(text), f.area())).unwrap();
            assert_eq!(plain.backend().buffer(), compact.backend().inner.buffer());
        }
    }
}
