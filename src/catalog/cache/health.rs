//! The last result of every probe, with its time, so a start without network
//! shows the last known health and its age. A side table: created on first
//! use, independent of the catalog's schema version, keyed by probe key.

use super::{Cache, CacheError};
use crate::health::ProbeResult;
use rusqlite::params;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS health (
    key TEXT PRIMARY KEY, entity TEXT NOT NULL, checked_at INTEGER NOT NULL, result TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS health_entity ON health (entity);";

impl Cache {
    fn health_table(&self) -> Result<(), CacheError> {
        self.conn.execute_batch(SCHEMA).map_err(|e| self.err(e))
    }

    /// Keep these results (replacing older ones of the same probe), in one transaction.
    /// Results that never ran are not kept: they would hide a real last state.
    pub fn save_health(&self, results: &[ProbeResult]) -> Result<(), CacheError> {
        self.health_table()?;
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO health (key, entity, checked_at, result) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(key) DO UPDATE SET entity = ?2, checked_at = ?3, result = ?4
                     WHERE excluded.checked_at >= health.checked_at",
                )
                .map_err(|e| self.err(e))?;
            for r in results.iter().filter(|r| r.checked_at > 0) {
                let json = serde_json::to_string(r).unwrap_or_default();
                stmt.execute(params![r.key, r.entity, r.checked_at, json]).map_err(|e| self.err(e))?;
            }
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// The last results of these entities (all of them when `entities` is empty).
    pub fn load_health(&self, entities: &[&str]) -> Result<Vec<ProbeResult>, CacheError> {
        self.health_table()?;
        let decode = |text: String| serde_json::from_str::<ProbeResult>(&text).ok();
        let mut out = Vec::new();
        if entities.is_empty() {
            let mut stmt = self.conn.prepare("SELECT result FROM health ORDER BY key").map_err(|e| self.err(e))?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| self.err(e))?;
            out.extend(rows.flatten().filter_map(decode));
        } else {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT result FROM health WHERE entity = ?1 ORDER BY key")
                .map_err(|e| self.err(e))?;
            for entity in entities {
                let rows = stmt.query_map([entity], |r| r.get::<_, String>(0)).map_err(|e| self.err(e))?;
                out.extend(rows.flatten().filter_map(decode));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::cache::Cache;
    use crate::health::{ProbeKind, ProbeSpec, State, Target};

    #[test]
    fn last_results_survive_a_reopen_and_old_ones_never_win() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let spec = ProbeSpec {
            entity: "component:default/a".into(),
            id: "http/x".into(),
            kind: ProbeKind::Http,
            target: Target::Http { url: "http://x".into() },
            label: "GET http://x".into(),
        };
        let mut r = crate::health::probe::not_run(&spec, "x");
        r.state = State::Crit;
        r.checked_at = 2000;
        r.value = Some("HTTP 500 in 3 ms".into());
        {
            let cache = Cache::open(&path).unwrap();
            cache.save_health(&[r.clone()]).unwrap();
            let mut older = r.clone();
            older.checked_at = 1000;
            older.state = State::Ok;
            cache.save_health(&[older]).unwrap();
        }
        let cache = Cache::open(&path).unwrap();
        assert_eq!(cache.load_health(&["component:default/a"]).unwrap(), vec![r.clone()]);
        assert_eq!(cache.load_health(&[]).unwrap().len(), 1);
        assert!(cache.load_health(&["component:default/b"]).unwrap().is_empty());
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
