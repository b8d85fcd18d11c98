use super::*;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use InputOutcome::*;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}
fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}
fn alt(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::ALT)
}
fn typed(input: &mut TextInput, text: &str) {
    for c in text.chars() {
        assert_eq!(input.on_key(key(KeyCode::Char(c))), Changed, "typing {c:?}");
    }
}
fn with(text: &str) -> TextInput {
    let mut input = TextInput::single_line();
    input.set_text(text);
    input
}

#[test]
fn printable_characters_are_always_text() {
    let mut input = TextInput::single_line();
    typed(&mut input, "q/j?: k");
    let shifted = KeyEvent::new(KeyCode::Char('Q'), KeyModifiers::SHIFT);
    assert_eq!(input.on_key(shifted), Changed);
    assert_eq!(input.text(), "q/j?: kQ");
    assert!(!input.is_empty());
}

#[test]
fn navigation_keys_outside_editing_are_ignored() {
    let mut input = with("abc");
    let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    for k in [
        key(KeyCode::Enter),
        key(KeyCode::Esc),
        key(KeyCode::Tab),
        back_tab,
        key(KeyCode::Up),
        key(KeyCode::Down),
        key(KeyCode::PageDown),
        key(KeyCode::F(1)),
        ctrl('c'),
        ctrl('n'),
    ] {
        assert_eq!(input.on_key(k), Ignored, "{k:?}");
    }
    assert_eq!(input.text(), "abc");
    let release = KeyEvent { kind: KeyEventKind::Release, ..key(KeyCode::Char('x')) };
    assert_eq!(input.on_key(release), Ignored);
}

#[test]
fn cursor_moves_report_moved_and_edit_at_the_cursor() {
    let mut input = with("hello world");
    assert_eq!(input.cursor_col(), 11);
    assert_eq!(input.on_key(key(KeyCode::Left)), Moved);
    assert_eq!(input.cursor_col(), 10);
    assert_eq!(input.on_key(key(KeyCode::Home)), Moved);
    assert_eq!(input.cursor_col(), 0);
    assert_eq!(input.on_key(key(KeyCode::Right)), Moved);
    assert_eq!(input.on_key(key(KeyCode::Char('X'))), Changed);
    assert_eq!(input.text(), "hXello world");
    assert_eq!(input.on_key(ctrl('e')), Moved);
    assert_eq!(input.cursor_col(), 12);
    assert_eq!(input.on_key(ctrl('a')), Moved);
    assert_eq!(input.cursor_col(), 0);
    assert_eq!(input.on_key(key(KeyCode::End)), Moved);
    assert_eq!(input.on_key(alt(KeyCode::Char('b'))), Moved);
    assert_eq!(input.cursor_col(), 7);
    assert_eq!(input.on_key(ctrl('a')), Moved);
    assert_eq!(input.on_key(alt(KeyCode::Char('f'))), Moved);
    assert!(input.cursor_col() > 0);
}

#[test]
fn deletions() {
    let mut input = with("abc");
    assert_eq!(input.on_key(key(KeyCode::Backspace)), Changed);
    assert_eq!(input.text(), "ab");
    input.on_key(key(KeyCode::Home));
    assert_eq!(input.on_key(key(KeyCode::Backspace)), Moved, "nothing before the cursor");
    assert_eq!(input.on_key(key(KeyCode::Delete)), Changed);
    assert_eq!(input.text(), "b");

    let mut input = with("one two three");
    assert_eq!(input.on_key(ctrl('w')), Changed);
    assert_eq!(input.text(), "one two ");
    assert_eq!(input.on_key(alt(KeyCode::Backspace)), Changed);
    assert_eq!(input.text(), "one ");

    let mut input = with("keep|drop");
    for _ in 0..4 {
        input.on_key(key(KeyCode::Left));
    }
    assert_eq!(input.on_key(ctrl('k')), Changed);
    assert_eq!(input.text(), "keep|");
    input.on_key(key(KeyCode::Left));
    assert_eq!(input.on_key(ctrl('u')), Changed);
    assert_eq!(input.text(), "|");
    assert_eq!(input.cursor_col(), 0);
}

