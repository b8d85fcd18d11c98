//! Incremental narrowing. While a query is being typed, each keystroke
//! usually extends the one before, and then its results can only be a subset
//! of the previous results: searching those instead of the whole catalog
//! makes every key after the first cost a fraction of it.

use super::query::Query;
use std::sync::{Arc, Mutex};

/// The last query run over one catalog and the entities it matched, in
/// catalog order. Lives in the catalog, so a new catalog starts afresh.
#[derive(Debug, Default)]
pub struct SearchMemo {
    last: Mutex<Option<Remembered>>,
}

#[derive(Debug)]
struct Remembered {
    query: Query,
    /// Per term of `query`: whether it matched whole values (else prefixes).
    exact: Vec<bool>,
    matched: Arc<Vec<u32>>,
}

impl SearchMemo {
    /// Entities that can still match `query`, when it narrows the last one.
    pub fn candidates(&self, query: &Query) -> Option<Arc<Vec<u32>>> {
        let last = self.last.lock().ok()?;
        let last = last.as_ref()?;
        narrows(query, &last.query, &last.exact).then(|| last.matched.clone())
    }

    pub fn remember(&self, query: &Query, exact: &[bool], matched: Vec<u32>) {
        if let Ok(mut last) = self.last.lock() {
            *last = Some(Remembered { query: query.clone(), exact: exact.to_vec(), matched: Arc::new(matched) });
        }
    }
}

/// True when everything `new` matches, `old` matched too: every filter of
/// `old` is still there or was a prefix that `new` extends (`kind:a` →
/// `kind:ap`; not after an exact value: `owner:team-pay` matched only that
/// team, `owner:team-paym` is a prefix of others), and each of its words is
/// extended in place without widening the fields it is matched against (a
/// `:` or `/` brings in refs).
pub fn narrows(new: &Query, old: &Query, old_exact: &[bool]) -> bool {
    let widens = |w: &str| w.contains(':') || w.contains('/');
    let kept = |i: usize, t: &super::query::Term| {
        new.terms.contains(t)
            || (!t.negate
                && !old_exact.get(i).copied().unwrap_or(true)
                && new.terms.iter().any(|n| {
                    n.field == t.field
                        && !n.negate
                        && n.value.starts_with(&t.value)
                        && widens(&n.value) == widens(&t.value)
                }))
    };
    old.terms.iter().enumerate().all(|(i, t)| kept(i, t))
        && old.excluded_words.iter().all(|w| new.excluded_words.contains(w))
        && new.words.len() >= old.words.len()
        && old
            .words
            .iter()
            .zip(&new.words)
            .all(|(o, n)| n.to_lowercase().starts_with(&o.to_lowercase()) && (widens(o) || !widens(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_queries_narrow() {
        let q = Query::parse;
        for (new, old, want) in [
            ("kind:ap", "kind:a", true),
            ("kind:api pay", "kind:ap", true),
            ("-kind:ap", "-kind:a", false),
            ("owner:team-paym", "owner:team-pay", true),
            ("owner:team/x", "owner:team", false),
            ("pay", "pa", true),
            ("pay gate", "pay", true),
            ("pay", "pay", true),
            ("kind:api pay", "kind:api pa", true),
            ("pa", "pay", false),
            ("kind:api pay", "pay", true),
            ("pay", "kind:api pay", false),
            ("pay -gate", "pay", true),
            ("api:x", "api", false),
            ("gate pay", "pay", false),
            ("Pay", "pa", true),
        ] {
            // Old terms are prefixes here; an exact one is tested below.
            let prefixes = vec![false; q(old).terms.len()];
            assert_eq!(narrows(&q(new), &q(old), &prefixes), want, "{new:?} after {old:?}");
        }
        // After an exact value, extending it is a new prefix search.
        assert!(!narrows(&q("owner:team-paym"), &q("owner:team-pay"), &[true]));
        assert!(narrows(&q("owner:team-pay x"), &q("owner:team-pay"), &[true]));
    }
}
