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
    last: Mutex<Option<(Query, Arc<Vec<u32>>)>>,
}

impl SearchMemo {
    /// Entities that can still match `query`, when it narrows the last one.
    pub fn candidates(&self, query: &Query) -> Option<Arc<Vec<u32>>> {
        let last = self.last.lock().ok()?;
        let (old, matched) = last.as_ref()?;
        narrows(query, old).then(|| matched.clone())
    }

    pub fn remember(&self, query: &Query, matched: Vec<u32>) {
        if let Ok(mut last) = self.last.lock() {
            *last = Some((query.clone(), Arc::new(matched)));
        }
    }
}

/// True when everything `new` matches, `old` matched too: every filter of
/// `old` is still there, and each of its words is extended in place without
/// widening the fields it is matched against (a `:` or `/` brings in refs).
pub fn narrows(new: &Query, old: &Query) -> bool {
    let widens = |w: &str| w.contains(':') || w.contains('/');
    old.terms.iter().all(|t| new.terms.contains(t))
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
            ("pay", "pa", true),
            ("pay gate", "pay", true),
            ("pay", "pay", true),
            ("kind:api pay", "kind:api pa", true),
            ("pa", "pay", false),
            ("kind:api pay", "pay", true),
            ("pay", "kind:api pay", false),
            ("owner:team-paym", "owner:team-pay", false),
            ("pay -gate", "pay", true),
            ("api:x", "api", false),
            ("gate pay", "pay", false),
            ("Pay", "pa", true),
        ] {
            assert_eq!(narrows(&q(new), &q(old)), want, "{new:?} after {old:?}");
        }
    }
}
