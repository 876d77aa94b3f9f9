//! The once-a-second tick redraws for the header's age only when the numbers are late.

use super::*;

#[test]
fn the_age_costs_no_frame_until_the_numbers_are_two_intervals_old() {
    let mut cfg = Config::default();
    cfg.target.url = Some("http://127.0.0.1:1".into());
    cfg.scrape.interval = Duration::from_secs(1);
    let mut app = App::new(cfg).expect("app");
    let t = 1_700_000_000_000;
    // Never good: the clock stands.
    assert_eq!(app.clock(t).0, app.clock(t + 5_000).0);
    app.dashboard.status.scrape.record_ok(t);
    // Within two intervals the age is "fresh": the seconds between refreshes change
    // nothing the tick would redraw for.
    assert_eq!(app.clock(t + 100).0, app.clock(t + 1_900).0);
    // Late: it counts each second.
    assert_ne!(app.clock(t + 1_900).0, app.clock(t + 2_100).0);
    assert_ne!(app.clock(t + 2_100).0, app.clock(t + 3_100).0);
    assert_eq!(app.clock(t + 3_100).0, Some(3));
}

#[test]
fn a_health_check_answering_as_before_costs_no_frame() {
    use crate::model::status::HealthInfo;
    use crate::sources::Update;
    let mut cfg = Config::default();
    cfg.target.url = Some("http://127.0.0.1:1".into());
    let mut app = App::new(cfg).expect("app");
    let ok = |t_ms| Update::Health {
        target: 0,
        t_ms,
        result: Ok(HealthInfo {
            status: "ok".into(),
            version: Some("1.2.3".into()),
        }),
    };
    let failed = |t_ms| Update::Health {
        target: 0,
        t_ms,
        result: Err(crate::model::source_error::SourceError::Other(
            "refused".into(),
        )),
    };
    assert!(app.apply_shown(ok(1_000)), "the first answer is drawn");
    assert!(!app.apply_shown(ok(2_000)), "the same again is not");
    assert!(app.apply_shown(failed(3_000)), "a failure is");
    assert!(
        app.apply_shown(failed(4_000)),
        "and each one more (their count shows)"
    );
    assert!(app.apply_shown(ok(5_000)), "and the recovery");
}
