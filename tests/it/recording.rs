//! The recording committed in `tests/fixtures/recording/demo.rec`, made by this writer:
//! `mcptop --interval 1s --record FILE demo --rate 10 --error-ratio 0.2` for ten seconds,
//! with `D` pressed half-way. The reader reads its known records and values; a copy cut
//! off inside its last record reads up to the one before; replayed into the app's model,
//! the tiles are evaluated at the recorded times, not the wall clock's. It is of format
//! version 1 (before log lines), kept as it was written: later readers read it.
//!
//! `tests/fixtures/recording/logs.rec` is of version 2, written by this writer from the
//! records of the app's test `record_logs::tests` (Loki's lines, health and a query
//! change; two MCP servers' lines, one with a token masked), its start set to its first
//! record's: it reads with those records, and replays into its log sources.

use mcptop::app::App;
use mcptop::app::replay::replay_config;
use mcptop::config::Config;
use mcptop::model::recording::Event;
use mcptop::sources::files::recording::{Recording, decode};

const FIXTURE: &[u8] = include_bytes!("../fixtures/recording/demo.rec");
const LOGS_FIXTURE: &[u8] = include_bytes!("../fixtures/recording/logs.rec");
/// The header's start, Unix ms.
const START_MS: i64 = 1_796_637_432_149;

fn scrapes(rec: &Recording) -> Vec<&mcptop::model::dashboard::Scrape> {
    rec.events
        .iter()
        .filter_map(|e| match e {
            Event::Scrape { result: Ok(s), .. } => Some(s),
            _ => None,
        })
        .collect()
}

#[test]
fn the_committed_recording_reads_with_its_known_records_and_values() {
    let rec = decode(FIXTURE).expect("reads");
    let h = &rec.header;
    // Version 1 (no log lines), read by a reader of a later version.
    assert_eq!(
        (h.format.as_str(), h.version, h.mcptop.as_str()),
        ("mcptop-recording", 1, "0.1.0")
    );
    assert!(h.version < mcptop::model::recording::VERSION);
    assert_eq!((h.loki_query.as_deref(), h.mcp_servers.len()), (None, 0));
    assert_eq!((h.t, h.interval_ms, h.range_ms), (START_MS, 1000, 300_000));
    assert_eq!(
        (h.name.as_str(), h.profile.as_str(), h.fleet),
        ("demo", "auto", false)
    );
    assert_eq!((rec.dropped_bytes, rec.series), (0, 499));
    let kinds = |f: fn(&Event) -> bool| rec.events.iter().filter(|e| f(e)).count();
    assert_eq!(kinds(|e| matches!(e, Event::Targets { .. })), 1);
    assert_eq!(
        kinds(|e| matches!(e, Event::Health { result: Ok(_), .. })),
        10
    );
    assert_eq!(kinds(|e| matches!(e, Event::Deploy { set: true, .. })), 1);
    let scrapes = scrapes(&rec);
    assert_eq!(scrapes.len(), 10);
    let last = scrapes.last().expect("a scrape");
    assert_eq!(last.samples.len(), 499);
    let count = |errors: bool| -> f64 {
        last.samples
            .iter()
            .filter(|s| &*s.key.name == "mcp_server_operation_duration_seconds_count")
            .filter(|s| s.key.labels.iter().any(|(k, _)| &**k == "error_type") == errors)
            .map(|s| s.value)
            .sum()
    };
    // 101 tools/call so far, 26 of them failed.
    assert_eq!(count(false) + count(true), 101.0);
    assert_eq!(count(true), 26.0);
    // Times are in order, a second apart.
    assert!(
        scrapes
            .windows(2)
            .all(|w| (900..1100).contains(&(w[1].t_ms - w[0].t_ms)))
    );
}

#[test]
fn a_copy_cut_off_inside_its_last_record_reads_up_to_the_one_before() {
    let whole = decode(FIXTURE).expect("reads");
    let cut = decode(&FIXTURE[..FIXTURE.len() - 10]).expect("reads what is whole");
    assert_eq!(cut.events.len(), whole.events.len() - 1);
    assert_eq!(cut.events[..], whole.events[..cut.events.len()]);
    assert!(cut.dropped_bytes > 0 && cut.dropped_bytes < FIXTURE.len() as u64 - 10);
    assert!(cut.dropped_why.is_some());
}

