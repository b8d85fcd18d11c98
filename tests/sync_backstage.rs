//! Sync against a real Backstage backend (tests/backstage): full sync, an
//! incremental sync of exactly an edit's diff, a sync dropped midway, a wrong
//! token, and working from the cache once the server is gone. One server,
//! started once, phases in order.

#[path = "common/backstage.rs"]
mod backstage;
#[path = "common/tmux.rs"]
mod tmux;

use backstage::{Backstage, TOKEN};
use callboard::backstage::Client;
use callboard::catalog::cache::{Cache, StoredEntity};
use callboard::config::{Config, Instance};
use callboard::msg::{Msg, SyncEvent};
use callboard::source::{unix_now, Source};
use callboard::sync::backstage::{sync_instance, sync_with_client, Progress, SyncMode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// Entities in tests/backstage/fixtures/catalog, Location entities included.
const FIXTURE_ENTITIES: usize = 26;
const TOKEN_ENV: &str = "CALLBOARD_E2E_TOKEN";

const DOOMED: &str = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: cb-doomed\nspec:\n  type: team\n  children: []\n";
const ADDED: &str = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: cb-added\n  description: Added by the sync test\nspec:\n  type: team\n  children: []\n";

/// Write via rename, so the catalog never reads a half-written file.
fn write_atomic(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// Add (or remove) a target of the root Location.
fn set_target(catalog: &Path, file: &str, present: bool) {
    let path = catalog.join("catalog-info.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = format!("    - ./{file}\n");
    let text = if present {
        text.replacen("  targets:\n", &format!("  targets:\n{line}"), 1)
    } else {
        text.replace(&line, "")
    };
    write_atomic(&path, &text);
}

struct Env {
    work: tempfile::TempDir,
    config: PathBuf,
    cache_dir: PathBuf,
}

impl Env {
    fn callboard(&self, args: &[&str], token: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_callboard"));
        cmd.arg("--config").arg(&self.config).args(["--instance", "e2e"]).args(args);
        cmd.env("CALLBOARD_CACHE_DIR", &self.cache_dir).env("CALLBOARD_STATE_DIR", self.work.path().join("state"));
        match token {
            Some(t) => cmd.env(TOKEN_ENV, t),
            None => cmd.env_remove(TOKEN_ENV),
        };
        cmd.output().unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The cache as a test compares it: every key with its etag, and synced_at.
fn snapshot(path: &Path) -> (HashMap<String, String>, Option<String>) {
    let cache = Cache::open(path).unwrap();
    (cache.etags().unwrap(), cache.meta("synced_at"))
}

fn raw(path: &Path, key: &str) -> Option<Value> {
    Cache::open(path).unwrap().raw(key).unwrap()
}

#[test]
fn sync_from_a_real_backstage() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage/fixtures/catalog");
    let Some(mut server) = Backstage::start(&fixtures, FIXTURE_ENTITIES + 1, |dir| {
        std::fs::write(dir.join("doomed.yaml"), DOOMED).unwrap();
        set_target(dir, "doomed.yaml", true);
    }) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("config.toml");
    let toml = format!("[[instance]]\nname = \"e2e\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\n", server.url);
    std::fs::write(&config, &toml).unwrap();
    let cache_dir = work.path().join("cache");
    // This process's syncs (the library, not the binary) read both from the environment.
    std::env::set_var("CALLBOARD_CACHE_DIR", &cache_dir);
    std::env::set_var(TOKEN_ENV, TOKEN);
    let instance: Instance = Config::from_file(&config).unwrap().instances.remove(0);
    let source = Source::Instance(instance.clone());
    let cache_path = source.cache_path();
    let env = Env { work, config, cache_dir };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();

    // 1. A cache filled from somewhere else is replaced by a full sync, even when
    //    an incremental one is asked for. Piped stderr: no progress line.
    let foreign = json!({"apiVersion": "v1", "kind": "Component", "metadata": {"name": "elsewhere"}, "spec": {}});
    Cache::open(&cache_path)
        .unwrap()
        .replace_all(&[StoredEntity { raw: &foreign, etag: "" }], &[("source", "files:/elsewhere")])
        .unwrap();
    let out = env.callboard(&["sync"], Some(TOKEN));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let total = FIXTURE_ENTITIES + 1;
    let line = text(&out.stdout);
    assert!(
        line.starts_with(&format!("e2e: full sync, {total} added, 0 changed, 1 removed, {total} entities; ")),
        "{line}"
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    assert!(raw(&cache_path, "group:default/cb-doomed").is_some());

    // 2. Nothing changed: one listing request, nothing written but the time.
    let out = env.callboard(&["sync"], Some(TOKEN));
    let line = text(&out.stdout);
    assert!(
        line.starts_with(&format!("e2e: incremental sync, 0 added, 0 changed, 0 removed, {total} entities; ")),
        "{line}"
    );
    assert!(line.contains(", 1 request, "), "{line}");

    // 3. Edit the catalog: add a file, change an entity, delete a file. Wait for
    //    the server, then the incremental sync must apply exactly that diff.
    let dir = &server.catalog_dir;
    write_atomic(&dir.join("added.yaml"), ADDED);
    set_target(dir, "added.yaml", true);
    set_target(dir, "doomed.yaml", false);
    std::fs::remove_file(dir.join("doomed.yaml")).unwrap();
    let components = std::fs::read_to_string(dir.join("components.yaml")).unwrap();
    assert!(components.contains("  name: payments-service\n"), "the fixtures changed; update this test");
    let components = components.replacen(
        "  name: payments-service\n",
        "  name: payments-service\n  labels:\n    callboard-test: changed\n",
        1,
    );
    write_atomic(&dir.join("components.yaml"), &components);
    let client = Client::new(&instance).unwrap();
    let watched: Vec<String> = [
        "group:default/cb-added",
        "group:default/cb-doomed",
        "component:default/payments-service",
        "location:default/callboard-fixtures",
    ]
    .map(String::from)
    .to_vec();
    server.wait_until("pick up the edits", Duration::from_secs(60), || {
        let items = runtime.block_on(client.entities_by_refs(&watched, None)).unwrap();
        let labelled = items[2].as_ref().and_then(|e| e.pointer("/metadata/labels/callboard-test")).is_some();
        let targets =
            items[3].as_ref().and_then(|e| e.pointer("/spec/targets")).map(Value::to_string).unwrap_or_default();
        items[0].is_some()
            && items[1].is_none()
            && labelled
            && targets.contains("added.yaml")
            && !targets.contains("doomed")
    });
    let (before, _) = snapshot(&cache_path);
    let mut progress: Vec<Progress> = Vec::new();
    let report = runtime
        .block_on(sync_instance(&instance, &source.identity(), &cache_path, false, &mut |p| progress.push(p)))
        .unwrap();
    assert_eq!(report.mode, SyncMode::Incremental);
    assert_eq!((report.stats.added, report.stats.changed, report.stats.removed), (1, 2, 1), "{report:?}");
    assert_eq!(progress.last(), Some(&Progress { fetched: total, total: Some(total) }));
    let (after, _) = snapshot(&cache_path);
    let mut changed: Vec<&str> =
        after.iter().filter(|(k, e)| before.get(*k).is_some_and(|b| b != *e)).map(|(k, _)| k.as_str()).collect();
    changed.sort();
    assert_eq!(changed, ["component:default/payments-service", "location:default/callboard-fixtures"]);
    assert_eq!(
        raw(&cache_path, "component:default/payments-service").unwrap()["metadata"]["labels"]["callboard-test"],
        "changed"
    );
    assert_eq!(
        raw(&cache_path, "group:default/cb-added").unwrap()["metadata"]["description"],
        "Added by the sync test"
    );
    assert!(raw(&cache_path, "group:default/cb-doomed").is_none());
    // The incremental result equals a full sync of the same server.
    let fresh = env.work.path().join("fresh.sqlite");
    runtime.block_on(sync_instance(&instance, &source.identity(), &fresh, true, &mut |_| {})).unwrap();
    assert_eq!(snapshot(&fresh).0, after);

    // 4. The TUI's sync: progress and the outcome as messages, and a catalog to
    //    swap in only when something changed (here: a row dropped from the cache).
    Cache::open(&cache_path).unwrap().apply_changes(&[], &["group:default/cb-added".into()], &[]).unwrap();
    for (full, added) in [(false, 1), (false, 0), (true, 0)] {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        runtime.block_on(callboard::sync::run_sync(&source, full, &tx));
        let msgs: Vec<Msg> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        assert!(matches!(msgs.first(), Some(Msg::Sync(SyncEvent::Started { .. }))), "{msgs:?}");
        assert!(msgs.iter().any(|m| matches!(m, Msg::Sync(SyncEvent::Progress { .. }))));
        let loaded = msgs.iter().find_map(|m| match m {
            Msg::CatalogLoaded { catalog, .. } => Some(catalog.len()),
            _ => None,
        });
        assert_eq!(loaded, (added > 0).then_some(total), "{msgs:?}");
        let done = msgs.last();
        assert!(matches!(done, Some(Msg::Sync(SyncEvent::Done { changed: 0, removed: 0, .. }))), "{msgs:?}");
        assert!(matches!(done, Some(Msg::Sync(SyncEvent::Done { added: a, .. })) if *a == added), "{msgs:?}");
    }

    // 5. A full sync dropped after three of its pages leaves the snapshot whole.
    let snap = snapshot(&cache_path);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut stop_tx = Some(stop_tx);
    let mut on_progress = |p: Progress| {
        if p.fetched >= 6 {
            if let Some(tx) = stop_tx.take() {
                let _ = tx.send(());
            }
        }
    };
    let identity = source.identity();
    let dropped = runtime.block_on(async {
        tokio::select! {
            _ = sync_with_client(&client, 2, &identity, &cache_path, true, &mut on_progress) => false,
            _ = stop_rx => true,
        }
    });
    assert!(dropped, "the sync finished before it could be stopped");
    assert_eq!(snapshot(&cache_path), snap);

    // 6. A wrong or missing token: a clear error naming where the token comes from.
    let out = env.callboard(&["sync", "--full"], Some("not-the-token"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!("callboard: 401 from {}/api/catalog/entities/by-query: the token was rejected; check token_env {TOKEN_ENV}\n", server.url)
    );
    assert!(out.stdout.is_empty());
    let out = env.callboard(&["sync"], None);
    assert!(
        text(&out.stderr).contains(&format!("token_env {TOKEN_ENV}: the variable is not set")),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(snapshot(&cache_path), snap);

    // 7. Server gone: sync fails as offline and leaves the cache; reading works and says how old it is.
    server.stop();
    let out = env.callboard(&["sync"], Some(TOKEN));
    assert_eq!(out.status.code(), Some(3), "unreachable has its own exit status");
    assert!(
        text(&out.stderr).contains(&format!("cannot connect to {}/api/catalog/entities/by-query", server.url)),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(snapshot(&cache_path), snap);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    runtime.block_on(callboard::sync::run_sync(&source, false, &tx));
    let failed = std::iter::from_fn(|| rx.try_recv().ok()).last();
    let Some(Msg::Sync(SyncEvent::Failed { message, offline: true })) = failed else { panic!("{failed:?}") };
    let three_hours_ago = unix_now() - 3 * 3600 - 60;
    Cache::open(&cache_path).unwrap().set_meta("synced_at", &three_hours_ago.to_string()).unwrap();
    let out = env.callboard(&["search", "kind:group", "cb"], Some(TOKEN));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("group:cb-added"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("synced 3 h ago"), "{}", text(&out.stderr));
    let mut app = callboard::headless::Headless::open(source.clone(), 160, 40, unix_now()).unwrap();
    app.dispatch(Msg::Sync(SyncEvent::Failed { message, offline: true }));
    let screen = app.screen();
    assert!(screen.contains("offline · cache 3 h old"), "{screen}");
    assert!(screen.contains(&format!("{total} entities")), "{screen}");

    // 8. The real TUI, the server still stopped: it opens from the cache, says
    // it is offline and how old the cache is, searches, and opens an entity.
    let config = env.config.display().to_string();
    let args = ["--config", config.as_str(), "--instance", "e2e"];
    let Some(tui) = tmux::Tmux::start("offline", 120, 30, &env.cache_dir, &[(TOKEN_ENV, TOKEN)], &args) else {
        return;
    };
    let screen = tui.wait_for("offline · cache 3 h old");
    assert!(screen.contains(&format!("{total} entities")), "{screen}");
    tui.send(&["/"]);
    tui.type_text("cb-added");
    let found = tui.wait_until("cb-added first", |s| s.lines().nth(3).is_some_and(|row| row.contains("cb-added")));
    assert!(found.contains("offline"), "still says offline while searching:\n{found}");
    tui.send(&["Enter"]);
    tui.send(&["Enter"]);
    let page = tui.wait_for("group:cb-added");
    assert!(page.contains("Catalog › "), "the entity page, from the cache:\n{page}");
}
