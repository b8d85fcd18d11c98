//! The one text-input model: list search, palette, doc find and every form
//! field edit text through [`TextInput`], so editing keys behave the same
//! everywhere and a caller's keymap only ever sees the keys an input ignores.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_textarea::{CursorMove, TextArea};
use unicode_width::UnicodeWidthStr;

/// The glyph a masked (password / Secret) input shows for each character.
const MASK: char = '•';

/// What a key or paste did, so the caller knows whether to run its own keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputOutcome {
    /// The text changed (re-validate, re-search).
    Changed,
    /// An editing key that left the text as it was (cursor moves, backspace at the start).
    Moved,
    /// Not an editing key: the caller's keymap handles it.
    Ignored,
}

/// A single- or multi-line text input over tui-textarea.
#[derive(Debug, Clone)]
pub struct TextInput {
    area: TextArea<'static>,
    multi_line: bool,
    masked: bool,
    placeholder: String,
}

impl TextInput {
    /// One line: enter, up and down are left to the caller.
    pub fn single_line() -> Self {
        Self::new(false)
    }

    /// Several lines: enter inserts a newline, up and down move between lines.
    pub fn multi_line() -> Self {
        Self::new(true)
    }

    fn new(multi_line: bool) -> Self {
        let mut area = TextArea::default();
        // The caller styles the whole area; the textarea only adds the cursor.
        area.set_cursor_line_style(Style::default());
        area.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        area.set_placeholder_style(Style::default().add_modifier(Modifier::DIM));
        TextInput { area, multi_line, masked: false, placeholder: String::new() }
    }

    /// Show one bullet per character instead of the text (passwords, secrets).
    pub fn masked(mut self, masked: bool) -> Self {
        self.masked = masked;
        if masked {
            self.area.set_mask_char(MASK);
        } else {
            self.area.clear_mask_char();
        }
        self
    }

    /// Text shown, muted, while the input is empty.
    pub fn placeholder(mut self, text: impl Into<String>) -> Self {
        self.placeholder = clean(&text.into(), false);
        self.area.set_placeholder_text(self.placeholder.clone());
        self
    }

    pub fn is_multi_line(&self) -> bool {
        self.multi_line
    }

    pub fn is_masked(&self) -> bool {
        self.masked
    }

    /// The text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.area.is_empty()
    }

    /// Replace the text (cleaned as a paste is) and put the cursor at its end.
    pub fn set_text(&mut self, text: &str) {
        let text = clean(text, self.multi_line);
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut area = TextArea::new(lines);
        area.set_cursor_line_style(self.area.cursor_line_style());
        area.set_cursor_style(self.area.cursor_style());
        if let Some(style) = self.area.placeholder_style() {
            area.set_placeholder_style(style);
        }
        area.set_placeholder_text(self.placeholder.clone());
        if self.masked {
            area.set_mask_char(MASK);
        }
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        self.area = area;
    }

    /// The cursor's (row, display column); a masked input counts one cell per character.
    pub fn cursor(&self) -> (usize, usize) {
        let (row, col) = self.area.cursor();
        let line = self.area.lines().get(row).map(String::as_str).unwrap_or("");
        if self.masked {
            return (row, col);
        }
        let before: String = line.chars().take(col).collect();
        (row, before.width())
    }

    /// The cursor's display column on its line.
    pub fn cursor_col(&self) -> usize {
        self.cursor().1
    }

    /// Apply an editing key, or say it is not one.
    pub fn on_key(&mut self, key: KeyEvent) -> InputOutcome {
        if key.kind == KeyEventKind::Release {
            return InputOutcome::Ignored;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let area = &mut self.area;
        let edited = match (key.code, ctrl, alt) {
            (KeyCode::Char(c), false, false) if !c.is_control() => {
                area.insert_char(c);
                true
            }
            (KeyCode::Char('a'), true, false) | (KeyCode::Home, _, _) => return self.moved(CursorMove::Head),
            (KeyCode::Char('e'), true, false) | (KeyCode::End, _, _) => return self.moved(CursorMove::End),
            (KeyCode::Char('b'), false, true) | (KeyCode::Left, true, _) => return self.moved(CursorMove::WordBack),
            (KeyCode::Char('f'), false, true) | (KeyCode::Right, true, _) => {
                return self.moved(CursorMove::WordForward)
            }
            (KeyCode::Left, false, false) => return self.moved(CursorMove::Back),
            (KeyCode::Right, false, false) => return self.moved(CursorMove::Forward),
            (KeyCode::Up, false, false) if self.multi_line => return self.moved(CursorMove::Up),
            (KeyCode::Down, false, false) if self.multi_line => return self.moved(CursorMove::Down),
            (KeyCode::Enter, false, false) if self.multi_line => {
                area.insert_newline();
                true
            }
            (KeyCode::Backspace, false, true) | (KeyCode::Char('w'), true, false) => area.delete_word(),
            (KeyCode::Backspace, false, false) => area.delete_char(),
            (KeyCode::Delete, false, false) => area.delete_next_char(),
            (KeyCode::Char('d'), false, true) => area.delete_next_word(),
            (KeyCode::Char('u'), true, false) => area.delete_line_by_head(),
            (KeyCode::Char('k'), true, false) => area.delete_line_by_end(),
            _ => return InputOutcome::Ignored,
        };
        if edited {
            InputOutcome::Changed
        } else {
            InputOutcome::Moved
        }
    }

    fn moved(&mut self, to: CursorMove) -> InputOutcome {
        self.area.move_cursor(to);
        InputOutcome::Moved
    }

    /// Insert a whole paste at the cursor in one edit (one undo step, one re-validation).
    pub fn paste(&mut self, text: &str) -> InputOutcome {
        let text = clean(text, self.multi_line);
        if text.is_empty() {
            return InputOutcome::Moved;
        }
        if self.area.insert_str(text) {
            InputOutcome::Changed
        } else {
            InputOutcome::Moved
        }
    }

    /// Draw into `area` over `style`; the cursor only when focused, the
    /// placeholder muted when empty, bullets when masked.
    pub fn render(&self, frame: &mut Frame, area: Rect, style: Style, focused: bool) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        frame.buffer_mut().set_style(area, style);
        if focused {
            // The textarea keeps its own scroll position so the cursor stays in view.
            frame.render_widget(&self.area, area);
            return;
        }
        let muted = style.add_modifier(Modifier::DIM);
        let lines: Vec<Line> = if self.is_empty() {
            vec![Line::from(Span::styled(self.placeholder.as_str(), muted))]
        } else {
            self.area
                .lines()
                .iter()
                .take(area.height as usize)
                .map(|line| {
                    if self.masked {
                        Line::from(MASK.to_string().repeat(line.chars().count()))
                    } else {
                        Line::from(line.as_str())
                    }
                })
                .collect()
        };
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// Make text safe and shaped for the input: CRLF and CR become newlines,
/// which a single line joins with a space; escape sequences and other
/// controls go through the one sanitising gate so nothing raw reaches the terminal.
fn clean(text: &str, multi_line: bool) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if multi_line {
        crate::sanitize::clean_multiline(&text)
    } else {
        crate::sanitize::clean_line(&text)
    }
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
