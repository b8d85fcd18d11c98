//! `/` within a page: every match of a word, smart case (a capital letter
//! in the query makes it case-sensitive), line by line on the laid-out page.

use super::layout::Page;

/// One match: a line and a char range on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub line: usize,
    /// Char index of the first matching char.
    pub start: usize,
    pub len: usize,
}

/// Matches kept at most; past that the count says "10000+".
pub const MAX_MATCHES: usize = 10_000;

fn fold(c: char, sensitive: bool) -> char {
    if sensitive {
        c
    } else {
        // One char in, one char out, so positions stay char positions.
        c.to_lowercase().next().unwrap_or(c)
    }
}

pub fn find_all(page: &Page, query: &str) -> Vec<Match> {
    let sensitive = query.chars().any(char::is_uppercase);
    let needle: Vec<char> = query.chars().map(|c| fold(c, sensitive)).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for line in 0..page.lines.len() {
        let hay: Vec<char> = page.line_text(line).chars().map(|c| fold(c, sensitive)).collect();
        let mut start = 0;
        while start + needle.len() <= hay.len() {
            if hay[start..start + needle.len()] == needle[..] {
                out.push(Match { line, start, len: needle.len() });
                if out.len() >= MAX_MATCHES {
                    return out;
                }
                start += needle.len();
            } else {
                start += 1;
            }
        }
    }
    out
}

/// The first match at or after `line` (wrapping), for jumping as you type.
pub fn first_from(matches: &[Match], line: usize) -> usize {
    matches.iter().position(|m| m.line >= line).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::model::{DocSpan, Marks};

    fn page(lines: &[&str]) -> Page {
        Page { lines: lines.iter().map(|l| vec![DocSpan::new(*l, Marks::default())]).collect(), ..Page::default() }
    }

    #[test]
    fn smart_case_and_positions() {
        let p = page(&["Rollback the rollback", "no match", "ROLLBACK"]);
        let lower = find_all(&p, "rollback");
        assert_eq!(lower.len(), 3);
        assert_eq!(lower[1], Match { line: 0, start: 13, len: 8 });
        assert_eq!(find_all(&p, "ROLL").len(), 1);
        assert_eq!(first_from(&lower, 1), 2);
        assert_eq!(first_from(&lower, 5), 0);
    }

    #[test]
    fn wide_chars_count_as_one_position() {
        let p = page(&["決済ピーク peak"]);
        assert_eq!(find_all(&p, "peak"), vec![Match { line: 0, start: 6, len: 4 }]);
    }
}
