//! The recording committed in `tests/fixtures/recording/demo.rec`, made by this writer:
//! `mcptop --interval 1s --record FILE demo --rate 10 --error-ratio 0.2` for ten seconds,
//! with `D` pressed half-way. The reader reads its known records and values; a copy cut
//! off inside its last record reads up to the one before; replayed into the app's model,
//! the tiles are evaluated at the recorded times, not the wall clock's.

use mcptop::app::App;
use mcptop::app::replay::replay_config;
use mcptop::config::Config;
use mcptop::model::recording::Event;
use mcptop::sources::files::recording::{Recording, decode};

const FIXTURE: &[u8] = include_bytes!("../fixtures/recording/demo.rec");
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
    assert_eq!(
        (h.format.as_str(), h.version, h.mcptop.as_str()),
        ("mcptop-recording", 1, "0.1.0")
    );
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
