//! Expandable trees over the graph, flattened lazily: only expanded nodes
//! are walked, so a node with thousands of children costs nothing until it
//! is opened, and a keystroke that only moves the cursor walks nothing.

use super::graph::{children, TreeMode};
use super::Catalog;
use std::collections::HashSet;

/// One visible row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    /// Identity of the node: the keys from the root joined by '>'.
    pub path: String,
    pub key: String,
    /// Relation from the parent ("" for the root).
    pub rel: String,
    pub depth: usize,
    pub has_children: bool,
    pub expanded: bool,
    /// The key already appears among its ancestors: shown, never followed.
    pub cycle: bool,
    pub missing: bool,
}

/// The visible rows for a root, mode and set of expanded paths.
pub fn flatten(catalog: &Catalog, root: &str, mode: TreeMode, expanded: &HashSet<String>) -> Vec<TreeRow> {
    let mut rows = Vec::new();
    let mut ancestors = Vec::new();
    walk(catalog, root, "", root.to_string(), 0, mode, expanded, &mut ancestors, &mut rows);
    rows
}

#[allow(clippy::too_many_arguments)]
fn walk(
    catalog: &Catalog,
    key: &str,
    rel: &str,
    path: String,
    depth: usize,
    mode: TreeMode,
    expanded: &HashSet<String>,
    ancestors: &mut Vec<String>,
    rows: &mut Vec<TreeRow>,
) {
    let missing = catalog.get(key).is_none();
    let cycle = ancestors.iter().any(|a| a == key);
    let kids = if missing || cycle { Vec::new() } else { children(catalog, key, mode) };
    let is_open = !kids.is_empty() && expanded.contains(&path);
    rows.push(TreeRow {
        path: path.clone(),
        key: key.to_string(),
        rel: rel.to_string(),
        depth,
        has_children: !kids.is_empty(),
        expanded: is_open,
        cycle,
        missing,
    });
    if !is_open {
        return;
    }
    ancestors.push(key.to_string());
    for edge in kids {
        let child_path = format!("{path}>{}", edge.target);
        walk(catalog, &edge.target, &edge.rel, child_path, depth + 1, mode, expanded, ancestors, rows);
    }
    ancestors.pop();
}

/// Paths to add to `expanded` to open `path` and everything below it for
/// `levels` more levels (cycles and missing nodes are not opened).
pub fn expand_below(catalog: &Catalog, path: &str, key: &str, mode: TreeMode, levels: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut frontier = vec![(path.to_string(), key.to_string())];
    for _ in 0..levels {
        let mut next = Vec::new();
        for (p, k) in frontier {
            let ancestors: Vec<&str> = p.split('>').collect();
            let kids = children(catalog, &k, mode);
            if kids.is_empty() {
                continue;
            }
            out.push(p.clone());
            for edge in kids {
                if catalog.get(&edge.target).is_some() && !ancestors.contains(&edge.target.as_str()) {
                    next.push((format!("{p}>{}", edge.target), edge.target));
                }
            }
        }
        frontier = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Relation, Summary};

    fn e(key: &str, rels: &[(&str, &str)]) -> Summary {
        Summary {
            key: key.into(),
            kind: key.split(':').next().unwrap().into(),
            name: key.rsplit('/').next().unwrap().into(),
            namespace: "default".into(),
            relations: rels.iter().map(|(t, k)| Relation { rel_type: t.to_string(), target: k.to_string() }).collect(),
            ..Default::default()
        }
    }

    fn catalog() -> Catalog {
        Catalog::new(vec![
            e("component:default/a", &[("dependsOn", "component:default/b"), ("dependsOn", "component:default/gone")]),
            e("component:default/b", &[("dependsOn", "component:default/a")]),
        ])
    }

    #[test]
    fn collapsed_root_is_one_row_and_expansion_is_lazy() {
        let c = catalog();
        let mut expanded = HashSet::new();
        let rows = flatten(&c, "component:default/a", TreeMode::Dependencies, &expanded);
        assert_eq!(rows.len(), 1);
        assert!(rows[0].has_children && !rows[0].expanded);
        expanded.insert("component:default/a".to_string());
        let rows = flatten(&c, "component:default/a", TreeMode::Dependencies, &expanded);
        assert_eq!(rows.len(), 3);
        assert!(rows[2].missing);
        expanded.insert("component:default/a>component:default/b".to_string());
        let rows = flatten(&c, "component:default/a", TreeMode::Dependencies, &expanded);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[2].key, "component:default/a");
        assert!(rows[2].cycle && !rows[2].has_children, "cycles are marked, not followed");
    }

    #[test]
    fn expand_below_stops_at_cycles_and_depth() {
        let c = catalog();
        let paths = expand_below(&c, "component:default/a", "component:default/a", TreeMode::Dependencies, 5);
        assert_eq!(paths, vec!["component:default/a", "component:default/a>component:default/b"]);
        let one = expand_below(&c, "component:default/a", "component:default/a", TreeMode::Dependencies, 1);
        assert_eq!(one.len(), 1);
    }
}
