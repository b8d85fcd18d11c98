//! A full snapshot written while it arrives, so the disk work overlaps the
//! network, and readers still see the previous snapshot whole until the end.
//!
//! Two ways, chosen at the start:
//! - **Staged** (the cache is empty or holds another source, so every row is
//!   new): rows go into a staging table, committed page by page, so SQLite
//!   can write them through to the database file (checkpoint) while later
//!   pages are fetched. The end is one short transaction that swaps the
//!   tables and writes the list snapshot. A staged write that never
//!   finishes is dropped, and is invisible meanwhile.
//! - **In place** (the cache holds this source, so most rows are unchanged):
//!   one write transaction, open from the start, takes only the changed
//!   rows; committed at the end or rolled back when dropped.
//!
//! Each entity is stored as the JSON text it came in (never re-serialised).

use super::{err_at, fingerprint_etag, insert_row, patch_list, snapshot, write_meta, Cache, CacheError, WriteStats};
use crate::catalog::entity::{summarize, Summary};
use crate::catalog::EntityRef;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

mod typed;

const STAGING: &str = "entities_next";

/// An open full write; see the module docs.
pub struct FullWrite {
    cache: Cache,
    /// key -> etag of every entity the cache held when the write began.
    before: HashMap<String, String>,
    /// Staged: what of the schema of `entities` is made at the swap (its
    /// triggers; indexes are built on the staging table from the start).
    staged: Option<Vec<String>>,
    /// Every row is written (staged, or in place over an emptied table):
    /// the list snapshot is rebuilt rather than patched.
    rebuild: bool,
    insert_sql: String,
    seen: HashSet<String>,
    /// Rebuild: every summary. Patch: only the ones written.
    summaries: Vec<Summary>,
    /// Patch: the list snapshot as it was, read before the first write
    /// empties it (a trigger does); None when there was none.
    listed: Option<Vec<Summary>>,
    written: bool,
    stats: WriteStats,
    /// Summaries before this index are sorted runs, one per page.
    sorted_to: usize,
    /// The runs were merged (near the end).
    merged: bool,
    /// Staged: the tables are already swapped, in the open final transaction.
    swapped: bool,
    /// A transaction is open on the connection.
    in_tx: bool,
    finished: bool,
}

/// Just enough of an entity to know whether it changed.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    metadata: HeadMetadata<'a>,
}

#[derive(Deserialize)]
struct HeadMetadata<'a> {
    #[serde(borrow, default)]
    namespace: Option<Cow<'a, str>>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    etag: Option<Cow<'a, str>>,
}

impl Cache {
    /// Start replacing the whole snapshot. With `keep_unchanged` (the cache
    /// already holds this source) only the difference is written, in place;
    /// otherwise every row is staged and swapped in at the end.
    pub fn begin_full_write(self, keep_unchanged: bool) -> Result<FullWrite, CacheError> {
        // What the last sync left in the WAL, moved now: this runs while the
        // first page is fetched.
        self.checkpoint();
        let mut write = FullWrite {
            cache: self,
            before: HashMap::new(),
            staged: None,
            rebuild: true,
            insert_sql: super::INSERT_SQL.to_string(),
            seen: HashSet::new(),
            summaries: Vec::new(),
            listed: None,
            written: false,
            stats: WriteStats::default(),
            sorted_to: 0,
            merged: false,
            swapped: false,
            in_tx: false,
            finished: false,
        };
        if keep_unchanged {
            // `before` read under the write lock, which is kept to the end.
            write.begin("BEGIN IMMEDIATE")?;
            write.before = write.cache.etags()?;
            if !write.before.is_empty() {
                write.rebuild = false;
                return Ok(write);
            }
            write.end("COMMIT")?;
        } else {
            write.before = write.cache.etags()?;
        }
        let schema = write.entities_schema()?;
        match schema.first().and_then(|(_, sql)| staging_table(sql)) {
            Some(table) => {
                // Indexes are built as rows arrive; triggers are made at the swap.
                let mut setup = format!("DROP TABLE IF EXISTS {STAGING}; {table};");
                let mut at_swap = Vec::new();
                for (kind, sql) in &schema[1..] {
                    match staging_index(sql).filter(|_| kind == "index") {
                        Some(index) => setup.push_str(&format!("{index};")),
                        None => at_swap.push(sql.clone()),
                    }
                }
                write.exec(&setup)?;
                // Checkpoint every 4 MiB of staged rows (not SQLite's 1000 pages, 16 MiB
                // here): they reach the file during the fetch, and the final commit's
                // checkpoint has little but its own pages to copy (≈ 60 → 40 ms at 20k).
                let page_size: i64 =
                    write.cache.conn.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(|e| write.cache.err(e))?;
                write.exec(&format!("PRAGMA wal_autocheckpoint={}", (4 << 20) / page_size.max(512)))?;
                write.insert_sql = super::INSERT_SQL.replacen("INTO entities ", &format!("INTO {STAGING} "), 1);
                write.staged = Some(at_swap);
            }
            // A schema this code does not know: everything in one transaction.
            _ => {
                write.begin("BEGIN IMMEDIATE")?;
                write.exec("DELETE FROM entities")?;
            }
        }
        Ok(write)
    }
}

