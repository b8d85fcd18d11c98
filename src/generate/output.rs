//! Writing a generated catalog out: as a folder of YAML (for `--catalog-dir`
//! and the Backstage harness), and straight into a source's cache, which is
//! the fast path for 100k+ entities (no YAML parse), yet stores exactly what
//! reading the folder would, so `--catalog-dir DIR` reuses it as is.

use super::Generated;
use crate::catalog::cache::{Cache, CacheError, StoredEntity, WriteStats};
use crate::catalog::entity::validate;
use crate::catalog::files::{fingerprint, MANAGED_BY_LOCATION, MANAGED_BY_ORIGIN};
use crate::catalog::relations::derive_relations;
use crate::catalog::EntityRef;
use crate::source::{Source, META_FINGERPRINT, META_PROBLEMS, META_SOURCE, META_SYNCED_AT};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Write every document into `dir` (created if needed), one multi-document
/// file per system, org chunk and so on; returns the number of files.
pub fn write_yaml(generated: &Generated, dir: &Path) -> std::io::Result<usize> {
    let mut files: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for doc in &generated.docs {
        files.entry(doc.file.as_str()).or_default().push(&doc.value);
    }
    for (file, values) in &files {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                out.write_all(b"---\n")?;
            }
            let text = serde_yaml::to_string(value).map_err(std::io::Error::other)?;
            out.write_all(text.as_bytes())?;
        }
        out.flush()?;
    }
    Ok(files.len())
}

/// What filling a cache did.
#[derive(Debug, Clone, Copy)]
pub struct FillReport {
    pub entities: usize,
    pub relation_problems: usize,
    pub stats: WriteStats,
}

/// Fill the cache of `--catalog-dir dir` from a generated catalog already
/// written to `dir` by [`write_yaml`]: relations derived and locations
/// annotated as the files source does, the folder's fingerprint recorded.
pub fn fill_cache(generated: &Generated, dir: &Path, cache: &mut Cache, now: i64) -> Result<FillReport, CacheError> {
    let root =
        std::fs::canonicalize(dir).map_err(|e| CacheError::Io { path: dir.to_path_buf(), message: e.to_string() })?;
    let origin = format!("file:{}", root.display());
    let mut entities: Vec<(EntityRef, Value)> = Vec::with_capacity(generated.docs.len());
    let mut file_of: BTreeMap<&str, PathBuf> = BTreeMap::new();
    for doc in &generated.docs {
        let file = file_of
            .entry(doc.file.as_str())
            .or_insert_with(|| std::fs::canonicalize(root.join(&doc.file)).unwrap_or_else(|_| root.join(&doc.file)));
        let mut value = doc.value.clone();
        if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
            let annotations = meta.entry("annotations").or_insert_with(|| Value::Object(Default::default()));
            if let Some(map) = annotations.as_object_mut() {
                map.entry(MANAGED_BY_LOCATION).or_insert_with(|| Value::String(format!("file:{}", file.display())));
                map.entry(MANAGED_BY_ORIGIN).or_insert_with(|| Value::String(origin.clone()));
            }
        }
        let Ok(eref) = validate(&value) else { continue };
        entities.push((eref, value));
    }
    let relation_problems = derive_relations(&mut entities).len();
    let stored: Vec<StoredEntity> = entities.iter().map(|(_, raw)| StoredEntity { raw, etag: "" }).collect();
    let identity = Source::Dir(root.clone()).identity();
    let fingerprint = fingerprint(&root);
    let now = now.to_string();
    let stats = cache.replace_all(
        &stored,
        &[(META_SOURCE, &identity), (META_FINGERPRINT, &fingerprint), (META_SYNCED_AT, &now), (META_PROBLEMS, "[]")],
    )?;
    Ok(FillReport { entities: entities.len(), relation_problems, stats })
}

#[cfg(test)]
mod tests {
    use super::super::{generate, Options};
    use super::*;
    use crate::source::refresh_files;

    /// The fast path must store what reading the folder stores, or benchmarks
    /// on a pre-filled cache would measure a different catalog.
    #[test]
    fn fast_fill_equals_reading_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let generated = generate(Options { entities: 400, seed: 3 });
        write_yaml(&generated, dir.path()).unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let source = Source::Dir(root.clone());

        let mut fast = Cache::in_memory().unwrap();
        let report = fill_cache(&generated, dir.path(), &mut fast, 1).unwrap();
        assert_eq!(report.entities, 400);
        assert_eq!(report.relation_problems, 0);
        // Same identity and fingerprint: the folder is not re-read.
        let reused = refresh_files(&mut fast, &source, &root, 2, false).unwrap();
        assert!(!reused.reloaded);
        assert!(reused.problems.is_empty(), "{:?}", reused.problems);

        let mut slow = Cache::in_memory().unwrap();
        let read = refresh_files(&mut slow, &source, &root, 1, true).unwrap();
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        assert_eq!(fast.load_summaries().unwrap(), slow.load_summaries().unwrap());
        assert_eq!(fast.etags().unwrap(), slow.etags().unwrap());
    }
}
