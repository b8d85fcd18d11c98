//! The files source: a folder (or one file) of catalog YAML read the way a
//! Backstage server reads `file` locations: multi-document files, Location
//! targets followed, `$text`/`$json`/`$yaml` placeholders substituted, other
//! namespaces and unknown kinds kept. A bad document is reported and skipped.

use super::entity::validate;
use super::entity_ref::EntityRef;
use super::relations::derive_relations;
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Annotation Backstage sets to the location an entity was read from.
pub const MANAGED_BY_LOCATION: &str = "backstage.io/managed-by-location";
pub const MANAGED_BY_ORIGIN: &str = "backstage.io/managed-by-origin-location";

/// Something wrong with the input, precise enough to go and fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// Entities read plus the problems met on the way.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub entities: Vec<(EntityRef, Value)>,
    pub problems: Vec<Problem>,
    pub files_read: usize,
}

/// Read a folder recursively (every *.yaml / *.yml that holds entities) or a
/// single file, following Location targets from either.
pub fn load(root: &Path) -> LoadReport {
    let mut report = LoadReport::default();
    let mut queue: VecDeque<(PathBuf, bool)> = VecDeque::new();
    if root.is_dir() {
        // The root catalog-info.yaml first, so its Location is read before the rest.
        let mut found = Vec::new();
        walk_yaml(root, &mut found);
        found.sort();
        if let Some(pos) = found
            .iter()
            .position(|p| p.parent() == Some(root) && p.file_name().is_some_and(|n| n == "catalog-info.yaml"))
        {
            let first = found.remove(pos);
            found.insert(0, first);
        }
        queue.extend(found.into_iter().map(|p| (p, false)));
    } else {
        queue.push_back((root.to_path_buf(), true));
    }
    let origin = format!("file:{}", absolute(root).display());
    let mut seen_files: HashSet<PathBuf> = HashSet::new();
    let mut seen_refs: HashMap<String, (PathBuf, usize)> = HashMap::new();
    while let Some((path, explicit)) = queue.pop_front() {
        let canonical = absolute(&path);
        if !seen_files.insert(canonical.clone()) {
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(err) => {
                report.problems.push(problem(&path, 0, format!("cannot read: {err}")));
                continue;
            }
        };
        report.files_read += 1;
        let documents = split_documents(&text);
        // A walked file with no catalog data in it (mkdocs.yml, an OpenAPI spec)
        // is not an error; a Location target, or a catalog file, with a stray
        // document is. A file that is all broken is judged by what it was
        // meant to be: its name, or entity keys at the top of a document.
        let meant_as_catalog = is_catalog_file_name(&path) || documents.iter().any(|d| reads_like_entity(&d.text));
        let parsed: Vec<(usize, ParsedDocument)> =
            documents.into_iter().map(|doc| (doc.first_line, parse_document(&doc.text))).collect();
        let is_catalog_file = explicit
            || parsed.iter().any(|(_, r)| matches!(r, Ok(Some(v)) if looks_like_entity(v)))
            || (meant_as_catalog && parsed.iter().any(|(_, r)| r.is_err()));
        if !is_catalog_file {
            continue;
        }
        for (first_line, parsed) in parsed {
            let value = match parsed {
                Ok(Some(v)) => v,
                Ok(None) => continue,
                Err((line, msg)) => {
                    report.problems.push(problem(
                        &path,
                        first_line + line.saturating_sub(1),
                        format!("invalid YAML: {msg}"),
                    ));
                    continue;
                }
            };
            let mut value = value;
            substitute_placeholders(
                &mut value,
                canonical.parent().unwrap_or(Path::new("/")),
                &path,
                first_line,
                &mut report.problems,
            );
            let eref = match validate(&value) {
                Ok(r) => r,
                Err(err) => {
                    report.problems.push(problem(&path, first_line, format!("skipped document: {err}")));
                    continue;
                }
            };
            if let Some((first, line)) = seen_refs.get(&eref.key()) {
                report.problems.push(problem(
                    &path,
                    first_line,
                    format!("{eref} is already defined at {}:{line}; this copy is skipped", first.display()),
                ));
                continue;
            }
            seen_refs.insert(eref.key(), (path.clone(), first_line));
            if eref.kind == "location" {
                for target in location_targets(&value, &canonical, first_line, &mut report.problems) {
                    queue.push_back((target, true));
                }
            }
            annotate_location(&mut value, &canonical, &origin);
            report.entities.push((eref, value));
        }
    }
    for p in derive_relations(&mut report.entities) {
        let (file, line) = seen_refs
            .get(&EntityRef::parse_full(&p.entity).map(|r| r.key()).unwrap_or_default())
            .cloned()
            .unwrap_or_default();
        report.problems.push(problem(&file, line, format!("{}: {}", p.entity, p.message)));
    }
    report
}

