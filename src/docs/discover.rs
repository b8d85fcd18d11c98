//! Finding an entity's runbooks: links that say runbook / playbook /
//! on-call, the configured annotations, and its TechDocs pages (those whose
//! path or title mention a runbook first). Pure functions over the entity
//! JSON and a site's page list; reading mkdocs.yml is the one I/O here.

use super::target::{DocTarget, Triplet};
use crate::sanitize::clean_line;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub const TECHDOCS_REF: &str = "backstage.io/techdocs-ref";
pub const TECHDOCS_ENTITY: &str = "backstage.io/techdocs-entity";
const MANAGED_BY: &str = "backstage.io/managed-by-location";

/// One thing the runbook picker offers.
#[derive(Debug, Clone, PartialEq)]
pub struct Runbook {
    pub title: String,
    pub target: DocTarget,
    /// Where it was found: `link`, `annotation runbook.url`, `TechDocs`.
    pub origin: String,
    /// Lower sorts first: 0 runbook pages in the docs, 1 runbook links and
    /// annotations, 2 on-call links, 3 other doc pages.
    pub rank: u8,
}

impl Runbook {
    /// Readable right here (not only in a browser): local files and TechDocs.
    pub fn in_terminal(&self) -> bool {
        !matches!(self.target, DocTarget::Url(_))
    }
}

fn words_say(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase().replace(['_', ' '], "-");
    words.iter().any(|w| lower.contains(w))
}

const RUNBOOK_WORDS: &[&str] = &["runbook", "run-book", "playbook", "play-book"];
const ONCALL_WORDS: &[&str] = &["on-call", "oncall"];

/// Where the entity's catalog file lives, for the files source.
pub fn entity_dir(raw: &Value) -> Option<PathBuf> {
    let location = raw.pointer("/metadata/annotations")?.get(MANAGED_BY)?.as_str()?;
    let path = location.strip_prefix("file:")?;
    let path = Path::new(path);
    path.is_absolute().then(|| path.parent().map(Path::to_path_buf)).flatten()
}

/// Runbooks named by links and annotations.
pub fn from_entity(raw: &Value, annotations: &[String]) -> Vec<Runbook> {
    let mut out = Vec::new();
    for link in raw.pointer("/metadata/links").and_then(Value::as_array).into_iter().flatten() {
        let field = |k: &str| link.get(k).and_then(Value::as_str).unwrap_or("");
        let url = clean_line(field("url"));
        if url.is_empty() {
            continue;
        }
        let said = [field("title"), field("type"), field("icon")];
        let rank = if said.iter().any(|t| words_say(t, RUNBOOK_WORDS)) {
            1
        } else if said.iter().any(|t| words_say(t, ONCALL_WORDS)) {
            2
        } else {
            continue;
        };
        let title = if field("title").is_empty() { url.clone() } else { clean_line(field("title")) };
        out.push(Runbook { title, target: DocTarget::Url(url), origin: "link".into(), rank });
    }
    let all = raw.pointer("/metadata/annotations").and_then(Value::as_object);
    for name in annotations {
        let Some(value) = all.and_then(|a| a.get(name)).and_then(Value::as_str) else {
            continue;
        };
        let value = clean_line(value).trim().to_string();
        let target = if value.starts_with("http://") || value.starts_with("https://") {
            DocTarget::Url(value.clone())
        } else if let Some(dir) = entity_dir(raw) {
            // A path beside the catalog file (files source).
            let path = dir.join(value.trim_start_matches("./"));
            DocTarget::Local { root: dir, path }
        } else {
            continue;
        };
        out.push(Runbook { title: format!("Runbook ({name})"), target, origin: format!("annotation {name}"), rank: 1 });
    }
    out
}

/// Where an entity's TechDocs are.
#[derive(Debug, Clone, PartialEq)]
pub enum DocsSite {
    /// `dir:` next to the catalog file: the folder holding mkdocs.yml.
    Local(PathBuf),
    /// Served by the Backstage TechDocs backend.
    Server(Triplet),
}

/// The entity's TechDocs site, if it has one.
pub fn docs_site(raw: &Value, server: bool) -> Option<DocsSite> {
    let annotations = raw.pointer("/metadata/annotations")?;
    let field = |k: &str| annotations.get(k).and_then(Value::as_str).map(str::trim);
    if server {
        // The server serves docs for the entity named by techdocs-entity, or itself.
        if let Some(other) = field(TECHDOCS_ENTITY) {
            let r = crate::catalog::EntityRef::parse(other, Some("component"), "default").ok()?;
            return Some(DocsSite::Server(Triplet::new(&r.namespace, &r.kind, &r.name)));
        }
        field(TECHDOCS_REF)?;
        let s = |p: &str| raw.pointer(p).and_then(Value::as_str).unwrap_or("");
        let ns = if s("/metadata/namespace").is_empty() { "default" } else { s("/metadata/namespace") };
        return Some(DocsSite::Server(Triplet::new(ns, s("/kind"), s("/metadata/name"))));
    }
    let dir = field(TECHDOCS_REF)?.strip_prefix("dir:")?;
    let base = entity_dir(raw)?;
    Some(DocsSite::Local(clean_path(&base.join(dir))))
}

