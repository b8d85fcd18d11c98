//! A ratatui backend that writes each frame's changes in few bytes.
//!
//! It remembers what the terminal shows and where its cursor and pen are, so
//! it can choose, for every changed cell, the cheapest way there: no move at
//! all, a carriage return, a relative move, re-writing a few unchanged cells,
//! or an absolute one. Long runs of new blanks are erased (EL, ECH).
//! crossterm still does everything else (raw mode, events, size).

use super::emit::{jump, sgr, vertical, Cursor, Pen};
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Longest run of unchanged cells worth re-writing instead of jumping over.
const MAX_GAP: u16 = 8;

pub struct TermBackend<W: Write> {
    writer: W,
    /// None: ask the terminal. Tests draw into a fixed size.
    fixed_size: Option<Size>,
    /// Columns, as of the last clear.
    width: u16,
    /// What the terminal shows, as far as known; None after a partial clear.
    screen: Option<Buffer>,
    cursor: Option<Cursor>,
    pen: Option<Pen>,
    cursor_visible: Option<bool>,
    /// Wrap each frame's output in a synchronized update (DEC mode 2026).
    synchronized: bool,
    /// Something was written since the last flush (inside the update).
    frame_open: bool,
}

impl<W: Write> TermBackend<W> {
    /// For the real terminal: its size comes from crossterm. The terminal
    /// must have just been cleared (ratatui's `Terminal::clear` does). Each
    /// frame is one synchronized update (DEC mode 2026): terminals that know
    /// the mode show it whole, others ignore it; a frame with nothing to
    /// change writes nothing at all (an idle screen stays silent over SSH).
    pub fn new(writer: W) -> TermBackend<W> {
        let mut backend = TermBackend::build(writer, None);
        backend.synchronized = true;
        backend
    }

    /// A terminal of a fixed size, for tests and measurements.
    pub fn with_size(writer: W, width: u16, height: u16) -> TermBackend<W> {
        TermBackend::build(writer, Some(Size::new(width, height)))
    }

    fn build(writer: W, fixed_size: Option<Size>) -> TermBackend<W> {
        let mut backend = TermBackend {
            writer,
            fixed_size,
            width: 0,
            screen: None,
            cursor: None,
            pen: None,
            cursor_visible: None,
            synchronized: false,
            frame_open: false,
        };
        backend.forget_screen();
        backend
    }

    /// Another program has used the terminal: nothing it shows, nor its
    /// cursor, pen or cursor visibility, is known any more. The next clear and
    /// frame redraw everything.
    pub fn forget(&mut self) {
        self.cursor = None;
        self.pen = None;
        self.cursor_visible = None;
        self.screen = None;
        self.frame_open = false;
    }

