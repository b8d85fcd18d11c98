//! Health in the TUI. Snapshots of the entity page's health section, the
//! coloured tree and the `:health` board from results injected as
//! `Msg::ProbeDone` (deterministic); then real probes run by the TUI's own
//! jobs against a real http.server on loopback, on the board and the entity
//! page, and the board agrees with `callboard health --system S --json`.

use callboard::headless::Headless;
use callboard::health::{probe::not_run, HealthConfig, ProbeKind, ProbeResult, ProbeSpec, State, Target};
use callboard::msg::Msg;
use callboard::screens::health::HealthBoard;
use callboard::source::Source;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
#[path = "common/fs.rs"]
mod fs_util;

/// A fixed clock: 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600;

fn base() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = PathBuf::from("/tmp/callboard-health-tui");
        let _ = std::fs::remove_dir_all(&base);
        fs_util::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"), &base.join("demo"));
        std::env::set_var("CALLBOARD_CACHE_DIR", base.join("cache"));
        base
    })
}

fn demo(width: u16, height: u16) -> Headless {
    Headless::open(Source::Dir(base().join("demo")), width, height, NOW).unwrap()
}

fn snap(name: &str, screen: String) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, screen);
    });
}

/// A result as a probe would report it, `age` seconds before NOW.
fn result(entity: &str, id: &str, kind: ProbeKind, state: State, value: &str, age: i64) -> ProbeResult {
    let spec = ProbeSpec {
        entity: format!("component:default/{entity}"),
        id: id.into(),
        kind,
        target: Target::Http { url: format!("https://{entity}.example/health") },
        label: format!("GET https://{entity}.example/health"),
    };
    let mut r = not_run(&spec, "");
    r.state = state;
    r.error = None;
    r.value = (!value.is_empty()).then(|| value.to_string());
    r.latency_ms = 42;
    r.checked_at = NOW - age;
    r
}

fn inject(app: &mut Headless, results: Vec<ProbeResult>) {
    for r in results {
        app.dispatch(Msg::ProbeDone(Box::new(r)));
    }
}

#[test]
fn entity_page_health_section() {
    let mut app = demo(100, 32);
    let mut alert = result("payments-api", "prometheus/alert", ProbeKind::Prometheus, State::Crit, "1 firing", 12);
    alert.label = "alerts: all".into();
    alert.details = vec!["firing HighErrorRate {severity=page}".into()];
    alert.link = Some("http://prometheus.example/alerts".into());
    let mut hung = result("payments-api", "http/health", ProbeKind::Http, State::Crit, "", 3);
    hung.label = "GET https://payments-api.example/healthz".into();
    hung.error = Some("timed out after 5 s".into());
    inject(
        &mut app,
        vec![alert, hung, result("payments-api", "http/status", ProbeKind::Http, State::Ok, "HTTP 200 in 42 ms", 30)],
    );
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter enter");
    let screen = app.screen();
    snap("health_entity_section_100x32", screen.clone());
    assert!(screen.contains("Health ✗ crit") && screen.contains("2 crit · 1 ok"), "{screen}");
    assert!(screen.contains("error: timed out after 5 s"), "the hung probe shows as a timeout:\n{screen}");
    assert!(screen.contains("checked 12 s ago") && screen.contains("↗ http://prometheus.example/alerts"), "{screen}");

    // The list's health column: the symbol for the row, nothing for rows without probes.
    app.keys("esc");
    let list = app.screen();
    assert!(list.lines().any(|l| l.starts_with("✗ Payments API")), "{list}");
}

#[test]
fn stale_results_are_marked_with_their_age() {
    let mut app = demo(100, 32);
    app.state.health.ttl = 60;
    inject(&mut app, vec![result("payments-api", "http/health", ProbeKind::Http, State::Ok, "HTTP 200", 4000)]);
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter enter");
    let screen = app.screen();
    assert!(screen.contains("~ stale") && screen.contains("checked 1 h ago"), "{screen}");
}

