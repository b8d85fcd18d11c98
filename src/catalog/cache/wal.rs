//! When the WAL's pages reach the database file. SQLite copies them at
//! commits past a threshold and when the last connection closes; a sync's
//! last commit and a quick read both have someone waiting, so they leave
//! it, and the next sync does it while its first request is out.

use super::{Cache, CacheError};

impl Cache {
    /// Copy what the WAL holds into the database file, as far as readers
    /// allow (never waits for them). For the start of a sync, overlapping
    /// its first request.
    pub fn checkpoint(&self) {
        let done = self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(0));
        if let Err(e) = done {
            tracing::debug!(error = %e, "checkpoint skipped");
        }
    }

    /// Closing this connection, even as the last one, leaves the WAL to the
    /// next writer: for quick reads (`callboard who` right after a sync must
    /// not spend ≈ 40 ms copying the sync's pages into the file on its way out).
    pub fn leave_wal_on_close(&self) -> Result<(), CacheError> {
        self.conn
            .set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// This connection's next commits, and its closing, leave the WAL as it
    /// is: for the end of a sync, which someone is waiting for. Copying every
    /// page the sync wrote into the file costs ≈ 40 ms at 20k; the next sync
    /// does it while its first request is out, or the next connection to
    /// close as the last one (the file at rest stays complete on its own).
    pub fn defer_checkpoints(&self) -> Result<(), CacheError> {
        self.conn.execute_batch("PRAGMA wal_autocheckpoint=0").map_err(|e| self.err(e))?;
        self.conn
            .set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_sync_leaves_its_pages_in_the_wal_and_the_next_last_close_completes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let mut write = Cache::open(&path).unwrap().begin_full_write(false).unwrap();
        for i in 0..50 {
            let name = format!("svc-{i}");
            let entity = json!({"apiVersion": "v1", "kind": "Component", "metadata": {"name": name}});
            write.add(&entity.to_string()).unwrap();
        }
        write.finish(&[]).unwrap();
        let wal = std::fs::metadata(dir.path().join("c.sqlite-wal")).map(|m| m.len()).unwrap_or(0);
        assert!(wal > 0, "the last commit of a sync is not checkpointed by it");
        // A quick reader leaves it there; any other, closing last, moves it into the file.
        let reader = Cache::open(&path).unwrap();
        reader.leave_wal_on_close().unwrap();
        assert_eq!(reader.entity_count(), 50);
        drop(reader);
        let wal_after = std::fs::metadata(dir.path().join("c.sqlite-wal")).map(|m| m.len()).unwrap_or(0);
        assert!(wal_after > 0, "a quick reader does not checkpoint");
        assert_eq!(Cache::open(&path).unwrap().entity_count(), 50);
        let copy = dir.path().join("copy.sqlite");
        std::fs::copy(&path, &copy).unwrap();
        assert_eq!(Cache::open(&copy).unwrap().entity_count(), 50, "the file alone holds every row");
    }
}
