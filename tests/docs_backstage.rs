//! Runbooks, TechDocs and search against a real Backstage (tests/backstage):
//! the prebuilt orders-api site served by the TechDocs backend (publisher
//! `local`, builder `external`), the search index built by the catalog
//! collator; then the server is stopped and the runbook opens from the cache.

#[path = "common/backstage.rs"]
mod backstage;
#[path = "common/tcp_count.rs"]
mod tcp_count;

use backstage::{Backstage, TOKEN};
use callboard::config::Config;
use callboard::headless::Headless;
use callboard::msg::Msg;
use callboard::source::{unix_now, Source};
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

const FIXTURE_ENTITIES: usize = 26;
const TOKEN_ENV: &str = "CALLBOARD_DOCS_E2E_TOKEN";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

struct Env {
    config: std::path::PathBuf,
    cache_dir: std::path::PathBuf,
}

impl Env {
    fn callboard(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_callboard"))
            .arg("--config")
            .arg(&self.config)
            .args(["--instance", "e2e"])
            .args(args)
            .env("CALLBOARD_CACHE_DIR", &self.cache_dir)
            .env(TOKEN_ENV, TOKEN)
            // No display: `open` prints the address rather than starting a browser.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap()
    }
}

fn open_orders_api(app: &mut Headless) {
    app.keys("/");
    app.type_text("orders-api");
    app.keys("enter enter");
    assert!(app.screen().contains("Orders API"), "{}", app.screen());
}