#[test]
fn dependency_tree_coloured_per_node_with_subtree_rollups() {
    let mut app = demo(120, 36);
    app.keys("/");
    app.type_text("checkout-web");
    app.keys("enter d e");
    let tree = app.screen();
    // Whatever the tree holds below its root, crit two of them and warn one.
    let keys: Vec<String> = callboard::screens::top::<callboard::screens::tree::TreePage>(&app.state)
        .unwrap()
        .rows
        .iter()
        .filter(|r| r.depth > 0 && !r.missing && r.key.starts_with("component:"))
        .map(|r| r.key.clone())
        .collect();
    assert!(keys.len() >= 2, "checkout-web has component dependencies:\n{tree}");
    let name = |k: &str| k.trim_start_matches("component:default/").to_string();
    let mut results = vec![
        result(&name(&keys[0]), "http/health", ProbeKind::Http, State::Crit, "HTTP 500", 5),
        result(&name(&keys[1]), "http/health", ProbeKind::Http, State::Warn, "HTTP 200 in 1500 ms", 5),
    ];
    results.push(result("checkout-web", "http/health", ProbeKind::Http, State::Ok, "HTTP 200", 5));
    inject(&mut app, results);
    let screen = app.screen();
    snap("health_tree_120x36", screen.clone());
    let root = screen.lines().find(|l| l.contains("✓ ok component:checkout-web")).unwrap_or_else(|| panic!("{screen}"));
    assert!(root.contains("crit") && root.contains("warn below"), "the root rolls up its subtree: {root}");
    assert!(screen.contains("✗ crit"), "{screen}");
}

