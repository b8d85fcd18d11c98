//! PagerDuty, Opsgenie, Argo CD and GitHub Actions cannot run here: these
//! fakes answer only what each API's documentation shows (paths, query
//! parameters, auth headers, response fields), so the probes' requests and
//! their reading of the answers are checked, and tokens never leak.

#[path = "common/fake_http.rs"]
mod fake_http;

use callboard::health::{probes_for, run_all, HealthConfig, ProbeResult, Runner, State};
use fake_http::{FakeServer, Reply};
use serde_json::{json, Value};
use std::sync::Arc;

fn ok(body: Value) -> Reply {
    Reply::Json(200, vec![], body.to_string())
}

fn entity(name: &str, annotations: Value) -> Value {
    json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
           "metadata": {"name": name, "annotations": annotations}, "spec": {"type": "service"}})
}

fn find<'a>(results: &'a [ProbeResult], entity: &str, kind: &str) -> &'a ProbeResult {
    results
        .iter()
        .find(|r| r.entity == format!("component:default/{entity}") && r.kind == kind)
        .unwrap_or_else(|| panic!("{entity} {kind}: {results:#?}"))
}

fn pagerduty() -> FakeServer {
    FakeServer::start(|_, seen| {
        if seen.authorization.as_deref() != Some("Token token=pd-secret") {
            return Reply::Json(401, vec![], json!({"error": {"message": "Unauthorized"}}).to_string());
        }
        let t = seen.target.as_str();
        if t.starts_with("/services?") && t.contains("include%5B%5D=integrations") && t.contains("query=INTKEY1") {
            return ok(json!({"services": [{"id": "PSVC1", "name": "payments"}]}));
        }
        if t.starts_with("/services?") {
            return ok(json!({"services": []}));
        }
        if !(t.starts_with("/incidents?")
            && t.contains("statuses%5B%5D=triggered")
            && t.contains("statuses%5B%5D=acknowledged"))
        {
            return Reply::Json(404, vec![], "{}".into());
        }
        let incident = |status: &str, urgency: &str, title: &str| {
            json!({"id": "Q1", "type": "incident", "title": title, "status": status, "urgency": urgency,
                   "created_at": "2024-01-01T00:00:00Z", "html_url": "https://acme.pagerduty.com/incidents/Q1",
                   "assignments": [{"assignee": {"id": "PU1", "type": "user_reference", "summary": "Jane Doe"}}]})
        };
        if t.contains("service_ids%5B%5D=PSVC1") {
            ok(
                json!({"incidents": [incident("triggered", "high", "Payments 5xx"), incident("acknowledged", "high", "Old")]}),
            )
        } else if t.contains("service_ids%5B%5D=PSVC2") {
            ok(json!({"incidents": [incident("acknowledged", "high", "Slow captures")]}))
        } else {
            ok(json!({"incidents": []}))
        }
    })
}

fn opsgenie() -> FakeServer {
    FakeServer::start(|_, seen| {
        if seen.authorization.as_deref() != Some("GenieKey og-secret") {
            return Reply::Json(401, vec![], "{}".into());
        }
        let alert = |priority: &str, acked: bool| {
            json!({"id": "a1", "message": "Queue backlog", "status": "open", "acknowledged": acked,
                   "priority": priority, "createdAt": "2024-01-01T00:00:00.000Z", "owner": "ann@acme.example"})
        };
        // query = status: open AND (SELECTOR), form-encoded.
        if !seen.target.starts_with("/v2/alerts?query=status%3A+open+AND+%28") {
            return Reply::Json(422, vec![], "{}".into());
        }
        if seen.target.contains("service%3Apay") {
            ok(json!({"data": [alert("P1", false)], "took": 0.01, "requestId": "r"}))
        } else if seen.target.contains("service%3Aledger") {
            ok(json!({"data": [alert("P3", true)], "took": 0.01, "requestId": "r"}))
        } else {
            ok(json!({"data": [], "took": 0.01, "requestId": "r"}))
        }
    })
}

fn argocd() -> FakeServer {
    FakeServer::start(|_, seen| {
        if seen.authorization.as_deref() != Some("Bearer argo-secret") {
            return Reply::Json(401, vec![], "{}".into());
        }
        let app = |name: &str, health: &str, sync: &str| json!({"metadata": {"name": name}, "status": {"health": {"status": health}, "sync": {"status": sync}}});
        match seen.target.as_str() {
            "/api/v1/applications/pay-prod" => ok(app("pay-prod", "Healthy", "Synced")),
            "/api/v1/applications/ledger-prod" => ok(app("ledger-prod", "Degraded", "OutOfSync")),
            "/api/v1/applications?selector=team%3Drisk" => ok(json!({"items": [
                app("risk-a", "Healthy", "Synced"), app("risk-b", "Progressing", "Synced")]})),
            _ => Reply::Json(404, vec![], json!({"error": "not found"}).to_string()),
        }
    })
}

