//! Render snapshots of whole screens (TestBackend + insta) from a fixed model state.

mod support;

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
    for (keys, what) in app.keymap.help_rows() {
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
