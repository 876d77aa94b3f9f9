use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::app::App;
use crate::app::replay::{incident_at, replay_config};
use crate::app::replay_logs::RECORDED_URL;
use crate::config::Config;
use crate::config::mcp::{McpServerConfig, McpTransport};
use crate::model::logs::{FollowMode, Level, LogEntry, LokiUpdate};
use crate::model::mcp::McpUpdate;
use crate::model::mcp::mask::MASK;
use crate::model::mcp::types::{ConnState, LogLine, LogOrigin};
use crate::model::recording::{Event, LogsSource, LokiChange, VERSION};
use crate::sources::Update;
use crate::sources::files::recording::{self, Recording};

const T0: i64 = 1_796_687_400_000;
const QUERY: &str = "{app=\"gw\"}";
const NEW_QUERY: &str = "{app=\"gw\"} |= \"timeout\"";
/// A GitHub token's shape, which the MCP server log masks.
const TOKEN: &str = "ghp_Zq8d0cTf1sV7yN3kW5mR2pL9xB4hJ6gE0aUi";

fn server(name: &str) -> McpServerConfig {
    McpServerConfig {
        name: name.into(),
        transport: McpTransport::Stdio {
            command: "gw-server".into(),
            args: Vec::new(),
            env: BTreeMap::new(),
            cwd: None,
        },
    }
}

fn loki_entry(t_ms: i64, line: &str) -> LogEntry {
    let stream = Arc::new(vec![("app".to_string(), "gw".to_string())]);
    LogEntry::new(t_ms * 1_000_000, line.into(), stream, Vec::new())
}

fn entries(t_ms: i64, lines: &[&str]) -> Update {
    Update::Loki(LokiUpdate::Entries {
        t_ms,
        entries: lines.iter().map(|l| loki_entry(t_ms, l)).collect(),
    })
}

fn mcp_log(server: usize, t_ms: i64, origin: LogOrigin, text: &str) -> Update {
    Update::Mcp(McpUpdate::Log {
        server,
        line: LogLine {
            t_ms,
            origin,
            text: text.into(),
        },
    })
}

/// Records, through the app, Loki's lines and health, a query change, and the MCP servers'
/// log lines of every origin; returns the recording read back.
fn record(dir: &std::path::Path) -> Recording {
    let path = dir.join("logs.rec");
    let mut cfg = Config::default();
    cfg.target.url = Some("http://127.0.0.1:1".into());
    cfg.loki.url = Some("http://ops:s3cret-loki@loki:3100".into());
    cfg.loki.query = Some(QUERY.into());
    cfg.mcp.servers = vec![server("gw"), server("search")];
    cfg.record.path = Some(path.clone());
    let mut app = App::new(cfg).expect("app");
    let (tx, _rx) = mpsc::channel(8);
    app.start_recording(&tx).expect("recording starts");
    let target = crate::config::Target::at("http://127.0.0.1:1").expect("a target");
    let updates = [
        Update::Targets(crate::sources::targets::TargetSet {
            targets: vec![(0, target)],
            file_error: None,
        }),
        Update::Loki(LokiUpdate::Connected {
            t_ms: T0 + 900,
            mode: FollowMode::Tail,
        }),
        entries(
            T0 + 1000,
            &["level=error msg=\"upstream timeout\"", "level=info msg=ok"],
        ),
        // Healthy again: nothing new to record.
        Update::Loki(LokiUpdate::Connected {
            t_ms: T0 + 1100,
            mode: FollowMode::Tail,
        }),
        mcp_log(
            0,
            T0 + 1200,
            LogOrigin::Stderr,
            &format!("auth failed with {TOKEN}"),
        ),
        mcp_log(
            0,
            T0 + 1300,
            LogOrigin::Client,
            "the server asked to open \"https://idp/cb?code=s3cret-code\"",
        ),
        mcp_log(
            1,
            T0 + 1400,
            LogOrigin::Notification {
                level: "error".into(),
                logger: Some("index".into()),
            },
            "index rebuild failed",
        ),
        Update::Loki(LokiUpdate::Query(NEW_QUERY.into())),
        entries(T0 + 3000, &["level=error msg=\"upstream timeout\""]),
    ];
    for u in updates {
        // The time of what carries none: the targets, the query change.
        let now = match u {
            Update::Loki(LokiUpdate::Query(_)) => T0 + 2500,
            _ => T0 + 500,
        };
        app.apply_at(u, now);
    }
    assert!(app.recorder.is_some(), "recording");
    app.close_recording_now();
    recording::read(&path).expect("reads")
}