#[test]
fn techdocs_search_and_offline_against_a_real_backstage() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/backstage/fixtures/catalog");
    let Some(mut server) = Backstage::start(&fixtures, FIXTURE_ENTITIES, |_| {}) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("config.toml");
    let toml = format!("[[instance]]\nname = \"e2e\"\nurl = \"{}\"\ntoken_env = \"{TOKEN_ENV}\"\n", server.url);
    std::fs::write(&config, &toml).unwrap();
    let cache_dir = work.path().join("cache");
    std::env::set_var("CALLBOARD_CACHE_DIR", &cache_dir);
    std::env::set_var(TOKEN_ENV, TOKEN);
    let env = Env { config: config.clone(), cache_dir };
    let out = env.callboard(&["sync"]);
    assert!(out.status.success(), "sync: {}", text(&out.stderr));

    let instance = Config::from_file(&config).unwrap().instances.remove(0);
    one_connection_pool_per_instance(&instance);
    let mut app = Headless::open(Source::Instance(instance.clone()), 110, 45, unix_now()).unwrap();
    app.state.docs.server = Some(server.url.clone());

    // 1. One key on the entity page: the TechDocs runbook page, rendered.
    open_orders_api(&mut app);
    app.keys("b");
    let screen = app.screen();
    assert!(
        screen.contains("Runbook") && screen.contains("TechDocs default/component/orders-api/runbook/"),
        "{screen}"
    );
    assert!(screen.contains(" live "), "{screen}");
    assert!(screen.contains("deployctl rollback orders-api"), "the code block is shown:\n{screen}");
    assert!(!screen.contains("runbook <loaded>"), "scripts are dropped:\n{screen}");
    app.keys("/");
    app.type_text("rollback");
    app.keys("enter");
    assert!(app.screen().contains("match 1 of"), "{}", app.screen());
    app.keys("esc");

    // 2. The link back to the overview is followed inside the viewer.
    app.keys("g tab");
    assert!(app.screen().contains("[1] ../"), "{}", app.screen());
    app.keys("enter");
    let screen = app.screen();
    assert!(
        screen.contains("Responsibilities") && screen.contains("TechDocs default/component/orders-api/"),
        "{screen}"
    );
    app.keys("esc esc esc");

    // 3. Search: wait for the collator's index, then `:search` shows typed,
    //    highlighted results and opens one.
    let client = callboard::backstage::Client::new(&instance).unwrap();
    server.wait_until("index the catalog for search", Duration::from_secs(60), || {
        let body = callboard::docs::runtime::block_on(client.search("orders", None));
        // The first index build may catch a half-ingested catalog: wait for orders-api.
        body.map(|b| {
            let results = callboard::docs::search::parse_response(&b).results;
            results.iter().any(|r| r.entity.as_deref() == Some("component:default/orders-api"))
        })
        .unwrap_or(false)
    });
    app.keys(":");
    app.type_text("search orders");
    app.keys("enter");
    let screen = app.screen();
    assert!(screen.contains("Search “orders”") && screen.contains("catalog"), "{screen}");
    let results = match callboard::screens::top::<callboard::screens::doc::DocScreen>(&app.state) {
        Some(callboard::screens::doc::DocScreen::Results(r)) => r.clone(),
        _ => panic!("not the results screen"),
    };
    assert!(results.results.iter().any(|r| r.entity.as_deref() == Some("component:default/orders-api")), "{results:?}");
    assert!(results.results.iter().all(|r| !r.title.contains("callboard-hl")), "our highlight tags are parsed out");
    assert!(results.results.iter().any(|r| !r.title_marks.is_empty() || !r.text_marks.is_empty()), "{results:?}");
    app.keys("enter");
    assert!(
        callboard::screens::top::<callboard::screens::entity::EntityPage>(&app.state).is_some(),
        "{}",
        app.screen()
    );

    let out = env.callboard(&["search", "--server", "orders"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(listed.contains("catalog") && listed.contains("/catalog/default/component/orders-api"), "{listed}");
    assert!(listed.contains("«"), "highlights are marked: {listed}");

    // 4. Prefetch fills the cache for a system.
    let out = env.callboard(&["docs", "prefetch", "--system", "orders"]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("Orders API: Runbook ✓ Orders API ✓"), "{}", text(&out.stdout));

    // 4b. From a script: the runbook as plain text, and the entity's page.
    let out = env.callboard(&["docs", "show", "orders-api"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("deployctl rollback orders-api"), "{}", text(&out.stdout));
    assert!(!text(&out.stdout).contains('\u{1b}'));
    assert!(text(&out.stderr).contains("TechDocs default/component/orders-api/runbook/"), "{}", text(&out.stderr));
    let out = env.callboard(&["open", "Orders API"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), format!("{}/catalog/default/component/orders-api", server.url));

    // 5. Server stopped: the same runbook opens from the cache, with its age.
    server.stop();
    let out = env.callboard(&["docs", "show", "orders-api"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("deployctl rollback orders-api"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("offline: cached"), "{}", text(&out.stderr));
    app.keys("esc esc esc esc");
    open_orders_api(&mut app);
    let later = unix_now() + 2 * 3600;
    app.dispatch(Msg::Tick(later));
    app.keys("b");
    let screen = app.screen();
    assert!(screen.contains("Offline copy, cached 2 h ago"), "{screen}");
    app.dispatch(Msg::Tick(later + 30));
    let screen = app.screen();
    assert!(screen.contains("offline · cached 2 h ago"), "{screen}");
    assert!(screen.contains("deployctl rollback orders-api"), "{screen}");
}

/// Every doc job of an instance goes through the executor's one client: the
/// runbooks listing and several page loads share one TCP connection (each
/// built its own client, and so its own connection, before).
fn one_connection_pool_per_instance(instance: &callboard::config::Instance) {
    use callboard::docs::effects::{DocsEffect, DocsMsg};
    use callboard::effect::Effect;
    let target: std::net::SocketAddr =
        instance.url.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
    let relay = tcp_count::CountingRelay::start(target);
    let mut relayed = instance.clone();
    relayed.url = relay.url();
    let jobs = callboard::exec::Inline::new(Source::Instance(relayed));
    let find = DocsEffect::FindRunbooks {
        request: 1,
        entity: "component:default/orders-api".into(),
        raw: None,
        annotations: vec!["runbook.url".into()],
    };
    let runbooks = match jobs.run(Effect::Docs(find)).pop() {
        Some(Msg::Docs(DocsMsg::RunbooksFound { runbooks, .. })) => runbooks,
        other => panic!("no runbooks: {other:?}"),
    };
    let pages: Vec<_> = runbooks.into_iter().filter(|r| r.in_terminal()).map(|r| r.target).collect();
    assert!(pages.len() >= 2, "orders-api has several TechDocs pages: {pages:?}");
    for (i, target) in pages.iter().chain(pages.iter()).enumerate() {
        let load = DocsEffect::Load { request: i as u64, target: target.clone(), anchor: None, width: 100 };
        match jobs.run(Effect::Docs(load)).pop() {
            Some(Msg::Docs(DocsMsg::Loaded { result: Ok(_), .. })) => {}
            other => panic!("{target:?} did not load: {other:?}"),
        }
    }
    assert_eq!(relay.connections(), 1, "{} requests over one connection", 1 + 2 * pages.len());
}
