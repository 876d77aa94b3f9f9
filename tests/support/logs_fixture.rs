//! An app with a Loki source holding a fixed minute of an MCP server's logs (JSON lines
//! with levels, modules and durations, logfmt, plain text, Loki 3 structured metadata),
//! Loki's metric counts, and a recorded query link.

use std::sync::{Arc, Mutex};

use mcptop::app::App;
use mcptop::model::logs::summary::LevelCounts;
use mcptop::model::logs::{FollowMode, LogEntry, LokiUpdate};
use mcptop::sources::Update;

/// Queries the app sent to the Loki source.
pub type Queries = Arc<Mutex<Vec<String>>>;

pub const LOKI_URL: &str = "http://127.0.0.1:3100";

/// One entry of stream `{app="mcpist", env="production"}`.
pub fn entry(ts_ms: i64, line: &str) -> LogEntry {
    LogEntry::new(
        ts_ms * 1_000_000,
        line.to_string(),
        Arc::new(vec![
            ("app".to_string(), "mcpist".to_string()),
            ("env".to_string(), "production".to_string()),
        ]),
        Vec::new(),
    )
}

/// The fixture's lines, `now_ms` being the time of the last one.
pub fn lines(now_ms: i64) -> Vec<LogEntry> {
    let mut out = Vec::new();
    let mut t = now_ms - 60_000;
    let mut push = |step: i64, line: &str| {
        t += step;
        out.push(entry(t, line));
    };
    push(
        0,
        r#"{"level":"info","module":"notion","msg":"tools/call search done","duration_ms":120}"#,
    );
    push(
        2000,
        r#"{"level":"info","module":"github","msg":"tools/call list_issues done","duration_ms":340}"#,
    );
    push(
        2000,
        r#"{"level":"warn","module":"jira","msg":"slow upstream","duration_ms":3012}"#,
    );
    push(
        2000,
        r#"{"level":"error","module":"notion","msg":"upstream timeout after 3000 ms (request 4711)","duration_ms":3001}"#,
    );
    push(
        2000,
        "level=debug module=cache msg=\"cache hit\" key=tools/list",
    );
    push(
        2000,
        r#"{"level":"error","module":"notion","msg":"upstream timeout after 3050 ms (request 4712)","duration_ms":3052}"#,
    );
    push(2000, "plain text line from a library without levels");
    push(
        2000,
        r#"{"level":"critical","module":"auth","msg":"token refresh failed for tenant 99"}"#,
    );
    push(
        2000,
        r#"{"level":"info","module":"calendar","msg":"tools/call list_events done","duration_ms":80}"#,
    );
    let mut md = entry(t + 2000, "request served");
    md.metadata = vec![
        ("detected_level".into(), "warn".into()),
        ("trace_id".into(), "4bf92f3577b34da6".into()),
    ];
    md.level = mcptop::model::logs::Level::Warn;
    out.push(md);
    out.push(entry(
        now_ms,
        r#"{"level":"error","module":"github","msg":"rate limited by upstream (HTTP 429)","duration_ms":15}"#,
    ));
    out
}

/// An app on the logs screen with Loki connected (tail) at `now`, the fixture's lines,
/// and Loki's counts; the returned list records queries sent through `e`.
pub fn loki_app() -> (App, i64, Queries) {
    let mut cfg = super::fixture::config();
    cfg.loki.url = Some(LOKI_URL.to_string());
    cfg.loki.query = Some("{app=\"mcpist\"}".to_string());
    let mut app = App::new(cfg).expect("app");
    app.audit = None;
    let now = super::fixture::T0 + 601_000;
    let queries: Queries = Arc::default();
    let sent = queries.clone();
    app.loki_link = Some(Box::new(move |q| {
        sent.lock().expect("lock").push(q);
        Ok(())
    }));
    app.apply(Update::Loki(LokiUpdate::Connected {
        t_ms: now - 1000,
        mode: FollowMode::Tail,
    }));
    app.apply(Update::Loki(LokiUpdate::Entries {
        t_ms: now - 1000,
        entries: lines(now),
    }));
    app.apply(Update::Loki(LokiUpdate::Counts(Ok(LevelCounts {
        rows: vec![
            ("critical".into(), 1.0, 3.0),
            ("error".into(), 3.0, 41.0),
            ("warn".into(), 2.0, 17.0),
            ("info".into(), 3.0, 1204.0),
            ("debug".into(), 1.0, 96.0),
        ],
        origin: "loki",
        level_by: Some("level".into()),
        ..LevelCounts::default()
    }))));
    super::drive::key(&mut app, now, crossterm::event::KeyCode::Char('4'));
    app.refresh_logs(now);
    (app, now, queries)
}

/// The screen after bringing the pane up to date, as the event loop does before a frame.
pub fn render(app: &mut App, now: i64, w: u16, h: u16) -> String {
    app.refresh_logs(now);
    super::drive::render(app, now, w, h)
}