fn github() -> FakeServer {
    FakeServer::start(|_, seen| {
        let run = |conclusion: &str| {
            json!({"total_count": 1, "workflow_runs": [{"id": 1, "name": "CI", "run_number": 42, "head_sha": "abcdef1234",
                   "status": "completed", "conclusion": conclusion, "html_url": "https://github.com/acme/pay/actions/runs/1"}]})
        };
        match seen.target.as_str() {
            "/repos/acme/pay" | "/repos/acme/lib" => ok(json!({"default_branch": "trunk"})),
            "/repos/acme/pay/actions/runs?branch=trunk&status=completed&per_page=1" => ok(run("failure")),
            "/repos/acme/lib/actions/runs?branch=trunk&status=completed&per_page=1" => ok(run("success")),
            _ => Reply::Json(404, vec![], json!({"message": "Not Found"}).to_string()),
        }
    })
}

/// Backstage's kubernetes backend: `POST /api/kubernetes/resources/workloads/query`
/// with `{entityRef, auth}` answers `{items: [{cluster, resources: [{type, resources}], errors}]}`.
fn backstage_kubernetes() -> FakeServer {
    FakeServer::start(|_, seen| {
        if seen.method != "POST" || seen.target != "/api/kubernetes/resources/workloads/query" {
            return Reply::Json(404, vec![], "{}".into());
        }
        if seen.authorization.as_deref() != Some("Bearer bs-secret") {
            return Reply::Json(401, vec![], json!({"error": {"name": "AuthenticationError"}}).to_string());
        }
        let body: Value = serde_json::from_str(&seen.body).unwrap_or_default();
        let deployment = |name: &str, updated: i64| {
            json!({"metadata": {"name": name, "generation": 3},
                   "spec": {"replicas": 2},
                   "status": {"observedGeneration": 3, "replicas": 2, "updatedReplicas": updated,
                              "readyReplicas": updated, "availableReplicas": updated}})
        };
        let items = match (body["entityRef"].as_str(), body["auth"].is_object()) {
            (Some("component:default/pay"), true) => json!([
                {"cluster": {"name": "eu"}, "errors": [], "resources": [
                    {"type": "pods", "resources": []},
                    {"type": "deployments", "resources": [deployment("pay", 2)]}]},
                {"cluster": {"name": "us"}, "errors": [], "resources": [
                    {"type": "deployments", "resources": [deployment("pay", 1)]}]}]),
            _ => json!([]),
        };
        ok(json!({"items": items}))
    })
}

