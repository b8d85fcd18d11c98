//! The escape sequences themselves: the shortest cursor move between two
//! known places, and one combined SGR sequence per change of style.
//!
//! Colours are written as crossterm wrote them, or in a shorter form that
//! names the same palette entry. crossterm writes every named colour as
//! `38;5;n` (ratatui Black=0, Red=1, Green=2, Yellow=3, Blue=4, Magenta=5,
//! Cyan=6, Gray=7, DarkGray=8, LightRed=9, LightGreen=10, LightYellow=11,
//! LightBlue=12, LightMagenta=13, LightCyan=14, White=15). In xterm and its
//! descendants `3n`/`4n` select palette entry n and `9n`/`10n` entry 8+n,
//! the same entries `38;5;n` and `48;5;n` select. The one place terminals
//! tell them apart is intensity: xterm (boldColors, on by default), VTE,
//! Konsole and others brighten a bold `31` to entry 9 but leave a bold
//! `38;5;1` alone, and Alacritty can dim `90` and `38;5;8` differently. So a
//! bold foreground 0–7 and a dim foreground 8–15 keep crossterm's form.

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};
use std::io::Write;

/// The terminal's graphic rendition: what the next printed cell will look like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pen {
    pub fg: Color,
    pub bg: Color,
    pub underline: Color,
    pub modifier: Modifier,
}

impl Pen {
    pub fn of(cell: &Cell) -> Pen {
        Pen { fg: cell.fg, bg: cell.bg, underline: cell.underline_color, modifier: cell.modifier }
    }
}

/// SGR parameters, `;`-separated.
#[derive(Default)]
struct Params(Vec<u8>);

impl Params {
    fn push(&mut self, n: impl std::fmt::Display) {
        if !self.0.is_empty() {
            self.0.push(b';');
        }
        let _ = write!(self.0, "{n}");
    }
}

/// One `ESC [ … m` turning `from` (None: unknown) into `to`: a diff or a
/// reset followed by `to`, whichever is shorter. Nothing when they are equal.
pub fn sgr(from: Option<&Pen>, to: &Pen, out: &mut Vec<u8>) {
    if from == Some(to) {
        return;
    }
    let mut reset = Params::default();
    reset.push(0);
    push_modifiers(Modifier::empty(), to.modifier, &mut reset);
    for layer in Layer::ALL {
        let code = layer.code(to);
        if code != Code::Default {
            layer.push(code, &mut reset);
        }
    }
    let params = match from {
        Some(from) => {
            let mut diff = Params::default();
            push_modifiers(from.modifier, to.modifier, &mut diff);
            for layer in Layer::ALL {
                if layer.code(from) != layer.code(to) {
                    layer.push(layer.code(to), &mut diff);
                }
            }
            if diff.0.len() < reset.0.len() {
                diff
            } else {
                reset
            }
        }
        None => reset,
    };
    out.extend_from_slice(b"\x1b[");
    // `ESC [ m` is `ESC [ 0 m`.
    if params.0 != b"0" {
        out.extend_from_slice(&params.0);
    }
    out.push(b'm');
}

/// The attributes that turn `from` into `to`. 22 ends both bold and dim, and
/// 25 both blinks, so the one kept is set again after.
fn push_modifiers(from: Modifier, to: Modifier, params: &mut Params) {
    let removed = from - to;
    let mut added = to - from;
    for (pair, off) in [(Modifier::BOLD | Modifier::DIM, 22), (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK, 25)] {
        if removed.intersects(pair) {
            params.push(off);
            added |= to & pair;
        }
    }
    const ONE_OFF: [(Modifier, u8, u8); 5] = [
        (Modifier::ITALIC, 3, 23),
        (Modifier::UNDERLINED, 4, 24),
        (Modifier::REVERSED, 7, 27),
        (Modifier::HIDDEN, 8, 28),
        (Modifier::CROSSED_OUT, 9, 29),
    ];
    for (modifier, _, off) in ONE_OFF {
        if removed.contains(modifier) {
            params.push(off);
        }
    }
    const ON: [(Modifier, u8); 9] = [
        (Modifier::BOLD, 1),
        (Modifier::DIM, 2),
        (Modifier::ITALIC, 3),
        (Modifier::UNDERLINED, 4),
        (Modifier::SLOW_BLINK, 5),
        (Modifier::RAPID_BLINK, 6),
        (Modifier::REVERSED, 7),
        (Modifier::HIDDEN, 8),
        (Modifier::CROSSED_OUT, 9),
    ];
    for (modifier, on) in ON {
        if added.contains(modifier) {
            params.push(on);
        }
    }
}

