//! Integration: mcptop's Alertmanager source against the real Alertmanager 0.25
//! (`prometheus-alertmanager`), its polls fed into the alert model as the app does, its
//! writes sent through `AmHandle::send` as the UI does, and the results checked through
//! Alertmanager's own API. Authentication and headers are checked on a small axum server
//! that records what arrives.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use mcptop::config::AlertmanagerConfig;
use mcptop::config::alerts::HttpAuth;
use mcptop::config::mcp::SecretSource;
use mcptop::model::alerts::{
    AlertOrigin, AlertState, AlertsState, AmCommand, AmSnapshot, AmUpdate, AmWrite, Matcher,
    Priority, PriorityMap, SilenceDraft,
};
use mcptop::model::source_error::SourceError;
use mcptop::sources::alertmanager::{AmHandle, spawn};
use mcptop::sources::{Update, http::redact, now_ms};
use serde_json::{Value, json};
use support::alertmanager::{Alertmanager, CONFIG};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Longest wait for any one condition.
const WAIT: Duration = Duration::from_secs(20);

/// The source under test, started with `spawn` as the app starts it.
struct Source {
    rx: mpsc::Receiver<Update>,
    handle: AmHandle,
    _tasks: JoinSet<()>,
}

/// What a write reported.
struct Written {
    write: AmWrite,
    endpoint: String,
    result: Result<String, String>,
}

impl Source {
    fn start(cfg: &AlertmanagerConfig) -> Source {
        let (tx, rx) = mpsc::channel(64);
        let mut tasks = JoinSet::new();
        let handle = spawn(cfg, tx, &mut tasks).expect("spawn the Alertmanager source");
        Source {
            rx,
            handle,
            _tasks: tasks,
        }
    }

    /// The next update, within `deadline`.
    async fn next(&mut self, deadline: Instant, waiting_for: &str) -> AmUpdate {
        match tokio::time::timeout_at(deadline, self.rx.recv()).await {
            Ok(Some(Update::Alertmanager(u))) => u,
            Ok(Some(other)) => panic!("unexpected update {other:?}"),
            Ok(None) => panic!("the source stopped while waiting for {waiting_for}"),
            Err(_) => panic!("no {waiting_for} within {WAIT:?}"),
        }
    }

    /// Feeds polls into `state` until `cond` holds.
    async fn until(
        &mut self,
        state: &mut AlertsState,
        waiting_for: &str,
        cond: impl Fn(&AlertsState) -> bool,
    ) {
        let deadline = Instant::now() + WAIT;
        while !cond(state) {
            match self.next(deadline, waiting_for).await {
                AmUpdate::Polled {
                    instance,
                    t_ms,
                    result,
                } => state.apply(instance, t_ms, result),
                AmUpdate::Written { request, .. } => panic!("unexpected write {request} ended"),
            }
        }
    }

    /// The next poll of `instance`.
    async fn polled(&mut self, instance: usize) -> (i64, Result<AmSnapshot, SourceError>) {
        let deadline = Instant::now() + WAIT;
        loop {
            if let AmUpdate::Polled {
                instance: i,
                t_ms,
                result,
            } = self.next(deadline, &format!("a poll of #{instance}")).await
                && i == instance
            {
                return (t_ms, result);
            }
        }
    }

    /// Sends a write as the UI does and waits for its end; polls meanwhile go to `state`.
    async fn write(&mut self, state: &mut AlertsState, request: u64, write: AmWrite) -> Written {
        self.handle
            .send(AmCommand::Write {
                request,
                write: write.clone(),
            })
            .expect("queue the write");
        let deadline = Instant::now() + WAIT;
        loop {
            match self
                .next(deadline, &format!("the end of write {request}"))
                .await
            {
                AmUpdate::Polled {
                    instance,
                    t_ms,
                    result,
                } => state.apply(instance, t_ms, result),
                AmUpdate::Written {
                    request: r,
                    write: w,
                    endpoint,
                    result,
                } => {
                    assert_eq!(r, request, "the answer names the request");
                    assert_eq!(w, write, "the answer carries the write");
                    return Written {
                        write: w,
                        endpoint,
                        result: result.map_err(|e| e.to_string()),
                    };
                }
            }
        }
    }
}

fn config(urls: &[String]) -> AlertmanagerConfig {
    AlertmanagerConfig {
        urls: urls.to_vec(),
        interval: Duration::from_millis(300),
        timeout: Duration::from_secs(3),
        ..AlertmanagerConfig::default()
    }
}

