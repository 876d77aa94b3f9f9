//! The model's share of each scrape, time per call:
//!
//! - `histogram_quantile over 10k series`: `histogram_quantile(0.95, sum by (le)
//!   (rate(mcp_server_operation_duration_seconds_bucket[5m])))` evaluated by
//!   `model::query::quantile_over_rate` over 10,005 bucket series (667 histograms of 15
//!   buckets), each holding 21 samples 15 s apart. The tiles evaluate it three times per
//!   scrape (P50, P95, P99).
//! - `model update per scrape`: `Dashboard::apply_scrape` with one parsed scrape (owned
//!   samples, as `sources::scrape::parse` gives them) into a model that already holds a
//!   full rate window: storing the samples it wants, trimming, and recomputing the tiles
//!   and the timeline. Two targets: the 14.3 MB gateway exposition of
//!   `benches/support/exposition.rs` (112,004 samples, of which the model keeps 75,475
//!   series: the OpenTelemetry histogram's 4,717 `_count` and 70,755 `_bucket` series and
//!   three `process_*` metrics; scraped every 15 s) and the render tests' demo-like server (`tests/support/fixture.rs`, 6 tools;
//!   every 2 s, as the default). Building the scrape is not timed; dropping it is.
//!
//! Run: `cargo bench --bench model` (add `-- --warm-up-time 1 --measurement-time 3` for a
//! short run).

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use mcptop::model::dashboard::{Dashboard, ModelConfig, Scrape, ScrapedSample};
use mcptop::model::exposition::Format;
use mcptop::model::profile::ProfileChoice;
use mcptop::model::query::quantile_over_rate;
use mcptop::model::series::{Sample, SeriesKey, SeriesStore};
use mcptop::sources::scrape;

#[path = "support/exposition.rs"]
mod generator;

#[path = "../tests/support/fixture.rs"]
#[allow(dead_code)]
mod fixture;

/// Unix ms of the first sample.
const T0: i64 = 1_795_305_600_000;
const BUCKET: &str = "mcp_server_operation_duration_seconds_bucket";
const LES: [&str; 15] = [
    "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1.0", "2.0", "5.0", "10.0", "30.0", "60.0",
    "120.0", "300.0", "+Inf",
];

/// 667 histograms x 15 buckets, 21 samples each, 15 s apart; returns the store and the
/// time of the last sample (ms).
fn bucket_store() -> (SeriesStore, i64) {
    const HISTOGRAMS: usize = 667;
    const SAMPLES: i64 = 21;
    let mut store = SeriesStore::new(Duration::from_secs(330));
    for h in 0..HISTOGRAMS {
        let tool = format!("service{}.tool_{}", h / 20, h % 20);
        let err = ["", "tool_error", "cancelled"][h % 3];
        // Calls per second of this histogram, and its typical bucket.
        let per_sec = 0.5 + (h % 17) as f64;
        let mode = h % 10;
        for (i, le) in LES.iter().enumerate() {
            let share = match i as i64 - mode as i64 {
                ..-2 => 0.0,
                -2 => 0.05,
                -1 => 0.3,
                0 => 0.8,
                1 => 0.95,
                2 => 0.99,
                _ => 1.0,
            };
            let key = SeriesKey::new(
                BUCKET,
                [
                    ("mcp_method_name", "tools/call"),
                    ("gen_ai_tool_name", tool.as_str()),
                    ("error_type", err),
                    ("le", le),
                ],
            );
            for n in 0..SAMPLES {
                let v = (n as f64 * 15.0 * per_sec * share).floor();
                store.push(
                    &key,
                    Sample {
                        t_ms: T0 + n * 15_000,
                        v,
                    },
                );
            }
        }
    }
    (store, T0 + (SAMPLES - 1) * 15_000)
}

fn quantile(c: &mut Criterion) {
    let (store, eval_ms) = bucket_store();
    assert_eq!(store.series_count(), 10_005);
    let p95 = quantile_over_rate(&store, BUCKET, |_| true, 0.95, eval_ms, 300_000);
    assert!(p95.is_some_and(|v| v.is_finite()), "{p95:?}");
    c.bench_function(
        "histogram_quantile(0.95, sum by (le) (rate(bucket[5m]))) over 10k series",
        |b| {
            b.iter(|| {
                quantile_over_rate(
                    std::hint::black_box(&store),
                    BUCKET,
                    |_| true,
                    0.95,
                    eval_ms,
                    300_000,
                )
            })
        },
    );
}

/// Scrape `n` of the gateway: the first scrape's samples grown `n` times by the difference
/// between the generator's scrapes 0 and 1, at `T0 + n * 15 s`.
fn gateway_scrape(first: &[ScrapedSample], growth: &[f64], n: i64) -> Scrape {
    Scrape {
        t_ms: T0 + n * 15_000,
        duration: Duration::from_millis(120),
        bytes: generator::BYTES,
        samples: first
            .iter()
            .zip(growth)
            .map(|(s, d)| ScrapedSample {
                key: s.key.clone(),
                value: s.value + n as f64 * d,
                timestamp_ms: None,
            })
            .collect(),
    }
}

fn update(c: &mut Criterion) {
    let mut group = c.benchmark_group("model update per scrape");
    group.sample_size(10);

    let text = generator::generate(0);
    assert_eq!(text.lines().count(), generator::LINES);
    let first = scrape::parse(&text, Format::Text).expect("scrape 0 parses");
    let second = scrape::parse(&generator::generate(1), Format::Text).expect("scrape 1 parses");
    assert!(first.iter().zip(&second).all(|(a, b)| a.key == b.key));
    let growth: Vec<f64> = first
        .iter()
        .zip(&second)
        .map(|(a, b)| b.value - a.value)
        .collect();
    let mut dashboard = Dashboard::new(ModelConfig {
        profile: ProfileChoice::Auto,
        custom_profile: None,
        range: Duration::from_secs(300),
        history: Duration::from_secs(3600),
        interval: Duration::from_secs(15),
        module_pattern: regex::Regex::new("^([^._]+)").expect("literal regex"),
        module_label: None,
        polling_paths: mcptop::model::profile::default_polling_paths(),
    });
    // A full rate window (5 min) and a bit more before the measured scrapes.
    let mut n = 0;
    while n < 22 {
        let s = gateway_scrape(&first, &growth, n);
        dashboard.apply_scrape(s.t_ms, Ok(s));
        n += 1;
    }
    assert!(dashboard.stats.p95.is_some() && dashboard.stats.modules.len() == 30);
    assert_eq!(dashboard.series_count(), 75_475);
    group.bench_function(
        format!(
            "gateway, {} samples ({:.1} MB), every 15 s",
            first.len(),
            generator::BYTES as f64 / 1e6
        ),
        |b| {
            b.iter_batched(
                || {
                    n += 1;
                    gateway_scrape(&first, &growth, n)
                },
                |s| dashboard.apply_scrape(s.t_ms, Ok(s)),
                BatchSize::PerIteration,
            )
        },
    );
    drop(dashboard);

    let (mut app, _) = fixture::healthy_app();
    let mut t = 600;
    let size = fixture::scrape(t).samples.len();
    group.bench_function(
        format!("demo-like server, {size} samples, every 2 s"),
        |b| {
            b.iter_batched(
                || {
                    t += 2;
                    fixture::scrape(t)
                },
                |s| app.dashboard.apply_scrape(s.t_ms, Ok(s)),
                BatchSize::SmallInput,
            )
        },
    );
    group.finish();
}

criterion_group!(benches, quantile, update);
criterion_main!(benches);