#[test]
fn replayed_the_model_stands_at_the_recorded_instant() {
    let rec = decode(FIXTURE).expect("reads");
    let scrapes: Vec<i64> = scrapes(&rec).iter().map(|s| s.t_ms).collect();
    let cfg = replay_config(Config::default(), &rec).expect("replay config");
    assert_eq!(cfg.scrape.interval, std::time::Duration::from_secs(1));
    assert_eq!(cfg.target.name.as_deref(), Some("demo"));
    let mut app = App::new(cfg).expect("app");
    // A version 1 recording holds no log line: a replay makes no log source of it.
    app.replay_log_sources(&rec.header, &rec.events);
    assert!(app.loki.is_none() && app.mcp.servers.is_empty());
    // Half-way: the numbers are those of the fifth scrape's instant, the deploy not marked.
    app.replay_until(&rec.events, scrapes[4]);
    assert_eq!(app.dashboard.stats.eval_ms, scrapes[4]);
    assert!(app.deploy.is_none());
    assert_eq!(app.dashboard.status.scrape.last_ok_ms, Some(scrapes[4]));
    let mut app = App::new(replay_config(Config::default(), &rec).expect("cfg")).expect("app");
    app.replay_until(&rec.events, rec.span_ms().1);
    assert_eq!(app.dashboard.stats.eval_ms, scrapes[9]);
    let ratio = app.dashboard.stats.error_ratio.expect("an error ratio");
    assert!((0.1..0.5).contains(&ratio), "{ratio}");
    assert!(app.dashboard.stats.req_per_sec.is_some_and(|r| r > 1.0));
    let mark = app.deploy.as_ref().expect("the deploy mark");
    assert!(scrapes[4] < mark.t_ms && mark.t_ms < scrapes[9]);
}

#[test]
fn the_report_of_a_moment_is_taken_then_and_lists_the_deploy_mark_once_past() {
    let rec = decode(FIXTURE).expect("reads");
    let (_, end) = rec.span_ms();
    let mark = rec
        .events
        .iter()
        .find_map(|e| match e {
            Event::Deploy { t_ms, .. } => Some(*t_ms),
            _ => None,
        })
        .expect("a deploy mark");
    let marked = |i: &mcptop::model::snapshot::Incident| {
        i.timeline()
            .iter()
            .any(|(t, e, _)| *t == mark && e == "deploy marked (demo)")
    };
    let before =
        mcptop::app::replay::incident_at(Config::default(), &rec, mark - 1).expect("a report");
    assert_eq!(before.taken_ms, mark - 1);
    assert!(!marked(&before));
    let after = mcptop::app::replay::incident_at(Config::default(), &rec, end).expect("a report");
    // Taken at the end; the numbers are those of the last scrape, after the mark.
    assert_eq!(after.taken_ms, end);
    assert!(after.stats.eval_ms <= end && after.stats.eval_ms > mark);
    assert!(marked(&after));
}

#[test]
fn a_replay_says_its_speed_and_pause_in_the_footer_and_lists_its_keys_in_help() {
    use crate::support::drive::{keys, render};
    let press = |app: &mut App, c: char| {
        let now = app.now();
        keys(app, now, &c.to_string());
    };
    let rec = decode(FIXTURE).expect("reads");
    let mut app = App::new(replay_config(Config::default(), &rec).expect("cfg")).expect("app");
    app.replay = Some(mcptop::app::replay::Replay::new(rec));
    let at = |app: &App| render(app, app.now(), 150, 30);
    let screen = at(&app);
    assert!(screen.contains(" replay 1x at "), "{screen}");
    press(&mut app, ' ');
    press(&mut app, '>');
    assert!(at(&app).contains(" replay 10x paused at "), "{}", at(&app));
    press(&mut app, '>');
    press(&mut app, '>');
    press(&mut app, ' ');
    assert!(at(&app).contains(" replay 60x at "), "{}", at(&app));
    press(&mut app, '<');
    assert!(at(&app).contains(" replay 10x at "), "{}", at(&app));
    press(&mut app, '?');
    let help = at(&app);
    assert!(help.contains("replay: pause / resume"), "{help}");
}

