use super::*;
use crate::model::stats::Latency;

fn row(tool: &str, module: &str, per_sec: f64, err: f64, p95: Option<f64>) -> ToolRow {
    ToolRow {
        tool: tool.into(),
        module: module.into(),
        per_sec,
        share: per_sec / 10.0,
        err_per_sec: err * per_sec,
        error_ratio: Some(err),
        error_types: if err > 0.0 {
            vec![(format!("{tool}_failed"), err * per_sec)]
        } else {
            Vec::new()
        },
        latency: Latency {
            p95,
            ..Latency::default()
        },
        calls: per_sec * 300.0,
        ..ToolRow::default()
    }
}

fn rows() -> Vec<ToolRow> {
    vec![
        row("notion.search", "notion", 5.0, 0.0, Some(0.4)),
        row("github.list", "github", 3.0, 0.2, Some(2.0)),
        row("notion.get", "notion", 1.0, 0.01, None),
        row("health", "health", 1.0, 0.0, Some(0.01)),
    ]
}

fn names(lines: &[TableLine<'_>]) -> Vec<String> {
    lines
        .iter()
        .map(|l| match l {
            TableLine::Module(m) if m.collapsed => format!("[+{}]", m.module),
            TableLine::Module(m) => format!("[{}]", m.module),
            TableLine::Tool { row, .. } => row.tool.clone(),
        })
        .collect()
}

#[test]
fn sorts_by_any_column_with_missing_values_last() {
    let rows = rows();
    let tools =
        |o: &ToolOrder| -> Vec<String> { o.apply(&rows).iter().map(|r| r.tool.clone()).collect() };
    let mut o = ToolOrder::default();
    assert_eq!(
        tools(&o),
        ["notion.search", "github.list", "health", "notion.get"],
        "busiest first, ties by name"
    );
    o.column = ToolColumn::P95;
    assert_eq!(tools(&o)[..3], ["github.list", "notion.search", "health"]);
    assert_eq!(tools(&o)[3], "notion.get", "no P95: last");
    o.descending = false;
    assert_eq!(
        tools(&o),
        ["health", "notion.search", "github.list", "notion.get"]
    );
    o.column = ToolColumn::Errors;
    o.descending = true;
    assert_eq!(tools(&o)[0], "github.list");
    o.column = ToolColumn::TopError;
    o.descending = false;
    assert_eq!(
        tools(&o)[..2],
        ["github.list", "notion.get"],
        "no error type last"
    );
    o.next_column();
    assert_eq!((o.column, o.descending), (ToolColumn::P50, true));
    assert_eq!(ToolColumn::P99.cycle(1), ToolColumn::Tool);
}

#[test]
fn filter_matches_tool_module_or_error_type() {
    let rows = rows();
    let mut o = ToolOrder {
        filter: "GITHUB".into(),
        ..ToolOrder::default()
    };
    assert_eq!(o.apply(&rows).len(), 1);
    o.filter = "notion".into();
    assert_eq!(o.apply(&rows).len(), 2);
    o.filter = "get_failed".into();
    assert_eq!(o.apply(&rows)[0].tool, "notion.get");
}

#[test]
fn modules_group_their_tools_and_fold() {
    let rows = rows();
    let mut t = ToolTable::default();
    assert_eq!(
        names(&t.lines(&rows)),
        [
            "[notion]",
            "notion.search",
            "notion.get",
            "github.list",
            "health"
        ],
        "a module of one tool has no line of its own"
    );
    let TableLine::Module(notion) = &t.lines(&rows)[0] else {
        panic!("module line first");
    };
    assert_eq!((notion.tools, notion.per_sec), (2, 6.0));
    assert!((notion.error_ratio().expect("ratio") - 0.01 / 6.0).abs() < 1e-12);
    // Space on a grouped tool folds its module, and the cursor stays on the module.
    t.select(&rows, 2);
    assert!(t.toggle(&rows));
    assert_eq!(
        names(&t.lines(&rows)),
        ["[+notion]", "github.list", "health"]
    );
    assert_eq!(t.row, 0);
    // A tool alone in its module has nothing to fold.
    t.select(&rows, 2);
    assert!(!t.toggle(&rows));
    t.select(&rows, 0);
    assert!(t.toggle(&rows));
    assert_eq!(t.lines(&rows).len(), 5);
    // A filter leaving one tool of a module keeps the module's line.
    t.order.filter = "search".into();
    assert_eq!(names(&t.lines(&rows)), ["[notion]", "notion.search"]);
}

#[test]
fn the_cursor_follows_its_tool_when_the_order_changes() {
    let rows = rows();
    let mut t = ToolTable::default();
    t.select(&rows, 3);
    assert!(
        matches!(t.current(&rows), Some(TableLine::Tool { row, .. }) if row.tool == "github.list")
    );
    t.order.column = ToolColumn::Tool;
    t.order.descending = false;
    t.reselect(&rows);
    assert!(
        matches!(t.current(&rows), Some(TableLine::Tool { row, .. }) if row.tool == "github.list")
    );
    assert_eq!(t.row, 0, "first by name");
    // Gone from the rows: the cursor stays where it was.
    let fewer: Vec<ToolRow> = rows
        .iter()
        .filter(|r| r.tool != "github.list")
        .cloned()
        .collect();
    t.reselect(&fewer);
    assert_eq!(t.row, 0);
}