fn problem(path: &Path, line: usize, message: String) -> Problem {
    Problem { file: path.to_path_buf(), line, message }
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn walk_yaml(dir: &Path, out: &mut Vec<PathBuf>) {
    walk_files(dir, &|name| name.ends_with(".yaml") || name.ends_with(".yml"), out);
}

/// Files below `dir` whose name passes `wanted`. Hidden folders, node_modules
/// and template skeletons (`${{ values.name }}` placeholders, not entities)
/// are skipped.
fn walk_files(dir: &Path, wanted: &dyn Fn(&str) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "node_modules" || name == "skeleton" {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk_files(&path, wanted, out),
            Ok(t) if t.is_file() && wanted(&name) => out.push(path),
            _ => {}
        }
    }
}

/// One YAML document with the file line it starts on (1-based).
pub(crate) struct Document {
    pub(crate) text: String,
    pub(crate) first_line: usize,
}

/// Split on `---` / `...` markers ourselves, so that one broken document
/// cannot stop the parser from reaching the ones after it.
pub(crate) fn split_documents(text: &str) -> Vec<Document> {
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut first_line = 1;
    for (i, line) in text.lines().enumerate() {
        let is_marker = line == "---" || line.starts_with("--- ") || line == "...";
        if is_marker {
            docs.push(Document { text: std::mem::take(&mut current), first_line });
            first_line = i + 2;
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    docs.push(Document { text: current, first_line });
    docs.retain(|d| !d.text.trim().is_empty());
    docs
}

/// `catalog-info.yaml` and friends: what Backstage's docs tell people to name
/// catalog files.
fn is_catalog_file_name(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name.starts_with("catalog-info.") || name.ends_with(".catalog.yaml") || name.ends_with(".catalog.yml")
}

/// Unparsed text with an entity's top-level keys: `apiVersion: backstage.io/…`,
/// or `apiVersion:` with a Backstage kind. A broken Helm template
/// (`kind: Deployment`) next to the catalog files is not catalog data.
fn reads_like_entity(text: &str) -> bool {
    const KINDS: [&str; 9] =
        ["component", "api", "system", "domain", "group", "user", "resource", "location", "template"];
    let backstage_kind = text.lines().filter_map(|l| l.strip_prefix("kind:")).any(|k| {
        let k = k.trim().trim_matches(|c| c == '"' || c == '\'');
        KINDS.iter().any(|known| known.eq_ignore_ascii_case(k))
    });
    text.lines().any(|l| l.starts_with("apiVersion:") && (l.contains("backstage.io/") || backstage_kind))
}

fn looks_like_entity(value: &Value) -> bool {
    value.get("apiVersion").is_some() || value.get("kind").is_some()
}

/// A parsed document: Ok(None) when empty; Err((line within document, message)).
type ParsedDocument = Result<Option<Value>, (usize, String)>;

/// Ok(None) for an empty document; Err((line within document, message)).
fn parse_document(text: &str) -> ParsedDocument {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        // serde_yaml counts lines within the document; the caller adds the
        // document's offset, so drop its own "at line N column M".
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        (e.location().map_or(1, |l| file_line(text, l.line())), message)
    })?;
    if yaml.is_null() {
        return Ok(None);
    }
    serde_json::to_value(yaml).map(Some).map_err(|e| (1, e.to_string()))
}

/// The line as an editor counts it for YAML's line `yaml_line`: YAML also
/// breaks lines at a lone CR, NEL (U+0085) and U+2028/U+2029, which would
/// otherwise point past the end of the file (found by tests/props.rs).
fn file_line(text: &str, yaml_line: usize) -> usize {
    let (mut yaml, mut real) = (1, 1);
    let mut chars = text.chars().peekable();
    while yaml < yaml_line {
        match chars.next() {
            None => break,
            Some('\n') => real += 1,
            Some('\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                real += 1;
            }
            Some('\r' | '\u{85}' | '\u{2028}' | '\u{2029}') => {}
            Some(_) => continue,
        }
        yaml += 1;
    }
    real
}

