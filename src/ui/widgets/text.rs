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
}
