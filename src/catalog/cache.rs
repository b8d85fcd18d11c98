//! The SQLite cache: one file per source, schema-versioned, replaced in one
//! transaction so that a crash or a killed sync never leaves half a catalog.
//! Summary columns are stored beside the raw JSON so opening the list never
//! parses JSON; the raw document is read only for the entity page.

use super::entity::{summarize, Summary};
use super::entity_ref::EntityRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

mod health;
mod rows;
mod snapshot;
mod stream;
mod wal;

use rows::{fingerprint_etag, insert_row, summary_from_row, INSERT_SQL, SUMMARY_COLUMNS};

pub use stream::FullWrite;

// 3: relations packed with one-byte type codes (catalog::relation_list).
// 4: the list snapshot (cache/snapshot.rs).
const SCHEMA_VERSION: i64 = 4;
const FIELD_SEP: char = '\u{1f}';

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cache {path}: {message}")]
    Io { path: PathBuf, message: String },
}

/// An open cache database.
pub struct Cache {
    conn: Connection,
    path: PathBuf,
}

/// What one write changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

/// An entity to store, with the server's etag when there is one.
pub struct StoredEntity<'a> {
    pub raw: &'a Value,
    pub etag: &'a str,
}

impl Cache {
    /// Open or create the cache file (mode 0600) and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Cache, CacheError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| CacheError::Io { path: dir.to_path_buf(), message: e.to_string() })?;
        }
        create_private(path)?;
        let err = |source| CacheError::Sqlite { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(err)?;
        // New files only: rows are ~2 KiB of JSON, which 4 KiB pages hold one each,
        // a third left empty; a 20k sync writes 17 % less (BENCHMARKS.md, sync).
        conn.execute_batch("PRAGMA busy_timeout=10000; PRAGMA page_size=16384").map_err(err)?;
        // Switching a new file to WAL needs a moment alone with it, and SQLite
        // answers "locked" at once rather than waiting: two callboards starting
        // on a fresh cache together retry briefly instead of failing.
        let mut attempts = 0;
        loop {
            match conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") {
                Ok(()) => break,
                Err(e) if attempts < 50 && e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => return Err(err(e)),
            }
        }
        let cache = Cache { conn, path: path.to_path_buf() };
        cache.migrate()?;
        Ok(cache)
    }

    /// An in-memory cache, for tests and one-off loads.
    pub fn in_memory() -> Result<Cache, CacheError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| CacheError::Sqlite { path: path.clone(), source })?;
        let cache = Cache { conn, path };
        cache.migrate()?;
        Ok(cache)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> CacheError {
        CacheError::Sqlite { path: self.path.clone(), source }
    }

    fn migrate(&self) -> Result<(), CacheError> {
        let version = |conn: &Connection| conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
        if version(&self.conn).map_err(|e| self.err(e))? == SCHEMA_VERSION {
            return Ok(());
        }
        // The cache is a copy of data that lives elsewhere: an old or unknown
        // schema is dropped and rebuilt rather than migrated. Under the write
        // lock, check again: another process may have just done it.
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| self.err(e))?;
        let result = (|| {
            if version(&self.conn)? == SCHEMA_VERSION {
                return Ok(());
            }
            self.conn.execute_batch(&format!(
                "DROP TABLE IF EXISTS entities; DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS docs;
                 DROP TABLE IF EXISTS snapshot;
                 CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 CREATE TABLE entities (
                   key TEXT PRIMARY KEY, kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                   title TEXT NOT NULL, description TEXT NOT NULL, spec_type TEXT NOT NULL,
                   lifecycle TEXT NOT NULL, owner TEXT NOT NULL, system TEXT NOT NULL, tags TEXT NOT NULL,
                   email TEXT NOT NULL, display_name TEXT NOT NULL, relations TEXT NOT NULL,
                   etag TEXT NOT NULL, raw TEXT NOT NULL);
                 CREATE INDEX entities_name ON entities (name COLLATE NOCASE);
                 CREATE TABLE docs (key TEXT PRIMARY KEY, content BLOB NOT NULL, content_type TEXT NOT NULL,
                   fetched_at INTEGER NOT NULL);
                 {}
                 PRAGMA user_version = {SCHEMA_VERSION};",
                snapshot::SCHEMA
            ))
        })();
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        self.conn.execute_batch(end).map_err(|e| self.err(e))?;
        result.map_err(|e| self.err(e))
    }

    pub fn meta(&self, key: &str) -> Option<String> {
        self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional().ok().flatten()
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), CacheError> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    pub fn entity_count(&self) -> usize {
        self.conn.query_row("SELECT count(*) FROM entities", [], |r| r.get::<_, i64>(0)).unwrap_or(0) as usize
    }

    /// Replace the whole snapshot. Entities that fail validation are skipped
    /// (the caller reports them); the old snapshot stays if anything fails.
    pub fn replace_all(&mut self, entities: &[StoredEntity], meta: &[(&str, &str)]) -> Result<WriteStats, CacheError> {
        let before = self.etags()?;
        // IMMEDIATE: take the write lock up front, so two writers queue on
        // busy_timeout instead of failing on a read-to-write upgrade.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| err_at(&self.path, e))?;
        let mut stats = WriteStats::default();
        let mut kept = std::collections::HashSet::new();
        let mut summaries = Vec::with_capacity(entities.len());
        {
            tx.execute("DELETE FROM entities", []).map_err(|e| err_at(&self.path, e))?;
            let mut insert = tx.prepare(INSERT_SQL).map_err(|e| err_at(&self.path, e))?;
            for entity in entities {
                let Ok(summary) = summarize(entity.raw) else {
                    continue;
                };
                let raw = serde_json::to_string(entity.raw).unwrap_or_default();
                match before.get(&summary.key) {
                    None => stats.added += 1,
                    Some(old) if old.as_str() != fingerprint_etag(entity.etag, &raw) => stats.changed += 1,
                    Some(_) => {}
                }
                insert_row(&mut insert, &summary, &fingerprint_etag(entity.etag, &raw), &raw)
                    .map_err(|e| err_at(&self.path, e))?;
                kept.insert(summary.key.clone());
                summaries.push(summary);
            }
            write_meta(&tx, meta).map_err(|e| err_at(&self.path, e))?;
            snapshot::write(&tx, &mut summaries).map_err(|e| err_at(&self.path, e))?;
        }
        stats.removed = before.keys().filter(|k| !kept.contains(*k)).count();
        tx.commit().map_err(|e| err_at(&self.path, e))?;
        Ok(stats)
    }

    /// Apply an incremental change set in one transaction.
    pub fn apply_changes(
        &mut self,
        upserts: &[StoredEntity],
        removed_keys: &[String],
        meta: &[(&str, &str)],
    ) -> Result<WriteStats, CacheError> {
        let before = self.etags()?;
        // Patch the list snapshot rather than rebuild it from the table: a
        // few changes to a 100k cache then cost a blob read, not a scan.
        let mut changed_summaries: Vec<Summary> = Vec::new();
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| err_at(&path, e))?;
        let mut listed =
            if upserts.is_empty() && removed_keys.is_empty() { None } else { snapshot::read(&tx).ok().flatten() };
        let mut stats = WriteStats::default();
        {
            let mut insert = tx.prepare(INSERT_SQL).map_err(|e| err_at(&path, e))?;
            for entity in upserts {
                let Ok(summary) = summarize(entity.raw) else {
                    continue;
                };
                let raw = serde_json::to_string(entity.raw).unwrap_or_default();
                if before.contains_key(&summary.key) {
                    stats.changed += 1;
                } else {
                    stats.added += 1;
                }
                insert_row(&mut insert, &summary, &fingerprint_etag(entity.etag, &raw), &raw)
                    .map_err(|e| err_at(&path, e))?;
                changed_summaries.push(summary);
            }
            let mut delete = tx.prepare("DELETE FROM entities WHERE key = ?1").map_err(|e| err_at(&path, e))?;
            for key in removed_keys {
                stats.removed += delete.execute([key]).map_err(|e| err_at(&path, e))?;
            }
            write_meta(&tx, meta).map_err(|e| err_at(&path, e))?;
            if let Some(list) = listed.as_mut() {
                patch_list(list, changed_summaries, removed_keys);
                snapshot::write(&tx, list).map_err(|e| err_at(&path, e))?;
            }
        }
        tx.commit().map_err(|e| err_at(&path, e))?;
        Ok(stats)
    }

    /// key -> etag of every cached entity.
    pub fn etags(&self) -> Result<HashMap<String, String>, CacheError> {
        let mut stmt = self.conn.prepare("SELECT key, etag FROM entities").map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Every summary, in list order (see [`crate::catalog::list_order`]):
    /// from the snapshot when there is one, else from the table, leaving a
    /// snapshot behind for next time.
    pub fn load_summaries(&self) -> Result<Vec<Summary>, CacheError> {
        if let Some(list) = snapshot::read(&self.conn).map_err(|e| self.err(e))? {
            return Ok(list);
        }
        let mut list = self.scan_summaries()?;
        if !list.is_empty() {
            // Best effort and never waiting: someone else may hold the write lock.
            let _ = self.conn.execute_batch("PRAGMA busy_timeout=0");
            if self.conn.execute_batch("BEGIN IMMEDIATE").is_ok() {
                let done = snapshot::write(&self.conn, &mut list);
                let _ = self.conn.execute_batch(if done.is_ok() { "COMMIT" } else { "ROLLBACK" });
            } else {
                list.sort_by(crate::catalog::list_order);
            }
            let _ = self.conn.execute_batch("PRAGMA busy_timeout=10000");
        }
        Ok(list)
    }

    fn scan_summaries(&self) -> Result<Vec<Summary>, CacheError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT key, kind, namespace, name, title, description, spec_type, lifecycle, owner,
                        system, tags, email, display_name, relations FROM entities ORDER BY key",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], summary_from_row).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// One summary by key, without loading the catalog (for fast subcommands).
    pub fn summary(&self, key: &str) -> Result<Option<Summary>, CacheError> {
        self.conn
            .query_row(&format!("SELECT {SUMMARY_COLUMNS} FROM entities WHERE key = ?1"), [key], summary_from_row)
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Keys of entities with this name (any kind or namespace), case-insensitive.
    pub fn keys_named(&self, name: &str) -> Result<Vec<String>, CacheError> {
        let mut stmt = self
            .conn
            .prepare("SELECT key FROM entities WHERE name = ?1 COLLATE NOCASE ORDER BY key")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([name], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The raw JSON of one entity, by ref key.
    pub fn raw(&self, key: &str) -> Result<Option<Value>, CacheError> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT raw FROM entities WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// A cached document (runbook, TechDocs page) and when it was fetched.
    pub fn doc(&self, key: &str) -> Option<(Vec<u8>, String, i64)> {
        self.conn
            .query_row("SELECT content, content_type, fetched_at FROM docs WHERE key = ?1", [key], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .ok()
            .flatten()
    }

    pub fn put_doc(&self, key: &str, content: &[u8], content_type: &str, fetched_at: i64) -> Result<(), CacheError> {
        self.conn
            .execute(
                "INSERT INTO docs (key, content, content_type, fetched_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(key) DO UPDATE SET content = excluded.content,
                   content_type = excluded.content_type, fetched_at = excluded.fetched_at",
                params![key, content, content_type, fetched_at],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}

/// Apply upserts and removals to a summary list (order is restored on write).
fn patch_list(list: &mut Vec<Summary>, upserts: Vec<Summary>, removed: &[String]) {
    let removed: std::collections::HashSet<&str> = removed.iter().map(String::as_str).collect();
    let mut fresh: HashMap<String, Summary> = upserts.into_iter().map(|s| (s.key.clone(), s)).collect();
    list.retain_mut(|s| {
        if let Some(new) = fresh.remove(&s.key) {
            *s = new;
        }
        !removed.contains(s.key.as_str())
    });
    list.extend(fresh.into_values().filter(|s| !removed.contains(s.key.as_str())));
}

fn write_meta(tx: &Connection, meta: &[(&str, &str)]) -> rusqlite::Result<()> {
    for (k, v) in meta {
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![k, v],
        )?;
    }
    Ok(())
}

fn err_at(path: &Path, source: rusqlite::Error) -> CacheError {
    CacheError::Sqlite { path: path.to_path_buf(), source }
}

/// Create the file with mode 0600 before SQLite opens it, so the catalog copy
/// is never readable by other users, even for an instant.
fn create_private(path: &Path) -> Result<(), CacheError> {
    let io = |e: std::io::Error| CacheError::Io { path: path.to_path_buf(), message: e.to_string() };
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        options.open(path).map_err(io)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    #[cfg(not(unix))]
    {
        options.open(path).map_err(io)?;
    }
    Ok(())
}

/// Convenience for callers holding (ref, raw) pairs without etags.
pub fn stored_without_etags(entities: &[(EntityRef, Value)]) -> Vec<StoredEntity<'_>> {
    entities.iter().map(|(_, raw)| StoredEntity { raw, etag: "" }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn comp(name: &str, desc: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Component", "metadata": {"name": name, "description": desc, "tags": ["a", "b"]},
               "spec": {"owner": "team"}, "relations": [{"type": "ownedBy", "targetRef": "group:default/team"}]})
    }

    #[test]
    fn replace_round_trips_and_counts_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let mut cache = Cache::open(&path).unwrap();
        let v1 = [comp("a", "one"), comp("b", "two")];
        let stored: Vec<_> = v1.iter().map(|raw| StoredEntity { raw, etag: "" }).collect();
        let stats = cache.replace_all(&stored, &[("source", "test")]).unwrap();
        assert_eq!(stats, WriteStats { added: 2, changed: 0, removed: 0 });
        let v2 = [comp("a", "one"), comp("c", "three"), comp("b", "TWO")];
        let stored: Vec<_> = v2.iter().map(|raw| StoredEntity { raw, etag: "" }).collect();
        let stats = cache.replace_all(&stored, &[]).unwrap();
        assert_eq!(stats, WriteStats { added: 1, changed: 1, removed: 0 });
        drop(cache);
        let cache = Cache::open(&path).unwrap();
        let all = cache.load_summaries().unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].tags, vec!["a", "b"]);
        assert_eq!(all[0].relations.iter().next().unwrap().target, "group:default/team");
        assert_eq!(cache.meta("source").as_deref(), Some("test"));
        assert_eq!(cache.raw("component:default/b").unwrap().unwrap()["metadata"]["description"], "TWO");
    }

    #[cfg(unix)]
    #[test]
    fn cache_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        Cache::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn apply_changes_upserts_and_deletes() {
        let mut cache = Cache::in_memory().unwrap();
        let v1 = [comp("a", "one"), comp("b", "two")];
        let stored: Vec<_> = v1.iter().map(|raw| StoredEntity { raw, etag: "e1" }).collect();
        cache.replace_all(&stored, &[]).unwrap();
        let changed = comp("a", "uno");
        let stats = cache
            .apply_changes(&[StoredEntity { raw: &changed, etag: "e2" }], &["component:default/b".into()], &[])
            .unwrap();
        assert_eq!(stats, WriteStats { added: 0, changed: 1, removed: 1 });
        let etags = cache.etags().unwrap();
        assert_eq!(etags.len(), 1);
        assert_eq!(etags["component:default/a"], "e2");
    }
}
