//! Columns stay aligned with CJK and emoji in tool, module and label names, and every cut
//! ends with `…` (TestBackend, asserted on the buffer's cells; insta for the whole screen).

use crate::support;

use crossterm::event::KeyCode;
use mcptop::app::App;
use mcptop::model::logs::{LogEntry, LokiUpdate};
use mcptop::model::mcp::state::CallOrigin;
use mcptop::model::mcp::{McpUpdate, ToolHints, ToolInfo};
use mcptop::model::stats::ModuleShare;
use mcptop::sources::Update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use serde_json::json;
use support::drive::{key, render};
use support::{logs_fixture, mcp_fixture};

/// Names that are wider than their count of chars, and one that is not.
const WIDE: [&str; 5] = [
    "検索ツール",
    "数据库.query",
    "🔥tool",
    "👩‍💻deploy",
    "plain.tool",
];

/// A name longer than any column gives it.
const LONG: &str = "検索ツール検索ツール検索ツール検索ツール検索ツール";

/// The frame `app` draws at `now` in a `w` x `h` terminal.
fn frame(app: &App, now: i64, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|f| mcptop::ui::draw(f, &app.view(now), &app.theme))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// Row `y` of `buf` as text, for messages.
fn row(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

/// The first row holding `text` and `also` (spaces ignored: a wide character's second
/// cell is blank).
fn row_with(buf: &Buffer, text: &str, also: &str) -> u16 {
    let squeeze = |s: &str| s.replace(' ', "");
    (0..buf.area.height)
        .find(|y| {
            let r = squeeze(&row(buf, *y));
            r.contains(&squeeze(text)) && r.contains(also)
        })
        .unwrap_or_else(|| panic!("no row holds {text} and {also}:\n{}", dump(buf)))
}

fn row_of(buf: &Buffer, text: &str) -> u16 {
    row_with(buf, text, "")
}

/// Column where `text` (one cell per char) starts in row `y`.
fn x_of_text(buf: &Buffer, y: u16, text: &str) -> Option<u16> {
    let n = text.chars().count() as u16;
    (0..buf.area.width.saturating_sub(n)).find(|x| {
        text.chars()
            .enumerate()
            .all(|(i, c)| buf[(x + i as u16, y)].symbol() == c.to_string())
    })
}

/// Leftmost column at or after `from` whose cell is `symbol` in row `y`.
fn x_of(buf: &Buffer, y: u16, from: u16, symbol: &str) -> Option<u16> {
    (from..buf.area.width).find(|x| buf[(*x, y)].symbol() == symbol)
}

fn dump(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| row(buf, y))
        .collect::<Vec<_>>()
        .join("\n")
}

fn tool(name: &str) -> ToolInfo {
    ToolInfo {
        name: name.into(),
        title: None,
        description: Some("A tool.".into()),
        input_schema: json!({"type": "object"}),
        output_schema: None,
        hints: ToolHints {
            read_only: Some(true),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: Some(false),
        },
        task: Default::default(),
    }
}

/// The MCP fixture whose demo server lists [`WIDE`] and [`LONG`].
fn wide_tools_app() -> (App, i64) {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    let tools = WIDE.iter().chain([&LONG]).map(|n| tool(n)).collect();
    app.mcp.apply(
        McpUpdate::Tools {
            server: 0,
            tools: Ok(tools),
        },
        now,
    );
    (app, now)
}

#[test]
fn the_tools_list_aligns_badges_after_wide_names_and_marks_the_cut_one() {
    let (mut app, now) = wide_tools_app();
    key(&mut app, now, KeyCode::Char('2'));
    for (w, h) in [(80, 24), (120, 30)] {
        let buf = frame(&app, now, w, h);
        let badge_x: Vec<u16> = WIDE
            .iter()
            .chain([&"検索ツール検索"])
            .map(|name| {
                let y = row_with(&buf, name, "[ro]");
                x_of(&buf, y, 1, "[").unwrap_or_else(|| panic!("no badge in {}", row(&buf, y)))
            })
            .collect();
        assert!(
            badge_x.iter().all(|x| *x == badge_x[0]),
            "badges start at {badge_x:?} at {w} columns:\n{}",
            dump(&buf)
        );
        let y = row_with(&buf, "検索ツール検索", "[ro]");
        let name_cells: String = (0..badge_x[0]).map(|x| buf[(x, y)].symbol()).collect();
        assert!(
            name_cells.trim_end().ends_with('…'),
            "the cut name ends with …: {name_cells:?}"
        );
    }
    insta::assert_snapshot!(render(&app, now, 80, 24));
}