    /// Bytes for the terminal itself (OSC 52), written between frames.
    pub fn write_between_frames(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)?;
        self.writer.flush()
    }

    /// Change the size a fixed-size backend reports, as a terminal resize would.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.fixed_size = Some(Size::new(width, height));
    }

    /// A freshly cleared screen of the current size.
    fn forget_screen(&mut self) {
        let size = self.size().unwrap_or_default();
        self.width = size.width;
        self.screen = Some(Buffer::empty(Rect::new(0, 0, size.width, size.height)));
    }

    /// Note the new cells, and mark the columns a wide character covers.
    fn remember(&mut self, changed: &[(u16, u16, &Cell)]) {
        let Some(screen) = &mut self.screen else { return };
        for &(x, y, cell) in changed {
            if !screen.area.contains(Position::new(x, y)) {
                self.screen = None;
                return;
            }
            screen[(x, y)] = cell.clone();
            for covered in x + 1..(x + cell.symbol().width() as u16).min(screen.area.width) {
                screen[(covered, y)] = Cell::default();
                screen[(covered, y)].set_skip(true);
            }
        }
    }

    /// For each column of row y, the run of blanks it is in, as (first
    /// column, column after the last); (x, x) when it is not blank.
    fn blank_runs(&self, y: u16) -> Option<Vec<(u16, u16)>> {
        let screen = self.screen.as_ref()?;
        let width = screen.area.width;
        let mut runs: Vec<(u16, u16)> = (0..width).map(|x| (x, x)).collect();
        let mut start = 0;
        for x in 0..=width {
            if x == width || !is_blank(&screen[(x, y)]) {
                runs[start as usize..x as usize].fill((start, x));
                start = x + 1;
            }
        }
        Some(runs)
    }

    /// Erase the blanks from somewhere in [start, x] to `end`: from where,
    /// with which sequence, and how many bytes that takes with the moves to
    /// it and on to the `next` changed cell.
    fn erasure(&self, y: u16, (start, end): (u16, u16), x: u16, next: Option<u16>) -> (u16, Vec<u8>, usize) {
        let mut from = vec![start, x];
        if let Some(Cursor { x: Some(c), y: cy }) = self.cursor {
            if cy == y && (start..=x).contains(&c) {
                from.push(c);
            }
        }
        let cost = |from: u16| {
            let mut erase = Vec::new();
            let mut moves = Vec::new();
            jump(self.cursor, from, y, &mut moves);
            if end == self.width {
                erase.extend_from_slice(b"\x1b[K");
            } else {
                let _ = write!(erase, "\x1b[{}X", end - from);
                if let Some(next) = next {
                    jump(Some(Cursor { x: Some(from), y }), next, y, &mut moves);
                }
            }
            let total = erase.len() + moves.len();
            (from, erase, total)
        };
        from.into_iter().map(cost).min_by_key(|(_, _, total)| *total).expect("two candidates at least")
    }

    /// Move to (x, y) with the pen set to `pen`, in as few bytes as possible.
    fn place(&mut self, x: u16, y: u16, pen: &Pen, out: &mut Vec<u8>) {
        if self.cursor == Some(Cursor { x: Some(x), y }) && self.pen.as_ref() == Some(pen) {
            return;
        }
        let mut best = Vec::new();
        jump(self.cursor, x, y, &mut best);
        sgr(self.pen.as_ref(), pen, &mut best);
        if let Some(refill) = self.refill(x, y, pen) {
            if refill.len() < best.len() {
                best = refill;
            }
        }
        out.extend_from_slice(&best);
        self.cursor = Some(Cursor { x: Some(x), y });
        self.pen = Some(*pen);
    }

    /// Reach (x, y) by re-writing the unchanged cells between the cursor's
    /// column and x, when they are few, plain and all in one style.
    fn refill(&self, x: u16, y: u16, pen: &Pen) -> Option<Vec<u8>> {
        let (cursor, current, screen) = (self.cursor?, self.pen?, self.screen.as_ref()?);
        let from = cursor.x.filter(|from| *from < x && x - from <= MAX_GAP)?;
        let style = Pen::of(&screen[(from, y)]);
        let mut out = Vec::new();
        vertical(cursor.y, y, &mut out);
        sgr(Some(&current), &style, &mut out);
        for gx in from..x {
            let cell = &screen[(gx, y)];
            if !plain(cell) || Pen::of(cell) != style {
                return None;
            }
            out.extend_from_slice(cell.symbol().as_bytes());
        }
        sgr(Some(&style), pen, &mut out);
        Some(out)
    }

    /// Write a cell's symbol at (x, y), where the cursor is, and follow the cursor.
    fn print(&mut self, x: u16, y: u16, cell: &Cell, out: &mut Vec<u8>) {
        let symbol = cell.symbol();
        out.extend_from_slice(symbol.as_bytes());
        let advance = symbol.width() as u16;
        if symbol.chars().count() > 1 || advance == 0 {
            // A cluster of several code points is as wide as the terminal
            // decides, whatever unicode-width says: move explicitly after it.
            if !symbol.is_empty() {
                self.cursor = None;
            }
        } else if x + advance >= self.width {
            self.cursor = Some(Cursor { x: None, y });
        } else {
            self.cursor = Some(Cursor { x: Some(x + advance), y });
        }
    }

    /// Draw a row's changed cells. A run of them that is now blank is erased
    /// instead when that is no longer than writing its blanks: EL up to the
    /// row's end, ECH inside it (then the cursor has to move on).
    fn draw_row(&mut self, y: u16, cells: &[(u16, u16, &Cell)], out: &mut Vec<u8>) {
        let runs = self.blank_runs(y);
        let mut i = 0;
        while i < cells.len() {
            let (x, _, cell) = cells[i];
            let run = runs.as_ref().map_or((x, x), |runs| runs[x as usize]);
            let drawn = cells[i..].iter().take_while(|(cx, _, _)| *cx < run.1).count();
            if drawn > 0 {
                let next = cells.get(i + drawn).map(|(next, _, _)| *next);
                let (from, erase, cost) = self.erasure(y, run, x, next);
                // Writing costs a byte a blank at least, plus the move to x.
                let mut to_x = Vec::new();
                jump(self.cursor, x, y, &mut to_x);
                if cost <= drawn + to_x.len() {
                    // Both paint the pen's background: it must be the default.
                    self.place(from, y, &Pen::default(), out);
                    out.extend_from_slice(&erase);
                    i += drawn;
                    continue;
                }
            }
            self.place(x, y, &Pen::of(cell), out);
            self.print(x, y, cell, out);
            i += 1;
        }
    }

    /// Write `bytes` with the pen reset first, for erases.
    /// Everything the backend writes goes through here, so a frame's first
    /// byte can open its synchronized update (closed by `flush`).
    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if self.synchronized && !self.frame_open {
            self.writer.write_all(b"\x1b[?2026h")?;
            self.frame_open = true;
        }
        self.writer.write_all(bytes)
    }

    fn erase(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut out = Vec::new();
        sgr(self.pen.as_ref(), &Pen::default(), &mut out);
        self.pen = Some(Pen::default());
        out.extend_from_slice(bytes);
        self.emit(&out)
    }
}

