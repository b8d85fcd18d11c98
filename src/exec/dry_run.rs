//! The scaffolder's dry-run: the template entity, the values and the
//! template's own files (read from its folder when the source is a folder)
//! sent to `POST /v2/dry-run`; the log, files and output come back.
//! Shared by the TUI job and `callboard create --dry-run`.

use super::context::{JobContext, Outbox};
use crate::backstage::dry_run::{DryRunResult, TemplateFile};
use crate::backstage::Client;
use crate::catalog::cache::Cache;
use crate::catalog::files::{MANAGED_BY_LOCATION, MANAGED_BY_ORIGIN};
use crate::catalog::EntityRef;
use crate::config::Instance;
use crate::msg::Msg;
use crate::source::Source;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// Most files sent with a template.
pub const MAX_FILES: usize = 1000;
/// Most bytes sent with a template: the router takes 10 MB of JSON, and
/// base64 makes the files a third bigger.
pub const MAX_BYTES: u64 = 6 * 1024 * 1024;

#[derive(Debug)]
pub struct DryRunEffect {
    /// The template's entity key.
    pub template: String,
    pub values: Map<String, Value>,
    pub secrets: Map<String, Value>,
    /// Where a folder source's template runs (config `default_instance`, else
    /// the only instance); an instance source runs on itself.
    pub server: Option<Instance>,
}

#[derive(Debug)]
pub enum DryRunMsg {
    Done { template: String, result: Result<Box<DryRunReport>, String> },
}

/// A dry-run's result with what was sent to get it.
#[derive(Debug, Clone, PartialEq)]
pub struct DryRunReport {
    pub result: DryRunResult,
    /// How many of the template's files went with it.
    pub sent_files: usize,
    /// What the reader could not send, and why (limits, links, no files at all).
    pub notes: Vec<String>,
}

/// The template's files: everything under its folder, paths relative to it.
#[derive(Debug, Default, PartialEq)]
pub struct TemplateFiles {
    pub files: Vec<TemplateFile>,
    pub notes: Vec<String>,
}

/// Read `dir` (the template file's folder) as the web's template editor
/// does (the whole folder), within [`MAX_FILES`] and [`MAX_BYTES`]. Links
/// are not followed (they could point anywhere) and `.git` is left out.
pub fn read_template_dir(dir: &Path) -> TemplateFiles {
    let mut out = TemplateFiles::default();
    let mut paths = Vec::new();
    let mut links = 0usize;
    walk(dir, dir, &mut paths, &mut links);
    paths.sort();
    let (mut bytes, mut over) = (0u64, 0usize);
    for (relative, path) in paths {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if out.files.len() >= MAX_FILES || bytes + size > MAX_BYTES {
            over += 1;
            continue;
        }
        match std::fs::read(&path) {
            Ok(content) => {
                bytes += content.len() as u64;
                out.files.push(TemplateFile { path: relative, content });
            }
            Err(e) => out.notes.push(format!("{relative}: not sent ({e})")),
        }
    }
    if over > 0 {
        out.notes.push(format!(
            "{over} file(s) not sent: a dry-run takes at most {MAX_FILES} files and {} MB",
            MAX_BYTES / 1024 / 1024
        ));
    }
    if links > 0 {
        out.notes.push(format!("{links} symbolic link(s) not followed and not sent"));
    }
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>, links: &mut usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else { continue };
        let path = entry.path();
        if kind.is_symlink() {
            *links += 1;
        } else if kind.is_dir() {
            if entry.file_name() != ".git" {
                walk(root, &path, out, links);
            }
        } else if kind.is_file() {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>();
            out.push((relative.join("/"), path));
        }
    }
}

/// The template entity and its files, as this source can give them.
pub async fn template_and_files(
    source: &Source,
    client: &Client,
    template: &str,
) -> Result<(Value, TemplateFiles), String> {
    match source {
        Source::Instance(_) => {
            let r = EntityRef::parse_full(template).map_err(|e| e.to_string())?;
            let entity = client.entity_by_ref(&r).await.map_err(|e| e.to_string())?;
            let notes = vec!["The template's files live where its server read it from, which callboard cannot read: \
                 fetch:template steps that read ./skeleton will see no files (a folder source sends them)"
                .to_string()];
            Ok((entity, TemplateFiles { files: Vec::new(), notes }))
        }
        Source::Dir(root) | Source::Demo(root) => {
            let (cache, key, root) = (source.cache_path(), template.to_string(), root.clone());
            tokio::task::spawn_blocking(move || folder_template(&cache, &root, &key))
                .await
                .map_err(|e| e.to_string())?
        }
    }
}

