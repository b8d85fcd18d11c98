//! Backstage search (`/api/search/query`): the result model, reading the
//! server's JSON (with our own highlight tags), and a local stand-in for a
//! folder source that searches the catalog and the docs on disk.

use super::target::{site_page, DocTarget, Triplet};
use crate::sanitize::clean_line;
use serde_json::Value;

/// Highlight tags we ask the server to use (versions that ignore them send
/// random ones per start, named in each result's `highlight`).
pub const PRE_TAG: &str = "<<callboard-hl>>";
pub const POST_TAG: &str = "<</callboard-hl>>";
/// Document types asked for.
pub const TYPES: [&str; 2] = ["software-catalog", "techdocs"];

#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    /// `software-catalog`, `techdocs`, or whatever the server indexes.
    pub kind: String,
    pub title: String,
    pub text: String,
    pub location: String,
    /// Char ranges of the highlighted words in `title` and `text`.
    pub title_marks: Vec<(usize, usize)>,
    pub text_marks: Vec<(usize, usize)>,
    /// Entity ref to open, when the result is (or belongs to) an entity.
    pub entity: Option<String>,
    /// Doc page to open, for TechDocs results.
    pub doc: Option<DocTarget>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchPage {
    pub results: Vec<SearchResult>,
    pub next_cursor: Option<String>,
    pub total: Option<usize>,
}

/// Text with the highlight tags removed, and the char ranges they marked.
pub fn split_highlight(tagged: &str, pre: &str, post: &str) -> (String, Vec<(usize, usize)>) {
    if pre.is_empty() || post.is_empty() {
        return (clean_line(tagged), Vec::new());
    }
    // Cleaned whole first: a sequence split by a highlight tag would
    // otherwise leave its second half ("2J") on screen.
    let cleaned = clean_line(tagged);
    let mut text = String::new();
    let mut marks = Vec::new();
    let mut rest = cleaned.as_str();
    let mut count = 0usize;
    while let Some(start) = rest.find(pre) {
        let before = clean_line(&rest[..start]);
        count += before.chars().count();
        text.push_str(&before);
        rest = &rest[start + pre.len()..];
        let end = rest.find(post).unwrap_or(rest.len());
        let marked = clean_line(&rest[..end]);
        let n = marked.chars().count();
        marks.push((count, n));
        count += n;
        text.push_str(&marked);
        rest = rest.get(end + post.len()..).unwrap_or("");
    }
    text.push_str(&clean_line(rest));
    (text, marks)
}

/// The entity a result is about: results carry no ref, so it is built from
/// the document's kind and namespace and the last part of its location.
fn entity_of(doc: &Value) -> Option<(String, String, String)> {
    let field = |k: &str| doc.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let location = field("location").unwrap_or("");
    let parts: Vec<&str> = location.split('/').filter(|p| !p.is_empty()).collect();
    // `/catalog/{ns}/{kind}/{name}` or `/docs/{ns}/{kind}/{name}/{page...}`
    let from_location = match parts.as_slice() {
        ["catalog", ns, kind, name, ..] | ["docs", ns, kind, name, ..] => {
            Some((ns.to_string(), kind.to_string(), name.to_string()))
        }
        _ => None,
    };
    let kind = field("kind").map(str::to_string).or_else(|| from_location.as_ref().map(|l| l.1.clone()))?;
    let namespace = field("namespace")
        .map(str::to_string)
        .or_else(|| from_location.as_ref().map(|l| l.0.clone()))
        .unwrap_or_else(|| "default".into());
    let name = field("name")
        .map(str::to_string)
        .or_else(|| from_location.as_ref().map(|l| l.2.clone()))
        .or_else(|| parts.last().map(|s| s.to_string()))?;
    Some((namespace, kind, name))
}

