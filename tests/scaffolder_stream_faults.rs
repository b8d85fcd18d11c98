//! Faults a real Backstage cannot be made to produce on its event stream: a
//! stream cut mid-event, a stream that goes silent (a buffering proxy), a
//! garbage body, no stream endpoint at all, an HTML page where the stream
//! should be. Each time the follower goes on by long-polling after the last
//! id it saw, repeating and losing nothing, or ends with a clear error.

#[path = "common/fake_http.rs"]
mod fake_http;

use callboard::backstage::tasks::Followed;
use callboard::backstage::Client;
use callboard::config::Config;
use callboard::docs::runtime::block_on;
use fake_http::{FakeServer, Reply};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

const STREAM: &str = "/api/scaffolder/v2/tasks/t1/eventstream";
const EVENTS: &str = "/api/scaffolder/v2/tasks/t1/events";

fn event(id: u64) -> serde_json::Value {
    if id == 13 {
        return json!({"id": id, "taskId": "t1", "type": "completion",
                      "body": {"message": "Run completed with status: completed", "output": {}}});
    }
    json!({"id": id, "taskId": "t1", "type": "log", "body": {"message": format!("line {id}"), "stepId": "s"}})
}

fn sse(id: u64) -> String {
    format!("event: log\ndata: {}\n\n", event(id))
}

/// Every event of the task, as a poll answers whatever `after` says (the
/// real server re-sends its completion on every poll, too).
fn all_events() -> Reply {
    Reply::Json(200, vec![], json!([event(10), event(11), event(12), event(13)]).to_string())
}

fn client(url: &str) -> Client {
    let text = format!("[[instance]]\nname = \"fake\"\nurl = \"{url}\"\n");
    Client::new(&Config::from_str_at(&text, Path::new("t.toml")).unwrap().instances.remove(0)).unwrap()
}

/// Follow t1 with a one-second idle limit; the ids delivered, in order.
fn follow(server: &FakeServer) -> (Result<Followed, String>, Vec<u64>, Duration) {
    follow_after(server, None)
}

fn follow_after(server: &FakeServer, after: Option<u64>) -> (Result<Followed, String>, Vec<u64>, Duration) {
    let client = client(&server.url());
    let mut ids = Vec::new();
    let started = Instant::now();
    let result = block_on(async {
        tokio::time::timeout(
            Duration::from_secs(30),
            client.follow_task("t1", after, Duration::from_secs(1), |events| ids.extend(events.iter().map(|e| e.id))),
        )
        .await
    })
    .expect("the follower hung");
    (result, ids, started.elapsed())
}

fn polled_after(server: &FakeServer) -> Vec<String> {
    server
        .seen()
        .into_iter()
        .filter(|s| s.target.starts_with(EVENTS) && !s.target.starts_with(STREAM))
        .map(|s| s.target)
        .collect()
}

#[test]
fn stream_cut_mid_event_resumes_by_polling_after_the_last_id() {
    let first = sse(10);
    let (a, b) = first.split_at(17);
    let chunks = vec![a.to_string(), b.to_string(), sse(11), "event: log\ndata: {\"id\":12,".to_string()];
    let server = FakeServer::start(move |_, seen| {
        if seen.target.starts_with(STREAM) {
            Reply::Stream { content_type: "text/event-stream", chunks: chunks.clone(), hang: false }
        } else {
            all_events()
        }
    });
    let (result, ids, _) = follow(&server);
    let followed = result.unwrap();
    assert_eq!(ids, [10, 11, 12, 13], "each event once, in order");
    assert_eq!((followed.streamed, followed.polled), (2, 2));
    assert!(followed.fell_back.as_deref().unwrap().contains("cut mid-event"), "{followed:?}");
    assert_eq!(polled_after(&server), [format!("{EVENTS}?after=11")]);
}

#[test]
fn silent_stream_gives_way_to_polling() {
    let server = FakeServer::start(|_, seen| {
        if seen.target.starts_with(STREAM) {
            Reply::Stream { content_type: "text/event-stream", chunks: vec![sse(10)], hang: true }
        } else {
            all_events()
        }
    });
    let (result, ids, took) = follow(&server);
    let followed = result.unwrap();
    assert_eq!(ids, [10, 11, 12, 13]);
    assert!(followed.fell_back.as_deref().unwrap().contains("no event from"), "{followed:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(polled_after(&server), [format!("{EVENTS}?after=10")]);
}

#[test]
fn no_stream_endpoint_or_a_proxy_page_falls_back_at_once() {
    for stream_reply in [0, 1] {
        let server = FakeServer::start(move |_, seen| match (seen.target.starts_with(STREAM), stream_reply) {
            (true, 0) => Reply::Json(404, vec![], json!({"error": {"message": "not found"}}).to_string()),
            (true, _) => Reply::Stream { content_type: "text/html", chunks: vec!["<html>".into()], hang: true },
            (false, _) => all_events(),
        });
        let (result, ids, took) = follow(&server);
        let followed = result.unwrap();
        assert_eq!(ids, [10, 11, 12, 13]);
        assert_eq!(followed.streamed, 0);
        let why = followed.fell_back.unwrap();
        assert!(why.contains(if stream_reply == 0 { "404" } else { "not an event stream" }), "{why}");
        assert!(took < Duration::from_secs(5), "no idle wait when the answer is plainly wrong: {took:?}");
        assert_eq!(polled_after(&server), [EVENTS.to_string()], "from the start: nothing was seen");
    }
}

#[test]
fn garbage_stream_and_failing_polls_end_with_a_clear_error() {
    let server = FakeServer::start(|_, seen| {
        if seen.target.starts_with(STREAM) {
            let chunks = vec![sse(10), "event: log\ndata: <html>oops</html>\n\n".into()];
            Reply::Stream { content_type: "text/event-stream", chunks, hang: true }
        } else {
            Reply::Json(400, vec![], json!({"error": {"message": "bad task id"}}).to_string())
        }
    });
    let (result, ids, took) = follow(&server);
    let error = result.unwrap_err();
    assert_eq!(ids, [10], "what came before the garbage was delivered");
    assert!(error.contains("not JSON") && error.contains("<html>oops</html>"), "{error}");
    assert!(error.contains("400"), "{error}");
    assert!(took < Duration::from_secs(15), "{took:?}");
}

/// Reattaching after everything was seen: the server re-sends only the old
/// completion (it always does), which ends the follow; nothing is delivered twice.
#[test]
fn an_old_completion_ends_a_follow_that_has_seen_everything() {
    for stream in [true, false] {
        let server = FakeServer::start(move |_, seen| match (seen.target.starts_with(STREAM), stream) {
            (true, true) => Reply::Stream {
                content_type: "text/event-stream",
                chunks: vec![format!("event: completion\ndata: {}\n\n", event(13))],
                hang: false,
            },
            (true, false) => Reply::Json(404, vec![], "{}".into()),
            (false, _) => Reply::Json(200, vec![], json!([event(13)]).to_string()),
        });
        let (result, ids, took) = follow_after(&server, Some(13));
        let followed = result.unwrap();
        assert!(ids.is_empty(), "{ids:?}");
        assert_eq!((followed.streamed, followed.polled, followed.last), (0, 0, Some(13)));
        assert_eq!(polled_after(&server).len(), usize::from(!stream), "{:?}", server.seen());
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
}