/// The staging twin of `CREATE TABLE entities (...)` (which SQLite keeps as
/// `CREATE TABLE "entities" (...)` after a rename); None for anything else.
fn staging_table(sql: &str) -> Option<String> {
    let open = sql.find('(')?;
    let head: String = sql[..open].chars().filter(|c| !c.is_whitespace() && *c != '"').collect();
    head.eq_ignore_ascii_case("CREATETABLEentities").then(|| format!("CREATE TABLE {STAGING} {}", &sql[open..]))
}

/// `CREATE [UNIQUE] INDEX name ON entities (...)` for the staging table,
/// under the other of two alternating names (`x`, `x_b`): an index cannot be
/// renamed, and the old table's index keeps its name until the swap drops it.
fn staging_index(sql: &str) -> Option<String> {
    let on = sql.find(" ON ")?;
    let open = on + sql[on..].find('(')?;
    let table: String = sql[on + 4..open].chars().filter(|c| !c.is_whitespace() && *c != '"').collect();
    let (create, name) = sql[..on].trim_end().rsplit_once(' ')?;
    let name = name.trim_matches('"');
    let create_index = ["CREATE INDEX", "CREATE UNIQUE INDEX"].iter().any(|c| create.eq_ignore_ascii_case(c));
    if !table.eq_ignore_ascii_case("entities") || !create_index || name.is_empty() {
        return None;
    }
    let other = name.strip_suffix("_b").map(str::to_string).unwrap_or_else(|| format!("{name}_b"));
    Some(format!("{create} {other} ON {STAGING} {}", &sql[open..]))
}

