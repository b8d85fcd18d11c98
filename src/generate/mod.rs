//! A deterministic generator of large, realistic catalogs for benchmarks and
//! scale tests: a group hierarchy with users, domains, systems, components,
//! APIs and resources, long descriptions, tags, annotations, dependsOn and
//! consumesApi graphs with a few cycles, and skewed fan-in (a handful of APIs
//! and databases are used by thousands). The same seed gives the same catalog.

mod output;
mod words;

pub use output::{fill_cache, write_yaml, FillReport};

use serde_json::{json, Value};
use words::*;

/// How big, and which one.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Total entities, the root Location included (at least 200).
    pub entities: usize,
    pub seed: u64,
}

/// One entity document and the file (relative to the catalog root) it lives in.
#[derive(Debug, Clone)]
pub struct Doc {
    pub file: String,
    pub value: Value,
}

/// A generated catalog, documents in file order (root Location first).
#[derive(Debug, Clone)]
pub struct Generated {
    pub docs: Vec<Doc>,
    /// Name of the most consumed API (thousands of consumers at 100k).
    pub popular_api: String,
    /// Name of an ordinary component, for `who` and `get` benchmarks.
    pub sample_component: String,
}

/// How many of each kind a catalog of `n` entities has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub domains: usize,
    pub systems: usize,
    pub groups: usize,
    pub users: usize,
    pub apis: usize,
    pub resources: usize,
    pub templates: usize,
    pub components: usize,
}

impl Shape {
    pub fn for_total(n: usize) -> Shape {
        let n = n.max(200);
        let domains = (n / 3000).max(2);
        let systems = (n / 50).max(4);
        let groups = (n / 60).max(domains + 4);
        let users = n / 7;
        let apis = n / 7;
        let resources = n / 7;
        let templates = (n / 2000).clamp(2, 30);
        let fixed = 1 + domains + systems + groups + users + apis + resources + templates;
        Shape { domains, systems, groups, users, apis, resources, templates, components: n - fixed }
    }
}

const ORG: &str = "acme";
const MAIL: &str = "acme.example";

/// `word` for the first round of a list, `word-N` after, so names stay unique.
fn named(list: &[&str], i: usize) -> String {
    let word = list[i % list.len()];
    if i < list.len() {
        word.to_string()
    } else {
        format!("{word}-{}", suffix(i / list.len()))
    }
}

fn entity(kind: &str, name: &str, metadata: Value, spec: Value) -> Value {
    let mut meta = json!({ "name": name });
    if let (Some(m), Value::Object(extra)) = (meta.as_object_mut(), metadata) {
        m.extend(extra);
    }
    json!({ "apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": meta, "spec": spec })
}

