//! A replay's time cursor reaches the whole recording: past what the model keeps, the
//! playback head moves there (back: the model rebuilt from the records before it), the
//! replay pauses, and the tiles are those `snapshot --from --at` gives for that instant.

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use mcptop::app::App;
use mcptop::app::replay::replay_config;
use mcptop::config::Config;
use std::sync::Arc;

use mcptop::model::logs::LogEntry;
use mcptop::model::recording::{Event, LogsSource, RecTarget};
use mcptop::model::status::HealthInfo;
use mcptop::sources::files::recording::Recording;

use crate::support::drive::{key, render};
use crate::support::fixture::{self, T0};

/// Seconds of the recording.
const LENGTH_S: i64 = 1200;
/// The deploy mark, seconds after [`T0`].
const DEPLOY_S: i64 = 900;

/// Twenty minutes of the fixture's server scraped every 2 s (its load doubles between
/// minutes 4 and 6), a rate window of 1 minute and 3 minutes of history, with a deploy
/// marked at minute 15 and a Loki line every minute.
fn recording() -> Recording {
    let mut cfg = fixture::config();
    cfg.scrape.interval = Duration::from_secs(2);
    cfg.window.range = Duration::from_secs(60);
    cfg.window.history = Duration::from_secs(180);
    let mut header = mcptop::app::record::header(&cfg, T0);
    header.loki_query = Some("{app=\"demo\"}".into());
    let mut events = vec![Event::Targets {
        t_ms: T0,
        targets: vec![RecTarget {
            id: 0,
            name: "demo".into(),
            url: "http://127.0.0.1:7777/metrics".into(),
            health_url: Some("http://127.0.0.1:7777/health".into()),
            profile: "auto".into(),
        }],
    }];
    for t in (0..=LENGTH_S).step_by(2) {
        let s = fixture::scrape(t);
        let t_ms = s.t_ms;
        events.push(Event::Scrape {
            target: 0,
            t_ms,
            result: Ok(s),
        });
        events.push(Event::Health {
            target: 0,
            t_ms,
            result: Ok(HealthInfo {
                status: "ok".into(),
                version: Some("0.1.0".into()),
            }),
        });
        if t % 60 == 0 {
            events.push(Event::Logs {
                t_ms,
                source: LogsSource::Loki,
                entries: vec![LogEntry::new(
                    t_ms * 1_000_000,
                    format!("level=error msg=\"minute {}\"", t / 60),
                    Arc::new(vec![("app".to_string(), "demo".to_string())]),
                    Vec::new(),
                )],
            });
        }
        if t == DEPLOY_S {
            events.push(Event::Deploy {
                t_ms: t_ms + 500,
                target: "demo".into(),
                set: true,
            });
        }
    }
    Recording {
        header,
        events,
        file_bytes: 0,
        dropped_bytes: 0,
        dropped_why: None,
        series: 0,
    }
}

/// A replay of [`recording`] played to its end.
fn played() -> (App, Recording) {
    let rec = recording();
    let mut app = App::new(replay_config(Config::default(), &rec).expect("cfg")).expect("app");
    app.audit = None;
    app.replay_log_sources(&rec.header, &rec.events);
    app.start_replay(rec.clone());
    app.advance_replay(Instant::now() + Duration::from_secs(LENGTH_S as u64 + 5));
    assert_eq!(app.now(), T0 + LENGTH_S * 1000);
    (app, rec)
}

/// The model of a fresh replay applied from the recording's start up to `t_ms`.
fn from_start(rec: &Recording, t_ms: i64) -> App {
    let mut app = App::new(replay_config(Config::default(), rec).expect("cfg")).expect("app");
    app.replay_log_sources(&rec.header, &rec.events);
    app.replay_until(&rec.events, t_ms);
    app
}

#[test]
fn home_goes_back_past_what_is_kept_to_the_first_whole_window_of_the_recording() {
    let (mut app, rec) = played();
    let kept = app.dashboard.past().reach().expect("the history is kept");
    assert!(kept.earliest_ms > T0 + 60_000, "only 3 minutes are kept");
    key(&mut app, T0, KeyCode::Home);
    // The head is at the first instant with a whole window; paused; the cursor live on it.
    assert_eq!(app.now(), T0 + 60_000);
    assert!(app.nav.cursor.is_live());
    let screen = render(&app, app.now(), 150, 30);
    assert!(screen.contains(" replay 1x paused at "), "{screen}");
    let then = from_start(&rec, T0 + 60_000);
    assert_eq!(app.dashboard.stats, then.dashboard.stats);
    assert_eq!(app.dashboard.stats.range_ms, 60_000);
    // Nothing of the later load: a minute of the base rate.
    let base = app.dashboard.stats.req_per_sec.expect("a rate");
    let live = from_start(&rec, T0 + LENGTH_S * 1000);
    assert!((base - live.dashboard.stats.req_per_sec.expect("a rate")).abs() < 0.2);
}

#[test]
fn the_previous_mark_beyond_the_kept_history_rebuilds_there_with_the_same_tiles_as_a_snapshot() {
    let (mut app, rec) = played();
    let mark = T0 + DEPLOY_S * 1000 + 500;
    key(&mut app, T0, KeyCode::Char('{'));
    assert_eq!(app.now(), mark, "the head is at the deploy mark");
    let then = from_start(&rec, mark);
    // The tiles, the health and the deploy mark are those of a replay from the start.
    assert_eq!(app.dashboard.stats, then.dashboard.stats);
    assert_eq!(
        app.dashboard.status.scrape.last_ok_ms,
        then.dashboard.status.scrape.last_ok_ms
    );
    assert_eq!(app.deploy.as_ref().map(|d| d.t_ms), Some(mark));
    assert_eq!(
        app.deploy.as_ref().map(|d| &d.before),
        then.deploy.as_ref().map(|d| &d.before),
        "the deploy's tiles before it are rebuilt as well"
    );
    let report = mcptop::app::replay::incident_at(Config::default(), &rec, mark).expect("a report");
    assert_eq!(report.stats, app.dashboard.stats);
}

#[test]
fn left_and_right_move_in_the_kept_history_then_push_the_head_forward() {
    let (mut app, _) = played();
    let end = T0 + LENGTH_S * 1000;
    let step = app.dashboard.timeline.step_ms;
    // Within what is kept: the cursor moves, the head stays at the end, still playing.
    key(&mut app, T0, KeyCode::Left);
    let at = app.nav.cursor.at_ms().expect("in the past");
    assert!(at < end && at >= end - step, "{at}");
    assert_eq!(app.now(), end);
    // Home then Right: the head moves one step on from the first whole window.
    key(&mut app, T0 + 1000, KeyCode::Home);
    let home = app.now();
    key(&mut app, T0 + 2000, KeyCode::Right);
    assert_eq!(app.now(), home + step);
    assert!(app.nav.cursor.is_live());
    assert_eq!(app.dashboard.stats.eval_ms, home + step);
    // Left goes back into what the model now keeps, without moving the head.
    key(&mut app, T0 + 3000, KeyCode::Left);
    assert_eq!(app.now(), home + step);
    let back = app.nav.cursor.at_ms().expect("in the past");
    assert!(back < home + step, "{back}");
    assert_eq!(
        app.view(app.now()).stats.eval_ms,
        back,
        "the tiles show the cursor's instant"
    );
}