impl FullWrite {
    /// Add one entity, given as its JSON text. Returns false when it is not
    /// a valid entity and was skipped.
    pub fn add(&mut self, text: &str) -> Result<bool, CacheError> {
        if !self.rebuild {
            // The cheap look first: most entities did not change.
            if let Ok(head) = serde_json::from_str::<Head>(text) {
                let etag = head.metadata.etag.as_deref().unwrap_or("");
                let namespace =
                    head.metadata.namespace.as_deref().unwrap_or(crate::catalog::entity_ref::DEFAULT_NAMESPACE);
                let key = EntityRef::new(&head.kind, namespace, &head.metadata.name).key();
                if !etag.is_empty() && self.before.get(&key).map(String::as_str) == Some(etag) {
                    self.seen.insert(key);
                    return Ok(true);
                }
            }
        }
        let (summary, etag) = match typed::summarize_text(text) {
            Some(fast) => fast,
            None => {
                let Ok(raw) = serde_json::from_str::<Value>(text) else {
                    return Ok(false);
                };
                let Ok(summary) = summarize(&raw) else {
                    return Ok(false);
                };
                (summary, raw.pointer("/metadata/etag").and_then(Value::as_str).unwrap_or("").to_string())
            }
        };
        let etag = fingerprint_etag(&etag, text);
        if !self.written && !self.rebuild {
            // The first write empties the snapshot table: keep what it held.
            self.listed = snapshot::read(&self.cache.conn).ok().flatten();
        }
        self.written = true;
        if !self.in_tx {
            self.begin("BEGIN IMMEDIATE")?;
        }
        let mut insert = self.cache.conn.prepare_cached(&self.insert_sql).map_err(|e| self.cache.err(e))?;
        insert_row(&mut insert, &summary, &etag, text).map_err(|e| self.cache.err(e))?;
        if !self.seen.insert(summary.key.clone()) {
            // Listed twice (it moved while the pages were read): last one wins.
            self.summaries.retain(|s| s.key != summary.key);
        } else {
            match self.before.get(&summary.key) {
                None => self.stats.added += 1,
                Some(old) if *old != etag => self.stats.changed += 1,
                Some(_) => {}
            }
        }
        self.summaries.push(summary);
        Ok(true)
    }

    /// The end of a page: staged rows are committed (still invisible), so
    /// SQLite can move them to the database file during the next fetch; the
    /// page's summaries are sorted now, so the final sort only merges runs.
    pub fn page_done(&mut self) -> Result<(), CacheError> {
        if self.rebuild {
            self.summaries[self.sorted_to..].sort_by(crate::catalog::list_order);
            self.sorted_to = self.summaries.len();
        }
        if self.staged.is_some() && !self.swapped && self.in_tx {
            self.end("COMMIT")?;
        }
        Ok(())
    }

    /// `pages_left` more pages are coming (call before storing this one's
    /// rows). Three left: merge the sorted runs now, so the end only merges
    /// the last pages. One left: open the final transaction and swap the
    /// staged table in while it is fetched; later rows go straight into the
    /// swapped table, in that transaction.
    pub fn near_end(&mut self, pages_left: usize) -> Result<(), CacheError> {
        if pages_left <= 3 && self.rebuild && !self.merged {
            self.summaries.sort_by(crate::catalog::list_order);
            self.merged = true;
        }
        if pages_left <= 1 && self.staged.is_some() && !self.swapped {
            self.swap()?;
        }
        Ok(())
    }

    fn swap(&mut self) -> Result<(), CacheError> {
        let Some(schema) = self.staged.as_ref() else { return Ok(()) };
        // The staged table takes the place (and the indexes and triggers) of the old one.
        let mut swap = format!("DROP TABLE entities; ALTER TABLE {STAGING} RENAME TO entities;");
        for sql in schema {
            swap.push_str(sql);
            swap.push(';');
        }
        if !self.in_tx {
            self.begin("BEGIN IMMEDIATE")?;
        }
        self.exec(&swap)?;
        self.swapped = true;
        self.insert_sql = super::INSERT_SQL.to_string();
        Ok(())
    }

    /// Entities seen so far (added, changed or unchanged).
    pub fn seen(&self) -> usize {
        self.seen.len()
    }

