//! One cache row: the summary columns stored beside the raw JSON, written
//! and read back field by field.

use super::FIELD_SEP;
use crate::catalog::entity::{Relations, Summary};
use rusqlite::params;

pub(super) const SUMMARY_COLUMNS: &str = "key, kind, namespace, name, title, description, spec_type, lifecycle, owner,
    system, tags, email, display_name, relations";

pub(super) fn summary_from_row(r: &rusqlite::Row) -> rusqlite::Result<Summary> {
    let tags: String = r.get(10)?;
    let relations: String = r.get(13)?;
    Ok(Summary {
        key: r.get(0)?,
        kind: r.get(1)?,
        namespace: r.get(2)?,
        name: r.get(3)?,
        title: r.get(4)?,
        description: r.get(5)?,
        spec_type: r.get(6)?,
        lifecycle: r.get(7)?,
        owner: r.get(8)?,
        system: r.get(9)?,
        tags: split_list(&tags),
        email: r.get(11)?,
        display_name: r.get(12)?,
        relations: Relations::from_encoded(relations),
    })
}

/// Entities from the files source have no etag: a hash of the JSON stands in,
/// so "changed" still means changed.
pub(super) fn fingerprint_etag(etag: &str, raw: &str) -> String {
    if !etag.is_empty() {
        return etag.to_string();
    }
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    raw.hash(&mut h);
    format!("local-{:016x}", h.finish())
}

pub(super) const INSERT_SQL: &str = "INSERT OR REPLACE INTO entities (key, kind, namespace, name, title, description,
    spec_type, lifecycle, owner, system, tags, email, display_name, relations, etag, raw)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";

pub(super) fn insert_row(
    stmt: &mut rusqlite::Statement,
    s: &Summary,
    etag: &str,
    raw: &str,
) -> rusqlite::Result<usize> {
    stmt.execute(params![
        s.key,
        s.kind,
        s.namespace,
        s.name,
        s.title,
        s.description,
        s.spec_type,
        s.lifecycle,
        s.owner,
        s.system,
        join_list(&s.tags),
        s.email,
        s.display_name,
        s.relations.encoded(),
        etag,
        raw
    ])
}

fn join_list(items: &[String]) -> String {
    items.join(&FIELD_SEP.to_string())
}

fn split_list(text: &str) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split(FIELD_SEP).map(str::to_string).collect()
    }
}