/// How a colour is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Code {
    Default,
    /// One of the 16 colours as `30–37`, `90–97` (or `40–47`, `100–107`).
    Short(u8),
    /// `38;5;n` (or 48, 58), as crossterm writes every named colour.
    Indexed(u8),
    Rgb(u8, u8, u8),
}

#[derive(Clone, Copy)]
enum Layer {
    Fg,
    Bg,
    Underline,
}

impl Layer {
    const ALL: [Layer; 3] = [Layer::Fg, Layer::Bg, Layer::Underline];

    fn code(self, pen: &Pen) -> Code {
        let color = match self {
            Layer::Fg => pen.fg,
            Layer::Bg => pen.bg,
            Layer::Underline => pen.underline,
        };
        let index = match color {
            Color::Reset => return Code::Default,
            Color::Rgb(r, g, b) => return Code::Rgb(r, g, b),
            Color::Indexed(n) => n,
            Color::Black => 0,
            Color::Red => 1,
            Color::Green => 2,
            Color::Yellow => 3,
            Color::Blue => 4,
            Color::Magenta => 5,
            Color::Cyan => 6,
            Color::Gray => 7,
            Color::DarkGray => 8,
            Color::LightRed => 9,
            Color::LightGreen => 10,
            Color::LightYellow => 11,
            Color::LightBlue => 12,
            Color::LightMagenta => 13,
            Color::LightCyan => 14,
            Color::White => 15,
        };
        let short = index < 16
            && match self {
                // See the module doc: intensity may change these colours.
                Layer::Fg => {
                    let changes_colour = if index < 8 { Modifier::BOLD } else { Modifier::DIM };
                    !pen.modifier.contains(changes_colour)
                }
                Layer::Bg => true,
                Layer::Underline => false,
            };
        if short {
            Code::Short(index)
        } else {
            Code::Indexed(index)
        }
    }

    fn push(self, code: Code, params: &mut Params) {
        let (base, bright, extended) = match self {
            Layer::Fg => (30, 90, 38),
            Layer::Bg => (40, 100, 48),
            Layer::Underline => (0, 0, 58),
        };
        match code {
            Code::Default => params.push(extended + 1),
            Code::Short(n) if n < 8 => params.push(base + n),
            Code::Short(n) => params.push(bright + n - 8),
            Code::Indexed(n) => params.push(format_args!("{extended};5;{n}")),
            Code::Rgb(r, g, b) => params.push(format_args!("{extended};2;{r};{g};{b}")),
        }
    }
}

/// Where the cursor is. `x` is None after a write into the last column: the
/// terminal then holds a pending wrap, and only CR or an absolute move is safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub x: Option<u16>,
    pub y: u16,
}

/// `ESC [ row ; col H`, leaving out parameters that are 1.
pub fn cup(x: u16, y: u16, out: &mut Vec<u8>) {
    out.extend_from_slice(b"\x1b[");
    if y > 0 || x > 0 {
        let _ = write!(out, "{}", y + 1);
    }
    if x > 0 {
        let _ = write!(out, ";{}", x + 1);
    }
    out.push(b'H');
}