    /// Delete what was not seen, swap in the staged rows, write the meta and
    /// the list snapshot, and commit. Returns what changed and how many
    /// entities the cache holds.
    pub fn finish(mut self, meta: &[(&str, &str)]) -> Result<(WriteStats, usize), CacheError> {
        let path = self.cache.path.clone();
        let started = std::time::Instant::now();
        let removed: Vec<String> = self.before.keys().filter(|k| !self.seen.contains(*k)).cloned().collect();
        self.stats.removed = removed.len();
        if !self.in_tx {
            self.begin("BEGIN IMMEDIATE")?;
        }
        if self.staged.is_some() && !self.swapped {
            self.swap()?;
        } else if !self.rebuild && !removed.is_empty() {
            if !self.written {
                self.listed = snapshot::read(&self.cache.conn).ok().flatten();
            }
            let mut delete =
                self.cache.conn.prepare("DELETE FROM entities WHERE key = ?1").map_err(|e| err_at(&path, e))?;
            for key in &removed {
                delete.execute([key]).map_err(|e| err_at(&path, e))?;
            }
        }
        let conn = &self.cache.conn;
        write_meta(conn, meta).map_err(|e| err_at(&path, e))?;
        if self.rebuild {
            snapshot::write(conn, &mut self.summaries).map_err(|e| err_at(&path, e))?;
        } else if let Some(mut list) = self.listed.take() {
            patch_list(&mut list, std::mem::take(&mut self.summaries), &removed);
            snapshot::write(conn, &mut list).map_err(|e| err_at(&path, e))?;
        }
        let snapshot_ms = started.elapsed().as_millis() as u64;
        self.cache.defer_checkpoints()?;
        self.end("COMMIT")?;
        self.finished = true;
        let ms = started.elapsed().as_millis() as u64;
        tracing::debug!(
            snapshot_ms,
            commit_ms = ms - snapshot_ms,
            staged = self.staged.is_some(),
            "cache write committed"
        );
        // Freeing 20k summaries and keys takes milliseconds nobody needs to wait for.
        // Every row left is one seen (unchanged, changed or added); the rest was removed.
        let entities = self.seen.len();
        let garbage = (std::mem::take(&mut self.summaries), std::mem::take(&mut self.seen));
        let _ = std::thread::Builder::new().name("cache-free".into()).spawn(move || drop(garbage));
        Ok((self.stats, entities))
    }

    /// Type and `CREATE` statement of the entities table (first), its indexes and triggers.
    fn entities_schema(&self) -> Result<Vec<(String, String)>, CacheError> {
        let mut stmt = self
            .cache
            .conn
            .prepare(
                "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'entities' AND sql IS NOT NULL
                 ORDER BY type <> 'table', rowid",
            )
            .map_err(|e| self.cache.err(e))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.cache.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.cache.err(e))
    }

    fn exec(&self, sql: &str) -> Result<(), CacheError> {
        self.cache.conn.execute_batch(sql).map_err(|e| self.cache.err(e))
    }

    fn begin(&mut self, sql: &str) -> Result<(), CacheError> {
        self.exec(sql)?;
        self.in_tx = true;
        Ok(())
    }

    fn end(&mut self, sql: &str) -> Result<(), CacheError> {
        self.in_tx = false;
        self.exec(sql)
    }
}

