//! Query mode on screen: the fleet table (80x24 and 200x50), sorting, filtering, the
//! drill-down into one instance and back, an API error in place, and `:env`.

use crate::support;

use crossterm::event::KeyCode;
use mcptop::action::Screen;
use mcptop::model::query_mode::PromUpdate;
use mcptop::sources::Update;
use support::drive::{key, keys, render};
use support::fleet_fixture::fleet_app;

#[test]
fn fleet_80x24() {
    let (app, now) = fleet_app();
    assert_eq!(
        app.nav.screen,
        Screen::Fleet,
        "query mode opens on the fleet"
    );
    insta::assert_snapshot!(render(&app, now, 80, 24));
}

#[test]
fn fleet_200x50() {
    let (app, now) = fleet_app();
    insta::assert_snapshot!(render(&app, now, 200, 50));
}

/// The instance names of the table rows, top to bottom.
fn order(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|l| {
            l.split_whitespace()
                .find(|w| w.starts_with("10.0."))
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn sort_by_any_column_and_reverse() {
    let (mut app, now) = fleet_app();
    // o: UP (down first), o again: REQ/S, busiest first.
    key(&mut app, now, KeyCode::Char('o'));
    assert_eq!(order(&render(&app, now, 200, 50))[0], "10.0.4.2:9464");
    key(&mut app, now, KeyCode::Char('o'));
    let screen = render(&app, now, 200, 50);
    assert!(screen.contains("REQ/S▼"), "{screen}");
    assert_eq!(
        order(&screen),
        [
            "10.0.3.7:9464",
            "10.0.3.8:9464",
            "10.0.4.3:9464",
            "10.0.3.9:9464",
            "10.0.4.2:9464"
        ]
    );
    key(&mut app, now, KeyCode::Char('O'));
    let screen = render(&app, now, 200, 50);
    assert!(screen.contains("REQ/S▲"), "{screen}");
    assert_eq!(
        order(&screen)[0],
        "10.0.3.9:9464",
        "least busy first, no data last"
    );
    // ERR %: the erroring instance on top.
    key(&mut app, now, KeyCode::Char('o'));
    assert_eq!(order(&render(&app, now, 200, 50))[0], "10.0.3.8:9464");
}

#[test]
fn filter_narrows_and_esc_clears() {
    let (mut app, now) = fleet_app();
    key(&mut app, now, KeyCode::Char('/'));
    keys(&mut app, now, "10.0.4");
    let screen = render(&app, now, 120, 30);
    assert_eq!(
        order(&screen),
        ["10.0.4.2:9464", "10.0.4.3:9464"],
        "{screen}"
    );
    assert!(screen.contains("/10.0.4 (2 shown)"), "{screen}");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Esc);
    assert_eq!(order(&render(&app, now, 120, 30)).len(), 5);
}

#[test]
fn enter_drills_into_an_instance_and_esc_returns() {
    let (mut app, now) = fleet_app();
    key(&mut app, now, KeyCode::Down);
    key(&mut app, now, KeyCode::Enter);
    assert_eq!(app.nav.screen, Screen::Overview);
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("production · 10.0.3.8:9464"), "{screen}");
    assert!(screen.contains("7.20%"), "its own error rate:\n{screen}");
    insta::assert_snapshot!(screen);
    key(&mut app, now, KeyCode::Esc);
    assert_eq!(app.nav.screen, Screen::Fleet);
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("production {job=\"mcp\"}"), "{screen}");
}

#[test]
fn a_failed_refresh_shows_the_api_error_in_place_and_keeps_the_rows() {
    let (mut app, now) = fleet_app();
    app.apply(Update::Prometheus(PromUpdate::Refresh {
        run: 0,
        t_ms: now,
        result: Err(mcptop::model::source_error::SourceError::Api {
            message: "bad_data: 1:20: parse error: unexpected \")\"".into(),
            http: 400,
        }
        .of_query("sum(")),
    }));
    let screen = render(&app, now + 5_000, 120, 30);
    assert!(screen.contains("✖ bad_data: 1:20: parse error"), "{screen}");
    assert_eq!(order(&screen).len(), 5, "the last good rows stay");
    assert!(
        screen.contains("last good"),
        "the header ages the data:\n{screen}"
    );
}

