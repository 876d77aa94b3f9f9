//! The error summary's counts against the stand-in Loki (`support::loki`), which evaluates
//! `count_over_time` from its stored lines as real Loki 2.8 / 3.4 did (issue 17, items
//! 4-6): the 5-minute and 1-hour figures equal Loki's own instant counts, the level is
//! found (`level`, then `detected_level`, else the kept lines), and a parser stage over
//! mixed streams drops the lines the parser rejects instead of failing.

use crate::support;

use std::time::Duration;

use mcptop::config::LokiConfig;
use support::loki::{Entry, FakeLoki, LokiVersion, Options};
use support::loki_run::{APP, QUERY, Run, WAIT, cfg, now_ns};

const S: i64 = 1_000_000_000;

/// The source started against `loki`, counting every second.
fn start(loki: &FakeLoki, query: &str) -> Run {
    let cfg = LokiConfig {
        counts_interval: Duration::from_secs(1),
        ..cfg(loki)
    };
    support::loki_run::start(&cfg, query)
}

/// The metric queries sent (to `/query` or with a `step`), in order.
fn metric_queries(loki: &FakeLoki) -> Vec<support::loki::Recorded> {
    loki.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/query") || r.param("step").is_some())
        .collect()
}

fn row(level: &str, m5: f64, h1: f64) -> (String, f64, f64) {
    (level.to_string(), m5, h1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_minutes_and_an_hour_are_loki_s_own_instant_counts() {
    let loki = FakeLoki::start(Options::default()).await;
    let now = now_ns();
    let err = &[("app", "mcpist"), ("level", "error")][..];
    let info = &[("app", "mcpist"), ("level", "info")][..];
    let mut lines = Vec::new();
    // Every 30 s over the last 70 minutes: a dense stream makes an over-count visible.
    for i in 1..=140 {
        lines.push(Entry::new(info, now - i * 30 * S + 15 * S, "GET /mcp 200"));
    }
    for ago in [30, 270, 330, 1800, 3500, 3700] {
        lines.push(Entry::new(err, now - ago * S, "upstream timeout"));
    }
    loki.push(lines);
    let mut run = start(&loki, QUERY);
    let c = run.counts_ok().await;
    // info: ages 30i - 15 s, so 15 s from each edge (room for the query's own time):
    // within 5 minutes i = 1..=10, within the hour i = 1..=120.
    assert_eq!(
        c.rows,
        vec![row("error", 2.0, 5.0), row("info", 10.0, 120.0)]
    );
    let sent = metric_queries(&loki);
    let five = sent
        .iter()
        .find(|r| r.param("query").is_some_and(|q| q.contains("[5m]")))
        .expect("a [5m] query");
    let hour = sent
        .iter()
        .find(|r| r.param("query").is_some_and(|q| q.contains("[1h]")))
        .expect("a [1h] query");
    assert!(five.path.ends_with("/query"), "{}", five.path);
    assert_eq!(
        five.param("query"),
        Some(r#"sum by (level) (count_over_time({app="mcpist"} [5m]))"#)
    );
    assert_eq!(
        five.param("time"),
        hour.param("time"),
        "one instant for both"
    );
}

/// JSON lines with a `level` field in a stream without a `level` label.
fn unlabelled_levels(loki: &FakeLoki) {
    let now = now_ns();
    let mut lines = Vec::new();
    for i in 0..3 {
        lines.push(Entry::new(
            APP,
            now - (10 + i) * S,
            r#"{"level":"error","module":"notion","msg":"upstream timeout"}"#,
        ));
    }
    for i in 0..2 {
        lines.push(Entry::new(
            APP,
            now - (600 + i) * S,
            r#"{"level":"info","module":"notion","msg":"done"}"#,
        ));
    }
    loki.push(lines);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loki_3_without_a_level_label_counts_by_detected_level() {
    let loki = FakeLoki::start(Options::default()).await;
    unlabelled_levels(&loki);
    let mut run = start(&loki, QUERY);
    let c = run.counts_ok().await;
    assert_eq!(c.rows, vec![row("error", 3.0, 3.0), row("info", 0.0, 2.0)]);
    assert_eq!(c.level_by.as_deref(), Some("detected_level"));
    // The choice is kept: the next round asks by detected_level only.
    let before = metric_queries(&loki).len();
    let again = run.counts_ok().await;
    assert_eq!(again.rows, c.rows);
    let next: Vec<String> = metric_queries(&loki)[before..]
        .iter()
        .filter_map(|r| r.param("query").map(str::to_string))
        .collect();
    assert!(!next.is_empty(), "the second round's queries");
    assert!(
        next.iter()
            .all(|q| q.starts_with("sum by (detected_level)")),
        "{next:?}"
    );
    // A new query looks for the level again.
    let q = r#"{app="mcpist"} |= "timeout""#;
    run.handle.set_query(q.into()).expect("sent");
    // Counts of the old query may still arrive just after the change: wait for the new.
    let want = vec![row("error", 3.0, 3.0)];
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let c = run.counts_ok().await;
        if run.state.query == q && c.rows == want {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the new query's counts: {:?}",
            c.rows
        );
    }
    assert!(
        metric_queries(&loki).iter().any(|r| r
            .param("query")
            .is_some_and(|m| m.starts_with("sum by (level)") && m.contains("timeout"))),
        "the level label is tried again for a new query"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loki_2_without_levels_counts_levels_from_the_kept_lines() {
    let loki = FakeLoki::start(Options {
        version: LokiVersion::V2,
        ..Options::default()
    })
    .await;
    unlabelled_levels(&loki);
    let mut run = start(&loki, QUERY);
    let c = run.counts_ok().await;
    assert!(
        c.rows.iter().all(|(l, _, _)| l != "-" && !l.is_empty()),
        "an unlabelled series is no level: {:?}",
        c.rows
    );
    assert_eq!(c.level_by, None, "no label holds the level");
    assert!(c.rows.is_empty(), "{:?}", c.rows);
    assert_eq!(c.unlabelled, (3.0, 5.0), "Loki's own totals");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parser_stage_on_mixed_streams_drops_the_lines_it_rejects() {
    let loki = FakeLoki::start(Options::default()).await;
    let now = now_ns();
    let mut lines = Vec::new();
    for (ago, line) in [
        (
            20,
            r#"{"level":"error","module":"notion","msg":"upstream timeout"}"#,
        ),
        (
            21,
            r#"{"level":"error","module":"notion","msg":"upstream timeout"}"#,
        ),
        (900, r#"{"level":"info","module":"notion","msg":"done"}"#),
        (
            22,
            r#"{"level":"error","module":"github","msg":"rate limited"}"#,
        ),
        (23, "ERROR: notion API returned 502 (page=42)"),
    ] {
        lines.push(Entry::new(APP, now - ago * S, line));
    }
    loki.push(lines);
    let q = r#"{app="mcpist"} | json | module="notion""#;
    let mut run = start(&loki, q);
    let c = run.counts_ok().await;
    assert_eq!(c.rows, vec![row("error", 2.0, 2.0), row("info", 0.0, 1.0)]);
    assert!(c.parse_errors_dropped);
    for r in metric_queries(&loki) {
        let sent = r.param("query").unwrap_or("");
        assert!(
            sent.contains(r#"{app="mcpist"} | json | module="notion" | __error__="""#),
            "{sent}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stand_in_refuses_a_parser_stage_over_plain_lines_as_loki_does() {
    let loki = FakeLoki::start(Options::default()).await;
    loki.push(vec![
        Entry::new(APP, now_ns() - S, "ERROR: notion API returned 502"),
        Entry::new(APP, now_ns() - S, r#"{"level":"info"}"#),
    ]);
    let client = reqwest::Client::new();
    let ask = |q: &str| {
        let mut url =
            reqwest::Url::parse(&format!("{}/loki/api/v1/query", loki.url())).expect("url");
        url.query_pairs_mut().append_pair("query", q);
        client.get(url).send()
    };
    let r = ask(r#"sum by (level) (count_over_time({app="mcpist"} | json [5m]))"#)
        .await
        .expect("answer");
    assert_eq!(r.status().as_u16(), 400);
    let text = r.text().await.expect("text");
    assert!(
        text.starts_with("pipeline error: 'JSONParserErr'"),
        "{text}"
    );
    let r = ask(r#"sum by (level) (count_over_time({app="mcpist"} | json | __error__="" [5m]))"#)
        .await
        .expect("answer");
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(v["data"]["resultType"], "vector");
    assert_eq!(v["data"]["result"][0]["metric"]["level"], "info");
    assert_eq!(v["data"]["result"][0]["value"][1], "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stand_in_aligns_range_steps_and_groups_missing_labels_as_loki_does() {
    let loki = FakeLoki::start(Options {
        version: LokiVersion::V2,
        ..Options::default()
    })
    .await;
    let end_s = now_ns() / S / 60 * 60 + 37;
    loki.push(vec![
        Entry::new(APP, (end_s - 10) * S, r#"{"level":"error"}"#),
        Entry::new(APP, (end_s - 200) * S, r#"{"level":"info"}"#),
    ]);
    let mut url =
        reqwest::Url::parse(&format!("{}/loki/api/v1/query_range", loki.url())).expect("url");
    url.query_pairs_mut()
        .append_pair(
            "query",
            r#"sum by (detected_level) (count_over_time({app="mcpist"} [1m]))"#,
        )
        .append_pair("start", &(end_s - 600).to_string())
        .append_pair("end", &end_s.to_string())
        .append_pair("step", "60");
    let v: serde_json::Value = reqwest::get(url)
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(v["data"]["resultType"], "matrix", "{v}");
    let series = v["data"]["result"].as_array().expect("series");
    // Loki 2 has no detected_level: one series with an empty metric.
    assert_eq!(series.len(), 1, "{v}");
    assert_eq!(series[0]["metric"], serde_json::json!({}));
    let times: Vec<f64> = series[0]["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|p| p[0].as_f64())
        .collect();
    assert!(times.iter().all(|t| *t as i64 % 60 == 0), "{times:?}");
    // The last point lies past `end`, at the next multiple of the step.
    assert_eq!(
        times.last().copied(),
        Some((end_s + 23) as f64),
        "{times:?}"
    );
}
