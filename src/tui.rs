//! The terminal and who owns it. One [`Terminal`] holds the screen and the
//! input reader; it can give both away (to the shell on Ctrl-Z, to an editor
//! or pager) and take them back, repainting everything. Direct writes (OSC 52
//! copy) go through it too, between frames. A panic hook restores the
//! terminal before the panic message is printed.

use crate::msg::Msg;
use crate::term::TermBackend;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use std::io::{stdout, BufWriter, Stdout};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// [`TermBackend`] writes each frame's changes in few bytes.
/// Buffered so a frame leaves in one write: stdout alone flushes every 1 KiB,
/// and a terminal (or tmux) can then show half a frame.
pub type Term = ratatui::Terminal<TermBackend<BufWriter<Stdout>>>;

pub struct Terminal {
    term: Term,
    input: InputReader,
}

impl Terminal {
    /// Take over the terminal and start reading keys into `tx`.
    pub fn start(tx: UnboundedSender<Msg>) -> std::io::Result<Terminal> {
        install_panic_hook();
        enter()?;
        let writer = BufWriter::with_capacity(1 << 16, stdout());
        let mut term = ratatui::Terminal::new(TermBackend::new(writer))?;
        term.clear()?;
        Ok(Terminal { term, input: InputReader::start(tx) })
    }

    pub fn size(&self) -> std::io::Result<ratatui::layout::Size> {
        self.term.size()
    }

    /// Draw one frame: one write, inside a synchronized update, and none at
    /// all when nothing changed (see [`TermBackend::new`]).
    pub fn draw(&mut self, state: &crate::state::State) -> std::io::Result<()> {
        self.term.draw(|f| crate::ui::render(f, state)).map(|_| ())
    }

    /// Bytes for the terminal itself, e.g. an OSC 52 copy.
    pub fn write_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.term.backend_mut().write_between_frames(bytes)
    }

    /// Give the terminal back: input paused (so it cannot steal the next
    /// program's keystrokes), alternate screen left, cooked mode restored.
    pub fn suspend(&mut self) {
        self.input.pause();
        restore();
    }

    /// Take the terminal again and forget what it showed: the next draw
    /// repaints everything.
    pub fn resume(&mut self) -> std::io::Result<()> {
        enter()?;
        self.term.backend_mut().forget();
        self.term.clear()?;
        self.input.resume();
        Ok(())
    }

    /// Ctrl-Z: stop until the shell's `fg`, then take the terminal back.
    pub fn stop_to_shell(&mut self) -> std::io::Result<()> {
        self.suspend();
        #[cfg(unix)]
        // SAFETY: raise only sends a signal to this process; SIGTSTP's default
        // action stops it, and execution continues here on SIGCONT.
        unsafe {
            libc::raise(libc::SIGTSTP);
        }
        self.resume()
    }

    /// Run a program on the real terminal until it exits (an editor, a pager).
    pub fn run_program(&mut self, argv: &[String]) -> Result<i32, String> {
        let Some((program, args)) = argv.split_first() else {
            return Err("nothing to run".into());
        };
        self.suspend();
        let status = std::process::Command::new(program).args(args).status();
        let resumed = self.resume();
        let status = status.map_err(|e| format!("cannot run {program}: {e}"))?;
        resumed.map_err(|e| e.to_string())?;
        Ok(status.code().unwrap_or(-1))
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        self.input.stop();
        restore();
    }
}

fn enter() -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)
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

/// Reads terminal events on a thread of its own. It can be paused: between
/// two polls it parks, and `pause` returns only once it has, so nothing is
/// read from the terminal while another program owns it.
struct InputReader {
    control: Arc<(Mutex<ReaderState>, Condvar)>,
}

#[derive(Default)]
struct ReaderState {
    want_pause: bool,
    parked: bool,
    stop: bool,
}

/// How long one poll waits before the reader looks at its controls again.
const POLL: Duration = Duration::from_millis(40);

impl InputReader {
    fn start(tx: UnboundedSender<Msg>) -> InputReader {
        let control = Arc::new((Mutex::new(ReaderState::default()), Condvar::new()));
        let shared = control.clone();
        std::thread::Builder::new()
            .name("input".into())
            .spawn(move || read_events(&shared, &tx))
            .expect("the input thread starts");
        InputReader { control }
    }

    fn pause(&self) {
        let (lock, signal) = &*self.control;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        state.want_pause = true;
        while !state.parked && !state.stop {
            state = signal.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn resume(&self) {
        let (lock, signal) = &*self.control;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        state.want_pause = false;
        signal.notify_all();
    }

    fn stop(&self) {
        let (lock, signal) = &*self.control;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        state.stop = true;
        signal.notify_all();
    }
}

fn read_events(control: &(Mutex<ReaderState>, Condvar), tx: &UnboundedSender<Msg>) {
    let (lock, signal) = control;
    loop {
        {
            let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
            while state.want_pause && !state.stop {
                state.parked = true;
                signal.notify_all();
                state = signal.wait(state).unwrap_or_else(|e| e.into_inner());
            }
            state.parked = false;
            if state.stop {
                return;
            }
        }
        match crossterm::event::poll(POLL) {
            Ok(false) => continue,
            Ok(true) => {}
            Err(_) => return,
        }
        let msg = match crossterm::event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Msg::Key(k),
            Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
            Ok(Event::Paste(text)) => Msg::Paste(text),
            Ok(_) => continue,
            Err(_) => return,
        };
        if tx.send(msg).is_err() {
            return;
        }
    }
}