#[test]
fn the_calls_table_keeps_its_columns_and_marks_cut_arguments() {
    let (mut app, now) = wide_tools_app();
    for (i, name) in WIDE.iter().chain([&LONG]).enumerate() {
        app.mcp.start_call(
            0,
            name.to_string(),
            json!({"query": "cancelme because this argument is far too long for the column"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            CallOrigin::Form,
            now - 1000 * i as i64,
        );
    }
    key(&mut app, now, KeyCode::Char('3'));
    for (w, h) in [(80, 24), (120, 30)] {
        let buf = frame(&app, now, w, h);
        let mut outcome_x = Vec::new();
        for name in WIDE.iter().chain([&"検索ツール検"]) {
            let y = row_of(&buf, &format!("demo{name}"));
            outcome_x.push(x_of(&buf, y, 1, "⟳").expect("outcome"));
            let text = row(&buf, y);
            let args = text.trim_end_matches(['│', ' ']);
            assert!(
                args.contains("query=\"c") && args.ends_with('…'),
                "arguments cut with … at {w} columns: {text}"
            );
        }
        assert!(
            outcome_x.iter().all(|x| *x == outcome_x[0]),
            "outcomes start at {outcome_x:?} at {w} columns:\n{}",
            dump(&buf)
        );
    }
}

#[test]
fn the_modules_panel_aligns_bars_after_wide_module_names() {
    let (mut app, now) = support::fixture::healthy_app();
    app.dashboard.stats.modules = WIDE
        .iter()
        .chain([&LONG])
        .enumerate()
        .map(|(i, m)| ModuleShare {
            module: m.to_string(),
            per_sec: 1.0 + i as f64,
            share: 0.1,
        })
        .collect();
    let buf = frame(&app, now, 100, 40);
    let mut share_x = Vec::new();
    for name in WIDE.iter().chain([&"検索ツール検索"]) {
        let y = row_of(&buf, name);
        // The share column: `10.0%` after the bar.
        share_x.push(x_of(&buf, y, 1, "%").expect("share"));
        let bar_x = x_of(&buf, y, 1, "█").expect("bar");
        assert!(bar_x > 2, "{}", row(&buf, y));
    }
    assert!(
        share_x.iter().all(|x| *x == share_x[0]),
        "shares end at {share_x:?}:\n{}",
        dump(&buf)
    );
    let y = row_of(&buf, "検索ツール検索");
    let first_bar = x_of(&buf, y, 1, "█").expect("bar");
    let name: String = (0..first_bar).map(|x| buf[(x, y)].symbol()).collect();
    assert!(name.trim_end().ends_with('…'), "{name:?}");
}

/// A Loki line whose `module` field is `module`, its message starting with `M:`.
fn module_line(ts_ms: i64, module: &str) -> LogEntry {
    logs_fixture::entry(
        ts_ms,
        &json!({"level": "info", "module": module, "msg": "M: done", "duration_ms": 12})
            .to_string(),
    )
}

#[test]
fn log_label_columns_stay_aligned_with_wide_values() {
    let (mut app, now, _) = logs_fixture::loki_app();
    let entries = WIDE
        .iter()
        .chain([&LONG])
        .enumerate()
        .map(|(i, m)| module_line(now + 1 + i as i64, m))
        .collect();
    app.apply(Update::Loki(LokiUpdate::Entries { t_ms: now, entries }));
    app.refresh_logs(now + 10);
    let buf = frame(&app, now + 10, 160, 30);
    let head = row_of(&buf, "MESSAGE");
    let msg_x = x_of_text(&buf, head, "MESSAGE").expect("MESSAGE");
    let lines: Vec<u16> = (0..buf.area.height)
        .filter(|y| row(&buf, *y).contains("M: done"))
        .collect();
    assert_eq!(lines.len(), WIDE.len() + 1, "{}", dump(&buf));
    for y in lines {
        assert_eq!(
            buf[(msg_x, y)].symbol(),
            "M",
            "the message starts under MESSAGE:\n{}",
            dump(&buf)
        );
    }
    let y = row_of(&buf, "検索ツール検索");
    let cells: String = (0..msg_x).map(|x| buf[(x, y)].symbol()).collect();
    assert!(cells.contains('…'), "the cut module ends with …: {cells}");
}

#[test]
fn a_reconnecting_servers_url_is_shown_whole_or_marked() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    app.mcp.servers[1].endpoint = "http://127.0.0.1:31000/mcp".into();
    key(&mut app, now, KeyCode::Char('2'));
    let screen = render(&app, now, 80, 24);
    assert!(
        screen.contains("↻ unreachable, retry #3 in 4s")
            && screen.contains("http://127.0.0.1:31000/mcp"),
        "{screen}"
    );
    // Narrower than the row's must-haves: the row is cut, with its mark.
    app.mcp.servers[1].name = LONG.into();
    let buf = frame(&app, now, 60, 24);
    let y = row_of(&buf, "検索ツール検索ツール");
    let text = row(&buf, y);
    assert!(
        text.trim_end_matches(['│', ' ']).ends_with('…'),
        "a cut row ends with …: {text}"
    );
}