impl Drop for FullWrite {
    /// Not finished (an error, or the sync was dropped): the old snapshot stays.
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        if self.in_tx {
            let _ = self.cache.conn.execute_batch("ROLLBACK");
        }
        if self.staged.is_some() {
            let _ = self.cache.conn.execute_batch(&format!("DROP TABLE IF EXISTS {STAGING}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn comp(name: &str, etag: &str, desc: &str) -> String {
        json!({"apiVersion": "v1", "kind": "Component",
               "metadata": {"name": name, "etag": etag, "description": desc}, "spec": {"owner": "team"}})
        .to_string()
    }

    fn keys(path: &std::path::Path) -> Vec<(String, String)> {
        let mut all: Vec<_> = Cache::open(path).unwrap().etags().unwrap().into_iter().collect();
        all.sort();
        all
    }

    #[test]
    fn a_full_write_streams_keeps_unchanged_rows_and_rolls_back_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let mut write = Cache::open(&path).unwrap().begin_full_write(true).unwrap();
        for text in [comp("a", "1", "one"), comp("b", "1", "two"), "{\"not\": \"an entity\"}".to_string()] {
            write.add(&text).unwrap();
        }
        let (stats, count) = write.finish(&[("source", "s")]).unwrap();
        assert_eq!((stats, count), (WriteStats { added: 2, changed: 0, removed: 0 }, 2));
        let stored = Cache::open(&path).unwrap().raw("component:default/a").unwrap().unwrap();
        assert_eq!(stored["metadata"]["description"], "one");

        // Same source: a unchanged, b changed, c new, and nothing of b's old text left.
        let mut write = Cache::open(&path).unwrap().begin_full_write(true).unwrap();
        for text in [comp("a", "1", "ignored: same etag"), comp("b", "2", "TWO"), comp("c", "1", "three")] {
            write.add(&text).unwrap();
        }
        assert_eq!(write.seen(), 3);
        let (stats, _) = write.finish(&[]).unwrap();
        assert_eq!(stats, WriteStats { added: 1, changed: 1, removed: 0 });
        let cache = Cache::open(&path).unwrap();
        assert_eq!(cache.raw("component:default/b").unwrap().unwrap()["metadata"]["description"], "TWO");
        let names: Vec<String> = cache.load_summaries().unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["a", "b", "c"]);

        // Dropped midway: everything as it was.
        let before = keys(&path);
        let mut write = Cache::open(&path).unwrap().begin_full_write(true).unwrap();
        write.add(&comp("d", "1", "four")).unwrap();
        drop(write);
        assert_eq!(keys(&path), before);

        // Another source, staged: dropped after a committed page, nothing shows.
        let schema = schema_of(&path);
        let mut write = Cache::open(&path).unwrap().begin_full_write(false).unwrap();
        write.add(&comp("z", "1", "staged")).unwrap();
        write.page_done().unwrap();
        assert_eq!(keys(&path), before);
        write.near_end(1).unwrap();
        write.add(&comp("y", "1", "swapped, not committed")).unwrap();
        assert_eq!(keys(&path), before);
        drop(write);
        assert_eq!((keys(&path), schema_of(&path)), (before, schema.clone()));

        // Finished: replaced (b removed), under the same schema, triggers included.
        let mut write = Cache::open(&path).unwrap().begin_full_write(false).unwrap();
        write.add(&comp("a", "1", "one")).unwrap();
        write.page_done().unwrap();
        write.near_end(1).unwrap();
        write.add(&comp("c", "9", "three")).unwrap();
        let (stats, count) = write.finish(&[]).unwrap();
        assert_eq!((stats, count), (WriteStats { added: 0, changed: 1, removed: 1 }, 2));
        assert_eq!(schema_of(&path), schema);
        let mut cache = Cache::open(&path).unwrap();
        assert_eq!(cache.load_summaries().unwrap().len(), 2);
        cache.apply_changes(&[], &["component:default/a".into()], &[]).unwrap();
        assert_eq!(cache.load_summaries().unwrap().len(), 1, "the snapshot trigger fired");
    }

    /// The schema, index names alternating between `x` and `x_b` taken as one.
    fn schema_of(path: &std::path::Path) -> Vec<(String, String)> {
        let cache = Cache::open(path).unwrap();
        let mut stmt =
            cache.conn.prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap();
        rows.map(|r| r.unwrap())
            .map(|(n, sql)| (n.replace("_name_b", "_name"), sql.replace("_name_b ", "_name ")))
            .collect()
    }

    #[test]
    fn removals_patch_the_list_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let mut write = Cache::open(&path).unwrap().begin_full_write(true).unwrap();
        for name in ["a", "b", "c"] {
            write.add(&comp(name, "1", name)).unwrap();
        }
        write.finish(&[]).unwrap();
        let mut write = Cache::open(&path).unwrap().begin_full_write(true).unwrap();
        write.add(&comp("a", "1", "a")).unwrap();
        write.add(&comp("c", "1", "c")).unwrap();
        let (stats, count) = write.finish(&[]).unwrap();
        assert_eq!((stats.removed, count), (1, 2));
        let names: Vec<String> =
            Cache::open(&path).unwrap().load_summaries().unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["a", "c"]);
    }
}
