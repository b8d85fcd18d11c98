//! `callboard deps REF [--reverse] [--depth N] [--format tree|json|dot|mermaid]`

use super::{resolve_exact, Exit};
use crate::catalog::graph::{blast_radius, children, TreeMode};
use crate::catalog::{Catalog, EntityRef};
use crate::plural::count;
use crate::search::rank::ref_name;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::io::Write;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Tree,
    Json,
    Dot,
    Mermaid,
}

/// One node as printed: an entity is expanded once; later occurrences say so.
struct Node {
    key: String,
    rel: String,
    missing: bool,
    cycle: bool,
    repeated: bool,
    /// A container's part met below another part: it has its own branch at the top.
    part: bool,
    children: Vec<Node>,
}

/// What a walk has expanded, and a container's parts, which are expanded at
/// the top level (the roots of its blast radius) and only mentioned deeper.
struct Walk {
    expanded: HashSet<String>,
    parts: HashSet<String>,
}

fn build(
    catalog: &Catalog,
    key: &str,
    rel: &str,
    mode: TreeMode,
    depth: usize,
    path: &mut Vec<String>,
    walk: &mut Walk,
) -> Node {
    let missing = catalog.get(key).is_none();
    let cycle = path.iter().any(|p| p == key);
    let part = path.len() > 1 && walk.parts.contains(key);
    let repeated = !cycle && !missing && !part && !walk.expanded.insert(key.to_string());
    let mut node =
        Node { key: key.to_string(), rel: rel.to_string(), missing, cycle, repeated, part, children: Vec::new() };
    if cycle || missing || repeated || part || depth == 0 {
        return node;
    }
    path.push(key.to_string());
    for edge in children(catalog, key, mode) {
        node.children.push(build(catalog, &edge.target, &edge.rel, mode, depth - 1, path, walk));
    }
    path.pop();
    node
}

pub fn run(
    catalog: &Catalog,
    entity: &str,
    reverse: bool,
    depth: Option<usize>,
    format: Format,
    out: &mut impl Write,
) -> Result<(), Exit> {
    let root = resolve_exact(catalog, entity)?.key.clone();
    let mode = if reverse { TreeMode::BlastRadius } else { TreeMode::Dependencies };
    let parts = if reverse { blast_radius(catalog, &root).roots.into_iter().collect() } else { HashSet::new() };
    let mut walk = Walk { expanded: HashSet::new(), parts };
    let tree = build(catalog, &root, "", mode, depth.unwrap_or(usize::MAX), &mut Vec::new(), &mut walk);
    let io = |e: std::io::Error| Exit::from(anyhow::Error::from(e));
    match format {
        Format::Tree => {
            writeln!(out, "{}", describe(catalog, &tree)).map_err(io)?;
            write_tree(catalog, &tree.children, "", out).map_err(io)?;
            if reverse {
                write_blast_summary(catalog, &root, out).map_err(io)?;
            }
        }
        Format::Json => {
            let mut value = node_json(catalog, &tree);
            if reverse {
                let br = blast_radius(catalog, &root);
                value["blast_radius"] = json!({
                    "entities": br.entities.len(),
                    "roots": br.roots.iter().map(|k| display(k)).collect::<Vec<_>>(),
                    "unowned": br.unowned.iter().map(|u| json!({
                        "ref": display(&u.key),
                        "stated_owner": if u.stated.is_empty() { None } else { Some(display(&u.stated)) },
                        "reason": u.reason(),
                    })).collect::<Vec<_>>(),
                    "teams": br.teams.iter().map(|(t, n)| {
                        let s = catalog.get(t);
                        json!({"ref": display(t), "entities": n, "email": s.map(|s| s.email.clone()).unwrap_or_default()})
                    }).collect::<Vec<_>>(),
                });
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&value).unwrap_or_default()).map_err(io)?;
        }
        Format::Dot | Format::Mermaid => {
            let mut edges = Vec::new();
            collect_edges(&tree, &mut edges);
            edges.sort();
            edges.dedup();
            if matches!(format, Format::Dot) {
                writeln!(out, "digraph deps {{\n  rankdir=LR;").map_err(io)?;
                for (from, rel, to) in &edges {
                    writeln!(
                        out,
                        "  \"{}\" -> \"{}\" [label=\"{rel}\"];",
                        dot_escape(&display(from)),
                        dot_escape(&display(to))
                    )
                    .map_err(io)?;
                }
                writeln!(out, "}}").map_err(io)?;
            } else {
                writeln!(out, "graph LR").map_err(io)?;
                for (from, rel, to) in &edges {
                    writeln!(
                        out,
                        "  {}[\"{}\"] -->|{rel}| {}[\"{}\"]",
                        mermaid_id(from),
                        display(from),
                        mermaid_id(to),
                        display(to)
                    )
                    .map_err(io)?;
                }
            }
        }
    }
    Ok(())
}