#[test]
fn replayed_log_lines_show_on_the_logs_screen_in_their_sources() {
    use std::sync::Arc;

    use crate::support::drive::render;
    use mcptop::action::Screen;
    use mcptop::model::logs::LogEntry;
    use mcptop::model::recording::{LogsSource, LokiChange};
    // The committed recording, with what a version 2 writer adds: Loki's query and lines,
    // an MCP server's own log.
    let mut rec = decode(FIXTURE).expect("reads");
    let (_, end) = rec.span_ms();
    rec.header.loki_query = Some("{app=\"demo\"}".into());
    rec.header.mcp_servers = vec!["demo".into()];
    let t = end - 2000;
    let stream = |k: &str, v: &str| Arc::new(vec![(k.to_string(), v.to_string())]);
    let line = |text: &str, s: &Arc<Vec<(String, String)>>| {
        LogEntry::new(t * 1_000_000, text.into(), Arc::clone(s), Vec::new())
    };
    rec.events.push(Event::Loki {
        t_ms: t,
        change: LokiChange::Connected(mcptop::model::logs::FollowMode::Tail),
    });
    rec.events.push(Event::Logs {
        t_ms: t,
        source: LogsSource::Loki,
        entries: vec![line(
            "level=error msg=\"tools/call timed out\"",
            &stream("app", "demo"),
        )],
    });
    rec.events.push(Event::Logs {
        t_ms: t + 1,
        source: LogsSource::Mcp("demo".into()),
        entries: vec![line("demo server listening", &stream("origin", "stderr"))],
    });
    let mut app = App::new(replay_config(Config::default(), &rec).expect("cfg")).expect("app");
    app.replay_log_sources(&rec.header, &rec.events);
    app.replay_until(&rec.events, end);
    app.nav.screen = Screen::Logs;
    app.refresh_logs(end);
    let loki = render(&app, end, 120, 20);
    assert!(loki.contains("tools/call timed out"), "{loki}");
    assert!(loki.contains("✓ tail"), "{loki}");
    assert!(!loki.contains("demo server listening"), "{loki}");
    app.nav.log_source = 1;
    app.refresh_logs(end);
    let server = render(&app, end, 120, 20);
    assert!(server.contains("demo server listening"), "{server}");
    assert!(!server.contains("tools/call timed out"), "{server}");
    app.nav.screen = Screen::Tools;
    let tools = render(&app, end, 120, 20);
    assert!(tools.contains("not connected in a replay"), "{tools}");
}

#[test]
fn the_committed_version_2_recording_reads_its_log_records_and_replays_them() {
    use mcptop::model::recording::{LogsSource, LokiChange};
    let rec = decode(LOGS_FIXTURE).expect("reads");
    let h = &rec.header;
    assert_eq!((h.version, h.t), (2, 1_796_687_400_000));
    assert_eq!(h.loki_query.as_deref(), Some("{app=\"gw\"}"));
    assert_eq!(h.mcp_servers, vec!["gw".to_string(), "search".to_string()]);
    assert_eq!(rec.dropped_bytes, 0);
    let logs: Vec<(String, Vec<(&str, &str)>)> = rec
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Logs {
                source, entries, ..
            } => Some((
                match source {
                    LogsSource::Loki => "loki".to_string(),
                    LogsSource::Mcp(s) => s.clone(),
                },
                entries
                    .iter()
                    .map(|e| (e.line.as_str(), e.level.word()))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let timeout = "level=error msg=\"upstream timeout\"";
    assert_eq!(
        logs,
        vec![
            (
                "loki".to_string(),
                vec![(timeout, "error"), ("level=info msg=ok", "info")]
            ),
            ("gw".to_string(), vec![("auth failed with ghp_••••••", "-")]),
            (
                "search".to_string(),
                vec![("index rebuild failed", "error")]
            ),
            ("loki".to_string(), vec![(timeout, "error")]),
        ]
    );
    assert!(rec.events.iter().any(|e| matches!(
        e,
        Event::Loki { change: LokiChange::Query(q), .. } if q == "{app=\"gw\"} |= \"timeout\""
    )));
    // Replayed to its end: the new query's one line in Loki's source, each server's own.
    let (_, end) = rec.span_ms();
    let mut app = App::new(replay_config(Config::default(), &rec).expect("cfg")).expect("app");
    app.replay_log_sources(&rec.header, &rec.events);
    app.replay_until(&rec.events, end);
    let loki = app.loki.as_ref().expect("Loki's source");
    assert_eq!(loki.buffer.len(), 1);
    assert_eq!(
        app.mcp
            .servers
            .iter()
            .map(|s| (s.name.as_str(), s.logs.len()))
            .collect::<Vec<_>>(),
        vec![("gw", 1), ("search", 1)]
    );
    let report = mcptop::app::replay::incident_at(Config::default(), &rec, end).expect("report");
    assert_eq!(report.top_errors.len(), 1, "{:?}", report.top_errors);
}