/// A folder source's template: its entity from the cache, its files from
/// the folder its YAML is in (only inside the source's folder).
pub fn folder_template(cache: &Path, root: &Path, key: &str) -> Result<(Value, TemplateFiles), String> {
    let mut entity = Cache::open(cache)
        .ok()
        .and_then(|c| c.raw(key).ok().flatten())
        .ok_or_else(|| format!("{key} is not in the cache"))?;
    let pointer = |name: &str| format!("/metadata/annotations/{}", name.replace('/', "~1"));
    let location = entity.pointer(&pointer(MANAGED_BY_LOCATION)).and_then(Value::as_str).unwrap_or("").to_string();
    // These are callboard's own (a folder has no server): no need to tell a server local paths.
    if let Some(annotations) = entity.pointer_mut("/metadata/annotations").and_then(Value::as_object_mut) {
        for name in [MANAGED_BY_LOCATION, MANAGED_BY_ORIGIN] {
            if annotations.get(name).and_then(Value::as_str).is_some_and(|v| v.starts_with("file:")) {
                annotations.remove(name);
            }
        }
    }
    let file = location.strip_prefix("file:").map(PathBuf::from);
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let dir = file.as_deref().and_then(Path::parent).and_then(|d| std::fs::canonicalize(d).ok());
    let files = match dir {
        Some(dir) if dir.starts_with(&root) => read_template_dir(&dir),
        _ => TemplateFiles {
            files: Vec::new(),
            notes: vec![format!("{key}: its file is not inside the source's folder; no files sent")],
        },
    };
    Ok((entity, files))
}

/// The whole dry-run: entity and files from the source, then the server.
pub async fn dry_run(
    source: &Source,
    client: &Client,
    template: &str,
    values: &Map<String, Value>,
    secrets: &Map<String, Value>,
) -> Result<DryRunReport, String> {
    let (entity, files) = template_and_files(source, client, template).await?;
    let result = client.dry_run(&entity, values, secrets, &files.files).await.map_err(|e| e.to_string())?;
    Ok(DryRunReport { result, sent_files: files.files.len(), notes: files.notes })
}

/// The instance a folder source dry-runs on: `default_instance`, else the only one.
pub fn server_for_folder(config: &crate::config::Config) -> Option<Instance> {
    match &config.default_instance {
        Some(name) => config.instance(name).cloned(),
        None if config.instances.len() == 1 => config.instances.first().cloned(),
        None => None,
    }
}

pub async fn run(effect: DryRunEffect, cx: &JobContext, out: &Outbox) {
    let DryRunEffect { template, values, secrets, server } = effect;
    let result = match (&*cx.source, cx.backstage.as_ref(), server) {
        (Source::Instance(_), Ok(client), _) => dry_run(&cx.source, client, &template, &values, &secrets).await,
        (Source::Instance(_), Err(e), _) => Err(e.clone()),
        (_, _, Some(server)) => match Client::new(&server) {
            Ok(client) => dry_run(&cx.source, &client, &template, &values, &secrets).await,
            Err(e) => Err(format!("instance {}: {e}", server.name)),
        },
        (_, _, None) => Err("a dry-run needs a Backstage instance: set `default_instance` in the config \
                             (a folder's templates run on it)"
            .into()),
    };
    out.send(Msg::DryRun(DryRunMsg::Done { template, result: result.map(Box::new) }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_folder_is_read_whole_within_limits_without_links_or_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("skeleton/src")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("template.yaml"), "kind: Template").unwrap();
        std::fs::write(root.join("skeleton/src/main.rs"), "fn main() {}").unwrap();
        std::fs::write(root.join(".git/HEAD"), "ref").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", root.join("skeleton/passwd")).unwrap();
        let read = read_template_dir(root);
        let paths: Vec<&str> = read.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["skeleton/src/main.rs", "template.yaml"]);
        #[cfg(unix)]
        assert!(read.notes.iter().any(|n| n.contains("1 symbolic link")), "{:?}", read.notes);

        let big = vec![b'x'; (MAX_BYTES / 2 + 1) as usize];
        for name in ["a.bin", "b.bin"] {
            std::fs::write(root.join(name), &big).unwrap();
        }
        let read = read_template_dir(root);
        assert!(read.files.iter().any(|f| f.path == "a.bin"));
        assert!(!read.files.iter().any(|f| f.path == "b.bin"), "over the size budget");
        assert!(read.notes.iter().any(|n| n.starts_with("1 file(s) not sent")), "{:?}", read.notes);
    }
}