#[test]
fn multi_line_takes_enter_and_up_down() {
    let mut input = TextInput::multi_line();
    typed(&mut input, "ab");
    assert_eq!(input.on_key(key(KeyCode::Enter)), Changed);
    typed(&mut input, "cd");
    assert_eq!(input.text(), "ab\ncd");
    assert_eq!(input.cursor(), (1, 2));
    assert_eq!(input.on_key(key(KeyCode::Up)), Moved);
    assert_eq!(input.cursor().0, 0);
    assert_eq!(input.on_key(key(KeyCode::Down)), Moved);
    assert_eq!(input.cursor().0, 1);
    assert_eq!(input.on_key(key(KeyCode::Tab)), Ignored);
    assert_eq!(input.on_key(key(KeyCode::Esc)), Ignored);
}

#[test]
fn set_text_puts_the_cursor_at_the_end() {
    let mut input = TextInput::multi_line();
    input.set_text("first\nsecond line");
    assert_eq!(input.cursor(), (1, 11));
    input.set_text("");
    assert!(input.is_empty());
    assert_eq!(input.text(), "");
    // Wide characters: the column is in terminal cells.
    let input = with("日本");
    assert_eq!(input.cursor_col(), 4);
}

#[test]
fn paste_single_line_joins_lines_and_strips_controls() {
    let mut input = with("x");
    assert_eq!(input.paste("a\r\nb\nc\rd\te\u{7}\u{1b}[31mf"), Changed);
    assert_eq!(input.text(), "xa b c d ef");
    assert_eq!(input.cursor_col(), 11);
    assert_eq!(input.paste(""), Moved);
    assert_eq!(input.paste("\u{1b}[2J"), Moved, "only controls: nothing inserted");
}

#[test]
fn paste_multi_line_keeps_newlines() {
    let mut input = TextInput::multi_line();
    assert_eq!(input.paste("line 1\r\nline 2\nline 3\u{0}"), Changed);
    assert_eq!(input.text(), "line 1\nline 2\nline 3");
    assert_eq!(input.cursor(), (2, 6));
}

fn draw(input: &TextInput, width: u16, focused: bool) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, 1)).unwrap();
    terminal.draw(|f| input.render(f, f.area(), Style::default(), focused)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..width).map(|x| buffer[(x, 0)].symbol().to_string()).collect()
}

#[test]
fn masked_renders_bullets_never_the_text() {
    let mut input = TextInput::single_line().masked(true);
    typed(&mut input, "hunter2");
    assert_eq!(input.text(), "hunter2");
    for focused in [true, false] {
        let shown = draw(&input, 12, focused);
        assert!(!shown.contains("hunter"), "{shown:?}");
        assert_eq!(shown.matches('•').count(), 7, "{shown:?}");
    }
}

#[test]
fn placeholder_is_muted_and_cursor_only_when_focused() {
    let input = TextInput::single_line().placeholder("search…");
    let mut terminal = Terminal::new(TestBackend::new(10, 1)).unwrap();
    for focused in [true, false] {
        terminal.draw(|f| input.render(f, f.area(), Style::default(), focused)).unwrap();
        // Focused, the cursor sits before the placeholder.
        let start = u16::from(focused);
        let buffer = terminal.backend().buffer();
        assert_eq!(buffer[(start, 0)].symbol(), "s");
        assert!(buffer[(start, 0)].modifier.contains(Modifier::DIM), "focused={focused}");
        assert_eq!(buffer[(0, 0)].modifier.contains(Modifier::REVERSED), focused);
    }

    let input = with("ab");
    let mut terminal = Terminal::new(TestBackend::new(10, 1)).unwrap();
    terminal.draw(|f| input.render(f, f.area(), Style::default(), true)).unwrap();
    let cursor = &terminal.backend().buffer()[(2, 0)];
    assert!(cursor.modifier.contains(Modifier::REVERSED));
    terminal.draw(|f| input.render(f, f.area(), Style::default(), false)).unwrap();
    let buffer = terminal.backend().buffer();
    assert!((0..10).all(|x| !buffer[(x, 0)].modifier.contains(Modifier::REVERSED)));
    assert_eq!(draw(&input, 4, false), "ab  ");
}

#[test]
fn renders_in_tiny_areas_without_panicking() {
    let mut input = TextInput::multi_line();
    input.set_text(&"long line of text ".repeat(20));
    let mut terminal = Terminal::new(TestBackend::new(3, 2)).unwrap();
    for (w, h) in [(0, 0), (1, 1), (3, 2), (0, 2)] {
        for focused in [true, false] {
            terminal.draw(|f| input.render(f, Rect::new(0, 0, w, h), Style::default(), focused)).unwrap();
        }
    }
}
