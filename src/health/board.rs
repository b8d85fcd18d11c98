//! The health board: which entities a scope covers (a system, a domain, an
//! owner, "mine") and their results rolled up, worst first. The TUI's
//! `:health` board and `callboard health` both build it here, so they agree.

use super::rollup::{state_at, Rollup};
use super::state::{ProbeResult, State};
use crate::catalog::relations::PART_OF;
use crate::catalog::Catalog;
use std::collections::{HashMap, HashSet};

/// What a board covers. Keys are entity ref keys (`system:default/payments-core`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Entity(String),
    System(String),
    /// Every entity of the domain's systems (and the systems themselves).
    Domain(String),
    /// Entities whose owner is this group or user.
    Owner(String),
    /// Entities owned by this user, their groups and those groups' parents.
    Mine(String),
}

/// The entity keys a scope covers, in catalog order.
pub fn select(catalog: &Catalog, scope: &Scope) -> Vec<String> {
    let keys = |keep: &dyn Fn(&crate::catalog::Summary) -> bool| -> Vec<String> {
        catalog.all().iter().filter(|s| keep(s)).map(|s| s.key.clone()).collect()
    };
    match scope {
        Scope::Entity(key) => catalog.get(key).map(|s| vec![s.key.clone()]).unwrap_or_default(),
        Scope::System(system) => keys(&|s| &s.system == system),
        Scope::Domain(domain) => {
            let systems: HashSet<&str> = catalog
                .all()
                .iter()
                .filter(|s| s.key.starts_with("system:") && s.targets(PART_OF).any(|t| t == domain))
                .map(|s| s.key.as_str())
                .collect();
            keys(&|s| systems.contains(s.system.as_str()) || systems.contains(s.key.as_str()))
        }
        Scope::Owner(owner) => keys(&|s| &s.owner == owner),
        Scope::Mine(me) => {
            let owners = crate::catalog::graph::my_owners(catalog, me);
            keys(&|s| owners.contains(&s.owner))
        }
    }
}

/// One entity on the board.
#[derive(Debug, Clone)]
pub struct BoardRow {
    pub entity: String,
    /// Its probes' states now (stale past the TTL).
    pub rollup: Rollup,
    pub worst: State,
    /// Its results, in the order its probes were listed.
    pub results: Vec<ProbeResult>,
}

/// Entities worst first (then by key), with counts over entities and over probes.
#[derive(Debug, Clone)]
pub struct Board {
    pub rows: Vec<BoardRow>,
    /// Entities counted by their worst state: "3 crit · 1 warn · 12 ok".
    pub entities: Rollup,
    pub probes: Rollup,
}

impl Board {
    /// Build from the results at hand; entities without a result are left out.
    /// `probe_order` lists probe keys in the order to show them (e.g. the specs').
    pub fn build(keys: &[String], results: &[ProbeResult], probe_order: &[String], now: i64, ttl: u64) -> Board {
        let order: HashMap<&str, usize> = probe_order.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        let mut by_entity: HashMap<&str, Vec<&ProbeResult>> = HashMap::new();
        for r in results {
            by_entity.entry(r.entity.as_str()).or_default().push(r);
        }
        let mut seen = HashSet::new();
        let mut rows: Vec<BoardRow> = keys
            .iter()
            .filter(|k| seen.insert(k.as_str()))
            .filter_map(|k| {
                let mut mine: Vec<ProbeResult> = by_entity.get(k.as_str())?.iter().map(|r| (*r).clone()).collect();
                mine.sort_by_key(|r| (order.get(r.key.as_str()).copied().unwrap_or(usize::MAX), r.key.clone()));
                let rollup = Rollup::of_results(mine.iter(), now, ttl);
                let worst = rollup.worst()?;
                Some(BoardRow { entity: k.clone(), rollup, worst, results: mine })
            })
            .collect();
        rows.sort_by(|a, b| b.worst.severity().cmp(&a.worst.severity()).then_with(|| a.entity.cmp(&b.entity)));
        let entities = Rollup::from_states(rows.iter().map(|r| &r.worst));
        let probes = Rollup::of_results(rows.iter().flat_map(|r| r.results.iter()), now, ttl);
        Board { rows, entities, probes }
    }

    /// The board's state: the worst entity's, unknown when there is nothing.
    pub fn worst(&self) -> State {
        self.entities.worst().unwrap_or_else(|| State::unknown("no probes"))
    }

    /// The state a probe shows now.
    pub fn state_of(result: &ProbeResult, now: i64, ttl: u64) -> State {
        state_at(result, now, ttl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::entity::summarize;
    use serde_json::json;

    fn catalog() -> Catalog {
        let e = |kind: &str, name: &str, spec: serde_json::Value| {
            summarize(
                &json!({"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": {"name": name}, "spec": spec}),
            )
            .unwrap()
        };
        let mut system = e("System", "shop", json!({"owner": "team-a", "domain": "commerce"}));
        system.relations =
            vec![crate::catalog::Relation { rel_type: PART_OF.into(), target: "domain:default/commerce".into() }]
                .into();
        Catalog::new(vec![
            e("Domain", "commerce", json!({"owner": "team-a"})),
            system,
            e("Component", "web", json!({"owner": "team-a", "system": "shop", "type": "service"})),
            e("Component", "api", json!({"owner": "team-b", "system": "shop", "type": "service"})),
            e("Component", "lonely", json!({"owner": "team-b", "type": "service"})),
        ])
    }

    fn result(entity: &str, probe: &str, state: State) -> ProbeResult {
        let spec = crate::health::ProbeSpec {
            entity: format!("component:default/{entity}"),
            id: probe.into(),
            kind: crate::health::ProbeKind::Http,
            target: crate::health::Target::Http { url: "http://x".into() },
            label: probe.into(),
        };
        let mut r = crate::health::probe::not_run(&spec, "x");
        r.state = state;
        r.checked_at = 1000;
        r
    }

    #[test]
    fn scopes_and_worst_first_board() {
        let c = catalog();
        let shop = select(&c, &Scope::System("system:default/shop".into()));
        assert_eq!(shop, ["component:default/api", "component:default/web"]);
        let domain = select(&c, &Scope::Domain("domain:default/commerce".into()));
        assert_eq!(domain.len(), 3, "{domain:?}");
        assert_eq!(select(&c, &Scope::Owner("group:default/team-b".into())).len(), 2);

        let results = [
            result("web", "b", State::Ok),
            result("web", "a", State::Warn),
            result("api", "a", State::Crit),
            result("lonely", "a", State::Crit),
        ];
        let order = vec!["component:default/web#a".to_string(), "component:default/web#b".to_string()];
        let board = Board::build(&shop, &results, &order, 1010, 60);
        let rows: Vec<(&str, &str)> = board.rows.iter().map(|r| (r.entity.as_str(), r.worst.word())).collect();
        assert_eq!(rows, [("component:default/api", "crit"), ("component:default/web", "warn")]);
        assert_eq!(board.entities.summary(), "1 crit · 1 warn");
        assert_eq!(board.probes.summary(), "1 crit · 1 warn · 1 ok");
        assert_eq!(board.rows[1].results[0].probe, "a", "probes in the listed order");
        assert_eq!(board.worst(), State::Crit);
        // Past the TTL everything is stale, and the board says so.
        let later = Board::build(&shop, &results, &order, 2000, 60);
        assert_eq!(later.entities.summary(), "2 stale");
    }
}
