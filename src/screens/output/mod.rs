//! The output pane: a capture's lines as they stream, or a Backstage
//! action's answer. Lines arrive cleaned (src/exec/stream.rs); only the
//! visible ones are drawn, so 100k lines cost what a screenful does.

use crate::effect::{Effect, TerminalEffect};
use crate::input::TextInput;
use crate::keymap::{Command, Context};
use crate::screens::{move_cursor, Outcome, Screen};
use crate::state::State;
use crate::ui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub struct OutputScreen {
    pub run: u64,
    pub title: String,
    pub lines: Vec<String>,
    /// The first line shown.
    pub top: usize,
    /// Keep the newest line in view while it streams (until the user scrolls up).
    pub follow: bool,
    /// None while running; then how it ended.
    pub status: Option<String>,
    /// The find box while typing, and the last query.
    pub finding: Option<TextInput>,
    pub query: String,
}

impl OutputScreen {
    pub fn new(run: u64, title: String) -> OutputScreen {
        OutputScreen {
            run,
            title: crate::sanitize::clean_line(&title),
            lines: Vec::new(),
            top: 0,
            follow: true,
            status: None,
            finding: None,
            query: String::new(),
        }
    }

    pub fn append(&mut self, lines: Vec<String>) {
        self.lines.extend(lines);
    }

    pub fn finish(&mut self, status: String) {
        self.status = Some(status);
    }

    pub fn is_running(&self) -> bool {
        self.status.is_none()
    }

    /// The first line shown when following, for a pane of `rows` rows.
    fn tail_top(&self, rows: usize) -> usize {
        self.lines.len().saturating_sub(rows)
    }

    /// Jump to the next (or previous) line containing the query.
    fn find(&mut self, forward: bool, from: usize) -> bool {
        if self.query.is_empty() {
            return false;
        }
        let needle = self.query.to_lowercase();
        let hit = |l: &String| l.to_lowercase().contains(&needle);
        // Wraps around the end, as in a pager.
        let from = from.min(self.lines.len());
        let found = if forward {
            let after = self.lines[from..].iter().position(hit).map(|i| i + from);
            after.or_else(|| self.lines[..from].iter().position(hit))
        } else {
            let before = self.lines[..from].iter().rposition(hit);
            before.or_else(|| self.lines[from..].iter().rposition(hit).map(|i| i + from))
        };
        if let Some(i) = found {
            self.top = i;
            self.follow = false;
        }
        found.is_some()
    }
}

/// Rows of text in the pane for a terminal height (frame bands and borders).
fn pane_rows(height: u16) -> usize {
    crate::layout::page_rows(height).saturating_sub(2).max(1)
}

impl Screen for OutputScreen {
    fn context(&self) -> Context {
        Context::Output
    }

    fn crumb(&self, _state: &State) -> String {
        "Output".into()
    }

    fn on_key(&mut self, state: &mut State, key: KeyEvent) -> Option<Outcome> {
        let finding = self.finding.as_mut()?;
        match key.code {
            KeyCode::Esc => self.finding = None,
            KeyCode::Enter => {
                self.query = finding.text();
                self.finding = None;
                if !self.find(true, self.top) {
                    state.toast(crate::msg::Level::Info, format!("`{}` is not in the output", self.query));
                }
            }
            _ => {
                finding.on_key(key);
            }
        }
        Some(Outcome::none())
    }

    fn on_paste(&mut self, _state: &mut State, text: &str) -> Outcome {
        if let Some(finding) = &mut self.finding {
            finding.paste(text);
        }
        Outcome::none()
    }

    fn on_command(&mut self, state: &mut State, command: Command) -> Outcome {
        let rows = pane_rows(state.height);
        if self.follow {
            self.top = self.tail_top(rows);
        }
        let last_top = self.tail_top(rows);
        if move_cursor(&mut self.top, last_top + 1, command, rows) {
            self.follow = self.top >= last_top;
            return Outcome::none();
        }
        match command {
            Command::Back => {
                // Leaving a running capture stops it: nothing would show its output.
                let effects = if self.is_running() {
                    vec![Effect::Action(crate::actions::ActionEffect::Cancel { run: self.run })]
                } else {
                    Vec::new()
                };
                Outcome { effects, close: true }
            }
            Command::Search => {
                let mut input = TextInput::single_line();
                input.set_text(&self.query);
                self.finding = Some(input);
                Outcome::none()
            }
            Command::NextMatch => {
                self.find(true, self.top + 1);
                Outcome::none()
            }
            Command::PrevMatch => {
                self.find(false, self.top);
                Outcome::none()
            }
            Command::Copy => {
                let text = self.lines.join("\n");
                Outcome::stay(vec![Effect::Terminal(TerminalEffect::Copy { text })])
            }
            _ => Outcome::none(),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
        let status = match &self.status {
            None => format!("running… {} lines (ctrl-c stops it)", self.lines.len()),
            Some(s) => format!("{s}, {} lines", self.lines.len()),
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(format!(" {} ", self.title), theme.title()))
            .title_bottom(Span::styled(format!(" {status} "), theme.muted()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let find_rows = u16::from(self.finding.is_some());
        let rows = inner.height.saturating_sub(find_rows) as usize;
        let top = if self.follow { self.tail_top(rows) } else { self.top.min(self.tail_top(rows)) };
        let needle = self.query.to_lowercase();
        let visible: Vec<Line> = self.lines[top..(top + rows).min(self.lines.len())]
            .iter()
            .map(|l| {
                let style = if !needle.is_empty() && l.to_lowercase().contains(&needle) {
                    theme.matched()
                } else {
                    theme.text()
                };
                Line::styled(l.as_str(), style)
            })
            .collect();
        frame.render_widget(Paragraph::new(visible), Rect { height: rows as u16, ..inner });
        if let Some(finding) = &self.finding {
            let row = Rect { y: inner.bottom().saturating_sub(1), height: 1, ..inner };
            frame.render_widget(Paragraph::new(Line::styled("/", theme.key())), Rect { width: 1, ..row });
            finding.render(frame, Rect { x: row.x + 1, width: row.width.saturating_sub(1), ..row }, theme.text(), true);
        }
        let _ = state;
    }

    crate::screen_any!();
}
