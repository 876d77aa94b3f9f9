//! The time cursor on the overview: keys move it along what the dashboard kept, the tiles
//! show the numbers of its instant, the header says it is not live, and the timeline
//! draws it with the alert transitions.

use crossterm::event::KeyCode;
use mcptop::model::alerts::{Alert, AlertOrigin, AlertState, Labels};

use crate::support;
use support::drive::{key, render};
use support::fixture::{self, T0};

/// Keys one second apart: separate presses, never a held key.
fn press(app: &mut mcptop::app::App, now: &mut i64, code: KeyCode) {
    *now += 1000;
    key(app, *now, code);
}

#[test]
fn home_goes_to_the_oldest_whole_window_and_the_tiles_show_that_instant() {
    let (mut app, start) = fixture::healthy_app();
    let mut now = start;
    let live = app.dashboard.stats.clone();
    let reach = app.dashboard.past().reach().expect("ten minutes held");
    press(&mut app, &mut now, KeyCode::Home);
    assert_eq!(app.nav.cursor.at_ms(), Some(reach.earliest_ms));
    let view = app.view(now);
    let kept = app.dashboard.past().at(reach.earliest_ms).expect("kept");
    assert_eq!(*view.stats, kept, "the tiles' numbers are the kept ones");
    assert_eq!(kept.range_ms, 300_000, "over a whole window");
    // The fixture's load doubles between minutes 4 and 6: a window ending near minute 5
    // holds more of it than the live one (minutes 5 to 10).
    assert!(
        kept.req_per_sec > live.req_per_sec,
        "{:?} vs live {:?}",
        kept.req_per_sec,
        live.req_per_sec
    );
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("◷ at "), "{screen}");
    assert!(screen.contains("End live"), "{screen}");
    // Esc returns to live.
    press(&mut app, &mut now, KeyCode::Esc);
    assert!(app.nav.cursor.is_live());
    assert_eq!(*app.view(now).stats, app.dashboard.stats);
    assert!(!render(&app, now, 120, 30).contains("◷ at "));
}

#[test]
fn left_and_right_step_along_the_kept_instants_and_end_is_live() {
    let (mut app, start) = fixture::healthy_app();
    let mut now = start;
    let step = app.dashboard.timeline.step_ms;
    let latest = app.dashboard.past().reach().expect("reach").latest_ms;
    press(&mut app, &mut now, KeyCode::Left);
    let first = app.nav.cursor.at_ms().expect("in the past");
    assert!(
        first < latest && first >= latest - step,
        "{first} vs {latest}"
    );
    press(&mut app, &mut now, KeyCode::Left);
    press(&mut app, &mut now, KeyCode::Left);
    let third = app.nav.cursor.at_ms().expect("in the past");
    assert!(third < first - step, "{third} vs {first}");
    press(&mut app, &mut now, KeyCode::Right);
    let back = app.nav.cursor.at_ms().expect("in the past");
    assert!(back > third && back < first, "{back}");
    // Each position is a kept instant: its numbers are there.
    assert_eq!(app.dashboard.past().at(back).map(|s| s.eval_ms), Some(back));
    press(&mut app, &mut now, KeyCode::End);
    assert!(app.nav.cursor.is_live());
}

#[test]
fn a_held_key_moves_further_each_repeat() {
    let (mut app, start) = fixture::healthy_app();
    let step = app.dashboard.timeline.step_ms;
    // Repeats 30 ms apart, as a terminal sends a held key.
    let mut at = Vec::new();
    for i in 0..12 {
        key(&mut app, start + i * 30, KeyCode::Left);
        at.push(app.nav.cursor.at_ms().expect("in the past"));
    }
    let last_move = at[10] - at[11];
    assert!(
        last_move >= 4 * step - step / 2,
        "{last_move} vs step {step}"
    );
}

#[test]
fn the_cursor_keys_do_nothing_on_another_screen() {
    let (mut app, start) = fixture::healthy_app();
    let mut now = start;
    press(&mut app, &mut now, KeyCode::Char('4'));
    for code in [KeyCode::Left, KeyCode::Home, KeyCode::Char('{')] {
        press(&mut app, &mut now, code);
        assert!(
            app.nav.cursor.is_live(),
            "{code:?} moved the cursor off the overview"
        );
    }
}

#[test]
fn nothing_to_reach_before_one_whole_window_says_why() {
    let mut app = mcptop::app::App::new(fixture::config()).expect("app");
    app.audit = None;
    for t in (0..=60).step_by(2) {
        let s = fixture::scrape(t);
        let at = s.t_ms;
        app.dashboard.apply_scrape(at, Ok(s));
    }
    let now = T0 + 61_000;
    key(&mut app, now, KeyCode::Left);
    assert!(app.nav.cursor.is_live());
    assert!(
        render(&app, now, 120, 30).contains("needs one whole rate window"),
        "{}",
        render(&app, now, 120, 30)
    );
}

