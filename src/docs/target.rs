//! What a doc page is (a local file, a TechDocs page on the server, a web
//! address), its cache key and browser URL, and how a link on a page
//! resolves against the page it is on.

use std::path::{Component, Path, PathBuf};

/// An entity as TechDocs addresses it: lowercase namespace, kind and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Triplet {
    pub namespace: String,
    pub kind: String,
    pub name: String,
}

impl Triplet {
    pub fn new(namespace: &str, kind: &str, name: &str) -> Triplet {
        Triplet {
            namespace: namespace.to_ascii_lowercase(),
            kind: kind.to_ascii_lowercase(),
            name: name.to_ascii_lowercase(),
        }
    }

    pub fn path(&self) -> String {
        format!("{}/{}/{}", self.namespace, self.kind, self.name)
    }
}

/// A page the viewer can show.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DocTarget {
    /// A file of a local docs folder; links may not leave `root`.
    Local { root: PathBuf, path: PathBuf },
    /// A page of an entity's TechDocs site on the server; `page` is the site
    /// path with a trailing slash (`runbook/`) or empty for the home page.
    TechDocs { entity: Triplet, page: String },
    /// A web address, fetched without credentials.
    Url(String),
}

impl DocTarget {
    /// The key of this page in the cache's `docs` table: qualified by the
    /// server or the absolute path, so two sources never share an entry.
    pub fn cache_key(&self, server: Option<&str>) -> String {
        match self {
            DocTarget::Local { path, .. } => format!("file:{}", path.display()),
            DocTarget::TechDocs { entity, page } => {
                format!(
                    "{}/api/techdocs/static/docs/{}/{}index.html",
                    server.unwrap_or("").trim_end_matches('/'),
                    entity.path(),
                    page
                )
            }
            DocTarget::Url(url) => url.clone(),
        }
    }

    /// Where a browser shows this page.
    pub fn browser_url(&self, server: Option<&str>) -> String {
        match self {
            DocTarget::Local { path, .. } => format!("file://{}", path.display()),
            DocTarget::TechDocs { entity, page } => {
                format!("{}/docs/{}/{}", server.unwrap_or("").trim_end_matches('/'), entity.path(), page)
            }
            DocTarget::Url(url) => url.clone(),
        }
    }

    /// A short description for the header: where the page comes from.
    pub fn label(&self) -> String {
        match self {
            DocTarget::Local { root, path } => {
                let base = root.parent().unwrap_or(root);
                path.strip_prefix(base).unwrap_or(path).display().to_string()
            }
            DocTarget::TechDocs { entity, page } => format!("TechDocs {}/{}", entity.path(), page),
            DocTarget::Url(url) => url.clone(),
        }
    }
}

/// What following a link does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkAction {
    /// Scroll to a heading of this page.
    Anchor(String),
    /// Open another doc page in the viewer, then scroll to the anchor.
    Open(DocTarget, Option<String>),
    /// A web page outside the docs: the browser's job.
    External(String),
    /// Not followed, with the reason.
    Refused(String),
}

fn split_fragment(href: &str) -> (&str, Option<String>) {
    match href.split_once('#') {
        Some((path, frag)) => (path, (!frag.is_empty()).then(|| frag.to_string())),
        None => (href, None),
    }
}

