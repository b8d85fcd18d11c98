//! `callboard health` as an alert handler runs it: the real binary on a
//! folder catalog whose health links point at a real http.server on loopback.

use serde_json::Value;
use std::io::BufRead;
use std::process::{Child, Command, Output, Stdio};

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

fn component(name: &str, system: &str, owner: &str, health: Option<&str>) -> String {
    let links = health
        .map(|u| format!("  links:\n    - url: {u}\n      title: Health\n      type: health\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n{links}\
         spec:\n  type: service\n  lifecycle: production\n  owner: {owner}\n  system: {system}\n---\n"
    )
}

fn callboard(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callboard"))
        .arg("--catalog-dir")
        .arg(dir.join("catalog"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(args)
        .env("CALLBOARD_CACHE_DIR", dir.join("cache"))
        .env("CALLBOARD_STATE_DIR", dir.join("cache"))
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn system_json_agrees_with_each_entity_and_exits_with_the_worst_state() {
    let (_server, base) = http_target();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("catalog")).unwrap();
    let mut yaml = String::from(
        "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: shop\nspec:\n  owner: team-a\n  domain: commerce\n---\n\
         apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n  name: commerce\nspec:\n  owner: team-a\n---\n\
         apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n---\n\
         apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: ann\nspec:\n  memberOf: [team-a]\n---\n",
    );
    yaml += &component("web", "shop", "team-a", Some(&format!("{base}/healthy")));
    yaml += &component("api", "shop", "team-a", Some(&format!("{base}/error")));
    yaml += &component("worker", "shop", "team-b", Some(&format!("{base}/slow")));
    yaml += &component("batch", "shop", "team-b", None);
    yaml += &component("lonely", "other", "team-b", Some(&format!("{base}/healthy")));
    std::fs::write(dir.path().join("catalog/catalog-info.yaml"), yaml).unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "me = \"user:default/ann\"\n[health]\ntimeout = 4\n[health.http]\nwarn_ms = 1000\n",
    )
    .unwrap();

    let system = callboard(dir.path(), &["health", "--system", "shop", "--json"]);
    assert_eq!(system.status.code(), Some(2), "{}", String::from_utf8_lossy(&system.stderr));
    let board = json(&system);
    assert_eq!(board["state"], "crit");
    assert_eq!(board["summary"], "1 crit · 1 warn · 1 ok");
    let entities = board["entities"].as_array().unwrap();
    let order: Vec<&str> = entities.iter().map(|e| e["ref"].as_str().unwrap()).collect();
    assert_eq!(order, ["component:default/api", "component:default/worker", "component:default/web"], "worst first");
    for (e, code) in entities.iter().zip([2, 1, 0]) {
        let name = e["ref"].as_str().unwrap();
        let single = callboard(dir.path(), &["health", name, "--json"]);
        assert_eq!(single.status.code(), Some(code), "{name}");
        let single = json(&single);
        assert_eq!(single["entities"][0]["state"], e["state"], "{name}");
        assert_eq!(single["entities"][0]["probes"][0]["state"], e["probes"][0]["state"], "{name}");
        assert_eq!(single["entities"][0]["probes"][0]["label"], e["probes"][0]["label"], "{name}");
    }
    assert_eq!(entities[0]["probes"][0]["error"], "HTTP 500");

    let text = callboard(dir.path(), &["health", "--system", "shop"]);
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(text.starts_with("✗ crit  1 crit · 1 warn · 1 ok"), "{text}");
    assert!(
        text.contains("✗ crit    component:default/api") && text.contains("! warn    component:default/worker"),
        "{text}"
    );

    let domain = json(&callboard(dir.path(), &["health", "--domain", "commerce", "--json"]));
    assert_eq!(domain["summary"], board["summary"], "the domain's only system is shop");
    let mine = json(&callboard(dir.path(), &["health", "--mine", "--json"]));
    assert_eq!(mine["entities"].as_array().unwrap().len(), 2, "web and api are team-a's");
    let owner = json(&callboard(dir.path(), &["health", "--owner", "team-b", "--json"]));
    let refs: Vec<&str> = owner["entities"].as_array().unwrap().iter().map(|e| e["ref"].as_str().unwrap()).collect();
    assert_eq!(refs, ["component:default/worker", "component:default/lonely"]);

    let none = callboard(dir.path(), &["health", "batch"]);
    assert_eq!(none.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&none.stderr).contains("has a probe"));
    let missing = callboard(dir.path(), &["health", "no-such-thing"]);
    assert_eq!(missing.status.code(), Some(3), "not found is unknown, never warn");

    // The results were kept in the source's cache for an offline start.
    let cache_file = std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "sqlite"))
        .unwrap();
    let cache = callboard::catalog::cache::Cache::open(&cache_file).unwrap();
    let kept = cache.load_health(&["component:default/api"]).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].state, callboard::health::State::Crit);
}
