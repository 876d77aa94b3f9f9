//! One query-mode refresh against a fleet of 200 instances: the 16 answers a
//! Prometheus-compatible API sends (JSON, as `/api/v1/query` writes it) decoded and turned
//! into the fleet's rows and each instance's tiles. The network round trips are the API's;
//! this is mcptop's share of a refresh.
//!
//! Run: `cargo bench --bench query_refresh`.

use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use mcptop::model::query_mode::{Answers, Shape, TargetState, TileAnswers, assemble};
use mcptop::sources::prometheus::api::{self, Data};

const INSTANCES: usize = 200;
const TOOLS: [&str; 13] = [
    "notion.search",
    "notion.get_page",
    "notion.create_page",
    "github.list_issues",
    "github.create_issue",
    "github.get_pr",
    "jira.search",
    "jira.create_issue",
    "calendar.list_events",
    "calendar.create_event",
    "health.check",
    "cache.flush",
    "cache.get",
];

/// A vector answer with one series per `labels` entry.
fn vector(series: &[(String, f64)]) -> Vec<u8> {
    let mut out = String::from(r#"{"status":"success","data":{"resultType":"vector","result":["#);
    for (i, (labels, v)) in series.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"metric":{{{labels}}},"value":[1796000000.123,"{v}"]}}"#
        );
    }
    out.push_str("]}}");
    out.into_bytes()
}

fn by_instance(f: impl Fn(usize) -> f64) -> Vec<u8> {
    let series: Vec<(String, f64)> = (0..INSTANCES)
        .map(|i| {
            (
                format!(r#""instance":"10.0.{}.{}:9464""#, i / 250, i % 250),
                f(i),
            )
        })
        .collect();
    vector(&series)
}

fn bodies() -> Vec<Vec<u8>> {
    let one = |v: f64| vector(&[(String::new(), v)]);
    let tools_total: Vec<(String, f64)> = TOOLS
        .iter()
        .map(|t| (format!(r#""gen_ai_tool_name":"{t}""#), 3.5))
        .collect();
    let tools_by: Vec<(String, f64)> = (0..INSTANCES)
        .flat_map(|i| {
            TOOLS.iter().map(move |t| {
                (
                    format!(
                        r#""instance":"10.0.{}.{}:9464","gen_ai_tool_name":"{t}""#,
                        i / 250,
                        i % 250
                    ),
                    0.25,
                )
            })
        })
        .collect();
    let up: Vec<(String, f64)> = (0..INSTANCES)
        .map(|i| {
            (
                format!(
                    r#""instance":"10.0.{}.{}:9464","job":"mcp""#,
                    i / 250,
                    i % 250
                ),
                if i % 50 == 0 { 0.0 } else { 1.0 },
            )
        })
        .collect();
    vec![
        one(812.5),
        one(9.1),
        one(0.12),
        one(0.61),
        one(2.3),
        vector(&tools_total),
        one(9.6e7),
        by_instance(|i| 4.0 + i as f64 * 0.01),
        by_instance(|i| 0.01 * i as f64),
        by_instance(|_| 0.1),
        by_instance(|i| 0.5 + i as f64 * 0.001),
        by_instance(|i| 1.5 + i as f64 * 0.002),
        vector(&tools_by),
        by_instance(|_| 5.0e7),
        vector(&up),
        by_instance(|i| 1_796_000_000.0 + i as f64 * 0.001),
    ]
}

fn decode(body: &[u8]) -> Vec<(api::Labels, f64)> {
    match api::query(200, body).map(|a| a.data) {
        Ok(Data::Vector(v)) => v,
        other => panic!("the bench's own JSON decodes: {other:?}"),
    }
}

fn refresh(bodies: &[Vec<u8>], shape: &Shape<'_>) -> usize {
    let mut v = bodies.iter().map(|b| decode(b));
    let total = TileAnswers::take(&mut v);
    let by = TileAnswers::take(&mut v);
    let up = v.next().unwrap_or_default();
    let up_at = v.next().unwrap_or_default();
    let answers = Answers {
        t_ms: 1_796_000_000_123,
        total,
        by_instance: by,
        tools: Default::default(),
        up,
        up_at,
        targets: Some(Vec::<TargetState>::new()),
        warnings: Vec::new(),
    };
    assemble(&answers, shape).rows.len()
}

fn bench(c: &mut Criterion) {
    let bodies = bodies();
    let bytes: usize = bodies.iter().map(Vec::len).sum();
    let re = regex::Regex::new("^([^._]+)").expect("regex");
    let shape = Shape {
        tool_label: Some("gen_ai_tool_name"),
        module_re: &re,
        modules: mcptop::model::profile::ModuleRule::Pattern,
        range_ms: 300_000,
        top_bucket_s: None,
    };
    assert_eq!(refresh(&bodies, &shape), INSTANCES);
    c.bench_function(
        &format!(
            "query refresh, {INSTANCES} instances ({} KiB of JSON)",
            bytes / 1024
        ),
        |b| b.iter(|| refresh(std::hint::black_box(&bodies), &shape)),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
