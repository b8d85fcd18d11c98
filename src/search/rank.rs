//! Matching and ranking. Field terms filter; free words are fuzzy-matched
//! against name, title and ref; the best score wins, ties keep list order.
//!
//! Built for 100k entities on a keystroke budget: nucleo's matcher (several
//! times faster than fuzzy-matcher here, see BENCHMARKS.md), no allocation
//! per entity, the previous results reused when the query only narrows
//! (search::memo), and the scan split across cores when it is large.

use super::columns::Column;
use super::query::{Field, Query, Term};
use crate::catalog::Catalog;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

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

/// `candidate` lowercased equals / starts with `value` (already lowercase),
/// without allocating for ASCII text.
fn lower_eq(candidate: &str, value: &str) -> bool {
    if candidate.is_ascii() {
        candidate.len() == value.len() && candidate.bytes().zip(value.bytes()).all(|(c, v)| c.to_ascii_lowercase() == v)
    } else {
        candidate.to_lowercase() == value
    }
}

fn lower_starts_with(candidate: &str, value: &str) -> bool {
    if candidate.is_ascii() {
        candidate.len() >= value.len() && candidate.bytes().zip(value.bytes()).all(|(c, v)| c.to_ascii_lowercase() == v)
    } else {
        candidate.to_lowercase().starts_with(value)
    }
}

fn lower_contains(candidate: &str, value: &str) -> bool {
    if candidate.is_ascii() && value.is_ascii() {
        let v = value.as_bytes();
        v.is_empty() || candidate.as_bytes().windows(v.len()).any(|w| w.eq_ignore_ascii_case(v))
    } else {
        candidate.to_lowercase().contains(value)
    }
}

/// Whether one value of a field passes a term (`exact`: whole value, else prefix).
fn value_matches(field: Field, value: &str, v: &str, exact: bool) -> bool {
    match field {
        Field::Owner | Field::System => ref_field_matches(value, v, exact),
        Field::Name => lower_contains(value, v),
        _ if exact => lower_eq(value, v),
        _ => lower_starts_with(value, v),
    }
}

/// A term made ready for a scan: decided once per distinct value of its
/// field (search::columns), then a lookup per entity.
struct TermFilter<'a> {
    term: &'a Term,
    column: Option<&'a Column>,
    /// Per value id of the column: does it pass?
    allowed: Vec<bool>,
    /// The value exists as typed; otherwise the user is still typing and
    /// the term acts as a prefix, so the list narrows live.
    exact: bool,
}

impl<'a> TermFilter<'a> {
    fn new(catalog: &'a Catalog, term: &'a Term) -> TermFilter<'a> {
        let column = catalog.search_columns.get(term.field, catalog.all());
        let (v, field) = (term.value.as_str(), term.field);
        let exact = column.is_some_and(|c| c.values.iter().any(|value| value_matches(field, value, v, true)));
        let allowed = column
            .map_or_else(Vec::new, |c| c.values.iter().map(|value| value_matches(field, value, v, exact)).collect());
        TermFilter { term, column, allowed, exact }
    }

    fn passes(&self, name: &str, idx: u32) -> bool {
        let hit = match self.column {
            Some(c) => c.of(idx).iter().any(|&id| self.allowed[id as usize]),
            None => lower_contains(name, &self.term.value),
        };
        hit != self.term.negate
    }
}

/// `owner:team-a` matches the name, `owner:group:team-a` kind and name,
/// `owner:default/team-a` namespace and name, `owner:group:ops/team-a` the
/// full key. The last part may be a prefix while typing.
fn ref_field_matches(key: &str, value: &str, exact: bool) -> bool {
    if key.is_empty() {
        return false;
    }
    let (kind, rest) = key.split_once(':').unwrap_or(("", key));
    let (wanted_kind, wanted) = match value.split_once(':') {
        Some((k, r)) => (Some(k), r),
        None => (None, value),
    };
    if wanted_kind.is_some_and(|k| k != kind) {
        return false;
    }
    let candidate = if wanted.contains('/') { rest } else { ref_name(key) };
    if exact {
        candidate == wanted
    } else {
        candidate.starts_with(wanted)
    }
}

