//! Which catalog we are looking at (the demo, a folder, a Backstage instance),
//! where its cache lives, and bringing a folder's cache up to date.

use crate::catalog::cache::{stored_without_etags, Cache, CacheError, WriteStats};
use crate::catalog::{files, Catalog};
use crate::config::{Config, Instance};
use crate::msg::CatalogInfo;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub enum Source {
    /// The bundled demo catalog (a folder with a fixed label).
    Demo(PathBuf),
    /// A folder (or file) of catalog YAML.
    Dir(PathBuf),
    /// A Backstage server from the config.
    Instance(Instance),
}

/// How the user asked for a source, from global flags.
#[derive(Debug, Clone, Default)]
pub struct SourceChoice {
    pub demo: bool,
    pub catalog_dir: Option<PathBuf>,
    pub instance: Option<String>,
}

impl Source {
    /// The warning owed when this source's TLS certificates are not checked
    /// (`insecure_skip_tls_verify`): None for every other source.
    pub fn tls_warning(&self) -> Option<String> {
        match self {
            Source::Instance(i) if i.insecure_skip_tls_verify => Some(format!(
                "TLS certificates of instance `{}` ({}) are NOT verified (insecure_skip_tls_verify = true): \
                 anyone on the path can read and change what it sends, the token included",
                i.name, i.url
            )),
            _ => None,
        }
    }

    /// Flags first, then `default_instance`, then the only instance, then the demo.
    pub fn select(choice: &SourceChoice, config: &Config) -> anyhow::Result<Source> {
        if choice.demo {
            return Ok(Source::Demo(crate::paths::demo_dir()));
        }
        if let Some(dir) = &choice.catalog_dir {
            if !dir.exists() {
                anyhow::bail!("--catalog-dir {}: no such file or folder", dir.display());
            }
            return Ok(Source::Dir(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone())));
        }
        let name = choice
            .instance
            .clone()
            .or_else(|| config.default_instance.clone())
            .or_else(|| (config.instances.len() == 1).then(|| config.instances[0].name.clone()));
        match name {
            Some(name) => match config.instance(&name) {
                Some(inst) => Ok(Source::Instance(inst.clone())),
                None => {
                    let known: Vec<&str> = config.instances.iter().map(|i| i.name.as_str()).collect();
                    anyhow::bail!(
                        "no instance named `{name}` in the config; configured: {}",
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    )
                }
            },
            None => Ok(Source::Demo(crate::paths::demo_dir())),
        }
    }

    /// Short label for the status bar.
    pub fn label(&self) -> String {
        match self {
            Source::Demo(_) => "demo".to_string(),
            Source::Dir(p) => format!(
                "dir {}",
                p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().to_string())
            ),
            Source::Instance(i) => i.name.clone(),
        }
    }

    /// What the cache was filled from; a cache of another identity is replaced.
    pub fn identity(&self) -> String {
        match self {
            Source::Demo(p) | Source::Dir(p) => format!("files:{}", p.display()),
            Source::Instance(i) => format!("backstage:{}", i.url.trim_end_matches('/')),
        }
    }

    pub fn cache_path(&self) -> PathBuf {
        let slug = match self {
            Source::Demo(_) => "demo".to_string(),
            Source::Dir(p) => format!("dir-{:016x}", hash(&p.display().to_string())),
            Source::Instance(i) => format!("instance-{}", sanitize_file_name(&i.name)),
        };
        crate::paths::cache_dir().join(format!("{slug}.sqlite"))
    }

    pub fn files_root(&self) -> Option<&Path> {
        match self {
            Source::Demo(p) | Source::Dir(p) => Some(p),
            Source::Instance(_) => None,
        }
    }
}

fn hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

fn sanitize_file_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// Result of bringing a folder's cache up to date.
#[derive(Debug, Default)]
pub struct FilesRefresh {
    /// False when the folder was unchanged and the cache reused as is.
    pub reloaded: bool,
    pub stats: WriteStats,
    pub problems: Vec<String>,
    pub entities: usize,
}

pub const META_SOURCE: &str = "source";
pub const META_SYNCED_AT: &str = "synced_at";
pub const META_FINGERPRINT: &str = "fingerprint";
pub const META_PROBLEMS: &str = "problems";

/// Re-read a folder into the cache unless its fingerprint is unchanged.
pub fn refresh_files(
    cache: &mut Cache,
    source: &Source,
    root: &Path,
    now: i64,
    force: bool,
) -> Result<FilesRefresh, CacheError> {
    let fingerprint = files::fingerprint(root);
    let identity = source.identity();
    let same_source = cache.meta(META_SOURCE).as_deref() == Some(identity.as_str());
    if !force && same_source && cache.meta(META_FINGERPRINT).as_deref() == Some(fingerprint.as_str()) {
        return Ok(FilesRefresh {
            reloaded: false,
            entities: cache.entity_count(),
            problems: stored_problems(cache),
            ..Default::default()
        });
    }
    let report = files::load(root);
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    let now_text = now.to_string();
    let problems_text = serde_json::to_string(&problems).unwrap_or_default();
    let stats = cache.replace_all(
        &stored_without_etags(&report.entities),
        &[
            (META_SOURCE, &identity),
            (META_FINGERPRINT, &fingerprint),
            (META_SYNCED_AT, &now_text),
            (META_PROBLEMS, &problems_text),
        ],
    )?;
    Ok(FilesRefresh { reloaded: true, stats, problems, entities: report.entities.len() })
}

fn stored_problems(cache: &Cache) -> Vec<String> {
    cache.meta(META_PROBLEMS).and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// The in-memory catalog and its freshness, from the cache.
pub fn load_catalog(cache: &Cache) -> Result<(Catalog, CatalogInfo), CacheError> {
    let summaries = cache.load_summaries()?;
    let info = CatalogInfo {
        synced_at: cache.meta(META_SYNCED_AT).and_then(|t| t.parse().ok()),
        problems: stored_problems(cache),
    };
    // The cache hands summaries over in list order.
    Ok((Catalog::in_list_order(summaries), info))
}

/// Open the cache of a source, making sure a files source is current.
/// For subcommands: one call, then read.
pub fn open_current(source: &Source, now: i64) -> anyhow::Result<(Cache, FilesRefresh)> {
    let mut cache = Cache::open(&source.cache_path())?;
    if source.files_root().is_none() {
        // Read only: a sync's last pages stay in the WAL for the next sync
        // to move, not for this quick read to wait on as it exits.
        cache.leave_wal_on_close()?;
    }
    let refresh = match source.files_root() {
        Some(root) => refresh_files(&mut cache, source, root, now, false)?,
        None => FilesRefresh { entities: cache.entity_count(), ..Default::default() },
    };
    Ok((cache, refresh))
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