/// `ESC [ n <final>`, leaving out n when it is 1.
fn csi_n(n: u16, last: u8, out: &mut Vec<u8>) {
    out.extend_from_slice(b"\x1b[");
    if n != 1 {
        let _ = write!(out, "{n}");
    }
    out.push(last);
}

/// From row `from` to row `to`, the column unchanged. Line feeds only go
/// down, and never from the last row, so they never scroll; in raw mode
/// (no OPOST) a line feed does not return the carriage.
pub fn vertical(from: u16, to: u16, out: &mut Vec<u8>) {
    if to > from {
        let n = to - from;
        if n <= 3 {
            out.extend(std::iter::repeat_n(b'\n', n as usize));
        } else {
            csi_n(n, b'B', out);
        }
    } else if to < from {
        csi_n(from - to, b'A', out);
    }
}

/// From column `from` (None: unknown) to column `to` on the same row: a
/// carriage return, a relative or an absolute (CHA) move, the shortest.
pub fn horizontal(from: Option<u16>, to: u16, out: &mut Vec<u8>) {
    if from == Some(to) {
        return;
    }
    if to == 0 {
        out.push(b'\r');
        return;
    }
    let mut best = Vec::new();
    csi_n(to + 1, b'G', &mut best);
    if let Some(from) = from {
        let mut relative = Vec::new();
        if to > from {
            csi_n(to - from, b'C', &mut relative);
        } else {
            csi_n(from - to, b'D', &mut relative);
        }
        if relative.len() < best.len() {
            best = relative;
        }
    }
    out.extend_from_slice(&best);
}