#[test]
fn env_command_switches_and_drops_the_old_fleet() {
    let (mut app, now) = fleet_app();
    key(&mut app, now, KeyCode::Char(':'));
    keys(&mut app, now, "env staging");
    key(&mut app, now, KeyCode::Enter);
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("Fleet · staging (0 instances)"), "{screen}");
    assert!(screen.contains("environment staging"), "{screen}");
    // A late refresh of the old environment is dropped.
    app.apply(Update::Prometheus(PromUpdate::Refresh {
        run: 0,
        t_ms: now,
        result: Err(mcptop::model::source_error::SourceError::Other(
            "late".into(),
        )),
    }));
    assert!(!render(&app, now, 120, 30).contains("late"));
    key(&mut app, now, KeyCode::Char(':'));
    keys(&mut app, now, "env nowhere");
    key(&mut app, now, KeyCode::Enter);
    let screen = render(&app, now, 120, 30);
    assert!(
        screen.contains("no environment `nowhere` (known: production, staging)"),
        "{screen}"
    );
}

#[test]
fn the_selection_follows_its_instance_when_a_refresh_reorders_the_rows() {
    let (mut app, now) = fleet_app();
    // Sorted by REQ/S, busiest first; select the third row: 10.0.4.3 (22.1 req/s).
    key(&mut app, now, KeyCode::Char('o'));
    key(&mut app, now, KeyCode::Char('o'));
    key(&mut app, now, KeyCode::Down);
    key(&mut app, now, KeyCode::Down);
    // A refresh in which it became the busiest.
    let mut r = app
        .fleet
        .as_ref()
        .map(|q| q.rows.clone())
        .expect("query mode");
    for row in &mut r {
        if row.instance == "10.0.4.3:9464" {
            row.req_per_sec = Some(90.0);
        }
    }
    app.apply(Update::Prometheus(PromUpdate::Refresh {
        run: 0,
        t_ms: now,
        result: Ok(Box::new(mcptop::model::query_mode::Refresh {
            t_ms: now,
            rows: r,
            ..Default::default()
        })),
    }));
    assert_eq!(order(&render(&app, now, 200, 50))[0], "10.0.4.3:9464");
    key(&mut app, now, KeyCode::Enter);
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("production · 10.0.4.3:9464"), "{screen}");
}

#[test]
fn leaving_the_overview_ends_the_drill_down() {
    let (mut app, now) = fleet_app();
    key(&mut app, now, KeyCode::Enter);
    assert!(render(&app, now, 120, 30).contains("production · 10.0.3.7:9464"));
    // Tab round the screens back to the fleet: the whole selector again.
    for _ in 1..Screen::all(true).len() {
        key(&mut app, now, KeyCode::Tab);
    }
    assert_eq!(app.nav.screen, Screen::Fleet);
    let screen = render(&app, now, 120, 30);
    assert!(
        screen.contains("Fleet · production {job=\"mcp\"}"),
        "{screen}"
    );
    assert!(app.fleet.as_ref().is_some_and(|q| q.drilled.is_none()));
}

#[test]
fn a_drilled_instance_is_dated_by_its_own_sample() {
    let (mut app, now) = fleet_app();
    // 10.0.3.8's target went quiet at the engine: its `up` sample is 47 s old while the
    // rest of the fleet was sampled 2 s before the refresh.
    if let Some(f) = app.fleet.as_mut()
        && let mcptop::app::fleet::FleetSource::Query(q) = &mut f.source
    {
        q.sample_ms.insert("10.0.3.8:9464".into(), now - 48_000);
    }
    let header = |app: &mcptop::app::App| {
        let screen = render(app, now, 120, 30);
        screen.lines().take(2).collect::<Vec<_>>().join("\n")
    };
    assert!(header(&app).contains("sampled 3s ago"), "{}", header(&app));
    key(&mut app, now, KeyCode::Down);
    key(&mut app, now, KeyCode::Enter);
    assert!(header(&app).contains("sampled 48s ago"), "{}", header(&app));
    key(&mut app, now, KeyCode::Esc);
    assert!(header(&app).contains("sampled 3s ago"), "{}", header(&app));
}
