//! The real terminal's backend (`callboard::term`) against a terminal
//! emulator (vt100): after every frame the emulated screen must be ratatui's
//! buffer, cell by cell (text, colours, bold, italic, underline, inverse,
//! wide characters) with the cursor where the frame put it, and it must take
//! fewer bytes than ratatui's crossterm backend for the same frames.

use callboard::headless::Headless;
use callboard::source::Source;
use callboard::term::TermBackend;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::{Frame, Terminal};
use std::cell::RefCell;
use std::io::Write;
use std::path::Path;
use std::rc::Rc;
use unicode_width::UnicodeWidthStr;

/// A writer the test can read back while the backend owns it.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A terminal drawing into an emulator, counting the bytes of every frame.
struct Rig<B: Backend> {
    terminal: Terminal<B>,
    written: Shared,
    parser: vt100::Parser,
    frames: Vec<usize>,
}

impl<B: Backend> Rig<B> {
    fn new(backend: B, written: Shared, width: u16, height: u16) -> Rig<B> {
        let mut terminal = Terminal::new(backend).unwrap();
        terminal.clear().unwrap();
        let mut rig = Rig { terminal, written, parser: vt100::Parser::new(height, width, 0), frames: Vec::new() };
        rig.feed();
        rig
    }

    /// Draw a frame; return its buffer and the emulator's screen before it.
    fn draw(&mut self, render: impl FnOnce(&mut Frame)) -> (Buffer, vt100::Screen) {
        let before = self.parser.screen().clone();
        let buffer = self.terminal.draw(render).unwrap().buffer.clone();
        let bytes = self.feed();
        self.frames.push(bytes);
        (buffer, before)
    }

    fn feed(&mut self) -> usize {
        let bytes = std::mem::take(&mut *self.written.0.borrow_mut());
        self.parser.process(&bytes);
        bytes.len()
    }

    fn total(&self) -> usize {
        self.frames.iter().sum()
    }
}

fn ours(width: u16, height: u16) -> Rig<TermBackend<Shared>> {
    let written = Shared::default();
    Rig::new(TermBackend::with_size(written.clone(), width, height), written, width, height)
}

fn crossterm(width: u16, height: u16) -> Rig<CrosstermBackend<Shared>> {
    let written = Shared::default();
    // CrosstermBackend asks the real terminal for its size: only draw into it
    // through a fixed viewport.
    let backend = CrosstermBackend::new(written.clone());
    let area = Rect::new(0, 0, width, height);
    let terminal =
        Terminal::with_options(backend, ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) }).unwrap();
    let mut rig = Rig { terminal, written, parser: vt100::Parser::new(height, width, 0), frames: Vec::new() };
    rig.terminal.clear().unwrap();
    rig.feed();
    rig
}

fn expected_color(color: Color) -> vt100::Color {
    let named = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    match color {
        Color::Reset => vt100::Color::Default,
        Color::Indexed(n) => vt100::Color::Idx(n),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
        named_color => vt100::Color::Idx(named.iter().position(|c| *c == named_color).unwrap() as u8),
    }
}

/// The emulated screen shows the buffer; cells ratatui was told to skip
/// still show what they showed before the frame.
fn assert_shows(screen: &vt100::Screen, buffer: &Buffer, before: &vt100::Screen, what: &str) {
    let area = buffer.area;
    for y in 0..area.height {
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            let got = screen.cell(y, x).unwrap();
            let at = || format!("{what}: cell ({x}, {y}) of\n{}", screen.contents());
            if x > 0 && !buffer[(x - 1, y)].skip && buffer[(x - 1, y)].symbol().width() == 2 {
                assert!(got.is_wide_continuation(), "{}", at());
                continue;
            }
            if cell.skip {
                assert_eq!(got, before.cell(y, x).unwrap(), "{}", at());
                continue;
            }
            let contents = got.contents();
            let contents = if contents.is_empty() { " ".to_string() } else { contents };
            assert_eq!(contents, cell.symbol(), "{}", at());
            assert_eq!(got.fgcolor(), expected_color(cell.fg), "{}", at());
            assert_eq!(got.bgcolor(), expected_color(cell.bg), "{}", at());
            assert_eq!(got.bold(), cell.modifier.contains(Modifier::BOLD), "{}", at());
            assert_eq!(got.italic(), cell.modifier.contains(Modifier::ITALIC), "{}", at());
            assert_eq!(got.underline(), cell.modifier.contains(Modifier::UNDERLINED), "{}", at());
            assert_eq!(got.inverse(), cell.modifier.contains(Modifier::REVERSED), "{}", at());
        }
    }
}

