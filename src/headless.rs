//! Drive the whole app without a terminal: the same update, effects and
//! render as the TUI, with effects run inline. Tests and benchmarks use it.

use crate::effect::{Effect, TerminalEffect};
use crate::exec::Inline;
use crate::keymap::{parse_key, Keymap};
use crate::msg::Msg;
use crate::source::{load_catalog, refresh_files, Source};
use crate::state::State;
use crate::update::update;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::collections::VecDeque;
use std::sync::Arc;

pub struct Headless {
    pub state: State,
    pub source: Source,
    /// Runs each job to completion before the next message.
    pub jobs: Inline,
    /// Terminal effects asked for, in order (nothing owns a terminal here).
    pub terminal_effects: Vec<TerminalEffect>,
    terminal: Terminal<TestBackend>,
}

impl Headless {
    /// Load a files source into its cache (CALLBOARD_CACHE_DIR decides where)
    /// and show it at the given size, with the clock fixed at `now`.
    pub fn open(source: Source, width: u16, height: u16, now: i64) -> anyhow::Result<Headless> {
        let mut cache = crate::catalog::cache::Cache::open(&source.cache_path())?;
        if let Some(root) = source.files_root() {
            refresh_files(&mut cache, &source, root, now, false)?;
        }
        let (catalog, info) = load_catalog(&cache)?;
        let mut state = State::new(source.label(), Keymap::default_map(), now);
        state.tls_unverified = source.tls_warning().is_some();
        state.width = width;
        state.height = height;
        let jobs = Inline::new(source.clone());
        let terminal = Terminal::new(TestBackend::new(width, height))?;
        let mut app = Headless { state, source, jobs, terminal_effects: Vec::new(), terminal };
        app.dispatch(Msg::CatalogLoaded { catalog: Arc::new(catalog), info });
        Ok(app)
    }

    /// Run real health probes (with this `[health]`) for what is on screen,
    /// as the TUI does. Each probe job waits for its probes to end.
    pub fn enable_health(&mut self, config: crate::health::HealthConfig) {
        crate::screens::health::enable(&mut self.state, &config);
        self.jobs = Inline::with_health(self.source.clone(), Arc::new(config));
    }

    /// Update with one message and run every effect it causes, to quiescence.
    pub fn dispatch(&mut self, msg: Msg) {
        let mut queue = VecDeque::from([msg]);
        while let Some(msg) = queue.pop_front() {
            for effect in update(&mut self.state, msg) {
                match effect {
                    Effect::Quit => {}
                    Effect::Terminal(t) => self.terminal_effects.push(t),
                    job => queue.extend(self.jobs.run(job)),
                }
            }
        }
    }

    /// Press keys written as in the keymap table, separated by spaces: `j j enter`.
    pub fn keys(&mut self, keys: &str) {
        for k in keys.split_whitespace() {
            let key = parse_key(k).unwrap_or_else(|| panic!("not a key: {k}"));
            self.dispatch(Msg::Key(key));
        }
    }

    /// Type text character by character (spaces included).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.dispatch(Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c))));
        }
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.terminal.backend_mut().resize(width, height);
        self.dispatch(Msg::Resize(width, height));
    }

    /// Render and return the screen as text, one line per row.
    pub fn screen(&mut self) -> String {
        let state = &self.state;
        self.terminal.draw(|f| crate::ui::render(f, state)).expect("drawing to a test backend cannot fail");
        let buffer = self.terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            let mut x = 0;
            while x < buffer.area.width {
                let symbol = buffer[(x, y)].symbol();
                line.push_str(symbol);
                // A wide character covers the next cell too; skip its filler.
                x += unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// The test backend, for insta snapshots of the styled buffer.
    pub fn backend(&mut self) -> &TestBackend {
        let state = &self.state;
        self.terminal.draw(|f| crate::ui::render(f, state)).expect("drawing to a test backend cannot fail");
        self.terminal.backend()
    }
}