#[test]
fn incident_and_delivery_probes_read_the_documented_answers() {
    // One test in this binary, so setting the variables races with nothing.
    std::env::set_var("CB_TEST_PD_TOKEN", "pd-secret");
    std::env::set_var("CB_TEST_OG_TOKEN", "og-secret");
    std::env::set_var("CB_TEST_ARGO_TOKEN", "argo-secret");
    std::env::set_var("CB_TEST_BAD_TOKEN", "wrong-secret");
    std::env::set_var("CB_TEST_BS_TOKEN", "bs-secret");
    let (pd, og, argo, gh) = (pagerduty(), opsgenie(), argocd(), github());
    let config: HealthConfig = toml::from_str(&format!(
        "[pagerduty]\nurl = \"{}\"\ntoken_env = \"CB_TEST_PD_TOKEN\"\nweb_url = \"https://acme.pagerduty.com\"\n\
         [opsgenie]\nurl = \"{}\"\ntoken_env = \"CB_TEST_OG_TOKEN\"\n\
         [argocd]\nurl = \"{}\"\ntoken_env = \"CB_TEST_ARGO_TOKEN\"\n\
         [github]\nurl = \"{}\"\n",
        pd.url(),
        og.url(),
        argo.url(),
        gh.url()
    ))
    .unwrap();
    config.check().unwrap();
    let entities = [
        entity(
            "pay",
            json!({"pagerduty.com/integration-key": "INTKEY1", "opsgenie.com/component-selector": "tag:\"service:pay\"",
                             "argocd/app-name": "pay-prod", "github.com/project-slug": "acme/pay"}),
        ),
        entity(
            "ledger",
            json!({"pagerduty.com/service-id": "PSVC2", "opsgenie.com/component-selector": "tag:\"service:ledger\"",
                                "argocd/app-name": "ledger-prod", "github.com/project-slug": "acme/lib"}),
        ),
        entity(
            "risk",
            json!({"pagerduty.com/service-id": "PSVC3", "opsgenie.com/component-selector": "tag:\"service:risk\"",
                              "argocd/app-selector": "team=risk"}),
        ),
        entity("orphan", json!({"pagerduty.com/integration-key": "NOPE", "argocd/app-name": "missing-app"})),
    ];
    let specs: Vec<_> = entities.iter().flat_map(|e| probes_for(e, &config)).collect();
    assert_eq!(specs.len(), 13);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let results = runtime.block_on(run_all(specs.clone(), Arc::new(config.clone()), Runner::client(&config), None));

    let pay_pd = find(&results, "pay", "pagerduty");
    assert_eq!((pay_pd.state.clone(), pay_pd.value.as_deref()), (State::Crit, Some("2 open incidents")), "{pay_pd:#?}");
    assert!(
        pay_pd.details[0].starts_with("triggered high: Payments 5xx (")
            && pay_pd.details[0].ends_with("ago, Jane Doe)")
    );
    assert_eq!(pay_pd.link.as_deref(), Some("https://acme.pagerduty.com/service-directory/PSVC1"));
    assert_eq!(find(&results, "ledger", "pagerduty").state, State::Warn);
    assert_eq!(find(&results, "risk", "pagerduty").state, State::Ok);
    let orphan = find(&results, "orphan", "pagerduty");
    assert!(matches!(&orphan.state, State::Unknown(r) if r.contains("no PagerDuty service has this integration key")));

    assert_eq!(find(&results, "pay", "opsgenie").state, State::Crit);
    let ledger_og = find(&results, "ledger", "opsgenie");
    assert_eq!(ledger_og.state, State::Warn);
    assert!(ledger_og.details[0].starts_with("P3 acknowledged: Queue backlog"), "{ledger_og:#?}");
    assert_eq!(find(&results, "risk", "opsgenie").value.as_deref(), Some("no open alerts"));

    let pay_argo = find(&results, "pay", "argocd");
    assert_eq!((pay_argo.state.clone(), pay_argo.value.as_deref()), (State::Ok, Some("pay-prod: Healthy, Synced")));
    assert_eq!(pay_argo.link.as_deref(), Some(format!("{}/applications/pay-prod", argo.url()).as_str()));
    assert_eq!(find(&results, "ledger", "argocd").state, State::Crit);
    let risk_argo = find(&results, "risk", "argocd");
    assert_eq!((risk_argo.state.clone(), risk_argo.value.as_deref()), (State::Warn, Some("2 apps")));
    assert!(matches!(&find(&results, "orphan", "argocd").state, State::Unknown(r) if r.contains("HTTP 404")));

    let pay_gh = find(&results, "pay", "github-actions");
    assert_eq!((pay_gh.state.clone(), pay_gh.value.as_deref()), (State::Crit, Some("failure on trunk")));
    assert_eq!(pay_gh.details, ["CI #42 (abcdef1)"]);
    assert_eq!(find(&results, "ledger", "github-actions").state, State::Ok);

    // Tokens went out as the APIs want them and never come back in a result.
    let all = serde_json::to_string(&results).unwrap();
    for secret in ["pd-secret", "og-secret", "argo-secret"] {
        assert!(!all.contains(secret));
    }

    // A rejected token: unknown, and the message names the variable, not the value.
    let mut bad = config.clone();
    bad.pagerduty.as_mut().unwrap().token_env = Some("CB_TEST_BAD_TOKEN".into());
    let pd_specs: Vec<_> = specs.iter().filter(|s| s.kind.name() == "pagerduty").take(1).cloned().collect();
    let rejected = runtime.block_on(run_all(pd_specs.clone(), Arc::new(bad.clone()), Runner::client(&bad), None));
    let State::Unknown(reason) = &rejected[0].state else { panic!("{rejected:#?}") };
    assert!(
        reason.contains("HTTP 401") && reason.contains("check CB_TEST_BAD_TOKEN") && !reason.contains("wrong-secret"),
        "{reason}"
    );
    bad.pagerduty.as_mut().unwrap().token_env = Some("CB_TEST_UNSET_TOKEN".into());
    let unset = runtime.block_on(run_all(pd_specs, Arc::new(bad.clone()), Runner::client(&bad), None));
    assert_eq!(unset[0].state, State::unknown("the token variable CB_TEST_UNSET_TOKEN is not set"));

    // Kubernetes through Backstage's kubernetes backend instead of kubectl.
    let bs = backstage_kubernetes();
    let k8s: HealthConfig =
        toml::from_str(&format!("[kubernetes]\nbackstage_url = \"{}\"\ntoken_env = \"CB_TEST_BS_TOKEN\"\n", bs.url()))
            .unwrap();
    k8s.check().unwrap();
    let k8s_entities = [
        entity("pay", json!({"backstage.io/kubernetes-id": "pay"})),
        entity("ghost", json!({"backstage.io/kubernetes-id": "ghost"})),
    ];
    let k8s_specs: Vec<_> = k8s_entities.iter().flat_map(|e| probes_for(e, &k8s)).collect();
    let results = runtime.block_on(run_all(k8s_specs, Arc::new(k8s.clone()), Runner::client(&k8s), None));
    let pay = find(&results, "pay", "kubernetes");
    assert_eq!(pay.state, State::Warn, "{pay:#?}");
    assert_eq!(pay.value.as_deref(), Some("1 of 2 deployments rolled out"));
    assert_eq!(pay.details, ["eu/pay: rolled out, 2/2 ready", "us/pay: 1 of 2 new replicas updated"]);
    let ghost = find(&results, "ghost", "kubernetes");
    assert!(matches!(&ghost.state, State::Unknown(r) if r.contains("no Deployment matches")), "{ghost:#?}");
}