fn alert(name: &str, state: AlertState, starts_ms: i64) -> Alert {
    let labels: Labels = [("alertname", name), ("severity", "critical")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Alert {
        fingerprint: format!("fp-{name}"),
        labels,
        annotations: Labels::new(),
        state,
        starts_at_ms: starts_ms,
        updated_at_ms: None,
        ends_at_ms: None,
        generator_url: None,
        silenced_by: Vec::new(),
        inhibited_by: Vec::new(),
        receivers: Vec::new(),
        origin: AlertOrigin::Alertmanager { instances: vec![0] },
    }
}

#[test]
fn braces_snap_to_alert_transitions_and_the_timeline_draws_them() {
    let (mut app, start) = fixture::healthy_app();
    app.local_offset = chrono::FixedOffset::east_opt(0).expect("UTC");
    let fired = T0 + 420_000;
    let gone = T0 + 500_000;
    app.marks.observe(
        T0 + 430_000,
        false,
        &[alert("HighErrorRate", AlertState::Firing, fired)],
    );
    app.marks.observe(gone, false, &[]);
    let mut now = start;
    press(&mut app, &mut now, KeyCode::Char('{'));
    assert_eq!(
        app.nav.cursor.at_ms(),
        Some(gone),
        "the newest transition first"
    );
    press(&mut app, &mut now, KeyCode::Char('{'));
    assert_eq!(app.nav.cursor.at_ms(), Some(fired));
    press(&mut app, &mut now, KeyCode::Char('}'));
    assert_eq!(app.nav.cursor.at_ms(), Some(gone));
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("◷ at 00:08:20 UTC"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// Query mode: the cursor asks the engine for its instant, says so until the answer is
/// here, then shows it (the whole selector's, or a drilled instance's); an error is said.
#[test]
fn query_mode_asks_the_engine_for_the_cursors_instant() {
    use mcptop::model::query_mode::{PromUpdate, Refresh};
    use mcptop::model::source_error::SourceError;
    use mcptop::sources::Update;
    use std::sync::{Arc, Mutex};
    use support::fleet_fixture;

    let (mut app, start) = fleet_fixture::fleet_app();
    app.local_offset = chrono::FixedOffset::east_opt(0).expect("UTC");
    let asked: Arc<Mutex<Vec<Option<i64>>>> = Arc::default();
    let log = Arc::clone(&asked);
    app.at_link = Some(Box::new(move |t| {
        log.lock().expect("lock").push(t);
        Ok(())
    }));
    let mut now = start;
    press(&mut app, &mut now, KeyCode::Char('1'));
    let live = app.view(now).stats.into_owned();
    press(&mut app, &mut now, KeyCode::Left);
    let t = app.nav.cursor.at_ms().expect("in the past");
    let step = app.dashboard.timeline.step_ms;
    assert_eq!(t % step, 0, "on a timeline step");
    assert!(t < now && t >= now - 2 * step, "{t} vs {now}");
    assert_eq!(asked.lock().expect("lock").clone(), vec![Some(t)]);
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("asking…"), "{screen}");
    assert_eq!(
        app.view(now).stats.req_per_sec,
        None,
        "no live numbers under a past time"
    );

    let mut total = fleet_fixture::stats(t, 7.0, 0.25, 0.5, 0.9);
    total.range_ms = 300_000;
    let mut per_instance = std::collections::BTreeMap::new();
    per_instance.insert(
        "10.0.4.1:9464".to_string(),
        fleet_fixture::stats(t, 3.0, 0.5, 0.4, 0.8),
    );
    app.apply(Update::Prometheus(PromUpdate::At {
        run: 0,
        t_ms: t,
        result: Ok(Box::new(Refresh {
            t_ms: t,
            total: total.clone(),
            per_instance,
            ..Refresh::default()
        })),
    }));
    assert_eq!(*app.view(now).stats, total);
    assert_ne!(*app.view(now).stats, live);
    let screen = render(&app, now, 120, 30);
    assert!(!screen.contains("asking…"), "{screen}");
    assert!(screen.contains("◷ at "), "{screen}");

    // The same instant again is not asked twice; another one is.
    press(&mut app, &mut now, KeyCode::Left);
    press(&mut app, &mut now, KeyCode::Right);
    let asked_now = asked.lock().expect("lock").clone();
    assert_eq!(asked_now.len(), 2, "{asked_now:?}");

    // A failed answer is said, and no numbers are shown.
    app.apply(Update::Prometheus(PromUpdate::At {
        run: 0,
        t_ms: t,
        result: Err(SourceError::Other("bad_data: query timed out".into())),
    }));
    let screen = render(&app, now, 160, 30);
    assert!(screen.contains("✖ bad_data: query timed out"), "{screen}");
    // An answer of an earlier environment's run is dropped.
    app.apply(Update::Prometheus(PromUpdate::At {
        run: 7,
        t_ms: t,
        result: Ok(Box::new(Refresh::default())),
    }));
    assert!(render(&app, now, 160, 30).contains("query timed out"));
    press(&mut app, &mut now, KeyCode::End);
    assert!(app.nav.cursor.is_live());
    assert_eq!(*app.view(now).stats, live);
}

#[test]
fn the_tools_table_shows_the_cursors_instant_and_its_keys_move_the_cursor_there() {
    let (mut app, start) = fixture::healthy_app();
    let mut now = start;
    let live: Vec<f64> = app
        .dashboard
        .stats
        .tools
        .iter()
        .map(|r| r.per_sec)
        .collect();
    press(&mut app, &mut now, KeyCode::Home);
    let t = app.nav.cursor.at_ms().expect("in the past");
    press(&mut app, &mut now, KeyCode::Char('7'));
    let kept = app.dashboard.past().at(t).expect("kept");
    assert_eq!(app.view(now).stats.tools, kept.tools);
    let past: Vec<f64> = kept.tools.iter().map(|r| r.per_sec).collect();
    assert_ne!(past, live, "the load bump is in the past window only");
    assert!(render(&app, now, 120, 30).contains("◷ at "));
    // ← and → work on the table too; Home there is the table's first row.
    press(&mut app, &mut now, KeyCode::Right);
    assert!(app.nav.cursor.at_ms().is_some_and(|x| x > t));
    press(&mut app, &mut now, KeyCode::Home);
    assert!(
        app.nav.cursor.at_ms().is_some_and(|x| x > t),
        "Home did not move the cursor"
    );
}
