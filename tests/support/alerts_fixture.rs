//! An app holding alerts of every priority and state, silences in each state and one
//! local alert; Alertmanager commands are recorded, the audit log is a temp file.

use std::sync::{Arc, Mutex};

use mcptop::app::App;
use mcptop::audit::AuditLog;
use mcptop::model::alerts::{
    Alert, AlertOrigin, AlertState, AlertsState, AmCommand, AmSnapshot, AmStatus, AmUpdate,
    AmWrite, Labels, Matcher, PriorityMap, Silence, SilenceState,
};
use mcptop::sources::Update;

/// Commands the app sent to the Alertmanager source.
pub type Sent = Arc<Mutex<Vec<AmCommand>>>;

/// The fixture's Alertmanager.
pub const AM_URL: &str = "http://127.0.0.1:9093";

/// ID of the active silence (it mutes `TokenRefreshFailed`).
pub const ACTIVE_SILENCE: &str = "0b1c2d3e-aaaa-bbbb-cccc-000000000001";

pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn alert(
    fp: &str,
    pairs: &[(&str, &str)],
    summary: &str,
    state: AlertState,
    age_s: i64,
    now: i64,
) -> Alert {
    let mut annotations = labels(&[("summary", summary)]);
    if fp == "f-err" {
        annotations.insert(
            "description".into(),
            "notion.search fails with upstream 502s".into(),
        );
        annotations.insert(
            "runbook_url".into(),
            "https://runbooks.example/HighErrorRate".into(),
        );
    }
    Alert {
        fingerprint: fp.into(),
        labels: labels(pairs),
        annotations,
        state,
        starts_at_ms: now - age_s * 1000,
        updated_at_ms: Some(now),
        ends_at_ms: Some(now + 240_000),
        generator_url: None,
        silenced_by: if state == AlertState::Silenced {
            vec![ACTIVE_SILENCE.into()]
        } else {
            Vec::new()
        },
        inhibited_by: if state == AlertState::Inhibited {
            vec!["f-down".into()]
        } else {
            Vec::new()
        },
        receivers: vec!["oncall".into()],
        origin: AlertOrigin::Alertmanager { instances: vec![0] },
    }
}

fn silence(
    id: &str,
    matcher: (&str, &str),
    state: SilenceState,
    starts: i64,
    ends: i64,
    comment: &str,
) -> Silence {
    Silence {
        id: id.into(),
        matchers: vec![Matcher::equal(matcher.0, matcher.1).expect("matcher")],
        starts_at_ms: starts,
        ends_at_ms: ends,
        updated_at_ms: Some(starts),
        created_by: "bob".into(),
        comment: comment.into(),
        state,
    }
}

/// What the fixture's Alertmanager reports at `now`.
pub fn snapshot(now: i64) -> AmSnapshot {
    use AlertState::*;
    AmSnapshot {
        alerts: vec![
            alert(
                "f-down",
                &[
                    ("alertname", "McpServerDown"),
                    ("severity", "critical"),
                    ("service", "search-mcp"),
                ],
                "search-mcp has not answered /health for 2 minutes",
                Firing,
                150,
                now,
            ),
            alert(
                "f-err",
                &[
                    ("alertname", "HighErrorRate"),
                    ("severity", "critical"),
                    ("service", "notion-mcp"),
                    ("env", "prod"),
                ],
                "5xx above 5% for 5 minutes",
                Firing,
                720,
                now,
            ),
            alert(
                "f-lat1",
                &[
                    ("alertname", "HighLatencyP95"),
                    ("severity", "warning"),
                    ("service", "github-mcp"),
                ],
                "P95 above 3 s",
                Firing,
                1500,
                now,
            ),
            alert(
                "f-lat2",
                &[
                    ("alertname", "HighLatencyP95"),
                    ("severity", "warning"),
                    ("service", "search-mcp"),
                ],
                "P95 above 3 s",
                Inhibited,
                160,
                now,
            ),
            alert(
                "f-tok",
                &[
                    ("alertname", "TokenRefreshFailed"),
                    ("severity", "info"),
                    ("service", "jira-mcp"),
                ],
                "OAuth refresh failed once",
                Silenced,
                3700,
                now,
            ),
        ],
        silences: vec![
            silence(
                ACTIVE_SILENCE,
                ("alertname", "TokenRefreshFailed"),
                SilenceState::Active,
                now - 600_000,
                now + 6_600_000,
                "jira OAuth app rotation, INC-2041",
            ),
            silence(
                "7a7a7a7a-0000-0000-0000-000000000002",
                ("service", "github-mcp"),
                SilenceState::Pending,
                now + 3_600_000,
                now + 7_200_000,
                "github maintenance window",
            ),
            silence(
                "9c9c9c9c-0000-0000-0000-000000000003",
                ("env", "stage"),
                SilenceState::Expired,
                now - 7_200_000,
                now - 180_000,
                "stage load test",
            ),
        ],
        groups: Vec::new(),
        status: AmStatus {
            version: Some("0.25.0".into()),
            cluster_status: Some("disabled".into()),
            peers: 0,
            uptime_ms: Some(now - 86_400_000),
        },
    }
}

/// The healthy fixture app watching the fixture's Alertmanager, with one local alert
/// (`McpErrorRateHigh`, pending); returns the app, now, the recorded commands and the
/// directory of its audit log.
pub fn alerts_app() -> (App, i64, Sent, tempfile::TempDir) {
    let (mut app, now) = super::fixture::healthy_app();
    app.alerts = AlertsState::new(vec![AM_URL.into()], PriorityMap::default());
    app.cfg.alertmanager.urls = vec![AM_URL.into()];
    app.apply(Update::Alertmanager(AmUpdate::Polled {
        instance: 0,
        t_ms: now - 1000,
        result: Ok(snapshot(now)),
    }));
    let mut local = alert(
        "local:McpErrorRateHigh",
        &[
            ("alertname", "McpErrorRateHigh"),
            ("severity", "P2"),
            ("source", "mcptop"),
        ],
        "error rate above 1% for 5 minutes",
        AlertState::Pending,
        90,
        now,
    );
    local.origin = AlertOrigin::Local;
    local.receivers.clear();
    app.alerts.set_local(vec![local]);
    let sent: Sent = Arc::default();
    let record = sent.clone();
    app.am = Some(Box::new(move |cmd| {
        record.lock().expect("lock").push(cmd);
        Ok(())
    }));
    let dir = tempfile::tempdir().expect("tempdir");
    app.audit = Some(AuditLog::new(dir.path().join("audit.jsonl")));
    app.user = "alice".into();
    (app, now, sent, dir)
}

/// The writes among the recorded commands, with their request numbers.
pub fn writes(sent: &Sent) -> Vec<(u64, AmWrite)> {
    sent.lock()
        .expect("lock")
        .iter()
        .filter_map(|c| match c {
            AmCommand::Write { request, write } => Some((*request, write.clone())),
            AmCommand::Refresh => None,
        })
        .collect()
}

/// The audit log's lines as JSON.
pub fn audit_lines(dir: &tempfile::TempDir) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.path().join("audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}
