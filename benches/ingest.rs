//! A scrape of many series into the model, time per scrape: `sources::scrape::parse_with`
//! (parse, count against the sample limit, drop the names the model does not read, make
//! the kept samples owned, as the scrape task does) then `Dashboard::apply_scrape` (store,
//! trim, recompute the tiles and the timeline), into a model that already holds a full
//! 5-minute window.
//!
//! The exposition has the shape `scripts/rss-series.sh` serves: OpenTelemetry MCP
//! histograms of 15 `_bucket` series, `_count` and `_sum` (17 samples, of which the model
//! stores 16) per tool and error type, counters growing at steady rates. Two sizes: 100,000
//! and 200,000 samples (the default `scrape.sample_limit`), scraped every 15 s so that 22
//! scrapes fill the window before the measured ones (at 2 s the window holds 7.5 times as
//! many samples; each series' are read once or twice a scrape).
//!
//! Run: `cargo bench --bench ingest` (add `-- --warm-up-time 1 --measurement-time 3` for a
//! short run).

use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use mcptop::model::dashboard::{Dashboard, ModelConfig, Scrape, stored_sample_names};
use mcptop::model::exposition::Format;
use mcptop::model::profile::ProfileChoice;
use mcptop::model::series::Interner;
use mcptop::sources::scrape::{self, Intake};

/// Unix ms of the first scrape.
const T0: i64 = 1_795_305_600_000;
const INTERVAL_S: i64 = 15;
const FAM: &str = "mcp_server_operation_duration_seconds";
const LES: [&str; 15] = [
    "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "30", "60", "120", "300",
    "+Inf",
];
const ERRS: [&str; 4] = ["", "tool_error", "-32603", "timeout"];

/// The exposition of `samples` samples (rounded down to 17s) at `t_s` seconds.
fn exposition(samples: usize, t_s: i64) -> String {
    let mut out = format!("# TYPE {FAM} histogram\n");
    for i in 0..samples / 17 {
        let lab = format!(
            "mcp_method_name=\"tools/call\",gen_ai_tool_name=\"service{}.tool_{}\",\
             error_type=\"{}\",network_transport=\"tcp\"",
            i / 40,
            i % 40,
            ERRS[i % ERRS.len()]
        );
        let per_min = if i % 3 == 0 {
            1
        } else {
            30 + 60 * (i % 7) as i64
        };
        let n = per_min * t_s / 60;
        let mode = i % 12;
        for (k, le) in LES.iter().enumerate() {
            // Cumulative: nothing below the bucket before the typical one, 30 % in it, 80 %
            // up to the typical one, every call above.
            let v = if k + 1 < mode {
                0
            } else if k + 1 == mode {
                n * 3 / 10
            } else if k == mode {
                n * 8 / 10
            } else {
                n
            };
            let _ = writeln!(out, "{FAM}_bucket{{{lab},le=\"{le}\"}} {v}");
        }
        let _ = writeln!(
            out,
            "{FAM}_count{{{lab}}} {n}\n{FAM}_sum{{{lab}}} {}",
            n / 4
        );
    }
    out
}

fn ingest(c: &mut Criterion) {
    let mut group = c.benchmark_group("ingest per scrape");
    group.sample_size(10);
    let intake = Intake {
        max_bytes: u64::MAX,
        sample_limit: 200_000,
        names: Some(Arc::new(stored_sample_names(None))),
    };
    let pattern = regex::Regex::new("^([^._]+)").expect("literal regex");
    for samples in [100_000, 200_000] {
        let mut dashboard = Dashboard::new(ModelConfig {
            profile: ProfileChoice::Auto,
            custom_profile: None,
            range: Duration::from_secs(300),
            history: Duration::from_secs(3600),
            interval: Duration::from_secs(INTERVAL_S as u64),
            module_pattern: pattern.clone(),
            module_label: None,
            polling_paths: mcptop::model::profile::default_polling_paths(),
        });
        // The scrape task's keys, kept from one scrape to the next.
        let mut keys = Interner::default();
        let scrape_at = |n: i64, text: &str, keys: &mut Interner| -> Scrape {
            Scrape {
                t_ms: T0 + n * INTERVAL_S * 1000,
                duration: Duration::from_millis(100),
                bytes: text.len(),
                samples: scrape::parse_with(text, Format::Text, &intake, keys).expect("parses"),
            }
        };
        let mut n = 0;
        while n < 22 {
            let s = scrape_at(n, &exposition(samples, n * INTERVAL_S), &mut keys);
            dashboard.apply_scrape(s.t_ms, Ok(s));
            n += 1;
        }
        let stored = samples / 17 * 16;
        assert_eq!(dashboard.series_count(), stored);
        assert!(dashboard.stats.p95.is_some());
        let text = exposition(samples, 0);
        group.bench_function(
            format!(
                "{samples} samples ({:.1} MB), {stored} series stored, every 15 s",
                text.len() as f64 / 1e6
            ),
            |b| {
                b.iter_batched(
                    || {
                        n += 1;
                        (n, exposition(samples, n * INTERVAL_S))
                    },
                    |(n, text)| {
                        let s = scrape_at(n, &text, &mut keys);
                        dashboard.apply_scrape(s.t_ms, Ok(s));
                    },
                    BatchSize::PerIteration,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