/// A cell that can be re-written as it is: one column, one code point.
fn plain(cell: &Cell) -> bool {
    let symbol = cell.symbol();
    !cell.skip && symbol.chars().count() == 1 && symbol.width() == 1
}

/// A space in the default colours: what an erase leaves behind.
fn is_blank(cell: &Cell) -> bool {
    cell.symbol() == " " && !cell.skip && Pen::of(cell) == Pen::default()
}

impl<W: Write> Backend for TermBackend<W> {
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let changed: Vec<(u16, u16, &Cell)> = content.collect();
        self.remember(&changed);
        let mut out = Vec::with_capacity(8 * 1024);
        // ratatui hands the cells over row by row, left to right.
        for row in changed.chunk_by(|a, b| a.1 == b.1) {
            self.draw_row(row[0].1, row, &mut out);
        }
        // Leave the default pen between frames, for whoever writes next.
        sgr(self.pen.as_ref(), &Pen::default(), &mut out);
        self.pen = Some(Pen::default());
        self.emit(&out)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.screen = None;
        self.cursor = None;
        self.emit(&vec![b'\n'; n as usize])
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_visible != Some(false) {
            self.emit(b"\x1b[?25l")?;
            self.cursor_visible = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_visible != Some(true) {
            self.emit(b"\x1b[?25h")?;
            self.cursor_visible = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        match self.cursor {
            Some(Cursor { x: Some(x), y }) => Ok(Position::new(x, y)),
            _ => crossterm::cursor::position().map(|(x, y)| Position::new(x, y)),
        }
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        let mut out = Vec::new();
        jump(self.cursor, x, y, &mut out);
        self.cursor = Some(Cursor { x: Some(x), y });
        self.emit(&out)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        let sequence: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.erase(sequence)?;
        if clear_type == ClearType::All {
            // Also after a resize, where the terminal may have moved the cursor.
            self.cursor = None;
            self.forget_screen();
        } else {
            // Rewrite nothing from memory until the next full clear.
            self.screen = None;
        }
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        match self.fixed_size {
            Some(size) => Ok(size),
            None => crossterm::terminal::size().map(|(width, height)| Size { width, height }),
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        if let Some(size) = self.fixed_size {
            return Ok(WindowSize { columns_rows: size, pixels: Size::default() });
        }
        let size = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size { width: size.columns, height: size.rows },
            pixels: Size { width: size.width, height: size.height },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        if std::mem::take(&mut self.frame_open) {
            self.writer.write_all(b"\x1b[?2026l")?;
        }
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::widgets::Paragraph;

    /// The bytes of each frame, ESC shown as `^`.
    fn frames(texts: &[&str]) -> Vec<String> {
        let mut terminal = ratatui::Terminal::new(TermBackend::with_size(Vec::new(), 20, 2)).unwrap();
        terminal.clear().unwrap();
        terminal.backend_mut().writer.clear();
        let mut out = Vec::new();
        for text in texts {
            terminal.draw(|f| f.render_widget(Paragraph::new(*text), f.area())).unwrap();
            let bytes = std::mem::take(&mut terminal.backend_mut().writer);
            out.push(String::from_utf8(bytes).unwrap().replace('\x1b', "^"));
        }
        out
    }

    #[test]
    fn a_frame_is_one_synchronized_update_and_an_unchanged_one_writes_nothing() {
        let mut backend = TermBackend::with_size(Vec::new(), 20, 2);
        backend.synchronized = true;
        let mut terminal = ratatui::Terminal::new(backend).unwrap();
        terminal.clear().unwrap();
        terminal.backend_mut().flush().unwrap();
        terminal.backend_mut().writer.clear();
        let mut frame = |text: &str| {
            terminal.draw(|f| f.render_widget(Paragraph::new(text), f.area())).unwrap();
            String::from_utf8(std::mem::take(&mut terminal.backend_mut().writer)).unwrap().replace('\x1b', "^")
        };
        let first = frame("payments");
        assert!(first.starts_with("^[?2026h") && first.ends_with("^[?2026l"), "{first}");
        assert_eq!(first.matches("2026").count(), 2, "one update per frame: {first}");
        assert_eq!(frame("payments"), "", "nothing changed, nothing written");
        assert!(frame("ledger").starts_with("^[?2026h"));
    }

    #[test]
    fn frames_move_relatively_refill_short_gaps_and_erase_blank_tails() {
        let got = frames(&[
            "payments api",
            "payment gateway",
            "pay",
            "pax",
            "a b c",
            "x b y",
            "abcdefghijklmnop",
            "a          lmnop",
        ]);
        let want = [
            "^[Hpayments api^[?25l", // after the clear the cursor is unknown; hidden once
            "^[8G gateway",          // back on the same row
            "^[4G^[K",               // a blank tail: one erase
            "^[Dx",                  // the cursor sits where the erase began
            "\ra b c",
            "\rx b y", // " b " re-written: cheaper than a move over it
            "\rabcdefghijklmnop",
            "^[2G^[10X", // ten new blanks inside the row: one ECH
        ];
        assert_eq!(got, want);
    }
}