/// xorshift64: the same frames on every run.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "payments",
    "api",
    "service",
    "team-payments",
    "production",
    "│",
    "─",
    "決済サービス",
    "中文",
    "🚀",
    "naïve",
    "cafe\u{301}",
    "x",
    "  ",
    "component:website",
];

fn styles() -> Vec<Style> {
    let s = Style::new();
    vec![
        s,
        s.fg(Color::DarkGray),
        s.fg(Color::Cyan).add_modifier(Modifier::BOLD),
        s.fg(Color::LightYellow).add_modifier(Modifier::BOLD),
        s.fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        s.fg(Color::Red).add_modifier(Modifier::BOLD | Modifier::DIM),
        s.fg(Color::Green),
        s.fg(Color::LightBlue).add_modifier(Modifier::UNDERLINED),
        s.add_modifier(Modifier::REVERSED),
        s.add_modifier(Modifier::DIM | Modifier::ITALIC),
        s.fg(Color::Indexed(200)).bg(Color::Indexed(4)),
        s.fg(Color::Rgb(200, 100, 0)).add_modifier(Modifier::CROSSED_OUT | Modifier::SLOW_BLINK),
        s.fg(Color::White).bg(Color::Blue).add_modifier(Modifier::BOLD),
    ]
}

/// One row of the random screen.
#[derive(Clone, Default)]
struct Row {
    spans: Vec<(u16, String, Style)>,
    bar: Option<Style>,
}

fn random_row(random: &mut Random, width: u16, styles: &[Style]) -> Row {
    let mut row = Row::default();
    if random.below(6) == 0 {
        return row;
    }
    if random.below(8) == 0 {
        row.bar = Some(*random.pick(&[styles[12], Style::new().fg(Color::Gray).bg(Color::Rgb(30, 30, 40))]));
    }
    let mut x = random.below(4) as u16;
    for _ in 0..random.below(10) {
        let text: String = (0..1 + random.below(3)).map(|_| *random.pick(WORDS)).collect::<Vec<_>>().join(" ");
        row.spans.push((x, text.clone(), *random.pick(styles)));
        x += text.width() as u16 + random.below(12) as u16;
        if x >= width {
            break;
        }
    }
    row
}

/// Columns ratatui is told to skip on a few rows (as an image would be).
fn skipped(x: u16, y: u16, width: u16) -> bool {
    (2..6).contains(&y) && x >= width - 6
}

fn render_rows(frame: &mut Frame, rows: &[Row], cursor: Option<Position>) {
    let area = frame.area();
    let buffer = frame.buffer_mut();
    for (y, row) in rows.iter().enumerate() {
        let y = y as u16;
        let limit = if (2..6).contains(&y) { area.width - 8 } else { area.width };
        if let Some(bar) = row.bar {
            buffer.set_style(Rect::new(0, y, limit, 1), bar);
        }
        for (x, text, style) in &row.spans {
            if *x < limit {
                buffer.set_stringn(*x, y, text, (limit - x) as usize, *style);
            }
        }
    }
    for y in 0..area.height {
        for x in 0..area.width {
            if skipped(x, y, area.width) {
                buffer[(x, y)].set_skip(true);
            }
        }
    }
    if let Some(cursor) = cursor {
        frame.set_cursor_position(cursor);
    }
}

#[test]
fn random_frames_show_exactly_the_buffer() {
    let styles = styles();
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for (width, height) in [(160u16, 48u16), (80, 24)] {
        let mut rig = ours(width, height);
        let mut baseline = crossterm(width, height);
        let mut rows = vec![Row::default(); height as usize];
        for frame in 0..300 {
            // Most frames change a few rows, some most of them (a new search).
            let changes = if frame % 10 == 0 { height as usize } else { random.below(6) };
            for _ in 0..changes {
                let y = random.below(height as usize);
                rows[y] = random_row(&mut random, width, &styles);
            }
            let cursor = (random.below(3) > 0)
                .then(|| Position::new(random.below(width as usize) as u16, random.below(3) as u16));
            let (buffer, before) = rig.draw(|f| render_rows(f, &rows, cursor));
            baseline.draw(|f| render_rows(f, &rows, cursor));
            let what = format!("{width}x{height} frame {frame}");
            assert_shows(rig.parser.screen(), &buffer, &before, &what);
            match cursor {
                Some(p) => {
                    assert_eq!(rig.parser.screen().cursor_position(), (p.y, p.x), "{what}");
                    assert!(!rig.parser.screen().hide_cursor(), "{what}");
                }
                None => assert!(rig.parser.screen().hide_cursor(), "{what}"),
            }
        }
        println!(
            "random frames {width}x{height}: {} bytes, crossterm {} bytes ({:.0}%)",
            rig.total(),
            baseline.total(),
            100.0 * rig.total() as f64 / baseline.total() as f64
        );
        assert!(rig.total() < baseline.total() * 2 / 3);
    }
}

