//! The one gate where untrusted catalog text becomes terminal text.
//!
//! Entity names, descriptions and docs come from people we do not control. A
//! stray `ESC ] 0 ; … BEL` retitles the terminal, `ESC [ 2 J` wipes it, and a
//! C1 control byte can do the same on some terminals, so everything that can
//! drive the terminal is removed before text reaches a view.

/// Remove escape sequences and control characters; tabs and newlines become spaces.
pub fn clean_line(text: &str) -> String {
    clean(text, false)
}

/// Like [`clean_line`] but keeps newlines, for multi-line text such as docs.
pub fn clean_multiline(text: &str) -> String {
    clean(text, true)
}

/// True when the text needs no cleaning, so callers can avoid a copy.
pub fn is_clean(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() || is_invisible_format(c))
}

fn clean(text: &str, keep_newlines: bool) -> String {
    if is_clean(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC / DCS introducers behave like ESC [ / ESC ] / ESC P.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' if keep_newlines => out.push('\n'),
            '\r' if keep_newlines => {}
            '\t' => out.push_str(if keep_newlines { "    " } else { " " }),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() || is_invisible_format(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Bidi overrides and similar can reorder what the user sees; drop them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
            chars.next();
            skip_string(chars);
        }
        // Two-byte sequences such as ESC c (reset) or ESC ( B (charset).
        Some('(') | Some(')') | Some('*') | Some('+') | Some('#') | Some('%') => {
            chars.next();
            chars.next();
        }
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

/// CSI: parameters and intermediates, then one final byte in @..~.
fn skip_csi(chars: &mut Chars) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            return;
        }
        if !(' '..='?').contains(&c) {
            return;
        }
    }
}

/// OSC/DCS/APC/PM/SOS: until BEL, ST (ESC \) or C1 ST.
fn skip_string(chars: &mut Chars) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_osc_title_and_clear_screen() {
        let hostile = "pay\u{1b}]0;pwned\u{7}ments \u{1b}[2Japi\u{1b}[31mred\u{1b}[0m";
        assert_eq!(clean_line(hostile), "payments apired");
    }

    #[test]
    fn strips_c1_controls_and_bidi() {
        assert_eq!(clean_line("a\u{9b}31mb\u{202e}c\u{85}d"), "abcd");
        assert_eq!(clean_line("a\u{9d}0;x\u{9c}b"), "ab");
    }

    #[test]
    fn newlines_and_tabs() {
        assert_eq!(clean_line("a\nb\tc\r"), "a b c ");
        assert_eq!(clean_multiline("a\r\nb\tc"), "a\nb    c");
    }

    #[test]
    fn keeps_wide_text_untouched() {
        let s = "Zahlungsabwicklung für Händler — 決済 🚀";
        assert!(is_clean(s));
        assert_eq!(clean_line(s), s);
    }

    #[test]
    fn unterminated_sequences_do_not_swallow_panic() {
        assert_eq!(clean_line("a\u{1b}"), "a");
        assert_eq!(clean_line("a\u{1b}]0;never ends"), "a");
        assert_eq!(clean_line("a\u{1b}[12"), "a");
    }
}
