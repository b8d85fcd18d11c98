//! Facet counts: for a field, each value among the current results and how
//! many results have it, for the filter pickers.

use super::query::Field;
use super::rank::{ref_name, Hit};
use crate::catalog::Catalog;
use std::collections::HashMap;

/// (value, count), most common first, then alphabetical.
pub fn facet_counts(catalog: &Catalog, hits: &[Hit], field: Field) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for hit in hits {
        let s = catalog.at(hit.idx);
        let mut add = |v: &str| {
            if !v.is_empty() {
                *counts.entry(v.to_lowercase()).or_default() += 1;
            }
        };
        match field {
            Field::Kind => add(&s.kind),
            Field::Type => add(&s.spec_type),
            Field::Lifecycle => add(&s.lifecycle),
            Field::Namespace => add(&s.namespace),
            Field::Owner => add(ref_name(&s.owner)),
            Field::System => add(ref_name(&s.system)),
            Field::Tag => s.tags.iter().for_each(|t| add(t)),
            Field::Name => {}
        }
    }
    let mut out: Vec<(String, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}