fn alerts_state(urls: &[String]) -> AlertsState {
    AlertsState::new(
        urls.iter().map(|u| redact(u)).collect(),
        PriorityMap::default(),
    )
}

/// Critical, warning and info alerts on two services; McpServerDown on `github` inhibits
/// the warning there.
fn sample_alerts() -> Value {
    let alert = |name: &str, severity: &str, service: &str| {
        json!({
            "labels": {"alertname": name, "severity": severity, "service": service},
            "annotations": {"summary": format!("{name} on {service}")},
            "generatorURL": "http://prometheus.example/graph",
        })
    };
    json!([
        alert("McpServerDown", "critical", "github"),
        alert("HighLatency", "warning", "github"),
        alert("HighErrorRate", "critical", "jira"),
        alert("HighLatency", "warning", "jira"),
        alert("SlowTool", "info", "jira"),
    ])
}

/// A silence body for Alertmanager's API, one hour from now.
fn silence_json(name: &str, by: &str) -> Value {
    let now = chrono::Utc::now();
    json!({
        "matchers": [{"name": "alertname", "value": name, "isRegex": false, "isEqual": true}],
        "startsAt": now.to_rfc3339(),
        "endsAt": (now + chrono::Duration::hours(1)).to_rfc3339(),
        "createdBy": by,
        "comment": "set up by the test",
    })
}

/// `(alertname, service, state)` of a state's rows, in row order, with their priority.
fn rows(state: &AlertsState) -> Vec<(Priority, String, String, AlertState)> {
    state
        .rows()
        .iter()
        .map(|r| {
            (
                r.priority,
                r.alert.name().to_string(),
                r.alert.labels.get("service").cloned().unwrap_or_default(),
                r.alert.state,
            )
        })
        .collect()
}