#[test]
fn health_board_worst_first_with_counts() {
    let mut app = demo(100, 30);
    app.keys(":");
    app.type_text("health system payments-core");
    app.keys("enter");
    let board = callboard::screens::top::<HealthBoard>(&app.state).expect("the board is open").clone();
    assert!(board.keys.len() >= 3, "{:?}", board.keys);
    let names: Vec<String> = board
        .keys
        .iter()
        .filter(|k| k.starts_with("component:"))
        .map(|k| k.trim_start_matches("component:default/").to_string())
        .collect();
    let mut hung = result(&names[1], "http/health", ProbeKind::Http, State::Crit, "", 5);
    hung.error = Some("timed out after 5 s".into());
    inject(
        &mut app,
        vec![
            result(&names[0], "http/health", ProbeKind::Http, State::Ok, "HTTP 200 in 12 ms", 5),
            hung,
            result(&names[2], "http/health", ProbeKind::Http, State::Warn, "HTTP 200 in 1500 ms", 5),
        ],
    );
    let screen = app.screen();
    snap("health_board_100x30", screen.clone());
    assert!(screen.contains("Health of system payments-core") && screen.contains("1 crit · 1 warn · 1 ok"), "{screen}");
    let crit = screen.find("✗ crit").unwrap();
    let warn = screen.rfind("! warn").unwrap();
    let ok = screen.rfind("✓ ok").unwrap();
    assert!(crit < warn && warn < ok, "worst first:\n{screen}");
    assert!(screen.contains("http: timed out after 5 s"), "{screen}");
    // Enter opens the worst one's page.
    app.keys("enter");
    assert!(app.screen().contains(&names[1]));
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_target() -> (Killed, String) {
    let script = format!("{}/tests/health/http_target.py", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new("python3").arg(script).stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (Killed(child), format!("http://127.0.0.1:{}", line.trim()))
}

fn component(name: &str, health: Option<&str>) -> String {
    let links = health.map(|u| format!("  links:\n    - url: {u}\n      type: health\n")).unwrap_or_default();
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n{links}\
         spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  system: shop\n---\n"
    )
}

#[test]
fn real_probes_on_the_board_and_the_page_agree_with_the_cli() {
    let (_server, url) = http_target();
    let dir = base().join("real");
    std::fs::create_dir_all(dir.join("catalog")).unwrap();
    let mut yaml = String::from(
        "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: shop\nspec:\n  owner: team-a\n---\n",
    );
    yaml += &component("web", Some(&format!("{url}/healthy")));
    yaml += &component("api", Some(&format!("{url}/error")));
    yaml += &component("stuck", Some(&format!("{url}/hung")));
    yaml += &component("batch", None);
    std::fs::write(dir.join("catalog/catalog-info.yaml"), yaml).unwrap();
    let config_text = "[health]\ntimeout = 2\n";
    std::fs::write(dir.join("config.toml"), config_text).unwrap();
    let health: HealthConfig = toml::from_str("timeout = 2").unwrap();

    let mut app = Headless::open(Source::Dir(dir.join("catalog")), 100, 30, NOW).unwrap();
    app.enable_health(health);
    let started = std::time::Instant::now();
    app.keys(":");
    app.type_text("health system shop");
    app.keys("enter");
    // The probe job ran inline: the hung endpoint ended as a timeout.
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let screen = app.screen();
    assert!(screen.contains("1 crit · 1 ok") || screen.contains("2 crit · 1 ok"), "{screen}");
    assert!(screen.contains("timed out after 2 s"), "the hung one shows as a timeout:\n{screen}");
    assert!(screen.contains("HTTP 500"), "{screen}");
    assert!(screen.contains("1 entity without probes"), "batch has none:\n{screen}");

    // The board and `callboard health --system shop --json` build the same Board.
    let board = callboard::screens::top::<HealthBoard>(&app.state).unwrap().board(&app.state);
    let out = Command::new(env!("CARGO_BIN_EXE_callboard"))
        .arg("--catalog-dir")
        .arg(dir.join("catalog"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(["health", "--system", "shop", "--json"])
        .env("CALLBOARD_CACHE_DIR", dir.join("cli-cache"))
        .env("CALLBOARD_STATE_DIR", dir.join("cli-cache"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"], board.entities.summary());
    assert_eq!(json["state"], board.worst().word());
    let cli_rows: Vec<(String, String)> = json["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["ref"].as_str().unwrap().to_string(), e["state"].as_str().unwrap().to_string()))
        .collect();
    let tui_rows: Vec<(String, String)> =
        board.rows.iter().map(|r| (r.entity.clone(), r.worst.word().to_string())).collect();
    assert_eq!(cli_rows, tui_rows);

    // The entity page of the healthy one shows its real probe.
    let web = board.rows.iter().position(|r| r.entity.ends_with("/web")).unwrap();
    for _ in 0..web {
        app.keys("j");
    }
    app.keys("enter");
    let page = app.screen();
    assert!(page.contains("Health ✓ ok") && page.contains("HTTP 200"), "{page}");
    assert!(page.contains(&format!("↗ {url}/healthy")), "{page}");

    // Results are kept in the cache on the next tick, for the next start.
    app.dispatch(Msg::Tick(NOW + 1));
    let cache = callboard::catalog::cache::Cache::open(&Source::Dir(dir.join("catalog")).cache_path()).unwrap();
    assert_eq!(cache.load_health(&[]).unwrap().len(), 3, "every probe result was kept");

    // A later start (no runner here, as when offline) shows the last known
    // results from the cache, marked stale with their age.
    let later = callboard::source::unix_now() + 7200;
    let mut again = Headless::open(Source::Dir(dir.join("catalog")), 100, 30, later).unwrap();
    again.state.health.enabled = true;
    let catalog = again.state.catalog.clone();
    again.dispatch(Msg::CatalogLoaded { catalog, info: Default::default() });
    again.dispatch(Msg::Tick(later + 1));
    assert_eq!(again.state.health.results.len(), 3, "loaded from the cache");
    again.keys(":");
    again.type_text("health system shop");
    again.keys("enter");
    let screen = again.screen();
    assert!(screen.contains("~ stale") && screen.contains("3 stale"), "{screen}");
    again.keys("enter");
    let page = again.screen();
    assert!(page.contains("checked 2 h ago"), "{page}");
}

/// What to probe is decided from what is on screen, asks only for probes
/// whose result is missing or past the TTL, and never twice in a row.
#[test]
fn plan_asks_for_what_is_on_screen_once_and_only_when_due() {
    use callboard::effect::Effect;
    use callboard::screens::health::plan;
    let mut app = demo(100, 30);
    app.state.health.enabled = true;
    app.state.health.ttl = 60;
    app.keys("/");
    app.type_text("payments-api");
    app.keys("enter enter");
    let key = "component:default/payments-api".to_string();
    // The page asked already (the keys above went through update); nothing new within 5 s.
    assert!(plan(&mut app.state).is_empty());
    let fresh = result("payments-api", "http/a", ProbeKind::Http, State::Ok, "", 10);
    let old = result("payments-api", "http/b", ProbeKind::Http, State::Ok, "", 100);
    let spec = |id: &str| ProbeSpec {
        entity: key.clone(),
        id: id.into(),
        kind: ProbeKind::Http,
        target: Target::Http { url: "http://x".into() },
        label: id.into(),
    };
    app.dispatch(Msg::ProbesPlanned(vec![(key.clone(), vec![spec("http/a"), spec("http/b")])]));
    inject(&mut app, vec![fresh.clone(), old]);
    app.state.now = NOW + 6;
    match plan(&mut app.state).as_slice() {
        [Effect::Probe { scope, keys, skip }] => {
            assert_eq!((*scope, keys.as_slice()), ("entity", [key.clone()].as_slice()));
            assert_eq!(skip, std::slice::from_ref(&fresh.key), "the fresh one is not run again");
        }
        other => panic!("{other:?}"),
    }
    assert!(plan(&mut app.state).is_empty(), "asked once, not per frame");
    // Both fresh: nothing to do even after the ask-again delay.
    let mut renewed = result("payments-api", "http/b", ProbeKind::Http, State::Ok, "", 0);
    renewed.checked_at = NOW + 6;
    inject(&mut app, vec![renewed]);
    app.state.now = NOW + 20;
    assert!(plan(&mut app.state).is_empty());
}