fn scheme(href: &str) -> Option<String> {
    let (scheme, _) = href.split_once(':')?;
    let valid = !scheme.is_empty()
        && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Files that are never pages (images, assets) are not followed in the viewer.
fn is_asset(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    !lower.ends_with('/')
        && matches!(
            ext,
            "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" | "css" | "js" | "pdf" | "zip" | "ico" | "json"
        )
}

/// Resolve `href` found on the page `current`.
pub fn resolve(current: &DocTarget, href: &str) -> LinkAction {
    let href = href.trim();
    if href.is_empty() {
        return LinkAction::Refused("empty link".into());
    }
    if let Some(anchor) = href.strip_prefix('#') {
        return LinkAction::Anchor(anchor.to_string());
    }
    if let Some(scheme) = scheme(href) {
        return match scheme.as_str() {
            "http" | "https" => match current {
                DocTarget::Url(_) if !is_asset(split_fragment(href).0) => {
                    let (path, anchor) = split_fragment(href);
                    LinkAction::Open(DocTarget::Url(path.to_string()), anchor)
                }
                _ => LinkAction::External(href.to_string()),
            },
            "mailto" => LinkAction::External(href.to_string()),
            other => LinkAction::Refused(format!("{other}: links are not followed")),
        };
    }
    let (path, anchor) = split_fragment(href);
    if is_asset(path) {
        return LinkAction::Refused(format!("{path} is not a page"));
    }
    match current {
        DocTarget::Local { root, path: file } => {
            let dir = file.parent().unwrap_or(root);
            let joined = if path.is_empty() { file.clone() } else { normalize(&dir.join(path)) };
            if !joined.starts_with(root) && !joined.starts_with(root.parent().unwrap_or(root)) {
                return LinkAction::Refused(format!("{path} is outside the docs folder"));
            }
            LinkAction::Open(DocTarget::Local { root: root.clone(), path: joined }, anchor)
        }
        DocTarget::TechDocs { entity, page } => {
            if let Some(rest) = path.strip_prefix("/docs/") {
                let parts: Vec<&str> = rest.splitn(4, '/').collect();
                if parts.len() >= 3 {
                    let page = site_page("", parts.get(3).copied().unwrap_or(""));
                    return LinkAction::Open(
                        DocTarget::TechDocs { entity: Triplet::new(parts[0], parts[1], parts[2]), page },
                        anchor,
                    );
                }
            }
            if path.starts_with('/') {
                return LinkAction::Refused(format!("{path} is outside the docs"));
            }
            let page = if path.is_empty() { page.clone() } else { site_page(page, path) };
            LinkAction::Open(DocTarget::TechDocs { entity: entity.clone(), page }, anchor)
        }
        DocTarget::Url(base) => match reqwest::Url::parse(base).and_then(|b| b.join(path)) {
            Ok(url) => LinkAction::Open(DocTarget::Url(url.to_string()), anchor),
            Err(e) => LinkAction::Refused(format!("{href}: {e}")),
        },
    }
}

/// Lexically remove `.` and `..` (the file may not exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A site path relative to the page `from` (mkdocs directory URLs): the
/// result ends in `/` or is empty, with `index.html` and `.md` folded.
pub fn site_page(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    if let Some(last) = parts.last().copied() {
        if last == "index.html" || last == "index.md" {
            parts.pop();
        } else if let Some(stem) = last.strip_suffix(".html").or_else(|| last.strip_suffix(".md")) {
            let n = parts.len();
            parts[n - 1] = stem;
        }
    }
    let mut out = parts.join("/");
    if !out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn techdocs(page: &str) -> DocTarget {
        DocTarget::TechDocs { entity: Triplet::new("default", "Component", "orders-api"), page: page.into() }
    }

    #[test]
    fn techdocs_links_resolve_like_mkdocs_directory_urls() {
        let here = techdocs("runbook/");
        assert_eq!(resolve(&here, "../"), LinkAction::Open(techdocs(""), None));
        assert_eq!(resolve(&here, "#dashboards"), LinkAction::Anchor("dashboards".into()));
        assert_eq!(
            resolve(&techdocs(""), "runbook/#rollback"),
            LinkAction::Open(techdocs("runbook/"), Some("rollback".into()))
        );
        assert_eq!(resolve(&techdocs(""), "runbook.md"), LinkAction::Open(techdocs("runbook/"), None));
        assert_eq!(resolve(&here, "../../../../etc/"), LinkAction::Open(techdocs("etc/"), None));
        assert_eq!(
            resolve(&here, "/docs/ops/component/db/"),
            LinkAction::Open(
                DocTarget::TechDocs { entity: Triplet::new("ops", "component", "db"), page: String::new() },
                None
            )
        );
        assert!(matches!(resolve(&here, "../img/x.png"), LinkAction::Refused(_)));
    }

    #[test]
    fn schemes() {
        let here = techdocs("");
        assert_eq!(resolve(&here, "https://x.example/a"), LinkAction::External("https://x.example/a".into()));
        assert!(matches!(resolve(&here, "javascript:alert(1)"), LinkAction::Refused(_)));
        assert!(matches!(resolve(&here, "data:text/html,x"), LinkAction::Refused(_)));
        assert!(matches!(resolve(&here, "file:///etc/passwd"), LinkAction::Refused(_)));
        let web = DocTarget::Url("https://runbooks.example/a/b".into());
        assert_eq!(
            resolve(&web, "c#x"),
            LinkAction::Open(DocTarget::Url("https://runbooks.example/a/c".into()), Some("x".into()))
        );
    }

    #[test]
    fn local_links_stay_inside_the_site() {
        let root = PathBuf::from("/srv/site/docs");
        let here = DocTarget::Local { root: root.clone(), path: root.join("runbook.md") };
        assert_eq!(
            resolve(&here, "architecture.md#db"),
            LinkAction::Open(
                DocTarget::Local { root: root.clone(), path: root.join("architecture.md") },
                Some("db".into())
            )
        );
        assert!(matches!(resolve(&here, "../../../etc/passwd"), LinkAction::Refused(_)));
    }

    #[test]
    fn keys_are_qualified() {
        assert_eq!(
            techdocs("runbook/").cache_key(Some("http://127.0.0.1:7007/")),
            "http://127.0.0.1:7007/api/techdocs/static/docs/default/component/orders-api/runbook/index.html"
        );
        assert_eq!(
            techdocs("").browser_url(Some("https://bs.example")),
            "https://bs.example/docs/default/component/orders-api/"
        );
    }
}