/// Read one `/api/search/query` answer.
pub fn parse_response(body: &Value) -> SearchPage {
    let results = body
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            let doc = r.get("document").cloned().unwrap_or(Value::Null);
            let kind = clean_line(r.get("type").and_then(Value::as_str).unwrap_or(""));
            let field = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let highlight =
                |k: &str| r.pointer(&format!("/highlight/fields/{k}")).and_then(Value::as_str).map(str::to_string);
            // Some versions ignore the tags we ask for; the answer names the ones used.
            let tag = |k: &str, ours: &str| {
                r.pointer(&format!("/highlight/{k}")).and_then(Value::as_str).unwrap_or(ours).to_string()
            };
            let (pre, post) = (tag("preTag", PRE_TAG), tag("postTag", POST_TAG));
            let (title, title_marks) =
                split_highlight(&highlight("title").unwrap_or_else(|| field("title")), &pre, &post);
            let (text, text_marks) = split_highlight(&highlight("text").unwrap_or_else(|| field("text")), &pre, &post);
            let location = clean_line(&field("location"));
            let entity = entity_of(&doc).map(|(ns, kind, name)| format!("{kind}:{ns}/{name}").to_ascii_lowercase());
            let doc_target = (kind == "techdocs").then(|| entity_of(&doc)).flatten().map(|(ns, k, name)| {
                let page = location.split('/').filter(|p| !p.is_empty()).skip(4).collect::<Vec<_>>().join("/");
                DocTarget::TechDocs { entity: Triplet::new(&ns, &k, &name), page: site_page("", &page) }
            });
            SearchResult {
                kind,
                title: if title.is_empty() { location.clone() } else { title },
                text: text.chars().take(400).collect(),
                location,
                title_marks,
                text_marks: text_marks.into_iter().filter(|(s, _)| *s < 400).collect(),
                entity,
                doc: doc_target,
            }
        })
        .collect();
    SearchPage {
        results,
        next_cursor: body.get("nextPageCursor").and_then(Value::as_str).map(str::to_string),
        total: body.get("numberOfResults").and_then(Value::as_u64).map(|n| n as usize),
    }
}

/// Char ranges of every case-insensitive occurrence of the query's words.
pub fn mark_words(text: &str, query: &str) -> Vec<(usize, usize)> {
    let lower: Vec<char> = text.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect();
    let mut marks = Vec::new();
    for word in query.split_whitespace() {
        let w: Vec<char> = word.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect();
        if w.is_empty() || w.len() > lower.len() {
            continue;
        }
        for start in 0..=lower.len() - w.len() {
            if lower[start..start + w.len()] == w[..] {
                marks.push((start, w.len()));
            }
        }
    }
    marks.sort();
    marks.dedup();
    marks
}

/// A snippet of `text` around the first match of the query, on one line.
pub fn snippet(text: &str, query: &str, width: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = mark_words(&flat, query).first().map_or(0, |m| m.0);
    let start = first.saturating_sub(width / 3);
    let mut out: String = flat.chars().skip(start).take(width).collect();
    if start > 0 {
        out.insert(0, '…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn highlights_split_and_refs_built_from_location() {
        let body = json!({
            "results": [
                {"type": "software-catalog", "document": {"title": "orders-api", "text": "REST service for orders",
                    "location": "/catalog/default/component/orders-api", "kind": "Component"},
                 "highlight": {"preTag": PRE_TAG, "postTag": POST_TAG,
                    "fields": {"text": format!("REST service for {PRE_TAG}orders{POST_TAG}")}}},
                {"type": "techdocs", "document": {"title": "Runbook", "text": "Rollback",
                    "location": "/docs/default/component/orders-api/runbook/", "kind": "component",
                    "namespace": "default", "name": "orders-api"}}
            ],
            "nextPageCursor": "MQ==", "numberOfResults": 2
        });
        let page = parse_response(&body);
        assert_eq!(page.next_cursor.as_deref(), Some("MQ=="));
        let first = &page.results[0];
        assert_eq!(first.entity.as_deref(), Some("component:default/orders-api"));
        assert_eq!(first.text, "REST service for orders");
        assert_eq!(first.text_marks, vec![(17, 6)]);
        let doc = page.results[1].doc.clone().unwrap();
        assert_eq!(
            doc,
            DocTarget::TechDocs { entity: Triplet::new("default", "component", "orders-api"), page: "runbook/".into() }
        );
    }

    #[test]
    fn hostile_highlight_is_sanitised() {
        let tagged = format!("a\u{1b}]0;x\u{7}b {PRE_TAG}c\u{1b}[2Jd{POST_TAG} e");
        let (text, marks) = split_highlight(&tagged, PRE_TAG, POST_TAG);
        assert_eq!(text, "ab cd e");
        assert_eq!(marks, vec![(3, 2)]);
        // A sequence the tag splits is still dropped whole.
        let tagged = format!("a\u{1b}]0;{PRE_TAG}PWNED{POST_TAG}\u{7}b");
        assert_eq!(split_highlight(&tagged, PRE_TAG, POST_TAG).0, "ab");
    }

    #[test]
    fn words_marked_case_insensitively() {
        assert_eq!(mark_words("Roll back the ROLLBACK", "rollback"), vec![(14, 8)]);
        assert!(snippet("aaa bbb ccc ddd rollback eee", "rollback", 12).contains("rollback"));
    }
}