/// A free word, prepared once per search.
struct Word {
    atom: Atom,
    lower: String,
    /// Words with `:` or `/` are matched against the ref too.
    with_ref: bool,
}

fn atom(word: &str) -> Atom {
    Atom::new(word, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy, false)
}

/// One thread's share of a scan: its candidates, results, matcher, scratch.
type ScanPart<'a> = (&'a [u32], Vec<Hit>, Matcher, Vec<char>);

/// Below this many candidates one thread is quicker than starting another.
const PARALLEL_FROM: usize = 20_000;

/// Run a query over the catalog: all matches, best first.
pub fn run(catalog: &Catalog, query: &Query) -> Vec<Hit> {
    let filters: Vec<TermFilter> = query.terms.iter().map(|t| TermFilter::new(catalog, t)).collect();
    let exact: Vec<bool> = filters.iter().map(|f| f.exact).collect();
    let words: Vec<Word> = query
        .words
        .iter()
        .map(|w| Word { atom: atom(w), lower: w.to_lowercase(), with_ref: w.contains(':') || w.contains('/') })
        .collect();
    let hay = catalog.search_columns.haystacks(catalog.all());
    let narrowed = catalog.search_memo.candidates(query);
    let all: Vec<u32>;
    let candidates: &[u32] = match &narrowed {
        Some(c) => c,
        None => {
            all = (0..catalog.len() as u32).collect();
            &all
        }
    };
    // Everything a scan writes is allocated here, on the calling thread: a
    // helper thread that allocated would leave memory behind when it ends.
    let scan = |part: &[u32], out: &mut Vec<Hit>, matcher: &mut Matcher, buf: &mut Vec<char>| {
        out.extend(part.iter().filter_map(|&idx| {
            let name = hay.name(idx);
            let passes = filters.iter().all(|f| f.passes(name, idx));
            if !passes || query.excluded_words.iter().any(|w| lower_contains(name, w)) {
                return None;
            }
            let mut score = 0i64;
            for word in &words {
                let texts = Texts { name, title: hay.title(idx), key: || &catalog.at(idx).key };
                score += word_score(matcher, buf, texts, word)?;
            }
            Some(Hit { idx, score })
        }));
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
    let parts = if candidates.len() >= PARALLEL_FROM && !words.is_empty() { threads } else { 1 };
    let size = candidates.len().div_ceil(parts).max(1);
    let mut work: Vec<ScanPart> = candidates
        .chunks(size)
        .map(|part| (part, Vec::with_capacity(part.len()), Matcher::new(Config::DEFAULT), Vec::new()))
        .collect();
    match work.split_first_mut() {
        None => {}
        Some((first, rest)) => std::thread::scope(|scope| {
            for (part, out, matcher, buf) in rest.iter_mut() {
                scope.spawn(|| scan(part, out, matcher, buf));
            }
            let (part, out, matcher, buf) = first;
            scan(part, out, matcher, buf);
        }),
    }
    let mut hits: Vec<Hit> = match work.len() {
        1 => work.pop().map(|w| w.1).unwrap_or_default(),
        _ => work.into_iter().flat_map(|w| w.1).collect(),
    };
    catalog.search_memo.remember(query, &exact, hits.iter().map(|h| h.idx).collect());
    if !words.is_empty() {
        sort_by_score(&mut hits);
    }
    hits
}

/// Best score first, ties in list order. Scores span a few thousand values,
/// so a counting sort (linear) usually does it: a one-letter query matches
/// most of the catalog, and a comparison sort of 60k hits took 3 ms.
fn sort_by_score(hits: &mut Vec<Hit>) {
    let (Some(min), Some(max)) = (hits.iter().map(|h| h.score).min(), hits.iter().map(|h| h.score).max()) else {
        return;
    };
    let span = (max - min) as usize + 1;
    if hits.len() < 4096 || span > 1 << 16 {
        // Candidates are in list order, so this equals a stable sort by score.
        hits.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.idx.cmp(&b.idx)));
        return;
    }
    // Bucket starts, highest score first; hits arrive in list order, which
    // each bucket keeps.
    let mut start = vec![0usize; span + 1];
    for h in hits.iter() {
        start[(max - h.score) as usize + 1] += 1;
    }
    for i in 1..=span {
        start[i] += start[i - 1];
    }
    let mut sorted = vec![Hit { idx: 0, score: 0 }; hits.len()];
    for h in hits.iter() {
        let bucket = &mut start[(max - h.score) as usize];
        sorted[*bucket] = *h;
        *bucket += 1;
    }
    *hits = sorted;
}

