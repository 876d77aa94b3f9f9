use std::time::Duration;

use regex::Regex;

use super::*;
use crate::model::dashboard::{Dashboard, ModelConfig, Scrape, ScrapedSample};
use crate::model::profile::{Profile, ProfileChoice};
use crate::model::query_mode::{Labels, Shape};
use crate::model::tool_answers::{ToolAnswers, rows};

const BUCKETS: [&str; 5] = ["0.1", "0.2", "0.5", "1", "+Inf"];

fn model() -> Dashboard {
    Dashboard::new(ModelConfig {
        profile: ProfileChoice::Auto,
        custom_profile: None,
        range: Duration::from_secs(300),
        history: Duration::from_secs(3600),
        interval: Duration::from_secs(2),
        module_pattern: Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: crate::model::profile::default_polling_paths(),
    })
}

/// `(method, tool, error_type, calls per second, the bucket all its calls fall in)`.
type Load = (&'static str, &'static str, &'static str, f64, &'static str);

/// notion.search 1/s ok in (0.2, 0.5]; github.list_issues 0.45/s ok, 0.05/s tool_error
/// and 0.02/s timeout, all in (0.5, 1]; cache.flush 0.02/s (6 calls in 5 minutes) above
/// the top bucket; `initialize` 3/s, not a tool call.
const LOAD: [Load; 6] = [
    ("tools/call", "notion.search", "", 1.0, "0.5"),
    ("tools/call", "github.list_issues", "", 0.45, "1"),
    ("tools/call", "github.list_issues", "tool_error", 0.05, "1"),
    ("tools/call", "github.list_issues", "timeout", 0.02, "1"),
    ("tools/call", "cache.flush", "", 0.02, "+Inf"),
    ("initialize", "", "", 3.0, "0.1"),
];

fn key(name: &str, (method, tool, err, _, _): Load, le: Option<&str>) -> SeriesKey {
    let mut labels = vec![
        ("mcp_method_name", method),
        ("gen_ai_tool_name", tool),
        ("error_type", err),
    ];
    labels.extend(le.map(|le| ("le", le)));
    SeriesKey::new(name, labels)
}

/// A scrape at `t_s` of counters that grew at constant rates since 0.
fn scrape(t_s: i64) -> Scrape {
    let mut samples = Vec::new();
    let mut push = |key: SeriesKey, value: f64| {
        samples.push(ScrapedSample {
            key: key.into(),
            value,
            timestamp_ms: None,
        })
    };
    for load in LOAD {
        let count = load.3 * t_s as f64;
        push(
            key("mcp_server_operation_duration_seconds_count", load, None),
            count,
        );
        let at = BUCKETS.iter().position(|b| *b == load.4).unwrap_or(0);
        for (i, le) in BUCKETS.iter().enumerate() {
            let v = if i >= at { count } else { 0.0 };
            push(
                key(
                    "mcp_server_operation_duration_seconds_bucket",
                    load,
                    Some(le),
                ),
                v,
            );
        }
    }
    Scrape {
        t_ms: t_s * 1000,
        duration: Duration::from_millis(5),
        bytes: 1000,
        samples,
    }
}

fn steady() -> Dashboard {
    let mut m = model();
    for t in (0..=600).step_by(2) {
        m.apply_scrape(t * 1000, Ok(scrape(t)));
    }
    m
}

fn near(what: &str, got: Option<f64>, want: f64) {
    let got = got.unwrap_or_else(|| panic!("{what}: no value"));
    assert!((got - want).abs() < 1e-9, "{what}: {got}, want {want}");
}

#[test]
fn each_tool_has_its_rate_share_errors_and_quantiles() {
    let m = steady();
    let tools = &m.stats.tools;
    let names: Vec<&str> = tools.iter().map(|t| t.tool.as_str()).collect();
    assert_eq!(
        names,
        ["notion.search", "github.list_issues", "cache.flush"],
        "busiest first; initialize is not a tool call"
    );
    let (notion, github) = (&tools[0], &tools[1]);
    near("notion calls/s", Some(notion.per_sec), 1.0);
    near("github calls/s", Some(github.per_sec), 0.52);
    near("notion share", Some(notion.share), 1.0 / 1.54);
    near(
        "shares add up",
        Some(tools.iter().map(|t| t.share).sum()),
        1.0,
    );
    assert_eq!(
        (notion.module.as_str(), github.module.as_str()),
        ("notion", "github")
    );

    near("github errors/s", Some(github.err_per_sec), 0.07);
    near("github error ratio", github.error_ratio, 0.07 / 0.52);
    assert_eq!(github.top_error(), Some("tool_error"));
    let types: Vec<&str> = github.error_types.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["tool_error", "timeout"], "largest first");
    near("notion error ratio", notion.error_ratio, 0.0);
    assert!(
        notion.error_ratio.is_some_and(f64::is_sign_positive)
            && notion.err_per_sec.is_sign_positive(),
        "no errors is +0, not the -0 of an empty sum (drawn -0.00%)"
    );
    assert_eq!(notion.top_error(), None);

    // Every call of notion.search in (0.2, 0.5], of github's in (0.5, 1].
    near("notion P95", notion.latency.p95, 0.2 + 0.3 * 0.95);
    near("github P50", github.latency.p50, 0.5 + 0.5 * 0.5);
    assert!(!notion.latency.p95_lower_bound);
    // The tiles' quantiles are of every request (initialize included), not of one tool.
    assert_ne!(m.stats.p95, notion.latency.p95);
}