fn tags(rng: &mut Rng) -> Vec<&'static str> {
    let mut out: Vec<&str> = (0..1 + rng.below(4)).map(|_| *rng.pick(TAGS)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

struct Org {
    teams: Vec<String>,
    departments: Vec<String>,
}

/// Generate a catalog. Cost is linear; 100k entities take about a second.
pub fn generate(options: Options) -> Generated {
    let shape = Shape::for_total(options.entities);
    let mut rng = Rng::new(options.seed);
    let mut docs = Vec::with_capacity(options.entities);
    docs.push(Doc {
        file: "catalog-info.yaml".into(),
        value: entity(
            "Location",
            "generated-catalog",
            json!({ "description": format!("Generated catalog: {} entities, seed {}.", options.entities, options.seed) }),
            json!({ "type": "file", "targets": ["./org/*.yaml", "./domains.yaml", "./systems/*.yaml", "./templates.yaml"] }),
        ),
    });
    let org = groups(&mut rng, &shape, &mut docs);
    users(&mut rng, &shape, &org, &mut docs);
    for (i, dept) in org.departments.iter().enumerate().take(shape.domains) {
        let name = named(BUSINESS, i);
        let value = entity(
            "Domain",
            &name,
            json!({ "title": title_case(&name), "description": description(&mut rng, &name) }),
            json!({ "owner": dept }),
        );
        docs.push(Doc { file: "domains.yaml".into(), value });
    }
    let popular_api = systems(&mut rng, &shape, &org, &mut docs);
    let sample_component = docs
        .iter()
        .filter(|d| d.value["kind"] == "Component")
        .nth(shape.components / 2)
        .and_then(|d| d.value["metadata"]["name"].as_str())
        .unwrap_or_default()
        .to_string();
    for i in 0..shape.templates {
        let name = format!("{}-template", named(COMPONENT_PARTS, i));
        let mut value = entity(
            "Template",
            &name,
            json!({ "title": title_case(&name), "description": description(&mut rng, "new services"), "tags": tags(&mut rng) }),
            json!({ "type": "service", "owner": rng.pick(&org.teams), "parameters": [], "steps": [] }),
        );
        value["apiVersion"] = json!("scaffolder.backstage.io/v1beta3");
        docs.push(Doc { file: "templates.yaml".into(), value });
    }
    Generated { docs, popular_api, sample_component }
}

/// Root org, one department per domain, teams under departments (a fifth of
/// them under another team, for a deeper hierarchy).
fn groups(rng: &mut Rng, shape: &Shape, docs: &mut Vec<Doc>) -> Org {
    let mut org = Org { teams: Vec::new(), departments: Vec::new() };
    let group = |name: &str, kind: &str, parent: Option<&str>, rng: &mut Rng| {
        let display = title_case(name);
        let mut spec = json!({ "type": kind, "profile": { "displayName": display, "email": format!("{name}@{MAIL}") }, "children": [] });
        if let Some(p) = parent {
            spec["parent"] = json!(p);
        }
        let slack = format!("https://acme.slack.example/archives/C{}", suffix(rng.below(1 << 30)).to_uppercase());
        let meta = json!({
            "description": format!("{display}: {}", description(rng, name)),
            "annotations": { "pagerduty.com/service-id": format!("P{}", suffix(rng.below(1 << 30)).to_uppercase()),
                             "opsgenie.com/team": name },
            "links": [ { "url": slack, "title": format!("#{name}"), "icon": "chat", "type": "chat" },
                       { "url": format!("https://acme.pagerduty.example/schedules/{name}"), "title": "On-call schedule", "type": "oncall" } ],
        });
        Doc { file: "org/groups.yaml".into(), value: entity("Group", name, meta, spec) }
    };
    docs.push(group(ORG, "organization", None, rng));
    for i in 0..shape.domains {
        let name = format!("{}-department", named(BUSINESS, i));
        docs.push(group(&name, "department", Some(ORG), rng));
        org.departments.push(name);
    }
    for i in 0..shape.groups - 1 - shape.domains {
        let name = format!("team-{}", named(BUSINESS, i + 7));
        let parent = if i > 10 && rng.chance(0.2) {
            org.teams[rng.below(org.teams.len())].clone()
        } else {
            org.departments[i % org.departments.len()].clone()
        };
        docs.push(group(&name, "team", Some(&parent), rng));
        org.teams.push(name);
    }
    org
}

fn users(rng: &mut Rng, shape: &Shape, org: &Org, docs: &mut Vec<Doc>) {
    for i in 0..shape.users {
        let (first, last) = (*rng.pick(FIRST), *rng.pick(LAST));
        let name = format!("{first}-{last}-{}", suffix(i));
        let mut member_of = vec![org.teams[i % org.teams.len()].clone()];
        if rng.chance(0.1) {
            member_of.push(rng.pick(&org.teams).clone());
        }
        member_of.dedup();
        let display = format!("{} {}", title_case(first), title_case(last));
        let value = entity(
            "User",
            &name,
            json!({ "description": format!("{display}, member of {}.", member_of[0]) }),
            json!({ "profile": { "displayName": display, "email": format!("{first}.{last}.{}@{MAIL}", suffix(i)) },
                    "memberOf": member_of }),
        );
        docs.push(Doc { file: format!("org/users-{:03}.yaml", i / 1000), value });
    }
}

/// Systems with their components, APIs and resources, one file per system.
/// Returns the name of the most consumed API.
fn systems(rng: &mut Rng, shape: &Shape, org: &Org, docs: &mut Vec<Doc>) -> String {
    let system_names: Vec<String> = (0..shape.systems).map(|i| named(BUSINESS, i)).collect();
    let system_owner: Vec<String> = (0..shape.systems).map(|_| rng.pick(&org.teams).clone()).collect();
    let file = |s: usize| format!("systems/{}.yaml", system_names[s]);
    let mut per_system: Vec<Vec<Value>> = vec![Vec::new(); shape.systems];
    for (s, name) in system_names.iter().enumerate() {
        let meta = json!({ "title": title_case(name), "description": description(rng, name), "tags": tags(rng) });
        let spec = json!({ "owner": system_owner[s], "domain": named(BUSINESS, s % shape.domains) });
        per_system[s].push(entity("System", name, meta, spec));
    }
    let base = |s: usize| BUSINESS[s % BUSINESS.len()];
    // Each API is provided by one component; its system is that component's.
    let api_names: Vec<String> = (0..shape.apis)
        .map(|j| format!("{}-{}-{}", base(j % shape.systems), API_TYPES[j % API_TYPES.len()], suffix(j)))
        .collect();
    let resource_names: Vec<String> = (0..shape.resources)
        .map(|j| format!("{}-{}-{}", base(j % shape.systems), RESOURCE_KINDS[j % RESOURCE_KINDS.len()].1, suffix(j)))
        .collect();
    let mut component_names = Vec::with_capacity(shape.components);
    for i in 0..shape.components {
        let s = i % shape.systems;
        component_names.push(format!(
            "{}-{}-{}",
            base(s),
            COMPONENT_PARTS[(i / shape.systems) % COMPONENT_PARTS.len()],
            suffix(i)
        ));
    }
    let provider = |j: usize| j * shape.components / shape.apis.max(1);
    for (i, name) in component_names.iter().enumerate() {
        let s = i % shape.systems;
        let owner = if rng.chance(0.7) { system_owner[s].clone() } else { rng.pick(&org.teams).clone() };
        let mut provides = Vec::new();
        let mut j = (i * shape.apis).div_ceil(shape.components);
        while j < shape.apis && provider(j) == i {
            provides.push(api_names[j].clone());
            j += 1;
        }
        let consumes: Vec<&str> = (0..1 + rng.below(5))
            .map(|_| {
                let j = if rng.chance(0.5) { rng.skewed(shape.apis) } else { rng.below(shape.apis) };
                api_names[j].as_str()
            })
            .collect();
        let mut depends: Vec<String> = (0..rng.below(4))
            .map(|_| {
                let j = if rng.chance(0.3) { rng.skewed(shape.resources) } else { rng.below(shape.resources) };
                format!("resource:{}", resource_names[j])
            })
            .collect();
        for _ in 0..rng.below(4) {
            // Mostly towards older components (a DAG); now and then forward, which closes cycles.
            let target = if i > 0 && !rng.chance(0.02) { rng.below(i) } else { rng.below(shape.components) };
            if target != i {
                depends.push(format!("component:{}", component_names[target]));
            }
        }
        let mut spec = json!({
            "type": rng.pick(COMPONENT_TYPES), "lifecycle": rng.pick(LIFECYCLES), "owner": owner,
            "system": system_names[s], "providesApis": provides, "consumesApis": consumes, "dependsOn": depends,
        });
        if i > 0 && rng.chance(0.05) {
            spec["subcomponentOf"] = json!(component_names[rng.below(i)]);
        }
        let mut annotations = json!({
            "github.com/project-slug": format!("{ORG}/{name}"),
            "backstage.io/source-location": format!("url:https://github.example/{ORG}/{name}/tree/main/"),
            "backstage.io/kubernetes-id": name,
        });
        if rng.chance(0.5) {
            annotations["pagerduty.com/service-id"] = json!(format!("P{}", suffix(rng.below(1 << 30)).to_uppercase()));
        }
        if rng.chance(0.3) {
            annotations["backstage.io/techdocs-ref"] = json!("dir:.");
        }
        let mut links = Vec::new();
        if rng.chance(0.4) {
            links.push(json!({ "url": format!("https://runbooks.acme.example/{name}"), "title": "Runbook", "type": "runbook" }));
        }
        if rng.chance(0.4) {
            links.push(json!({ "url": format!("https://grafana.acme.example/d/{name}"), "title": "Dashboard", "type": "dashboard" }));
        }
        let meta = json!({ "description": description(rng, name), "tags": tags(rng), "annotations": annotations, "links": links });
        per_system[s].push(entity("Component", name, meta, spec));
    }
    for (j, name) in api_names.iter().enumerate() {
        let p = provider(j).min(shape.components.saturating_sub(1));
        let s = p % shape.systems;
        let api_type = API_TYPES[j % API_TYPES.len()];
        let meta = json!({ "title": title_case(name), "description": description(rng, name), "tags": tags(rng) });
        let spec = json!({
            "type": api_type, "lifecycle": rng.pick(LIFECYCLES), "owner": system_owner[s], "system": system_names[s],
            "definition": format!("{api_type}: 3.0.0\ninfo:\n  title: {name}\n  version: 1.{}.0\npaths: {{}}\n", j % 10),
        });
        per_system[s].push(entity("API", name, meta, spec));
    }
    for (j, name) in resource_names.iter().enumerate() {
        let s = j % shape.systems;
        let (rtype, _) = RESOURCE_KINDS[j % RESOURCE_KINDS.len()];
        let mut spec = json!({ "type": rtype, "owner": system_owner[s], "system": system_names[s] });
        if j > 0 && rng.chance(0.1) {
            spec["dependsOn"] = json!([format!("resource:{}", resource_names[rng.below(j)])]);
        }
        let meta = json!({ "description": description(rng, name), "tags": tags(rng) });
        per_system[s].push(entity("Resource", name, meta, spec));
    }
    for (s, values) in per_system.into_iter().enumerate() {
        docs.extend(values.into_iter().map(|value| Doc { file: file(s), value }));
    }
    api_names.first().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_adds_up_and_is_deterministic() {
        for n in [200, 10_000, 100_000] {
            let s = Shape::for_total(n);
            assert_eq!(
                1 + s.domains + s.systems + s.groups + s.users + s.apis + s.resources + s.templates + s.components,
                n
            );
        }
        let a = generate(Options { entities: 2000, seed: 7 });
        let b = generate(Options { entities: 2000, seed: 7 });
        assert_eq!(a.docs.len(), 2000);
        assert_eq!(
            a.docs.iter().map(|d| &d.value).collect::<Vec<_>>(),
            b.docs.iter().map(|d| &d.value).collect::<Vec<_>>()
        );
        let c = generate(Options { entities: 2000, seed: 8 });
        assert_ne!(a.docs[500].value, c.docs[500].value);
    }

    #[test]
    fn names_are_unique_and_valid() {
        let g = generate(Options { entities: 5000, seed: 1 });
        let mut seen = std::collections::HashSet::new();
        for d in &g.docs {
            let r = crate::catalog::entity::validate(&d.value).expect("valid entity");
            assert!(seen.insert(r.key()), "duplicate {r}");
        }
    }
}