#[test]
fn log_lines_are_recorded_by_source_and_masked_and_client_notes_are_not() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let rec = record(tmp.path());
    let h = &rec.header;
    assert_eq!(h.version, VERSION);
    assert_eq!(h.loki_query.as_deref(), Some(QUERY));
    assert_eq!(h.mcp_servers, vec!["gw".to_string(), "search".to_string()]);
    let masked = format!("auth failed with ghp_{MASK}");
    let logs: Vec<(i64, String, Vec<&str>)> = rec
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Logs {
                t_ms,
                source,
                entries,
            } => Some((
                *t_ms,
                match source {
                    LogsSource::Loki => "loki".to_string(),
                    LogsSource::Mcp(name) => name.clone(),
                },
                entries.iter().map(|e| e.line.as_str()).collect(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        logs,
        vec![
            (
                T0 + 1000,
                "loki".into(),
                vec!["level=error msg=\"upstream timeout\"", "level=info msg=ok"]
            ),
            (T0 + 1200, "gw".into(), vec![masked.as_str()]),
            (T0 + 1400, "search".into(), vec!["index rebuild failed"]),
            (
                T0 + 3000,
                "loki".into(),
                vec!["level=error msg=\"upstream timeout\""]
            ),
        ]
    );
    let changes: Vec<&LokiChange> = rec
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Loki { change, .. } => Some(change),
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            &LokiChange::Connected(FollowMode::Tail),
            &LokiChange::Query(NEW_QUERY.into())
        ]
    );
    // Neither the token in a stderr line, nor a client note's URL, nor Loki's password.
    let everything = format!("{:?} {:?}", rec.header, rec.events);
    for secret in ["Zq8d0cTf1sV7yN3kW5mR2pL9xB4hJ6gE0aUi", "s3cret"] {
        assert!(!everything.contains(secret), "{secret} recorded");
    }
}

#[test]
fn replayed_the_lines_are_in_their_sources_up_to_the_instant_and_in_the_report() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let rec = record(tmp.path());
    let replayed = |until: i64| {
        let mut app = App::new(replay_config(Config::default(), &rec).expect("cfg")).expect("app");
        app.replay_log_sources(&rec.header, &rec.events);
        app.replay_until(&rec.events, until);
        app
    };
    let lines = |b: &crate::model::logs::LogBuffer| -> Vec<String> {
        b.iter().map(|e| e.line.clone()).collect()
    };
    let app = replayed(T0 + 2000);
    let loki = app.loki.as_ref().expect("a Loki source");
    assert_eq!(
        (loki.url.as_str(), loki.query.as_str()),
        (RECORDED_URL, QUERY)
    );
    assert_eq!(loki.status.mode, Some(FollowMode::Tail));
    assert_eq!(loki.buffer.len(), 2);
    assert_eq!(
        loki.buffer.iter().next().map(|e| e.level),
        Some(Level::Error)
    );
    let names: Vec<&str> = app.mcp.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["gw", "search"]);
    assert!(
        app.mcp
            .servers
            .iter()
            .all(|s| matches!(s.conn, ConnState::Failed(_)))
    );
    assert_eq!(
        lines(&app.mcp.servers[0].logs),
        vec![format!("auth failed with ghp_{MASK}")]
    );
    let search = &app.mcp.servers[1].logs;
    assert_eq!(lines(search), vec!["index rebuild failed"]);
    let e = search.iter().next().expect("a line");
    assert_eq!(e.level, Level::Error);
    assert_eq!(e.label("logger"), Some("index"));
    // After the query changed: the old query's lines are gone, as they were live.
    let app = replayed(T0 + 3000);
    let loki = app.loki.as_ref().expect("a Loki source");
    assert_eq!(loki.query, NEW_QUERY);
    assert_eq!(
        lines(&loki.buffer),
        vec!["level=error msg=\"upstream timeout\""]
    );

    // The report of an instant lists the errors of the lines up to it, and the LogQL.
    let before = incident_at(Config::default(), &rec, T0 + 999).expect("a report");
    assert!(before.top_errors.is_empty(), "{:?}", before.top_errors);
    let after = incident_at(Config::default(), &rec, T0 + 2000).expect("a report");
    assert_eq!(after.top_errors.len(), 1, "{:?}", after.top_errors);
    assert_eq!(after.top_errors[0].1, 1);
    assert!(after.top_errors[0].0.contains("upstream timeout"));
    assert!(
        after
            .queries
            .iter()
            .any(|(what, q)| what == "Logs (LogQL)" && q == QUERY),
        "{:?}",
        after.queries
    );
}
