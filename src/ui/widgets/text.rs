//! Small text helpers shared by views.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// Cut text to at most `width` terminal columns, with an ellipsis when cut.
/// Width-aware, so CJK and emoji never overflow a column.
pub fn truncate(text: &str, width: usize) -> String {
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Word-wrap `text` into at most `max_lines` lines of at most `width` columns.
/// When text is left over, the last line ends with an ellipsis. Width-aware;
/// a word longer than a line is cut. Stops reading once the lines are full,
/// so a huge description costs no more than a short one.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    if width == 0 || max_lines == 0 {
        return lines;
    }
    let mut line = String::new();
    let mut used = 0;
    let mut cut = false;
    'words: for word in text.split_whitespace() {
        let word_width: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
        if used > 0 && used + 1 + word_width <= width {
            line.push(' ');
            line.push_str(word);
            used += 1 + word_width;
            continue;
        }
        // The word does not fit after what the line holds: it starts a new
        // line, and a word wider than a line is cut wherever the line is full.
        for (i, c) in word.chars().enumerate() {
            let w = c.width().unwrap_or(0);
            if used > 0 && (i == 0 || used + w > width) {
                if lines.len() + 1 == max_lines {
                    cut = true;
                    break 'words;
                }
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if cut {
        if let Some(last) = lines.last_mut() {
            let mut used: usize = last.chars().map(|c| c.width().unwrap_or(0)).sum();
            while used + 1 > width {
                let Some(c) = last.pop() else { break };
                used -= c.width().unwrap_or(0);
            }
            last.push('…');
        }
    }
    lines
}

/// Spans for `text` with the chars at `positions` styled as matches.
pub fn highlighted<'a>(text: &str, positions: &[usize], base: Style, matched: Style) -> Line<'a> {
    if positions.is_empty() {
        return Line::from(Span::styled(text.to_string(), base));
    }
    let mut spans = Vec::new();
    let mut current = String::new();
    let mut current_is_match = false;
    for (i, c) in text.chars().enumerate() {
        let is_match = positions.binary_search(&i).is_ok();
        if is_match != current_is_match && !current.is_empty() {
            let style = if current_is_match { base.patch(matched) } else { base };
            spans.push(Span::styled(std::mem::take(&mut current), style));
        }
        current_is_match = is_match;
        current.push(c);
    }
    if !current.is_empty() {
        let style = if current_is_match { base.patch(matched) } else { base };
        spans.push(Span::styled(current, style));
    }
    Line::from(spans)
}

/// A line cut to `width` columns with `…` as its last character if it was longer.
pub fn fit_line(line: ratatui::text::Line<'static>, width: usize) -> ratatui::text::Line<'static> {
    use unicode_width::UnicodeWidthStr;
    if line.width() <= width {
        return line;
    }
    let mut used = 0;
    let mut spans = Vec::new();
    for span in line.spans {
        let w = span.content.width();
        if used + w < width {
            used += w;
            spans.push(span);
            continue;
        }
        let room = width.saturating_sub(used);
        spans.push(ratatui::text::Span::styled(truncate(&format!("{}…", span.content), room), span.style));
        break;
    }
    ratatui::text::Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_is_width_aware() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("abcdef", 4), "abc…");
        // Each CJK char is two columns wide.
        assert_eq!(truncate("決済決済", 5), "決済…");
    }

    #[test]
    fn wrap_breaks_at_words_and_marks_what_is_left_out() {
        assert_eq!(wrap("the quick brown fox", 10, 5), vec!["the quick", "brown fox"]);
        assert_eq!(wrap("the quick brown fox jumps", 10, 2), vec!["the quick", "brown fox…"]);
        assert_eq!(wrap("abcdefghijkl", 5, 5), vec!["abcde", "fghij", "kl"]);
        assert_eq!(wrap("  spaced\n out  ", 20, 3), vec!["spaced out"]);
        assert!(wrap("", 10, 3).is_empty());
        assert!(wrap("text", 0, 3).is_empty());
        // Two columns a char: never wider than the line, even with the ellipsis.
        assert_eq!(wrap("決済決済決済 サービス", 5, 2), vec!["決済", "決済…"]);
        for line in wrap(&"word ".repeat(100_000), 7, 3) {
            assert!(line.chars().count() <= 7, "{line}");
        }
    }
}
