//! Sync against a hand-rolled fake server, for faults a real Backstage cannot
//! be made to produce. Every failing case also checks the cache is untouched.

#[path = "common/fake_http.rs"]
mod fake_http;

use callboard::backstage::{BackstageError, Client, RetryPolicy, SyncLimits};
use callboard::catalog::cache::{Cache, StoredEntity};
use callboard::config::{Config, Instance};
use callboard::sync::backstage::{sync_with_client, SyncError, SyncMode, SyncReport};
use fake_http::{FakeServer, Reply};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TOKEN: &str = "fault-test-token-42";

fn instance(url: &str, extra: &str) -> Instance {
    let text = format!("[[instance]]\nname = \"fake\"\nurl = \"{url}\"\n{extra}\n");
    Config::from_str_at(&text, Path::new("test.toml")).unwrap().instances.remove(0)
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_total_wait: Duration::from_secs(10),
    }
}

fn entity(name: &str, etag: &str) -> Value {
    json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
           "metadata": {"name": name, "namespace": "default", "etag": etag},
           "spec": {"type": "service", "owner": "team-a", "lifecycle": "production"}})
}

fn page(names: &[&str], next: Option<&str>) -> String {
    let items: Vec<Value> = names.iter().map(|n| entity(n, &format!("etag-{n}"))).collect();
    let info = match next {
        Some(c) => json!({"nextCursor": c}),
        None => json!({}),
    };
    json!({"items": items, "totalItems": 3, "pageInfo": info}).to_string()
}

/// A page of `names` announcing `total` (or no totalItems at all).
fn page_of(names: &[String], total: Option<usize>, next: &str) -> String {
    let items: Vec<Value> = names.iter().map(|n| entity(n, &format!("etag-{n}"))).collect();
    let mut body = json!({"items": items, "pageInfo": {"nextCursor": next}});
    if let Some(total) = total {
        body["totalItems"] = json!(total);
    }
    body.to_string()
}

fn limited(server: &FakeServer, extra: &str, max_requests: u64, secs: u64) -> Client {
    client(server, extra).with_sync_limits(SyncLimits { max_requests, max_duration: Duration::from_secs(secs) })
}

fn ok(body: String) -> Reply {
    Reply::Json(200, vec![], body)
}

/// A cache holding one entity from `identity`, as a previous sync left it.
struct Previous {
    _dir: tempfile::TempDir,
    path: PathBuf,
    identity: String,
}

impl Previous {
    fn new(url: &str) -> Previous {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let identity = format!("backstage:{url}");
        let old = entity("old-one", "etag-old");
        let mut cache = Cache::open(&path).unwrap();
        cache
            .replace_all(
                &[StoredEntity { raw: &old, etag: "etag-old" }],
                &[("source", &identity), ("synced_at", "1000")],
            )
            .unwrap();
        Previous { _dir: dir, path, identity }
    }

    fn assert_untouched(&self) {
        let cache = Cache::open(&self.path).unwrap();
        let keys: Vec<String> = cache.etags().unwrap().into_keys().collect();
        assert_eq!(keys, vec!["component:default/old-one".to_string()]);
        assert_eq!(cache.meta("synced_at").as_deref(), Some("1000"));
    }

    async fn sync(&self, client: &Client, full: bool) -> Result<SyncReport, SyncError> {
        sync_with_client(client, 2, &self.identity, &self.path, full, &mut |_| {}).await
    }
}

fn client(server: &FakeServer, extra: &str) -> Client {
    Client::new(&instance(&server.url(), extra)).unwrap().with_retry_policy(fast_retries())
}

#[tokio::test]
async fn a_cut_off_body_is_retried_and_a_persistent_one_fails_cleanly() {
    // Flaky: the first answer is cut off mid-body, the retry is whole.
    let server = FakeServer::start(|i, _| match i {
        0 => Reply::Truncated { declared: 5000, sent: page(&["a", "b"], None)[..40].to_string() },
        _ => ok(page(&["a", "b"], None)),
    });
    let previous = Previous::new(&server.url());
    let report = previous.sync(&client(&server, ""), true).await.unwrap();
    assert_eq!((report.stats.added, report.stats.removed, report.entities), (2, 1, 2));
    assert_eq!(report.transfer.requests, 2);

    // Always cut off: a typed error after the retries, and the cache as it was.
    let server = FakeServer::start(|_, _| Reply::Truncated { declared: 5000, sent: "{\"items\": [".into() });
    let previous = Previous::new(&server.url());
    let err = previous.sync(&client(&server, ""), true).await.unwrap_err();
    assert!(matches!(err, SyncError::Backstage(BackstageError::Truncated { .. })), "{err:?}");
    assert!(err.to_string().contains("was cut off"), "{err}");
    assert!(!err.is_offline());
    assert_eq!(server.seen().len(), 5);
    previous.assert_untouched();
}

