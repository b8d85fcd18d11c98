//! Matching and ranking. Field terms filter; free words are fuzzy-matched
//! against name, title and ref; the best score wins, ties keep list order.

use super::query::{Field, Query, Term};
use crate::catalog::{Catalog, Summary};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// One matching entity: its index in the catalog and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub idx: u32,
    pub score: i64,
}

/// The part of a ref key after `kind:namespace/`.
pub fn ref_name(key: &str) -> &str {
    key.rsplit_once('/').map_or(key, |(_, n)| n)
}

/// Values of one field of an entity, lowercased for comparison.
fn field_matches(s: &Summary, term: &Term, exact: bool) -> bool {
    let v = term.value.as_str();
    let test = |candidate: &str| {
        let c = candidate.to_lowercase();
        if exact {
            c == v
        } else {
            c.starts_with(v)
        }
    };
    match term.field {
        Field::Kind => test(&s.kind),
        Field::Type => test(&s.spec_type),
        Field::Lifecycle => test(&s.lifecycle),
        Field::Namespace => test(&s.namespace),
        Field::Tag => s.tags.iter().any(|t| test(t)),
        Field::Owner => ref_field_matches(&s.owner, v, exact),
        Field::System => ref_field_matches(&s.system, v, exact),
        Field::Name => s.name.to_lowercase().contains(v),
    }
}

/// `owner:team-a` matches the name; `owner:group:ops/team-a` the full key.
fn ref_field_matches(key: &str, value: &str, exact: bool) -> bool {
    if key.is_empty() {
        return false;
    }
    let candidate = if value.contains(':') {
        key
    } else if value.contains('/') {
        key.split_once(':').map_or(key, |(_, rest)| rest)
    } else {
        ref_name(key)
    };
    if exact {
        candidate == value
    } else {
        candidate.starts_with(value)
    }
}

/// A term is exact when some entity has exactly that value; otherwise the
/// user is still typing and it acts as a prefix, so the list narrows live.
fn term_is_exact(catalog: &Catalog, term: &Term) -> bool {
    term.field != Field::Name && catalog.all().iter().any(|s| field_matches(s, term, true))
}

/// Run a query over the catalog: all matches, best first.
pub fn run(catalog: &Catalog, query: &Query) -> Vec<Hit> {
    let exact: Vec<bool> = query.terms.iter().map(|t| term_is_exact(catalog, t)).collect();
    let matcher = SkimMatcherV2::default().ignore_case();
    let mut hits: Vec<Hit> = catalog
        .all()
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let passes = query.terms.iter().zip(&exact).all(|(t, &ex)| field_matches(s, t, ex) != t.negate);
            if !passes {
                return None;
            }
            if query.excluded_words.iter().any(|w| s.name.to_lowercase().contains(w.as_str())) {
                return None;
            }
            let mut score = 0i64;
            for word in &query.words {
                score += word_score(&matcher, s, word)?;
            }
            Some(Hit { idx: i as u32, score })
        })
        .collect();
    if !query.words.is_empty() {
        // Stable sort: equal scores keep list order.
        hits.sort_by(|a, b| b.score.cmp(&a.score));
    }
    hits
}

fn word_score(matcher: &SkimMatcherV2, s: &Summary, word: &str) -> Option<i64> {
    let lower = word.to_lowercase();
    let name = s.name.to_lowercase();
    let mut best = matcher.fuzzy_match(&s.name, word).map(|sc| sc * 2);
    if name == lower {
        best = best.map(|b| b + 1000);
    } else if name.starts_with(&lower) {
        best = best.map(|b| b + 200);
    }
    if !s.title.is_empty() {
        best = best.max(matcher.fuzzy_match(&s.title, word));
    }
    if word.contains(':') || word.contains('/') {
        best = best.max(matcher.fuzzy_match(&s.key, word));
    }
    best
}

/// Char positions in `text` matched by the query's free words, for highlighting.
pub fn highlight(text: &str, query: &Query) -> Vec<usize> {
    let matcher = SkimMatcherV2::default().ignore_case();
    let mut out: Vec<usize> =
        query.words.iter().filter_map(|w| matcher.fuzzy_indices(text, w).map(|(_, idx)| idx)).flatten().collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(kind: &str, name: &str, owner: &str, lifecycle: &str, tags: &[&str]) -> Summary {
        Summary {
            key: format!("{}:default/{}", kind.to_lowercase(), name),
            kind: kind.into(),
            namespace: "default".into(),
            name: name.into(),
            owner: if owner.is_empty() { String::new() } else { format!("group:default/{owner}") },
            lifecycle: lifecycle.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        }
    }

    fn catalog() -> Catalog {
        Catalog::new(vec![
            s("Component", "payments-api", "team-payments", "production", &["java"]),
            s("Component", "payment-gateway", "team-payments", "experimental", &["go"]),
            s("API", "payments-rest", "team-payments", "production", &[]),
            s("API", "ledger-grpc", "team-ledger", "production", &[]),
            s("Component", "checkout-web", "team-pay", "production", &["typescript"]),
        ])
    }

    fn names(c: &Catalog, q: &str) -> Vec<String> {
        run(c, &Query::parse(q)).iter().map(|h| c.at(h.idx).name.clone()).collect()
    }

    #[test]
    fn empty_query_is_everything_in_list_order() {
        let c = catalog();
        assert_eq!(
            names(&c, ""),
            vec!["checkout-web", "payment-gateway", "payments-api", "ledger-grpc", "payments-rest"]
        );
    }

    #[test]
    fn field_terms_filter() {
        let c = catalog();
        assert_eq!(names(&c, "kind:api owner:team-payments"), vec!["payments-rest"]);
        assert_eq!(names(&c, "kind:component -lifecycle:experimental"), vec!["checkout-web", "payments-api"]);
        assert_eq!(names(&c, "tag:java"), vec!["payments-api"]);
    }

    #[test]
    fn exact_value_beats_prefix_but_prefix_narrows_while_typing() {
        let c = catalog();
        // team-pay exists exactly: only its entities, not team-payments'.
        assert_eq!(names(&c, "owner:team-pay"), vec!["checkout-web"]);
        // team-paym is no owner: acts as a prefix.
        assert_eq!(names(&c, "kind:api owner:team-paym"), vec!["payments-rest"]);
        assert_eq!(names(&c, "kind:api owner:team-l"), vec!["ledger-grpc"]);
    }

    #[test]
    fn fuzzy_ranks_exact_name_first() {
        let c = catalog();
        let got = names(&c, "payments-api");
        assert_eq!(got[0], "payments-api");
        let got = names(&c, "pay gate");
        assert_eq!(got, vec!["payment-gateway"]);
        assert!(names(&c, "zzz").is_empty());
        assert_eq!(names(&c, "payment -gateway -rest"), vec!["payments-api"]);
    }

    #[test]
    fn highlight_positions() {
        let q = Query::parse("pay api");
        let idx = highlight("payments-api", &q);
        assert!(idx.starts_with(&[0, 1, 2]));
        assert!(idx.contains(&9));
    }
}