fn clean_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A page of a docs site: title and site path (`runbook/`, `` for home).
pub type SitePage = (String, String);

/// Pages of a local mkdocs site: the `nav` when there is one, else every
/// markdown file under `docs_dir`. Returns the docs folder and the pages as
/// paths inside it.
pub fn local_site(site: &Path) -> Result<(PathBuf, Vec<(String, PathBuf)>), String> {
    let config_path = ["mkdocs.yml", "mkdocs.yaml"].iter().map(|n| site.join(n)).find(|p| p.exists());
    let config: Value = match &config_path {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            // mkdocs.yml may hold `!!python/name:` tags; such values are just ignored.
            serde_yaml::from_str::<serde_yaml::Value>(&text)
                .ok()
                .and_then(|v| serde_json::to_value(v).ok())
                .unwrap_or(Value::Null)
        }
        None => Value::Null,
    };
    let docs_dir = site.join(config.get("docs_dir").and_then(Value::as_str).unwrap_or("docs"));
    let mut pages = Vec::new();
    if let Some(nav) = config.get("nav") {
        walk_nav(nav, "", &mut pages);
    }
    if pages.is_empty() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&docs_dir)
            .map_err(|e| format!("{}: {e}", docs_dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        files.sort_by_key(|p| (p.file_stem().is_none_or(|s| s != "index"), p.clone()));
        for path in files {
            let rel = path.strip_prefix(&docs_dir).unwrap_or(&path).to_string_lossy().to_string();
            pages.push((title_from_path(&rel), rel));
        }
    }
    let pages = pages
        .into_iter()
        .filter(|(_, rel)| !rel.contains("://") && rel.ends_with(".md"))
        .map(|(title, rel)| (title, docs_dir.join(rel)))
        .collect();
    Ok((docs_dir, pages))
}

fn walk_nav(nav: &Value, section: &str, out: &mut Vec<SitePage>) {
    match nav {
        Value::Array(items) => items.iter().for_each(|i| walk_nav(i, section, out)),
        Value::String(file) => out.push((title_from_path(file), file.clone())),
        Value::Object(map) => {
            for (title, value) in map {
                match value {
                    Value::String(file) => out.push((clean_line(title), file.clone())),
                    other => walk_nav(other, title, out),
                }
            }
        }
        _ => {}
    }
    let _ = section;
}