/// The shortest way from `from` (None: unknown) to (x, y).
pub fn jump(from: Option<Cursor>, x: u16, y: u16, out: &mut Vec<u8>) {
    let mut absolute = Vec::new();
    cup(x, y, &mut absolute);
    if let Some(from) = from {
        let mut relative = Vec::new();
        vertical(from.y, y, &mut relative);
        horizontal(from.x, x, &mut relative);
        if relative.len() < absolute.len() {
            absolute = relative;
        }
    }
    out.extend_from_slice(&absolute);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sgr_text(from: Option<Pen>, to: Pen) -> String {
        let mut out = Vec::new();
        sgr(from.as_ref(), &to, &mut out);
        String::from_utf8(out).unwrap().replace('\x1b', "^")
    }

    fn jump_text(from: Option<Cursor>, x: u16, y: u16) -> String {
        let mut out = Vec::new();
        jump(from, x, y, &mut out);
        String::from_utf8(out).unwrap().replace('\x1b', "^")
    }

    fn pen(fg: Color, bg: Color, modifier: Modifier) -> Pen {
        Pen { fg, bg, underline: Color::Reset, modifier }
    }

    #[test]
    fn styles_change_in_one_short_sequence() {
        let plain = Pen::default();
        let muted = pen(Color::DarkGray, Color::Reset, Modifier::empty());
        let selection = pen(Color::White, Color::Blue, Modifier::BOLD);
        let matched = pen(Color::LightYellow, Color::Reset, Modifier::BOLD);
        let title = pen(Color::Cyan, Color::Reset, Modifier::BOLD);
        let bar = pen(Color::Gray, Color::Rgb(30, 30, 40), Modifier::empty());
        let cases = [
            (Some(plain), plain, ""),
            (None, plain, "^[m"),
            (Some(plain), muted, "^[90m"),
            (Some(muted), plain, "^[m"),
            (Some(plain), selection, "^[1;97;44m"),
            (Some(selection), matched, "^[93;49m"),
            (Some(matched), plain, "^[m"),
            (Some(plain), title, "^[1;38;5;6m"),
            (Some(title), matched, "^[93m"),
            (Some(plain), bar, "^[37;48;2;30;30;40m"),
            (Some(bar), plain, "^[m"),
            (Some(selection), pen(Color::White, Color::Blue, Modifier::empty()), "^[22m"),
            // Intensity decides the form of a foreground 0–7 (bold) or 8–15 (dim).
            (
                Some(pen(Color::Red, Color::Reset, Modifier::empty())),
                pen(Color::Red, Color::Reset, Modifier::BOLD),
                "^[1;38;5;1m",
            ),
            (Some(plain), pen(Color::DarkGray, Color::Reset, Modifier::DIM), "^[2;38;5;8m"),
            (Some(plain), pen(Color::Indexed(3), Color::Indexed(200), Modifier::empty()), "^[33;48;5;200m"),
            (
                Some(pen(Color::Reset, Color::Reset, Modifier::BOLD | Modifier::DIM)),
                pen(Color::Reset, Color::Reset, Modifier::DIM),
                "^[0;2m",
            ),
        ];
        for (from, to, want) in cases {
            assert_eq!(sgr_text(from, to), want, "{from:?} -> {to:?}");
        }
    }

    /// Apply SGR parameters the way ECMA-48 and xterm define them.
    fn apply(params: &str, mut modifier: Modifier) -> Modifier {
        let params: Vec<u8> =
            if params.is_empty() { vec![0] } else { params.split(';').map(|p| p.parse().unwrap()).collect() };
        for p in params {
            match p {
                0 => modifier = Modifier::empty(),
                22 => modifier -= Modifier::BOLD | Modifier::DIM,
                25 => modifier -= Modifier::SLOW_BLINK | Modifier::RAPID_BLINK,
                23 | 24 | 27 | 28 | 29 => modifier -= Modifier::from_bits(1 << (p - 21)).unwrap(),
                1..=9 => modifier |= Modifier::from_bits(1 << (p - 1)).unwrap(),
                _ => panic!("unexpected parameter {p}"),
            }
        }
        modifier
    }

    #[test]
    fn every_modifier_change_lands_exactly() {
        for from in 0..512u16 {
            for to in 0..512u16 {
                let from = pen(Color::Reset, Color::Reset, Modifier::from_bits(from).unwrap());
                let to = pen(Color::Reset, Color::Reset, Modifier::from_bits(to).unwrap());
                let text = sgr_text(Some(from), to);
                if from == to {
                    assert_eq!(text, "");
                    continue;
                }
                let params = text.strip_prefix("^[").and_then(|t| t.strip_suffix('m')).unwrap();
                assert_eq!(apply(params, from.modifier), to.modifier, "{from:?} -> {to:?}: {text}");
            }
        }
    }

    #[test]
    fn cursor_moves_take_the_shortest_form() {
        let at = |x, y| Some(Cursor { x: Some(x), y });
        let cases = [
            (at(5, 3), 5, 3, ""),
            (at(5, 3), 0, 3, "\r"),
            (at(5, 3), 6, 3, "^[C"),
            (at(5, 3), 9, 3, "^[4C"),
            (at(5, 3), 3, 3, "^[4G"),
            (at(50, 3), 48, 3, "^[2D"),
            (at(50, 3), 2, 3, "^[3G"),
            (at(5, 3), 0, 4, "\n\r"),
            (at(5, 3), 5, 5, "\n\n"),
            (at(5, 3), 5, 10, "^[7B"),
            (at(5, 10), 5, 3, "^[7A"),
            (at(5, 3), 0, 0, "^[H"),
            (at(5, 30), 0, 4, "^[5H"),
            (at(5, 30), 9, 4, "^[5;10H"),
            (None, 0, 0, "^[H"),
            (None, 7, 2, "^[3;8H"),
            (Some(Cursor { x: None, y: 3 }), 0, 4, "\n\r"),
            (Some(Cursor { x: None, y: 3 }), 2, 3, "^[3G"),
        ];
        for (from, x, y, want) in cases {
            assert_eq!(jump_text(from, x, y), want, "{from:?} -> ({x}, {y})");
        }
    }
}