#[test]
fn a_rare_tool_says_how_many_calls_its_quantiles_are_of() {
    let m = steady();
    let cache = m
        .stats
        .tools
        .iter()
        .find(|t| t.tool == "cache.flush")
        .expect("cache.flush row");
    near("cache.flush calls in 5m", Some(cache.calls), 6.0);
    assert!(cache.rare());
    assert_eq!(cache.calls_n(), 6);
    // Every call above the top bucket: the answer is its bound, a lower bound.
    assert_eq!(cache.latency.p95, Some(1.0));
    assert!(cache.latency.p95_lower_bound && cache.latency.p99_lower_bound);
    assert_eq!(cache.latency.top_bucket_s, Some(1.0));
    let notion = &m.stats.tools[0];
    assert!(!notion.rare(), "300 calls in the window");
    assert_eq!(notion.calls_n(), 300);
    assert_eq!(
        notion
            .latency_buckets
            .iter()
            .map(|b| b.0)
            .collect::<Vec<_>>()[..4],
        [0.1, 0.2, 0.5, 1.0],
        "its buckets, by le"
    );
}

#[test]
fn a_profile_without_a_tool_label_has_no_rows() {
    let re = Regex::new("^([^._]+)").expect("regex");
    let store = SeriesStore::new(Duration::from_secs(600));
    let http = Profile::http();
    assert!(compute(&http, &store, &store, &re, 1_000, 300_000).is_empty());
    assert_eq!(error_type_label(&http), http.error_label);
    assert_eq!(error_type_label(&Profile::otel_mcp()), "error_type");
}

#[test]
fn each_tool_keeps_its_rate_history_on_the_timeline_points() {
    let m = steady();
    let h = &m.tool_history;
    let points: Vec<(i64, f64)> = h.of("github.list_issues").collect();
    assert!(points.len() > 50, "a point per step: {}", points.len());
    assert!(
        points.windows(2).all(|w| w[1].0 - w[0].0 == h.step_ms),
        "aligned on the timeline's step"
    );
    assert!(
        points
            .iter()
            .filter(|p| p.0 >= 20_000)
            .all(|p| (p.1 - 0.52).abs() < 1e-6),
        "{points:?}"
    );
    assert_eq!(h.of("").count(), 0, "initialize is not a tool");
    let spark = h.sparkline("notion.search", 12);
    assert_eq!(spark.len(), 12);
    // 600 s of data in a history of an hour: the first 10 cells are before the data.
    assert!(spark[..10].iter().all(|v| *v == 0.0), "{spark:?}");
    assert!((spark[11] - 1.0).abs() < 1e-6, "{spark:?}");
}

fn l(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

#[test]
fn query_mode_rows_come_from_one_answer_per_column() {
    let re = Regex::new("^([^._]+)").expect("regex");
    let shape = Shape {
        tool_label: Some("gen_ai_tool_name"),
        module_re: &re,
        modules: crate::model::profile::ModuleRule::Pattern,
        range_ms: 300_000,
        top_bucket_s: Some(1.0),
    };
    let tool = |t: &str| l(&[("gen_ai_tool_name", t)]);
    let by_tool = vec![(tool("notion.search"), 1.0), (tool("cache.flush"), 0.02)];
    let answers = ToolAnswers {
        errors: vec![
            (
                l(&[
                    ("gen_ai_tool_name", "notion.search"),
                    ("error_type", "timeout"),
                ]),
                0.01,
            ),
            (
                l(&[
                    ("gen_ai_tool_name", "notion.search"),
                    ("error_type", "tool_error"),
                ]),
                0.04,
            ),
        ],
        p50: vec![
            (tool("notion.search"), 0.3),
            (tool("cache.flush"), f64::NAN),
        ],
        p95: vec![(tool("notion.search"), 0.485), (tool("cache.flush"), 1.0)],
        p99: vec![(tool("notion.search"), 0.497)],
    };
    let rows = rows(&by_tool, &answers, &shape);
    assert_eq!(rows.len(), 2);
    let (notion, cache) = (&rows[0], &rows[1]);
    assert_eq!(notion.tool, "notion.search");
    near("error ratio", notion.error_ratio, 0.05);
    assert_eq!(notion.top_error(), Some("tool_error"));
    assert_eq!(notion.latency.p95, Some(0.485));
    assert_eq!(cache.latency.p50, None, "NaN is no value");
    assert!(cache.latency.p95_lower_bound, "answered with the top bound");
    assert!(cache.rare() && cache.calls_n() == 6);
    near("share", Some(notion.share), 1.0 / 1.02);
}

#[test]
fn query_mode_points_merge_into_each_tool_s_history() {
    let mut h = model().tool_history;
    let step = h.step_ms;
    let pts = |ts: &[i64], v: f64| ts.iter().map(|t| (t * step, v)).collect::<Vec<_>>();
    let mut tools = std::collections::BTreeMap::new();
    tools.insert("notion.search".to_string(), pts(&[1, 2, 4], 1.0));
    h.extend(&tools, true);
    tools.insert("notion.search".to_string(), pts(&[2, 3], 2.0));
    h.extend(&tools, false);
    let got: Vec<(i64, f64)> = h.of("notion.search").collect();
    assert_eq!(
        got,
        [
            (step, 1.0),
            (2 * step, 2.0),
            (3 * step, 2.0),
            (4 * step, 1.0)
        ]
    );
    // A replace starts afresh; points older than the history before the newest go.
    let far = h.history_ms / step + 10;
    tools.insert("notion.search".to_string(), pts(&[1, far], 3.0));
    h.extend(&tools, true);
    assert_eq!(h.of("notion.search").count(), 1);
}
