//! Render snapshots of tools by their numbers (key `7`): the table at 80x24 and 200x50,
//! with a rare tool's `(n=…)`, modules and, with an MCP client connected, the tools'
//! badges and descriptions; and one tool's view.

use crate::support;

use crossterm::event::KeyCode;
use mcptop::action::Screen;
use mcptop::screen::tool_table::TableLine;
use support::drive::{key, keys, render};
use support::fixture;
use support::mcp_fixture::mcp_app;

#[test]
fn tools_by_their_numbers_80x24() {
    let (mut app, now) = fixture::healthy_app();
    key(&mut app, now, KeyCode::Char('7'));
    assert_eq!(app.nav.screen, Screen::ToolStats);
    let screen = render(&app, now, 80, 24);
    assert!(screen.contains("By tool · 6 tools"), "{screen}");
    // cache.flush: 0.05 calls/s, 18 in the 5-minute window (its rate doubled for a minute).
    assert!(screen.contains("(n=18)"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn tools_by_their_numbers_200x50_with_the_client_s_badges_and_descriptions() {
    let (mut app, now, _sent) = mcp_app();
    key(&mut app, now, KeyCode::Char('7'));
    group_ops(&mut app);
    let screen = render(&app, now, 200, 50);
    assert!(screen.contains("▾ ops (2)"), "{screen}");
    assert!(screen.contains("Search Notion pages by text."), "{screen}");
    assert!(screen.contains("[destr]"), "{screen}");
    assert!(screen.contains("TOP ERROR"), "{screen}");
    assert!(screen.contains("tool_error"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn sorting_filtering_and_folding_the_table() {
    let (mut app, now) = fixture::healthy_app();
    key(&mut app, now, KeyCode::Char('7'));
    // Sorted by errors, worst first: jira.create_issue (8 %).
    keys(&mut app, now, "oo");
    let rows = app.dashboard.stats.tools.clone();
    let first_tool = app
        .nav
        .tool_table
        .lines(&rows)
        .into_iter()
        .find_map(|l| match l {
            TableLine::Tool { row, .. } => Some(row.tool.clone()),
            TableLine::Module(_) => None,
        });
    assert_eq!(first_tool.as_deref(), Some("jira.create_issue"));
    let screen = render(&app, now, 80, 24);
    assert!(screen.contains("ERR %▼"), "{screen}");
    // `/` filters as typed; Enter keeps it.
    keys(&mut app, now, "/cal");
    key(&mut app, now, KeyCode::Enter);
    let screen = render(&app, now, 80, 24);
    assert!(screen.contains("/cal (1 shown)"), "{screen}");
    assert!(!screen.contains("notion.search"), "{screen}");
    key(&mut app, now, KeyCode::Esc);
    assert!(!render(&app, now, 80, 24).contains("/cal"));
    // Space folds the module under the cursor.
    group_ops(&mut app);
    let rows = app.dashboard.stats.tools.clone();
    let ops = app
        .nav
        .tool_table
        .lines(&rows)
        .iter()
        .position(|l| matches!(l, TableLine::Module(m) if m.module == "ops"))
        .expect("ops has a line");
    key(&mut app, now, KeyCode::Home);
    for _ in 0..ops {
        key(&mut app, now, KeyCode::Down);
    }
    key(&mut app, now, KeyCode::Char(' '));
    let screen = render(&app, now, 80, 24);
    assert!(screen.contains("▸ ops (2)"), "{screen}");
    assert!(!screen.contains("cache.flush"), "{screen}");
    // Sorted by name, ascending (`o` until TOOL).
    keys(&mut app, now, "ooooo");
    assert!(render(&app, now, 80, 24).contains("TOOL▲"));
}

/// Puts cache.flush and health.check in one module, `ops`, until the next scrape (the
/// fixture's modules have one tool each).
fn group_ops(app: &mut mcptop::app::App) {
    for r in &mut app.dashboard.stats.tools {
        if r.tool == "cache.flush" || r.tool == "health.check" {
            r.module = "ops".into();
        }
    }
}

#[test]
fn a_tool_s_view_with_its_distribution_errors_and_schema() {
    let (mut app, now, _sent) = mcp_app();
    key(&mut app, now, KeyCode::Char('7'));
    // The busiest tool is first.
    key(&mut app, now, KeyCode::Enter);
    assert_eq!(app.nav.tool_table.open.as_deref(), Some("notion.search"));
    let screen = render(&app, now, 120, 40);
    assert!(screen.contains("Latency distribution"), "{screen}");
    assert!(screen.contains("◀ warn"), "{screen}");
    assert!(screen.contains("tool_error"), "{screen}");
    assert!(screen.contains("\"query\""), "{screen}");
    insta::assert_snapshot!(screen);
    // Enter opens the tool's call form on the server that lists it; Esc back to the table.
    key(&mut app, now, KeyCode::Enter);
    assert!(
        matches!(app.nav.overlay, Some(mcptop::app::nav::Overlay::Form(_))),
        "{:?}",
        app.nav.overlay
    );
    key(&mut app, now, KeyCode::Esc);
    key(&mut app, now, KeyCode::Esc);
    assert_eq!(app.nav.tool_table.open, None);
}