fn display(key: &str) -> String {
    EntityRef::parse_full(key).map(|r| r.humanize(None)).unwrap_or_else(|_| key.to_string())
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn mermaid_id(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

fn describe(catalog: &Catalog, node: &Node) -> String {
    let mut text = display(&node.key);
    match catalog.get(&node.key) {
        None => text.push_str("  [missing: not in the catalog]"),
        Some(s) => {
            let mut facts = Vec::new();
            if !s.owner.is_empty() {
                facts.push(ref_name(&s.owner).to_string());
            }
            if !s.lifecycle.is_empty() {
                facts.push(s.lifecycle.clone());
            }
            if !facts.is_empty() {
                text.push_str(&format!("  ({})", facts.join(", ")));
            }
        }
    }
    if node.cycle {
        text.push_str("  [cycle]");
    } else if node.part {
        text.push_str("  [a part: its own branch]");
    } else if node.repeated {
        text.push_str("  [shown above]");
    }
    text
}

fn write_tree(catalog: &Catalog, nodes: &[Node], prefix: &str, out: &mut impl Write) -> std::io::Result<()> {
    for (i, node) in nodes.iter().enumerate() {
        let last = i + 1 == nodes.len();
        let branch = if last { "└─ " } else { "├─ " };
        writeln!(out, "{prefix}{branch}{} {}", node.rel, describe(catalog, node))?;
        let next = format!("{prefix}{}", if last { "   " } else { "│  " });
        write_tree(catalog, &node.children, &next, out)?;
    }
    Ok(())
}

fn write_blast_summary(catalog: &Catalog, root: &str, out: &mut impl Write) -> std::io::Result<()> {
    let br = blast_radius(catalog, root);
    let parts = if br.roots.is_empty() {
        String::new()
    } else {
        format!(" (over its {})", count(br.roots.len(), "part", "parts"))
    };
    writeln!(
        out,
        "\nBlast radius{parts}: {}, {}",
        count(br.entities.len(), "entity", "entities"),
        count(br.teams.len(), "team", "teams")
    )?;
    if !br.teams.is_empty() {
        writeln!(out, "Teams to notify:")?;
        for (team, n) in &br.teams {
            let email = catalog.get(team).map(|s| s.email.clone()).unwrap_or_default();
            let email = if email.is_empty() { String::new() } else { format!(" <{email}>") };
            writeln!(out, "  {}{email}  ({n} affected)", display(team))?;
        }
    }
    for line in br.unowned_lines() {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn node_json(catalog: &Catalog, node: &Node) -> Value {
    let s = catalog.get(&node.key);
    json!({
        "ref": EntityRef::parse_full(&node.key).map(|r| r.to_string()).unwrap_or_else(|_| node.key.clone()),
        "relation": if node.rel.is_empty() { None } else { Some(&node.rel) },
        "kind": s.map(|s| s.kind.clone()),
        "owner": s.map(|s| s.owner.clone()),
        "lifecycle": s.map(|s| s.lifecycle.clone()),
        "missing": node.missing,
        "cycle": node.cycle,
        "repeated": node.repeated,
        "part": node.part,
        "children": node.children.iter().map(|c| node_json(catalog, c)).collect::<Vec<_>>(),
    })
}

fn collect_edges(node: &Node, out: &mut Vec<(String, String, String)>) {
    for child in &node.children {
        out.push((node.key.clone(), child.rel.clone(), child.key.clone()));
        collect_edges(child, out);
    }
}