fn state_of(state: &AlertsState, name: &str) -> Option<AlertState> {
    state
        .rows()
        .iter()
        .find(|r| r.alert.name() == name)
        .map(|r| r.alert.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polls_rank_group_and_state_alerts_as_alertmanager_reports_them() {
    let Some(am) = Alertmanager::start(CONFIG) else {
        return;
    };
    am.post_alerts(sample_alerts()).await;
    let silence_id = am
        .post_silence(silence_json("SlowTool", "test-setup"))
        .await;

    let urls = vec![am.url()];
    let mut state = alerts_state(&urls);
    let mut source = Source::start(&config(&urls));
    let expected = vec![
        (
            Priority::P0,
            "McpServerDown".to_string(),
            "github".to_string(),
            AlertState::Firing,
        ),
        (
            Priority::P1,
            "HighErrorRate".into(),
            "jira".into(),
            AlertState::Firing,
        ),
        (
            Priority::P2,
            "HighLatency".into(),
            "jira".into(),
            AlertState::Firing,
        ),
        (
            Priority::P2,
            "HighLatency".into(),
            "github".into(),
            AlertState::Inhibited,
        ),
        (
            Priority::P3,
            "SlowTool".into(),
            "jira".into(),
            AlertState::Silenced,
        ),
    ];
    // Groups follow the route's group_by (alertname, service): one alert each here.
    source
        .until(
            &mut state,
            "the five alerts in their states, in five groups",
            |s| rows(s) == expected && s.groups().len() == 5,
        )
        .await;

    assert_eq!(state.counts(), [1, 1, 1, 0], "firing per priority P0..P3");
    let rows = state.rows();
    let down = rows[0].alert;
    let inhibited = rows[3].alert;
    assert_eq!(inhibited.inhibited_by, vec![down.fingerprint.clone()]);
    let silenced = rows[4].alert;
    assert_eq!(silenced.silenced_by, vec![silence_id.clone()]);
    assert_eq!(down.annotation("summary"), Some("McpServerDown on github"));
    assert_eq!(
        down.generator_url.as_deref(),
        Some("http://prometheus.example/graph")
    );
    assert_eq!(down.receivers, vec!["null".to_string()]);
    assert_eq!(
        down.origin,
        AlertOrigin::Alertmanager { instances: vec![0] }
    );
    let now = now_ms();
    assert!(down.starts_at_ms <= now && down.starts_at_ms > now - 60_000);
    assert!(down.ends_at_ms.is_some_and(|t| t > now));

    let silences = state.silences();
    assert_eq!(silences.len(), 1);
    assert_eq!(silences[0].id, silence_id);
    assert_eq!(silences[0].created_by, "test-setup");
    assert_eq!(
        silences[0].matchers,
        vec![Matcher::equal("alertname", "SlowTool").expect("matcher")]
    );

    let instance = &state.instances[0];
    assert!(instance.status.is_ok(), "{:?}", instance.status);
    let last = instance.last.as_ref().expect("a good poll");
    assert!(
        last.status
            .version
            .as_deref()
            .is_some_and(|v| v.starts_with("0.")),
        "{:?}",
        last.status
    );
    assert_eq!(last.status.cluster_status.as_deref(), Some("disabled"));
    assert_eq!(last.status.peers, 0);
    assert!(last.status.uptime_ms.is_some_and(|t| t <= now));
    let group = state
        .groups()
        .iter()
        .find(|g| g.labels.get("alertname").map(String::as_str) == Some("McpServerDown"))
        .expect("McpServerDown's group");
    assert_eq!(group.receiver, "null");
    assert_eq!(group.fingerprints, vec![down.fingerprint.clone()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_give_one_row_per_fingerprint() {
    let Some(a) = Alertmanager::start(CONFIG) else {
        return;
    };
    let Some(b) = Alertmanager::start(CONFIG) else {
        return;
    };
    a.post_alerts(sample_alerts()).await;
    b.post_alerts(sample_alerts()).await;

    let urls = vec![a.url(), b.url()];
    let mut state = alerts_state(&urls);
    let mut source = Source::start(&config(&urls));
    source
        .until(&mut state, "both instances' five alerts", |s| {
            s.instances
                .iter()
                .all(|i| i.status.is_ok() && i.last.as_ref().is_some_and(|l| l.alerts.len() == 5))
        })
        .await;
    let rows = state.rows();
    assert_eq!(rows.len(), 5, "one row per fingerprint");
    for r in &rows {
        assert_eq!(
            r.alert.origin,
            AlertOrigin::Alertmanager {
                instances: vec![0, 1]
            },
            "{}",
            r.alert.name()
        );
    }
    let mut fingerprints: Vec<&str> = rows.iter().map(|r| r.alert.fingerprint.as_str()).collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silences_are_created_and_expired_through_the_handle() {
    let Some(am) = Alertmanager::start(CONFIG) else {
        return;
    };
    am.post_alerts(sample_alerts()).await;
    let urls = vec![am.url()];
    let mut state = alerts_state(&urls);
    let mut source = Source::start(&config(&urls));
    source
        .until(&mut state, "SlowTool firing", |s| {
            state_of(s, "SlowTool") == Some(AlertState::Firing)
        })
        .await;

    let now = now_ms();
    let draft = SilenceDraft {
        matchers: Matcher::parse_list(r#"alertname="SlowTool" service=~"jira|notion""#)
            .expect("matchers"),
        starts_at_ms: now,
        ends_at_ms: now + 3_600_000,
        created_by: "mcptop-test".into(),
        comment: "deploy in progress".into(),
    };
    let written = source
        .write(&mut state, 1, AmWrite::CreateSilence(draft))
        .await;
    assert_eq!(written.endpoint, am.url());
    let id = written.result.expect("the silence is created");
    assert!(!id.is_empty());

    // Alertmanager's own view of it.
    let silences = am.silences().await;
    let s = silences
        .iter()
        .find(|s| s["id"] == id.as_str())
        .unwrap_or_else(|| panic!("silence {id} not listed: {silences:?}"));
    assert_eq!(s["createdBy"], "mcptop-test");
    assert_eq!(s["comment"], "deploy in progress");
    assert_eq!(s["status"]["state"], "active");
    let mut matchers = s["matchers"].as_array().expect("matchers").clone();
    matchers.sort_by_key(|m| m["name"].as_str().unwrap_or_default().to_string());
    assert_eq!(
        matchers,
        vec![
            json!({"name": "alertname", "value": "SlowTool", "isRegex": false, "isEqual": true}),
            json!({"name": "service", "value": "jira|notion", "isRegex": true, "isEqual": true}),
        ]
    );
    let ends = chrono::DateTime::parse_from_rfc3339(s["endsAt"].as_str().expect("endsAt"))
        .expect("endsAt is RFC 3339")
        .timestamp_millis();
    assert!((ends - (now + 3_600_000)).abs() < 1000, "endsAt {ends}");

    // After a refresh the model shows it silenced, by this silence.
    source.handle.send(AmCommand::Refresh).expect("refresh");
    source
        .until(&mut state, "SlowTool silenced by the new silence", |s| {
            s.rows().iter().any(|r| {
                r.alert.name() == "SlowTool"
                    && r.alert.state == AlertState::Silenced
                    && r.alert.silenced_by == vec![id.clone()]
            })
        })
        .await;

    let written = source
        .write(&mut state, 2, AmWrite::ExpireSilence { id: id.clone() })
        .await;
    assert_eq!(written.result.as_deref(), Ok(id.as_str()));
    assert!(matches!(written.write, AmWrite::ExpireSilence { .. }));
    let silences = am.silences().await;
    let s = silences
        .iter()
        .find(|s| s["id"] == id.as_str())
        .expect("an expired silence stays listed");
    assert_eq!(s["status"]["state"], "expired");

    source.handle.send(AmCommand::Refresh).expect("refresh");
    source
        .until(&mut state, "SlowTool firing again", |s| {
            state_of(s, "SlowTool") == Some(AlertState::Firing)
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_writes_carry_alertmanagers_own_text() {
    let Some(am) = Alertmanager::start(CONFIG) else {
        return;
    };
    let urls = vec![am.url()];
    let mut state = alerts_state(&urls);
    let mut source = Source::start(&config(&urls));
    let now = now_ms();
    let draft = |matchers: Vec<Matcher>, starts_at_ms: i64, ends_at_ms: i64| SilenceDraft {
        matchers,
        starts_at_ms,
        ends_at_ms,
        created_by: "mcptop-test".into(),
        comment: "refused".into(),
    };
    let one = vec![Matcher::equal("alertname", "X").expect("matcher")];

    // 400, a JSON string.
    let w = source
        .write(
            &mut state,
            1,
            AmWrite::CreateSilence(draft(one.clone(), now + 3_600_000, now)),
        )
        .await;
    assert_eq!(
        w.result,
        Err("Failed to create silence: start time must be before end time (HTTP 400)".into())
    );
    assert_eq!(w.endpoint, am.url());

    // 422, the API schema's {"code", "message"}.
    let w = source
        .write(
            &mut state,
            2,
            AmWrite::CreateSilence(draft(Vec::new(), now, now + 60_000)),
        )
        .await;
    let e = w.result.expect_err("no matchers is refused");
    assert!(
        e.contains("matchers in body should have at least 1 items") && e.ends_with("(HTTP 422)"),
        "{e}"
    );

    // 500, a JSON string, for a silence that does not exist.
    let w = source
        .write(
            &mut state,
            3,
            AmWrite::ExpireSilence {
                id: "00000000-0000-4000-8000-000000000000".into(),
            },
        )
        .await;
    assert_eq!(w.result, Err("silence not found (HTTP 500)".into()));

    assert!(am.silences().await.is_empty(), "nothing was created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_instance_is_reported_and_writes_move_on() {
    let Some(am) = Alertmanager::start(CONFIG) else {
        return;
    };
    am.post_alerts(sample_alerts()).await;
    let closed = format!("http://127.0.0.1:{}", support::peers::free_port());
    let urls = vec![closed.clone(), am.url()];
    let mut state = alerts_state(&urls);
    let mut source = Source::start(&config(&urls));

    let (t_ms, result) = source.polled(0).await;
    let err = result.expect_err("a closed port cannot be polled");
    assert!(matches!(err, SourceError::Connect(_)), "{err:?}");
    let e = err.to_string();
    assert!(e.starts_with("cannot connect"), "{e}");
    assert!(!e.contains("http://"), "no URL in the text: {e}");
    assert!((now_ms() - t_ms).abs() < 20_000);
    state.apply(0, t_ms, Err(err));
    source
        .until(&mut state, "the live instance's alerts", |s| {
            s.alertmanager_alerts().len() == 5
        })
        .await;
    assert!(!state.instances[0].status.is_ok());
    assert!(
        state.instances[0]
            .status
            .last_error
            .as_ref()
            .is_some_and(|e| e.to_string().starts_with("cannot connect"))
    );
    for r in state.rows() {
        assert_eq!(
            r.alert.origin,
            AlertOrigin::Alertmanager { instances: vec![1] }
        );
    }

    let now = now_ms();
    let draft = SilenceDraft {
        matchers: vec![Matcher::equal("alertname", "HighLatency").expect("matcher")],
        starts_at_ms: now,
        ends_at_ms: now + 600_000,
        created_by: "mcptop-test".into(),
        comment: "second instance".into(),
    };
    let w = source
        .write(&mut state, 7, AmWrite::CreateSilence(draft.clone()))
        .await;
    assert_eq!(w.endpoint, am.url(), "the instance that answered");
    let id = w.result.expect("the second instance takes the write");
    assert!(am.silences().await.iter().any(|s| s["id"] == id.as_str()));

    // Only the closed port: the error says so, naming it.
    let mut lone = Source::start(&config(std::slice::from_ref(&closed)));
    let mut lone_state = alerts_state(std::slice::from_ref(&closed));
    let w = lone
        .write(&mut lone_state, 8, AmWrite::CreateSilence(draft))
        .await;
    assert_eq!(w.endpoint, closed);
    let e = w.result.expect_err("nobody answered");
    assert!(
        e.starts_with(&format!(
            "no Alertmanager answered: {closed}: cannot connect"
        )),
        "{e}"
    );
}

/// What the recording server saw.
#[derive(Default)]
struct Seen {
    /// Method, path, query, headers.
    requests: Vec<(Method, String, String, HeaderMap)>,
}

type Shared = Arc<Mutex<Seen>>;

/// Answers the four GETs with minimal valid JSON, except the first `/api/v2/status`
/// (401) and every silence POST (403).
async fn recorder(
    State(seen): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let first_status = {
        let mut seen = seen.lock().expect("lock");
        let first = !seen
            .requests
            .iter()
            .any(|(_, p, _, _)| p == "/api/v2/status");
        seen.requests.push((
            method.clone(),
            uri.path().to_string(),
            uri.query().unwrap_or_default().to_string(),
            headers,
        ));
        first
    };
    match (method.as_str(), uri.path()) {
        ("GET", "/api/v2/alerts" | "/api/v2/alerts/groups" | "/api/v2/silences") => {
            ([("content-type", "application/json")], "[]").into_response()
        }
        ("GET", "/api/v2/status") if first_status => {
            (StatusCode::UNAUTHORIZED, "\"unauthorized\"").into_response()
        }
        ("GET", "/api/v2/status") => (
            [("content-type", "application/json")],
            r#"{"cluster":{"status":"ready","peers":[{"name":"a","address":"x:9094"}]},
               "versionInfo":{"version":"0.27.0"},"uptime":"2026-11-22T08:53:00.412Z",
               "config":{"original":""}}"#,
        )
            .into_response(),
        ("POST", "/api/v2/silences") => {
            (StatusCode::FORBIDDEN, "\"tenant may not write silences\"").into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_and_headers_reach_the_server_and_never_the_errors() {
    let seen: Shared = Arc::default();
    let app = Router::new().fallback(recorder).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the recorder");
    let url = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("local addr").port()
    );
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let token = "tok-3f9a7c1e-very-secret";
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("am-token");
    std::fs::write(&token_file, format!("{token}\n")).expect("write token file");
    let mut cfg = config(std::slice::from_ref(&url));
    cfg.http.auth = Some(HttpAuth::Bearer(SecretSource::File(token_file)));
    cfg.http
        .headers
        .insert("X-Scope-OrgID".into(), "tenant-1".into());
    let mut state = alerts_state(std::slice::from_ref(&url));
    let mut source = Source::start(&cfg);

    let (_, first) = source.polled(0).await;
    let e = first.expect_err("the first status answer is 401");
    assert_eq!(e.http_code(), Some(401));
    let e = e.to_string();
    assert_eq!(e, "status: HTTP 401 Unauthorized: \"unauthorized\"");
    let (_, second) = source.polled(0).await;
    let snap = second.expect("the second poll is good");
    assert_eq!(snap.status.version.as_deref(), Some("0.27.0"));
    assert_eq!(snap.status.peers, 1);
    assert_eq!(snap.status.cluster_status.as_deref(), Some("ready"));

    let now = now_ms();
    let w = source
        .write(
            &mut state,
            1,
            AmWrite::CreateSilence(SilenceDraft {
                matchers: vec![Matcher::equal("alertname", "X").expect("matcher")],
                starts_at_ms: now,
                ends_at_ms: now + 60_000,
                created_by: "mcptop-test".into(),
                comment: "".into(),
            }),
        )
        .await;
    let we = w.result.expect_err("the recorder refuses writes");
    assert_eq!(we, "tenant may not write silences (HTTP 403)");
    for text in [&e, &we, &w.endpoint] {
        assert!(!text.contains(token), "the token leaked into `{text}`");
    }

    let seen = seen.lock().expect("lock");
    let paths: Vec<&str> = seen
        .requests
        .iter()
        .map(|(_, p, _, _)| p.as_str())
        .collect();
    for p in [
        "/api/v2/alerts",
        "/api/v2/alerts/groups",
        "/api/v2/silences",
        "/api/v2/status",
    ] {
        assert!(paths.contains(&p), "{p} was not asked for: {paths:?}");
    }
    for (method, path, _, headers) in &seen.requests {
        assert_eq!(
            headers.get("authorization").and_then(|v| v.to_str().ok()),
            Some(format!("Bearer {token}").as_str()),
            "{method} {path}"
        );
        assert_eq!(
            headers.get("x-scope-orgid").and_then(|v| v.to_str().ok()),
            Some("tenant-1"),
            "{method} {path}"
        );
    }
    // Every alert, whatever its state, is asked for.
    for (_, path, query, _) in &seen.requests {
        if path.starts_with("/api/v2/alerts") {
            assert_eq!(
                query, "active=true&silenced=true&inhibited=true&unprocessed=true",
                "{path}"
            );
        }
    }
    drop(seen);
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_auth_reaches_the_server() {
    let seen: Shared = Arc::default();
    let app = Router::new().fallback(recorder).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the recorder");
    let url = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("local addr").port()
    );
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let password_file = dir.path().join("am-password");
    std::fs::write(&password_file, "s3cret\n").expect("write password file");
    let mut cfg = config(std::slice::from_ref(&url));
    cfg.http.auth = Some(HttpAuth::Basic {
        username: "ops".into(),
        password: SecretSource::File(password_file),
    });
    let mut source = Source::start(&cfg);
    let _ = source.polled(0).await;
    let seen = seen.lock().expect("lock");
    assert!(!seen.requests.is_empty());
    for (method, path, _, headers) in &seen.requests {
        // base64("ops:s3cret")
        assert_eq!(
            headers.get("authorization").and_then(|v| v.to_str().ok()),
            Some("Basic b3BzOnMzY3JldA=="),
            "{method} {path}"
        );
    }
    drop(seen);
    server.abort();
}

#[tokio::test]
async fn a_secret_that_is_not_there_stops_spawn_with_its_name() {
    let mut cfg = config(&["http://127.0.0.1:9".to_string()]);
    cfg.http.auth = Some(HttpAuth::Bearer(SecretSource::Env(
        "MCPTOP_TEST_AM_TOKEN_SURELY_UNSET".into(),
    )));
    let (tx, _rx) = mpsc::channel(1);
    let mut tasks = JoinSet::new();
    let e = spawn(&cfg, tx, &mut tasks).expect_err("no token, no source");
    assert!(
        e.contains("MCPTOP_TEST_AM_TOKEN_SURELY_UNSET is not set"),
        "{e}"
    );
    assert!(tasks.is_empty());
}

/// Holds every GET until released; answers a silence POST at once.
async fn stalling(
    State((release, arrived)): State<(
        tokio::sync::watch::Receiver<bool>,
        Arc<tokio::sync::Notify>,
    )>,
    method: Method,
    uri: Uri,
) -> Response {
    if method == Method::POST && uri.path() == "/api/v2/silences" {
        return (
            [("content-type", "application/json")],
            r#"{"silenceID":"11111111-2222-4333-8444-555555555555"}"#,
        )
            .into_response();
    }
    arrived.notify_one();
    let mut release = release;
    let _ = release.wait_for(|r| *r).await;
    match uri.path() {
        "/api/v2/status" => ([("content-type", "application/json")], "{}").into_response(),
        _ => ([("content-type", "application/json")], "[]").into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_do_not_wait_for_a_poll_and_the_source_stops_with_its_handle() {
    let (release_tx, release_rx) = tokio::sync::watch::channel(false);
    let arrived = Arc::new(tokio::sync::Notify::new());
    let app = Router::new()
        .fallback(stalling)
        .with_state((release_rx, arrived.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the stalling server");
    let url = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("local addr").port()
    );
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let mut cfg = config(std::slice::from_ref(&url));
    cfg.timeout = Duration::from_secs(60);
    // No tick after the first poll within the test: a second poll is the refresh's.
    cfg.interval = Duration::from_secs(3600);
    let mut state = alerts_state(std::slice::from_ref(&url));
    let mut source = Source::start(&cfg);

    // The first poll starts at once and is held; the write still ends (were it queued
    // behind the poll, this would wait for ever, and fail at the deadline).
    tokio::time::timeout(WAIT, arrived.notified())
        .await
        .expect("the first poll reaches the server");
    let now = now_ms();
    let w = source
        .write(
            &mut state,
            1,
            AmWrite::CreateSilence(SilenceDraft {
                matchers: vec![Matcher::equal("alertname", "X").expect("matcher")],
                starts_at_ms: now,
                ends_at_ms: now + 60_000,
                created_by: "mcptop-test".into(),
                comment: String::new(),
            }),
        )
        .await;
    assert_eq!(
        w.result.as_deref(),
        Ok("11111111-2222-4333-8444-555555555555")
    );
    assert!(
        !state.instances[0].status.is_ok(),
        "no poll ended before the release"
    );
    // A refresh while the poll is held is kept and done after it, not lost.
    source.handle.send(AmCommand::Refresh).expect("refresh");
    release_tx.send(true).expect("release the GETs");
    let (_, first) = source.polled(0).await;
    assert!(first.is_ok(), "{first:?}");
    let (_, again) = source.polled(0).await;
    assert!(again.is_ok(), "{again:?}");

    // Dropping the handle ends the source's task.
    let Source {
        rx,
        handle,
        _tasks: mut tasks,
    } = source;
    drop(handle);
    let ended = tokio::time::timeout(WAIT, tasks.join_next()).await;
    assert!(
        matches!(ended, Ok(Some(Ok(())))),
        "the source did not stop without its handle: {ended:?}"
    );
    drop(rx);

    // So does dropping the receiver of its updates, the handle being kept.
    let (tx, rx) = mpsc::channel(1);
    let mut tasks = JoinSet::new();
    let _handle = spawn(&cfg, tx, &mut tasks).expect("spawn");
    drop(rx);
    let ended = tokio::time::timeout(WAIT, tasks.join_next()).await;
    assert!(
        matches!(ended, Ok(Some(Ok(())))),
        "the source did not stop without its receiver: {ended:?}"
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_verifies_by_default_and_takes_a_ca_a_client_certificate_or_no_verification() {
    if !support::require_program("openssl") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    support::tls::make_certs(dir.path());
    let file = |name: &str| Some(dir.path().join(name));
    let poll = |tls: mcptop::config::alerts::TlsConfig| {
        let server = support::tls::TlsServer::start(
            dir.path(),
            &["-www", "-Verify", "1", "-CAfile", "ca.pem"],
        );
        let mut cfg = config(&[server.url()]);
        cfg.http.tls = tls;
        async move {
            let mut source = Source::start(&cfg);
            let (_, result) = source.polled(0).await;
            drop(server);
            result.expect_err("nothing here answers JSON").to_string()
        }
    };
    use mcptop::config::alerts::TlsConfig;
    let through = "alerts: unexpected JSON";

    // Verified by default: the test CA is not trusted.
    let e = poll(TlsConfig::default()).await;
    assert!(
        e.starts_with("cannot connect") && e.contains("certificate"),
        "{e}"
    );
    // With the CA and the client certificate the server asks for: through.
    let mtls = TlsConfig {
        ca_file: file("ca.pem"),
        cert_file: file("cli.pem"),
        key_file: file("cli.key"),
        insecure_skip_verify: false,
    };
    let e = poll(mtls).await;
    assert!(e.starts_with(through), "{e}");
    // The CA alone: the server refuses a client without a certificate.
    let e = poll(TlsConfig {
        ca_file: file("ca.pem"),
        ..TlsConfig::default()
    })
    .await;
    assert!(
        !e.starts_with(through) && e.to_lowercase().contains("certificate"),
        "{e}"
    );
    // No verification (and the client certificate): through without the CA.
    let e = poll(TlsConfig {
        cert_file: file("cli.pem"),
        key_file: file("cli.key"),
        insecure_skip_verify: true,
        ..TlsConfig::default()
    })
    .await;
    assert!(e.starts_with(through), "{e}");
}