#[test]
fn a_resize_redraws_everything_at_the_new_size() {
    let styles = styles();
    let mut random = Random(42);
    let mut rig = ours(160, 48);
    let rows: Vec<Row> = (0..48).map(|_| random_row(&mut random, 160, &styles)).collect();
    rig.draw(|f| render_rows(f, &rows, None));
    rig.terminal.backend_mut().resize(80, 24);
    rig.parser.set_size(24, 80);
    let (buffer, _) = rig.draw(|f| render_rows(f, &rows[..24], None));
    assert_eq!(buffer.area, Rect::new(0, 0, 80, 24));
    // The resize clears the screen: skipped cells are left blank.
    let cleared = vt100::Parser::new(24, 80, 0);
    assert_shows(rig.parser.screen(), &buffer, cleared.screen(), "after a resize");
}

/// The median of a rig's frames, the first (full) one left out.
fn median(frames: &[usize]) -> usize {
    let mut sorted = frames[1..].to_vec();
    sorted.sort_unstable();
    sorted[sorted.len() / 2]
}

/// Drive the real app (the demo catalog and the hostile one, with wide
/// text) through a search session, drawing every step into both backends.
#[test]
fn app_frames_show_exactly_the_buffer() {
    let cache = tempfile::tempdir().unwrap();
    std::env::set_var("CALLBOARD_CACHE_DIR", cache.path());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let steps: &[(&str, &str)] = &[
        ("keys", "/"),
        ("type", "pay"),
        ("keys", "backspace backspace"),
        ("type", "rtal"),
        ("keys", "backspace backspace backspace backspace backspace"),
        ("type", "kind:api"),
        ("keys", "esc"),
        ("keys", "j j j k"),
        ("keys", "enter"),
        ("keys", "j j"),
        ("keys", "esc"),
        ("keys", "/"),
        ("type", "evil"),
        ("keys", "esc"),
        ("keys", "/"),
        ("type", "o"),
        ("type", "w"),
        ("type", "ner:team"),
        ("keys", "esc"),
    ];
    for source in ["assets/demo", "tests/fixtures/hostile"] {
        for (width, height) in [(160u16, 48u16), (80, 24)] {
            let mut app = Headless::open(Source::Dir(root.join(source)), width, height, 1_767_225_600).unwrap();
            let mut rig = ours(width, height);
            let mut baseline = crossterm(width, height);
            let mut step = |app: &Headless, label: &str| {
                let (buffer, before) = rig.draw(|f| callboard::ui::render(f, &app.state));
                baseline.draw(|f| callboard::ui::render(f, &app.state));
                let what = format!("{source} {width}x{height} after {label}");
                assert_shows(rig.parser.screen(), &buffer, &before, &what);
                let (ours, theirs) = (rig.parser.screen(), baseline.parser.screen());
                assert_eq!(ours.hide_cursor(), theirs.hide_cursor(), "{what}");
                if !ours.hide_cursor() {
                    assert_eq!(ours.cursor_position(), theirs.cursor_position(), "{what}");
                }
            };
            step(&app, "opening");
            for (kind, input) in steps {
                if *kind == "type" {
                    for c in input.chars() {
                        app.type_text(&c.to_string());
                        step(&app, &format!("typing {c:?}"));
                    }
                } else {
                    app.keys(input);
                    step(&app, input);
                }
            }
            println!(
                "app frames {source} {width}x{height}: {} bytes (median {} per frame), crossterm {} bytes (median {})",
                rig.total(),
                median(&rig.frames),
                baseline.total(),
                median(&baseline.frames)
            );
            assert!(rig.total() < baseline.total());
        }
    }
}