/// `$text`, `$json`, `$yaml` with a relative path are read from disk like
/// Backstage's placeholder processor; remote targets are left as written.
fn substitute_placeholders(value: &mut Value, base: &Path, file: &Path, line: usize, problems: &mut Vec<Problem>) {
    match value {
        Value::Object(map) => {
            if map.len() == 1 {
                let (key, arg) = map.iter().next().expect("one entry");
                if let ("$text" | "$json" | "$yaml", Some(target)) = (key.as_str(), arg.as_str()) {
                    if target.contains("://") {
                        return;
                    }
                    let path = base.join(target);
                    match read_placeholder(key, &path) {
                        Ok(v) => *value = v,
                        Err(msg) => problems.push(problem(file, line, format!("{key} {target}: {msg}"))),
                    }
                    return;
                }
            }
            for v in map.values_mut() {
                substitute_placeholders(v, base, file, line, problems);
            }
        }
        Value::Array(items) => {
            for v in items {
                substitute_placeholders(v, base, file, line, problems);
            }
        }
        _ => {}
    }
}

fn read_placeholder(kind: &str, path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    match kind {
        "$text" => Ok(Value::String(text)),
        "$json" => serde_json::from_str(&text).map_err(|e| e.to_string()),
        _ => serde_yaml::from_str::<serde_yaml::Value>(&text)
            .map_err(|e| e.to_string())
            .and_then(|y| serde_json::to_value(y).map_err(|e| e.to_string())),
    }
}

/// File targets of a Location, resolved against its file; `*` globs in the
/// last path segment expand; url targets are noted as not followed.
fn location_targets(value: &Value, file: &Path, line: usize, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let spec = value.get("spec");
    let loc_type = spec.and_then(|s| s.get("type")).and_then(Value::as_str).unwrap_or("file");
    let mut targets: Vec<&str> = Vec::new();
    if let Some(t) = spec.and_then(|s| s.get("target")).and_then(Value::as_str) {
        targets.push(t);
    }
    if let Some(ts) = spec.and_then(|s| s.get("targets")).and_then(Value::as_array) {
        targets.extend(ts.iter().filter_map(Value::as_str));
    }
    let base = file.parent().unwrap_or(Path::new("/"));
    let mut out = Vec::new();
    for target in targets {
        if loc_type != "file" || target.contains("://") {
            problems.push(problem(
                file,
                line,
                format!("location target {target} ({loc_type}) is not read by the files source"),
            ));
            continue;
        }
        let path = base.join(target);
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if name.contains('*') {
            out.extend(glob_last_segment(&path, &name));
        } else if path.exists() {
            out.push(path);
        } else {
            problems.push(problem(file, line, format!("location target {target} does not exist")));
        }
    }
    out
}

fn glob_last_segment(path: &Path, pattern: &str) -> Vec<PathBuf> {
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let (prefix, suffix) = pattern.split_once('*').unwrap_or((pattern, ""));
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            p.is_file() && n.starts_with(prefix) && n.ends_with(suffix) && n.len() >= prefix.len() + suffix.len()
        })
        .collect();
    found.sort();
    found
}

fn annotate_location(value: &mut Value, file: &Path, origin: &str) {
    let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    let annotations = metadata.entry("annotations").or_insert_with(|| Value::Object(Default::default()));
    if let Some(map) = annotations.as_object_mut() {
        map.entry(MANAGED_BY_LOCATION).or_insert_with(|| Value::String(format!("file:{}", file.display())));
        map.entry(MANAGED_BY_ORIGIN).or_insert_with(|| Value::String(origin.to_string()));
    }
}

/// A cheap identity of a folder's YAML: paths, sizes and mtimes. When it is
/// unchanged the cached snapshot is still right and nothing is re-parsed.
pub fn fingerprint(root: &Path) -> String {
    let mut files = Vec::new();
    if root.is_dir() {
        // YAML, plus what placeholders ($text: ./spec.json) commonly point at,
        // so an edit to either is noticed. Metadata only: cheap.
        walk_files(root, &|n| [".yaml", ".yml", ".json", ".txt"].iter().any(|ext| n.ends_with(ext)), &mut files);
    } else {
        files.push(root.to_path_buf());
    }
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for f in &files {
        f.hash(&mut hasher);
        if let Ok(meta) = std::fs::metadata(f) {
            meta.len().hash(&mut hasher);
            if let Ok(m) = meta.modified() {
                m.hash(&mut hasher);
            }
        }
    }
    format!("{}:{:016x}", files.len(), hasher.finish())
}

#[cfg(test)]
#[path = "files_tests.rs"]
mod tests;