/// What a free word is matched against: name and title packed (see
/// search::haystack), the ref read from the entity only when asked for.
struct Texts<'a, K: Fn() -> &'a str> {
    name: &'a str,
    title: &'a str,
    key: K,
}

fn word_score<'a>(
    matcher: &mut Matcher,
    buf: &mut Vec<char>,
    texts: Texts<'a, impl Fn() -> &'a str>,
    word: &Word,
) -> Option<i64> {
    let mut best = word.atom.score(Utf32Str::new(texts.name, buf), matcher).map(|sc| sc as i64 * 2);
    if lower_eq(texts.name, &word.lower) {
        best = best.map(|b| b + 1000);
    } else if lower_starts_with(texts.name, &word.lower) {
        best = best.map(|b| b + 200);
    }
    if !texts.title.is_empty() {
        best = best.max(word.atom.score(Utf32Str::new(texts.title, buf), matcher).map(i64::from));
    }
    if word.with_ref {
        best = best.max(word.atom.score(Utf32Str::new((texts.key)(), buf), matcher).map(i64::from));
    }
    best
}

/// Char positions in `text` matched by the query's free words, for highlighting.
pub fn highlight(text: &str, query: &Query) -> Vec<usize> {
    thread_local! {
        // A matcher holds a ~100 KB scratch slab: one per thread, not per row drawn.
        static MATCHER: std::cell::RefCell<Matcher> = std::cell::RefCell::new(Matcher::new(Config::DEFAULT));
    }
    let mut buf = Vec::new();
    let mut indices: Vec<u32> = Vec::new();
    MATCHER.with_borrow_mut(|matcher| {
        for w in &query.words {
            atom(w).indices(Utf32Str::new(text, &mut buf), matcher, &mut indices);
        }
    });
    let mut out: Vec<usize> = indices.into_iter().map(|i| i as usize).collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Summary;

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
    fn ref_valued_fields_take_kind_name_namespace_name_and_full_refs() {
        let c = catalog();
        for q in [
            "kind:api owner:team-payments",
            "kind:api owner:group:team-payments",
            "kind:api owner:default/team-payments",
            "kind:api owner:group:default/team-payments",
            "kind:api owner:GROUP:Team-Payments",
        ] {
            assert_eq!(names(&c, q), vec!["payments-rest"], "{q}");
        }
        assert!(names(&c, "owner:user:team-payments").is_empty());
        // Exact beats prefix: team-pay is a team, not a prefix of team-payments.
        assert_eq!(names(&c, "owner:group:team-pay"), vec!["checkout-web"]);
        assert_eq!(names(&c, "kind:api owner:group:team-l"), vec!["ledger-grpc"]);
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
    fn counting_sort_equals_a_stable_sort() {
        let mut hits: Vec<Hit> =
            (0..10_000u32).map(|idx| Hit { idx, score: ((idx * 7919) % 301) as i64 - 50 }).collect();
        let mut want = hits.clone();
        want.sort_by_key(|h| std::cmp::Reverse(h.score));
        sort_by_score(&mut hits);
        assert_eq!(hits, want);
    }

    #[test]
    fn highlight_positions() {
        let q = Query::parse("pay api");
        let idx = highlight("payments-api", &q);
        assert!(idx.starts_with(&[0, 1, 2]));
        assert!(idx.contains(&9));
    }
}