/// "runbook/index.html" -> "Runbook"; "" -> "Home".
pub fn title_from_path(path: &str) -> String {
    let trimmed =
        path.trim_end_matches('/').trim_end_matches("index.html").trim_end_matches("index.md").trim_end_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or("");
    let stem = last.trim_end_matches(".md").trim_end_matches(".html");
    if stem.is_empty() {
        return "Home".to_string();
    }
    let words = stem.replace(['-', '_'], " ");
    let mut c = words.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// Pages of a TechDocs site from its metadata (`techdocs_metadata.json`).
pub fn server_site(metadata: &Value) -> Vec<SitePage> {
    let site_name = metadata.get("site_name").and_then(Value::as_str).map(clean_line).unwrap_or_default();
    let mut pages: Vec<SitePage> = metadata
        .get("files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|f| f.ends_with("index.html") && !f.starts_with("assets/") && !f.contains("search/"))
        .map(|f| {
            let page = clean_line(f.trim_end_matches("index.html"));
            let title =
                if page.is_empty() && !site_name.is_empty() { site_name.clone() } else { title_from_path(&page) };
            (title, page)
        })
        .collect();
    pages.sort_by(|a, b| (!a.1.is_empty(), &a.1).cmp(&(!b.1.is_empty(), &b.1)));
    if pages.is_empty() {
        pages.push((if site_name.is_empty() { "Home".into() } else { site_name }, String::new()));
    }
    pages
}

/// Runbook candidates from a site's pages: runbook pages rank 0, others 3.
pub fn from_pages(pages: Vec<(String, DocTarget, String)>) -> Vec<Runbook> {
    pages
        .into_iter()
        .map(|(title, target, path)| {
            let runbook = words_say(&title, RUNBOOK_WORDS) || words_say(&path, RUNBOOK_WORDS);
            Runbook { title, target, origin: "TechDocs".into(), rank: if runbook { 0 } else { 3 } }
        })
        .collect()
}

/// Sort by rank (stable within a rank) and drop repeats of one address.
pub fn rank(mut runbooks: Vec<Runbook>) -> Vec<Runbook> {
    runbooks.sort_by_key(|r| r.rank);
    let mut seen = std::collections::HashSet::new();
    runbooks.retain(|r| seen.insert(r.target.clone()));
    runbooks
}

/// Which runbook `b` opens without asking: the only candidate, or the only
/// runbook page of the docs (readable right here) when there is one.
pub fn direct_pick(runbooks: &[Runbook]) -> Option<usize> {
    if runbooks.len() == 1 {
        return Some(0);
    }
    let readable: Vec<usize> = (0..runbooks.len()).filter(|i| runbooks[*i].rank == 0).collect();
    (readable.len() == 1).then(|| readable[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entity() -> Value {
        json!({
            "kind": "Component",
            "metadata": {
                "name": "payments-api",
                "annotations": {
                    "backstage.io/techdocs-ref": "dir:.",
                    "backstage.io/managed-by-location": "file:/srv/catalog/payments-api/catalog-info.yaml",
                    "runbook.url": "https://runbooks.example/payments-api",
                    "callboard/runbook": "ops/RUNBOOK.md"
                },
                "links": [
                    {"url": "https://runbooks.example/payments-api", "title": "Runbook", "type": "runbook"},
                    {"url": "https://grafana.example/d/pay", "title": "Grafana", "type": "dashboard"},
                    {"url": "https://wiki.example/pay-playbook", "title": "Incident Play Book"},
                    {"url": "https://pd.example/schedules/P1", "title": "Schedule", "icon": "on_call"},
                    {"url": "", "title": "Runbook without url"}
                ]
            }
        })
    }

    #[test]
    fn links_and_annotations_that_say_runbook() {
        let annotations = vec!["runbook.url".to_string(), "callboard/runbook".to_string(), "absent".to_string()];
        let found = from_entity(&entity(), &annotations);
        let titles: Vec<(&str, u8)> = found.iter().map(|r| (r.title.as_str(), r.rank)).collect();
        assert_eq!(
            titles,
            vec![
                ("Runbook", 1),
                ("Incident Play Book", 1),
                ("Schedule", 2),
                ("Runbook (runbook.url)", 1),
                ("Runbook (callboard/runbook)", 1)
            ]
        );
        assert_eq!(
            found[4].target,
            DocTarget::Local {
                root: PathBuf::from("/srv/catalog/payments-api"),
                path: PathBuf::from("/srv/catalog/payments-api/ops/RUNBOOK.md")
            }
        );
        // The link and the annotation name one address: it is listed once.
        let ranked = rank(found);
        assert_eq!(
            ranked
                .iter()
                .filter(|r| r.target == DocTarget::Url("https://runbooks.example/payments-api".into()))
                .count(),
            1
        );
        assert_eq!(ranked.last().map(|r| r.rank), Some(2));
    }

    #[test]
    fn techdocs_site_for_files_and_server() {
        assert_eq!(docs_site(&entity(), false), Some(DocsSite::Local(PathBuf::from("/srv/catalog/payments-api"))));
        assert_eq!(
            docs_site(&entity(), true),
            Some(DocsSite::Server(Triplet::new("default", "component", "payments-api")))
        );
        let mut other = entity();
        other["metadata"]["annotations"]["backstage.io/techdocs-entity"] = json!("component:ops/shared-docs");
        assert_eq!(docs_site(&other, true), Some(DocsSite::Server(Triplet::new("ops", "component", "shared-docs"))));
        let mut none = entity();
        none["metadata"]["annotations"] = json!({});
        assert_eq!(docs_site(&none, false), None);
    }

    #[test]
    fn runbook_pages_first_and_the_direct_pick() {
        let meta = json!({"site_name": "Orders API", "files": ["index.html", "runbook/index.html", "assets/x.css", "techdocs_metadata.json"]});
        let pages = server_site(&meta);
        assert_eq!(
            pages,
            vec![("Orders API".to_string(), String::new()), ("Runbook".to_string(), "runbook/".to_string())]
        );
        let t = Triplet::new("default", "component", "orders-api");
        let candidates = from_pages(
            pages
                .into_iter()
                .map(|(title, page)| (title, DocTarget::TechDocs { entity: t.clone(), page: page.clone() }, page))
                .collect(),
        );
        let mut all = from_entity(&entity(), &[]);
        all.extend(candidates);
        let ranked = rank(all);
        assert_eq!(ranked[0].title, "Runbook");
        assert_eq!(ranked[0].rank, 0);
        assert_eq!(direct_pick(&ranked), Some(0), "the one runbook page of the docs opens directly");
        assert_eq!(direct_pick(&ranked[1..]), None, "several links: the picker");
        assert_eq!(direct_pick(&ranked[1..2]), Some(0), "a single candidate opens directly");
    }

    #[test]
    fn local_site_reads_the_mkdocs_nav() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        std::fs::write(
            dir.path().join("mkdocs.yml"),
            "site_name: X\nnav:\n  - Home: index.md\n  - Operations:\n      - On-call runbook: ops/runbook.md\n  - https://example.com\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        )
        .unwrap();
        let (root, pages) = local_site(dir.path()).unwrap();
        assert_eq!(root, dir.path().join("docs"));
        let titles: Vec<&str> = pages.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(titles, vec!["Home", "On-call runbook"]);
        // Without a nav: every markdown file, index first.
        std::fs::write(dir.path().join("mkdocs.yml"), "site_name: X\n").unwrap();
        std::fs::write(dir.path().join("docs/zeta.md"), "# Z").unwrap();
        std::fs::write(dir.path().join("docs/index.md"), "# I").unwrap();
        let (_, pages) = local_site(dir.path()).unwrap();
        assert_eq!(pages.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(), vec!["Home", "Zeta"]);
    }
}
