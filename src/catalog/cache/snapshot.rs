//! The list snapshot: every summary packed into a few blobs, in list order,
//! so opening a 100k catalog is a handful of blob reads and string copies
//! instead of a million column reads (≈ 800 ms → ≈ 60 ms at 100k).
//!
//! It is derived data. Triggers empty it on any change to `entities`, so a
//! writer that does not know about it can never leave a stale one behind;
//! the cache's own writers rebuild it in the same transaction.

use crate::catalog::entity::{Relations, Summary};
use crate::catalog::list_order;
use rusqlite::{params, Connection};

/// Entities per blob: big enough that per-row costs vanish, small enough
/// that reading one never doubles peak memory.
const CHUNK: usize = 4096;
const FIELDS: usize = 14;
const TAG_SEP: char = '\u{1f}';

pub const SCHEMA: &str = "
    CREATE TABLE snapshot (chunk INTEGER PRIMARY KEY, entities INTEGER NOT NULL, data BLOB NOT NULL);
    CREATE TRIGGER entities_insert_snapshot AFTER INSERT ON entities BEGIN DELETE FROM snapshot; END;
    CREATE TRIGGER entities_update_snapshot AFTER UPDATE ON entities BEGIN DELETE FROM snapshot; END;
    CREATE TRIGGER entities_delete_snapshot AFTER DELETE ON entities BEGIN DELETE FROM snapshot; END;";

/// Replace the snapshot with these summaries (sorted into list order here).
/// Chunks are encoded on a second thread while this one stores the previous
/// ones (the two take about as long), at most two chunks ahead.
pub fn write(conn: &Connection, summaries: &mut [Summary]) -> rusqlite::Result<()> {
    summaries.sort_by(list_order);
    conn.execute("DELETE FROM snapshot", [])?;
    let mut insert = conn.prepare("INSERT INTO snapshot (chunk, entities, data) VALUES (?1, ?2, ?3)")?;
    let chunks: Vec<&[Summary]> = summaries.chunks(CHUNK).collect();
    std::thread::scope(|scope| {
        let (to_main, encoded) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let ahead = chunks.clone();
        scope.spawn(move || {
            for chunk in ahead {
                if to_main.send(encode(chunk)).is_err() {
                    return;
                }
            }
        });
        for (i, chunk) in chunks.iter().enumerate() {
            let blob = encoded.recv().unwrap_or_else(|_| encode(chunk));
            insert.execute(params![i as i64, chunk.len() as i64, blob])?;
        }
        Ok(())
    })
}

/// The summaries in list order, or None when there is no snapshot (an empty
/// catalog has none either; reading the table then costs nothing).
/// Decoding (a million small string copies at 100k) is most of the cost, so
/// every other blob is decoded on a second thread while the next is read;
/// chunks are appended in order as they finish, so at most two are in
/// memory beside the result.
pub fn read(conn: &Connection) -> rusqlite::Result<Option<Vec<Summary>>> {
    let total: Option<i64> = conn.query_row("SELECT sum(entities) FROM snapshot", [], |r| r.get(0))?;
    let Some(total) = total else { return Ok(None) };
    let mut out: Vec<Summary> = Vec::with_capacity(total.max(0) as usize);
    let mut stmt = conn.prepare("SELECT data FROM snapshot ORDER BY chunk")?;
    let mut rows = stmt.query([])?;
    let intact = std::thread::scope(|scope| {
        let (to_worker, inbox) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
        let (to_main, results) = std::sync::mpsc::sync_channel::<Option<Vec<Summary>>>(1);
        scope.spawn(move || {
            for blob in inbox {
                if to_main.send(decode_chunk(&blob)).is_err() {
                    return;
                }
            }
        });
        let mut intact = true;
        let mut append = |chunk: Option<Vec<Summary>>| match chunk {
            Some(chunk) => out.extend(chunk),
            None => intact = false,
        };
        let mut sent = 0usize;
        while let Some(row) = rows.next()? {
            let blob = row.get_ref(0)?.as_blob()?;
            if sent == 0 {
                // The worker takes the chunk before each one decoded here.
                let _ = to_worker.send(blob.to_vec());
                sent += 1;
            } else {
                let mine = decode_chunk(blob);
                append(results.recv().ok().flatten());
                append(mine);
                sent = 0;
            }
        }
        drop(to_worker);
        if sent == 1 {
            append(results.recv().ok().flatten());
        }
        Ok::<_, rusqlite::Error>(intact)
    })?;
    // A damaged blob: fall back to the table, which is the truth.
    Ok(intact.then_some(out))
}

fn decode_chunk(blob: &[u8]) -> Option<Vec<Summary>> {
    let mut out = Vec::new();
    decode(blob, &mut out).map(|()| out)
}

fn fields(s: &Summary) -> [&str; FIELDS] {
    [
        &s.key,
        &s.kind,
        &s.namespace,
        &s.name,
        &s.title,
        &s.description,
        &s.spec_type,
        &s.lifecycle,
        &s.owner,
        &s.system,
        "", // tags: written separately, joined
        &s.email,
        &s.display_name,
        s.relations.encoded(),
    ]
}

