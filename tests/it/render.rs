//! Render snapshots of whole screens (TestBackend + insta) from a fixed model state.

use crate::support;

use mcptop::action::{Mode, Screen};
use support::drive::render;

use support::fixture;

#[test]
fn overview_healthy_80x24() {
    let (app, now) = fixture::healthy_app();
    insta::assert_snapshot!(render(&app, now, 80, 24));
}

#[test]
fn overview_healthy_200x50() {
    let (app, now) = fixture::healthy_app();
    insta::assert_snapshot!(render(&app, now, 200, 50));
}

#[test]
fn overview_target_down_80x24() {
    let (app, now) = fixture::down_app();
    insta::assert_snapshot!(render(&app, now, 80, 24));
}

#[test]
fn overview_target_down_200x50() {
    let (app, now) = fixture::down_app();
    insta::assert_snapshot!(render(&app, now, 200, 50));
}

#[test]
fn help_overlay_lists_the_keymap() {
    let (mut app, now) = fixture::healthy_app();
    app.show_help = true;
    let screen = render(&app, now, 80, 24);
    assert!(screen.contains("Help: keys"), "{screen}");
    // The keys of the mode it was opened over: the overview's.
    let overview = app.keymap.of_mode(Mode::Screen(Screen::Overview));
    // The replay's keys are listed in a replay only.
    let replay_only = [
        mcptop::action::Action::ReplayPause,
        mcptop::action::Action::ReplayFaster,
        mcptop::action::Action::ReplaySlower,
    ]
    .map(mcptop::action::Action::description);
    for (keys, what) in overview.help_rows() {
        if replay_only.contains(&what) {
            assert!(!screen.contains(what), "{what} listed live:\n{screen}");
            continue;
        }
        assert!(screen.contains(&keys), "{keys} missing:\n{screen}");
        assert!(screen.contains(what), "{what} missing:\n{screen}");
    }
}

#[test]
fn too_small_terminal_says_so() {
    let (app, now) = fixture::healthy_app();
    let screen = render(&app, now, 40, 10);
    assert!(screen.contains("terminal too small"), "{screen}");
    assert!(!screen.contains("Requests/min"), "{screen}");
}

#[test]
fn a_marked_deploy_shows_on_the_timeline_and_the_tiles_show_the_values_before_it() {
    use crossterm::event::KeyCode;
    let (mut app, now) = fixture::healthy_app();
    // Marked five minutes ago with a lower error rate than now.
    let mut before = app.dashboard.stats.clone();
    before.error_ratio = Some(0.001);
    app.deploy = Some(mcptop::app::DeployMark {
        t_ms: now - 300_000,
        target: app.target_name.clone(),
        before,
    });
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("┃ deploy 00:05:01"), "{screen}");
    assert!(screen.contains("before deploy 00:05: 0.10%"), "{screen}");
    insta::assert_snapshot!(screen);
    // Another target on screen (a drill-down, another environment) does not show it.
    let name = std::mem::replace(&mut app.target_name, "other".into());
    assert!(!render(&app, now, 120, 30).contains("before deploy"));
    app.target_name = name;
    // D clears the mark; D again marks now.
    support::drive::key(&mut app, now, KeyCode::Char('D'));
    assert!(app.deploy.is_none());
    assert!(!render(&app, now, 120, 30).contains("before deploy"));
    support::drive::key(&mut app, now, KeyCode::Char('D'));
    assert_eq!(app.deploy.as_ref().map(|d| d.t_ms), Some(now));
}

#[test]
fn an_endpoint_without_tls_verification_is_named_in_the_header() {
    let mut cfg = fixture::config();
    cfg.loki.url = Some("https://loki.example".into());
    cfg.loki.http.tls.insecure_skip_verify = true;
    let app = mcptop::app::App::new(cfg).expect("app");
    let screen = render(&app, fixture::T0, 120, 30);
    let header: String = screen.lines().take(3).collect::<Vec<_>>().join("\n");
    assert!(header.contains("⚠ TLS UNVERIFIED: loki"), "{screen}");
    // With verification on (the default), no warning.
    let (app, now) = fixture::healthy_app();
    assert!(!render(&app, now, 120, 30).contains("UNVERIFIED"));
}

#[test]
fn control_characters_from_outside_never_reach_the_terminal() {
    let (mut app, now) = fixture::healthy_app();
    // An error page that tries to clear the screen and retitle the terminal. ratatui's
    // buffer drops control characters from text it is given; this keeps that true.
    let err = "HTTP 502: \u{1b}[2J\u{1b}]0;pwned\u{7}bad gateway\r".to_string();
    app.dashboard.apply_scrape(
        now,
        Err(mcptop::model::source_error::SourceError::Other(err)),
    );
    let screen = render(&app, now + 1000, 120, 30);
    assert!(screen.contains("bad gateway"), "{screen}");
    assert!(
        !screen.chars().any(|c| c.is_control() && c != '\n'),
        "a control character is drawn: {screen:?}"
    );
}

#[test]
fn the_header_says_why_the_profile_matched_and_drops_it_first_when_narrow() {
    use mcptop::model::profile::{Profile, ProfileChoice};
    use mcptop::model::series::SeriesKey;
    let (mut app, now) = fixture::healthy_app();
    // prometheus-fastapi-instrumentator: a coarse histogram by handler, a finer one unlabelled.
    let mut keys = vec![SeriesKey::new(
        "http_requests_total",
        [("handler", "/mcp"), ("status", "2xx")],
    )];
    for le in ["0.1", "0.5", "1.0", "+Inf"] {
        keys.push(SeriesKey::new(
            "http_request_duration_seconds_bucket",
            [("handler", "/mcp"), ("le", le)],
        ));
    }
    for le in ["0.01", "0.05", "0.1", "0.25", "0.5", "1.0", "+Inf"] {
        keys.push(SeriesKey::new(
            "http_request_duration_highr_seconds_bucket",
            [("le", le)],
        ));
    }
    let polling = vec!["/metrics".to_string(), "/health".to_string()];
    let profile = Profile::detect(&ProfileChoice::Auto, None, &keys, &polling)
        .expect("detection")
        .expect("http");
    app.dashboard.set_profile(Ok(profile));
    let header = |width: u16| {
        render(&app, now, width, 30)
            .lines()
            .find(|l| l.contains(" mcptop "))
            .unwrap_or_default()
            .to_string()
    };
    let wide = header(240);
    assert!(
        wide.contains(
            "profile http  (http_requests_total)  \
             latency http_request_duration_highr_seconds (finer), incl. polling"
        ),
        "{wide}"
    );
    // Narrower: the latency note goes first, then the why, the profile's name stays.
    let mid = header(200);
    assert!(mid.contains("profile http  (http_requests_total)"), "{mid}");
    assert!(!mid.contains("(finer)"), "{mid}");
    let narrow = header(80);
    assert!(narrow.contains("profile http"), "{narrow}");
    assert!(!narrow.contains("http_requests_total"), "{narrow}");
}
