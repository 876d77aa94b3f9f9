//! A timeline gap on screen: a stretch the query API never answered is a break in the
//! lines, and the timeline's bottom border says why and when.

use crate::support;

use std::collections::BTreeMap;

use crossterm::event::KeyCode;
use mcptop::action::Screen;
use mcptop::model::query_mode::PromUpdate;
use mcptop::model::timeline::{Gap, Point};
use mcptop::sources::Update;
use support::drive::{key, render};
use support::fixture::T0;
use support::fleet_fixture::{apply_timeline, fleet_app, hour_points};

/// An hour of points every 10 s with none from 40:00 to 44:50 after `T0`.
fn points(scale: f64) -> Vec<Point> {
    hour_points(scale, |i| (240..270).contains(&i))
}

#[test]
fn a_gap_is_drawn_with_its_reason() {
    let (mut app, now) = fleet_app();
    let instances: BTreeMap<String, Vec<Point>> = app
        .fleet
        .as_ref()
        .expect("query mode")
        .rows
        .iter()
        .map(|r| (r.instance.clone(), points(r.req_per_sec.unwrap_or(0.0))))
        .collect();
    apply_timeline(&mut app, points(115.6), instances);
    app.apply(Update::Prometheus(PromUpdate::TimelineGaps {
        run: 0,
        gaps: vec![Gap {
            from_ms: T0 + 2_400_000,
            to_ms: T0 + 2_690_000,
            reason: "no data from the API".into(),
        }],
    }));
    key(&mut app, now, KeyCode::Enter);
    assert_eq!(app.nav.screen, Screen::Overview);
    let screen = render(&app, now, 120, 40);
    assert!(
        screen.contains("▲ no data from the API for "),
        "the reason on the timeline:\n{screen}"
    );
    insta::assert_snapshot!(screen);
}