/// Layout: u32 count, then count × FIELDS u32 byte lengths, then the text of
/// every field back to back (one UTF-8 check for the whole chunk on read).
/// Written into one buffer of the exact size (no regrowing, no second copy).
fn encode(chunk: &[Summary]) -> Vec<u8> {
    let tags_len = |s: &Summary| -> usize {
        s.tags.iter().map(String::len).sum::<usize>() + s.tags.len().saturating_sub(1) * TAG_SEP.len_utf8()
    };
    let field_len = |s: &Summary, i: usize, f: &str| if i == 10 { tags_len(s) } else { f.len() };
    let text: usize =
        chunk.iter().map(|s| fields(s).iter().enumerate().map(|(i, f)| field_len(s, i, f)).sum::<usize>()).sum();
    let mut out: Vec<u8> = Vec::with_capacity(4 + chunk.len() * FIELDS * 4 + text);
    out.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
    for s in chunk {
        for (i, f) in fields(s).into_iter().enumerate() {
            out.extend_from_slice(&(field_len(s, i, f) as u32).to_le_bytes());
        }
    }
    let mut sep = [0u8; 4];
    let sep = TAG_SEP.encode_utf8(&mut sep).as_bytes();
    for s in chunk {
        for (i, f) in fields(s).into_iter().enumerate() {
            if i != 10 {
                out.extend_from_slice(f.as_bytes());
                continue;
            }
            for (n, tag) in s.tags.iter().enumerate() {
                if n > 0 {
                    out.extend_from_slice(sep);
                }
                out.extend_from_slice(tag.as_bytes());
            }
        }
    }
    out
}

fn decode(blob: &[u8], out: &mut Vec<Summary>) -> Option<()> {
    let count = u32::from_le_bytes(blob.get(..4)?.try_into().ok()?) as usize;
    let table_end = 4 + count.checked_mul(FIELDS * 4)?;
    let table = blob.get(4..table_end)?;
    let text = std::str::from_utf8(blob.get(table_end..)?).ok()?;
    out.reserve(count);
    let mut pos = 0usize;
    for entity in table.chunks_exact(FIELDS * 4) {
        let mut f: [&str; FIELDS] = [""; FIELDS];
        for (i, len) in entity.chunks_exact(4).enumerate() {
            let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
            f[i] = text.get(pos..pos + len)?;
            pos += len;
        }
        out.push(Summary {
            key: f[0].to_owned(),
            kind: f[1].to_owned(),
            namespace: f[2].to_owned(),
            name: f[3].to_owned(),
            title: f[4].to_owned(),
            description: f[5].to_owned(),
            spec_type: f[6].to_owned(),
            lifecycle: f[7].to_owned(),
            owner: f[8].to_owned(),
            system: f[9].to_owned(),
            tags: if f[10].is_empty() { Vec::new() } else { f[10].split(TAG_SEP).map(str::to_owned).collect() },
            email: f[11].to_owned(),
            display_name: f[12].to_owned(),
            relations: Relations::from_encoded(f[13].to_owned()),
        });
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Relation;

    fn comp(name: &str, desc: &str) -> serde_json::Value {
        serde_json::json!({"apiVersion": "v1", "kind": "Component",
            "metadata": {"name": name, "description": desc, "tags": ["t"]},
            "spec": {"owner": "team"},
            "relations": [{"type": "ownedBy", "targetRef": "group:default/team"}]})
    }

    /// The snapshot must always say what the table says: after a full
    /// write, after a patch, and after a write that bypassed it.
    #[test]
    fn snapshot_follows_the_table() {
        use crate::catalog::cache::{Cache, StoredEntity};
        let mut cache = Cache::in_memory().unwrap();
        let v1 = [comp("b", "two"), comp("a", "one"), comp("c", "three")];
        let stored: Vec<_> = v1.iter().map(|raw| StoredEntity { raw, etag: "" }).collect();
        cache.replace_all(&stored, &[]).unwrap();
        let table = |cache: &Cache| {
            let mut all = cache.scan_summaries().unwrap();
            all.sort_by(list_order);
            all
        };
        assert!(read(&cache.conn).unwrap().is_some());
        assert_eq!(cache.load_summaries().unwrap(), table(&cache));
        let changed = [comp("a", "uno"), comp("d", "four")];
        let upserts: Vec<_> = changed.iter().map(|raw| StoredEntity { raw, etag: "e2" }).collect();
        cache.apply_changes(&upserts, &["component:default/c".into()], &[]).unwrap();
        let snap = read(&cache.conn).unwrap().expect("patched, not dropped");
        assert_eq!(snap, table(&cache));
        assert_eq!(snap.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["a", "b", "d"]);
        assert_eq!(snap[0].description, "uno");
        // A write that knows nothing of the snapshot empties it (trigger);
        // the next load reads the table and leaves a fresh snapshot behind.
        cache.conn.execute("UPDATE entities SET description = 'direct' WHERE name = 'b'", []).unwrap();
        assert!(read(&cache.conn).unwrap().is_none());
        let loaded = cache.load_summaries().unwrap();
        assert_eq!(loaded[1].description, "direct");
        assert_eq!(read(&cache.conn).unwrap(), Some(loaded));
    }

    #[test]
    fn round_trip_and_damage() {
        let s = Summary {
            key: "component:default/a".into(),
            kind: "Component".into(),
            name: "a".into(),
            description: "déjà vu ✓".into(),
            tags: vec!["x".into(), "y".into()],
            relations: vec![Relation { rel_type: "ownedBy".into(), target: "group:default/t".into() }].into(),
            ..Default::default()
        };
        let empty_tags = Summary { key: "api:default/b".into(), name: "b".into(), ..Default::default() };
        let blob = encode(&[s.clone(), empty_tags.clone()]);
        let mut out = Vec::new();
        decode(&blob, &mut out).unwrap();
        assert_eq!(out, vec![s, empty_tags]);
        assert!(decode(&blob[..blob.len() - 3], &mut Vec::new()).is_none());
        assert!(decode(&blob[..2], &mut Vec::new()).is_none());
    }
}
