//! Terminal set-up and tear-down, with a panic hook that restores the
//! terminal before the panic message is printed.

use crate::term::TermBackend;
use crossterm::{
    event::{DisableBracketedPaste, EnableBracketedPaste},
    execute,
    terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen},
};
use ratatui::Terminal;
use std::io::{stdout, BufWriter, Stdout};

/// [`TermBackend`] writes each frame's changes in few bytes.
/// Buffered so a frame leaves in one write: stdout alone flushes every 1 KiB,
/// and a terminal (or tmux) can then show half a frame.
pub type Term = Terminal<TermBackend<BufWriter<Stdout>>>;

pub fn init() -> std::io::Result<Term> {
    install_panic_hook();
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    let writer = BufWriter::with_capacity(1 << 16, stdout());
    let mut terminal = Terminal::new(TermBackend::new(writer))?;
    terminal.clear()?;
    Ok(terminal)
}

/// Draw one frame: one write, inside a synchronized update, and none at all
/// when nothing changed (see [`TermBackend::new`]).
pub fn draw(terminal: &mut Term, state: &crate::state::State) -> std::io::Result<()> {
    terminal.draw(|f| crate::ui::render(f, state)).map(|_| ())
}

pub fn restore() {
    // A panic inside a frame leaves its synchronized update open: close it.
    let _ = execute!(
        stdout(),
        crossterm::terminal::EndSynchronizedUpdate,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
