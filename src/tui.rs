//! Terminal set-up and tear-down, with a panic hook that restores the
//! terminal before the panic message is printed.

use crossterm::{
    event::{DisableBracketedPaste, EnableBracketedPaste},
    execute,
    terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen},
};
use crate::compact_backend::CompactBackend;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{stdout, Stdout};

/// Crossterm behind [`CompactBackend`], which trims the bytes of each frame.
pub type Term = Terminal<CompactBackend<CrosstermBackend<Stdout>>>;

pub fn init() -> std::io::Result<Term> {
    install_panic_hook();
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    let mut terminal = Terminal::new(CompactBackend::new(CrosstermBackend::new(stdout())))?;
    terminal.clear()?;
    Ok(terminal)
}

pub fn restore() {
    let _ = execute!(stdout(), DisableBracketedPaste, LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = disable_raw_mode();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