#[tokio::test]
async fn a_429_storm_honours_retry_after_then_gives_up_beyond_the_cap() {
    let server = FakeServer::start(|i, _| match i {
        0..=2 => Reply::Json(429, vec![("Retry-After", "1".into())], "{}".into()),
        _ => ok(page(&["a"], None)),
    });
    let previous = Previous::new(&server.url());
    let started = Instant::now();
    let report = previous.sync(&client(&server, ""), true).await.unwrap();
    // Three waits of Retry-After: 1 s each, not the 20 ms backoff.
    assert!(started.elapsed() >= Duration::from_millis(2900), "{:?}", started.elapsed());
    assert_eq!(report.transfer.requests, 4);

    // A server asking for longer than callboard waits in total: fail at once.
    let server = FakeServer::start(|_, _| Reply::Json(429, vec![("Retry-After", "3600".into())], "{}".into()));
    let previous = Previous::new(&server.url());
    let started = Instant::now();
    let err = previous.sync(&client(&server, ""), true).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(err.to_string().contains("429 from") && err.to_string().contains("3600s"), "{err}");
    assert_eq!(server.seen().len(), 1);
    previous.assert_untouched();
}

#[tokio::test]
async fn server_errors_are_retried_client_errors_are_not() {
    let server = FakeServer::start(|i, _| match i {
        0 => Reply::Json(503, vec![], r#"{"error":{"message":"warming up"}}"#.into()),
        _ => ok(page(&["a"], None)),
    });
    let previous = Previous::new(&server.url());
    assert_eq!(previous.sync(&client(&server, ""), true).await.unwrap().transfer.requests, 2);

    let server = FakeServer::start(|_, _| Reply::Json(400, vec![], r#"{"error":{"message":"bad limit"}}"#.into()));
    let previous = Previous::new(&server.url());
    let err = previous.sync(&client(&server, ""), true).await.unwrap_err().to_string();
    assert_eq!(server.seen().len(), 1, "a 4xx is never retried");
    assert!(err.starts_with("400 from http://") && err.ends_with("/api/catalog/entities/by-query: bad limit"), "{err}");
    previous.assert_untouched();

    let server = FakeServer::start(|_, _| Reply::Json(500, vec![], "{}".into()));
    let previous = Previous::new(&server.url());
    let err = previous.sync(&client(&server, ""), true).await.unwrap_err().to_string();
    assert!(err.contains("500 from") && err.contains("after 5 attempts"), "{err}");
    previous.assert_untouched();
}

#[tokio::test]
async fn a_hung_socket_times_out_as_offline() {
    let server = FakeServer::start(|_, _| Reply::Hang);
    let previous = Previous::new(&server.url());
    let started = Instant::now();
    let err = previous.sync(&client(&server, "request_timeout = 1"), true).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(err.is_offline(), "{err:?}");
    assert!(err.to_string().starts_with("no answer from http://"), "{err}");
    previous.assert_untouched();
}

#[tokio::test]
async fn a_sync_stopped_after_page_one_leaves_the_previous_snapshot() {
    // Page 1 arrives, page 2 never does: first by timeout, then by dropping the future.
    let server = FakeServer::start(|_, seen| {
        if seen.target.contains("cursor=") {
            Reply::Hang
        } else {
            ok(page(&["a", "b"], Some("page-2")))
        }
    });
    let previous = Previous::new(&server.url());
    let err = previous.sync(&client(&server, "request_timeout = 1"), true).await.unwrap_err();
    assert!(err.is_offline(), "{err}");
    previous.assert_untouched();

    let slow = client(&server, "request_timeout = 60");
    let dropped = tokio::time::timeout(Duration::from_millis(500), previous.sync(&slow, true)).await;
    assert!(dropped.is_err(), "the sync should still have been waiting for page 2");
    previous.assert_untouched();
}

#[tokio::test]
async fn a_rejected_token_command_is_run_again_once() {
    let dir = tempfile::tempdir().unwrap();
    let counter = dir.path().join("runs");
    // Prints "stale-token" the first time, the good token after.
    let script = format!(
        "n=$(cat {c} 2>/dev/null || echo 0); echo $((n+1)) > {c}; if [ $n = 0 ]; then echo stale-token; else echo {TOKEN}; fi",
        c = counter.display()
    );
    let server = FakeServer::start(|_, seen| match seen.authorization.as_deref() {
        Some(a) if a == format!("Bearer {TOKEN}") => ok(page(&["a"], None)),
        _ => Reply::Json(401, vec![], "{}".into()),
    });
    let extra = format!("token_command = [\"sh\", \"-c\", {}]", toml_string(&script));
    let previous = Previous::new(&server.url());
    let report = previous.sync(&client(&server, &extra), true).await.unwrap();
    assert_eq!(report.mode, SyncMode::Full);
    assert_eq!(std::fs::read_to_string(&counter).unwrap().trim(), "2");
    assert_eq!(server.seen().len(), 2);

    // A token that stays wrong: one re-read, then a clear error; never the token.
    let wrong = FakeServer::start(|_, _| Reply::Json(401, vec![], "{}".into()));
    let previous = Previous::new(&wrong.url());
    std::env::set_var("CALLBOARD_FAULT_TOKEN", TOKEN);
    let c = client(&wrong, "token_env = \"CALLBOARD_FAULT_TOKEN\"");
    let err = previous.sync(&c, true).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.ends_with("/api/catalog/entities/by-query: the token was rejected; check token_env CALLBOARD_FAULT_TOKEN"),
        "{text}"
    );
    assert!(text.starts_with("401 from http://127.0.0.1:"), "{text}");
    for shown in [text, format!("{err:?}"), format!("{c:?}")] {
        assert!(!shown.contains(TOKEN), "token leaked: {shown}");
    }
    assert_eq!(wrong.seen().len(), 1, "an unchanged env token is not resent");
    previous.assert_untouched();
}

#[tokio::test]
async fn redirects_never_carry_the_token_to_another_host() {
    let elsewhere = FakeServer::start(|_, _| ok(page(&["evil"], None)));
    let target = format!("{}/api/catalog/entities/by-query", elsewhere.url());
    let server = FakeServer::start(move |_, _| Reply::Json(302, vec![("Location", target.clone())], "{}".into()));
    std::env::set_var("CALLBOARD_REDIRECT_TOKEN", TOKEN);
    let previous = Previous::new(&server.url());
    let err = previous
        .sync(&client(&server, "token_env = \"CALLBOARD_REDIRECT_TOKEN\""), true)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("redirected to") && err.contains(&elsewhere.url()), "{err}");
    assert!(elsewhere.seen().is_empty(), "the other host got a request");
    previous.assert_untouched();

    // Within the same server a redirect is followed, token included.
    let same = FakeServer::start(|_, seen| {
        if seen.target.starts_with("/moved/") {
            ok(page(&["a"], None))
        } else {
            Reply::Json(307, vec![("Location", format!("/moved{}", seen.target))], "{}".into())
        }
    });
    let previous = Previous::new(&same.url());
    previous.sync(&client(&same, "token_env = \"CALLBOARD_REDIRECT_TOKEN\""), true).await.unwrap();
    let seen = same.seen();
    assert_eq!(seen[1].authorization.as_deref(), Some(format!("Bearer {TOKEN}").as_str()));
}

#[test]
fn the_cli_fails_with_the_typed_error_and_keeps_the_cache() {
    // Nothing listens on the port once the listener is dropped.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("[[instance]]\nname = \"down\"\nurl = \"{url}\"\n")).unwrap();
    let cache_dir = dir.path().join("cache");
    let previous = Previous::new(&url);
    std::fs::create_dir_all(&cache_dir).unwrap();
    std::fs::copy(&previous.path, cache_dir.join("instance-down.sqlite")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(["--config", config.to_str().unwrap(), "--instance", "down", "sync"])
        .env("CALLBOARD_CACHE_DIR", &cache_dir)
        .env("CALLBOARD_STATE_DIR", dir.path().join("state"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr.contains(&format!("cannot connect to {url}/api/catalog/entities/by-query")), "{stderr}");
    let cache = Cache::open(&cache_dir.join("instance-down.sqlite")).unwrap();
    assert_eq!(cache.entity_count(), 1);
    assert_eq!(cache.meta("synced_at").as_deref(), Some("1000"));
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[tokio::test]
async fn a_cursor_repeated_forever_ends_the_sync_as_the_servers_fault() {
    // Always the same cursor, fresh names each page, no totalItems to go by.
    let server = FakeServer::start(|i, _| ok(page_of(&[format!("a{i}"), format!("b{i}")], None, "the-same-cursor")));
    for full in [true, false] {
        let previous = Previous::new(&server.url());
        let before = server.seen().len();
        let started = Instant::now();
        let err = previous.sync(&client(&server, ""), full).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        assert!(matches!(err, SyncError::Backstage(BackstageError::ServerFault { .. })), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("is at fault: page 2 gave a nextCursor it had already given"), "{text}");
        assert!(text.contains("the cache is unchanged"), "{text}");
        // Page 1, page 2 and at most the request already in flight.
        assert!(server.seen().len() - before <= 3, "full={full}: {} requests", server.seen().len() - before);
        previous.assert_untouched();
    }
}

#[tokio::test]
async fn a_cursor_that_never_ends_the_item_count_is_the_servers_fault() {
    // New cursors forever, while totalItems says 3.
    let server =
        FakeServer::start(|i, _| ok(page_of(&[format!("a{i}"), format!("b{i}")], Some(3), &format!("cursor-{i}"))));
    for full in [true, false] {
        let previous = Previous::new(&server.url());
        let err = previous.sync(&client(&server, ""), full).await.unwrap_err().to_string();
        assert!(err.contains("is at fault: it sent 4 entities in 2 pages after announcing totalItems = 3"), "{err}");
        previous.assert_untouched();
    }

    // New cursors and no totalItems: only the request limit can end it.
    let server = FakeServer::start(|i, _| ok(page_of(&[format!("a{i}")], None, &format!("cursor-{i}"))));
    for full in [true, false] {
        let previous = Previous::new(&server.url());
        let before = server.seen().len();
        let err = previous.sync(&limited(&server, "", 40, 60), full).await.unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("the sync stopped: it sent 40 requests, the most one sync may send"), "{text}");
        assert!(text.contains("raise sync_max_requests"), "{text}");
        assert_eq!(server.seen().len() - before, 40);
        previous.assert_untouched();
    }
}

#[tokio::test]
async fn a_429_storm_never_outlasts_the_sync_time_limit() {
    // Each Retry-After fits the per-request cap (10 s) but not the sync's 3 s.
    let server = FakeServer::start(|_, _| Reply::Json(429, vec![("Retry-After", "2".into())], "{}".into()));
    let previous = Previous::new(&server.url());
    let started = Instant::now();
    let err = previous.sync(&limited(&server, "", 1000, 3), true).await.unwrap_err().to_string();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert!(err.contains("asked to wait 2s before retrying") && err.contains("raise sync_timeout"), "{err}");
    assert_eq!(server.seen().len(), 2, "one wait of 2 s fits, the second does not");
    previous.assert_untouched();

    // A server that hangs longer than the sync may last: the time limit ends it.
    let server = FakeServer::start(|_, _| Reply::Hang);
    let previous = Previous::new(&server.url());
    let started = Instant::now();
    let err = previous.sync(&limited(&server, "request_timeout = 60", 1000, 2), false).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    assert!(err.to_string().starts_with("the sync stopped: it ran for 2s"), "{err}");
    previous.assert_untouched();
}

#[test]
fn the_cli_ends_a_looping_sync_with_the_servers_fault() {
    let server = FakeServer::start(|i, _| ok(page_of(&[format!("a{i}")], None, "loop")));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("[[instance]]\nname = \"loop\"\nurl = \"{}\"\n", server.url())).unwrap();
    let cache_dir = dir.path().join("cache");
    let previous = Previous::new(&server.url());
    std::fs::create_dir_all(&cache_dir).unwrap();
    std::fs::copy(&previous.path, cache_dir.join("instance-loop.sqlite")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(["--config", config.to_str().unwrap(), "--instance", "loop", "sync"])
        .env("CALLBOARD_CACHE_DIR", &cache_dir)
        .env("CALLBOARD_STATE_DIR", dir.path().join("state"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is at fault: page 2 gave a nextCursor it had already given"), "{stderr}");
    assert!(server.seen().len() <= 3, "{} requests", server.seen().len());
    let cache = Cache::open(&cache_dir.join("instance-loop.sqlite")).unwrap();
    assert_eq!(cache.entity_count(), 1);
    assert_eq!(cache.meta("synced_at").as_deref(), Some("1000"));
}
