//! One query-mode refresh against a fleet of 200 instances: the one answer a
//! Prometheus-compatible API sends to the combined query (JSON, as `/api/v1/query` writes
//! it: the tiles by instance, `up`, its sample times and the latency buckets by instance,
//! each series tagged with its part) decoded, split, the quantiles taken from the buckets,
//! and turned into the fleet's rows and each instance's tiles. The network round trip is
//! the API's; this is mcptop's share of a refresh.
//!
//! Run: `cargo bench --bench query_refresh`.

use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use mcptop::model::combined;
use mcptop::model::query_mode::{Shape, assemble};
use mcptop::model::refresh_parts::{self, PARTS, Part};
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

/// Series `(labels, value)` of one part, its labels written as JSON members.
type Series = Vec<(String, f64)>;

/// The answer to the combined query: every part's series tagged with its index.
fn answer(parts: &[(Part, Series)]) -> Vec<u8> {
    let mut out = String::from(r#"{"status":"success","data":{"resultType":"vector","result":["#);
    let mut first = true;
    for (part, series) in parts {
        for (labels, v) in series {
            if !first {
                out.push(',');
            }
            first = false;
            let sep = if labels.is_empty() { "" } else { "," };
            let _ = write!(
                out,
                r#"{{"metric":{{{labels}{sep}"mcptop_part":"{}"}},"value":[1796000000.123,"{v}"]}}"#,
                *part as usize
            );
        }
    }
    out.push_str("]}}");
    out.into_bytes()
}

fn instance(i: usize) -> String {
    format!(r#""instance":"10.0.{}.{}:9464""#, i / 250, i % 250)
}

fn by_instance(f: impl Fn(usize) -> f64) -> Series {
    (0..INSTANCES).map(|i| (instance(i), f(i))).collect()
}

/// The latency buckets' bounds (the OpenTelemetry defaults in seconds, as the demo's).
const LE: [&str; 15] = [
    "0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75", "1", "2.5", "5",
    "7.5", "10", "+Inf",
];

fn body() -> Vec<u8> {
    let tools_by: Series = (0..INSTANCES)
        .flat_map(|i| {
            TOOLS
                .iter()
                .map(move |t| (format!(r#"{},"gen_ai_tool_name":"{t}""#, instance(i)), 0.25))
        })
        .collect();
    let up: Series = (0..INSTANCES)
        .map(|i| {
            (
                format!(r#"{},"job":"mcp""#, instance(i)),
                if i % 50 == 0 { 0.0 } else { 1.0 },
            )
        })
        .collect();
    let buckets: Series = (0..INSTANCES)
        .flat_map(|i| {
            LE.iter().enumerate().map(move |(k, le)| {
                (
                    format!(r#"{},"le":"{le}""#, instance(i)),
                    4.0 * (k + 1) as f64 / LE.len() as f64,
                )
            })
        })
        .collect();
    answer(&[
        (Part::Requests, by_instance(|i| 4.0 + i as f64 * 0.01)),
        (Part::Errors, by_instance(|i| 0.01 * i as f64)),
        (Part::ByTool, tools_by),
        (Part::Memory, by_instance(|_| 5.0e7)),
        (Part::Up, up),
        (
            Part::UpAt,
            by_instance(|i| 1_796_000_000.0 + i as f64 * 0.001),
        ),
        (Part::Buckets, buckets),
    ])
}

fn decode(body: &[u8]) -> Vec<(api::Labels, f64)> {
    match api::query(200, body).map(|a| a.data) {
        Ok(Data::Vector(v)) => v,
        other => panic!("the bench's own JSON decodes: {other:?}"),
    }
}

fn refresh(body: &[u8], shape: &Shape<'_>) -> usize {
    let parts = combined::split(decode(body), PARTS).expect("tagged");
    let answers = refresh_parts::answers(1_796_000_000_123, parts, false);
    assemble(&answers, shape).rows.len()
}

fn bench(c: &mut Criterion) {
    let body = body();
    let bytes = body.len();
    let re = regex::Regex::new("^([^._]+)").expect("regex");
    let shape = Shape {
        tool_label: Some("gen_ai_tool_name"),
        module_re: &re,
        modules: mcptop::model::profile::ModuleRule::Pattern,
        range_ms: 300_000,
        top_bucket_s: None,
    };
    assert_eq!(refresh(&body, &shape), INSTANCES);
    c.bench_function(
        &format!(
            "query refresh, {INSTANCES} instances ({} KiB of JSON)",
            bytes / 1024
        ),
        |b| b.iter(|| refresh(std::hint::black_box(&body), &shape)),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
