//! Integration: the demo server on an ephemeral port, scraped by mcptop's own scrape source
//! and model; the computed request rate must match the server's own call count.

use std::time::{Duration, Instant};

use mcptop::config::Target;
use mcptop::model::dashboard::{Dashboard, ModelConfig};
use mcptop::model::profile::{ProfileChoice, ProfileKind};
use mcptop::model::query::sum_rate;
use mcptop::model::series::{SeriesKey, SeriesStore};
use mcptop::sources::endpoint::Endpoint;
use mcptop::sources::scrape;
use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn computed_request_rate_matches_server_call_count() {
    let server = DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            enabled: true,
            rate_per_sec: 25.0,
            // Errors start later: a new error series appearing mid-window loses its first
            // calls to rate(), exactly as in Prometheus, which would blur the comparison.
            error_ratio: 0.0,
            latency_ms: (5, 50),
            bursts: false,
        },
    })
    .await
    .expect("demo server starts");
    let metrics_url = Target::at(&format!("http://{}", server.addr))
        .expect("url")
        .metrics_url;
    let client = Endpoint::plain(Duration::from_secs(2)).expect("client");

    let interval = Duration::from_secs(1);
    let range_ms = 10_000;
    let mut model = Dashboard::new(ModelConfig {
        profile: ProfileChoice::Auto,
        custom_profile: None,
        range: Duration::from_millis(range_ms as u64),
        history: Duration::from_secs(60),
        interval,
        module_pattern: regex::Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: mcptop::model::profile::default_polling_paths(),
    });
    // Our own store of the tools/call counters and, beside each scrape, the server's count.
    let mut store = SeriesStore::new(Duration::from_secs(60));
    let mut truth: Vec<(i64, u64)> = Vec::new();
    let started = Instant::now();
    let mut ticker = tokio::time::interval(interval);
    for _ in 0..13 {
        ticker.tick().await;
        let t_ms = mcptop::sources::now_ms();
        let before = server.calls_total();
        let s = scrape::scrape_once(&client, &metrics_url, 16 << 20, t_ms)
            .await
            .expect("scrape succeeds");
        let after = server.calls_total();
        for x in &s.samples {
            if &*x.key.name == "mcp_server_operation_duration_seconds_count"
                && x.key.label("mcp_method_name") == Some("tools/call")
            {
                store.push(&x.key, mcptop::model::series::Sample { t_ms, v: x.value });
            }
        }
        // The scrape saw a count between the two reads of the server's counter.
        let seen: f64 = s
            .samples
            .iter()
            .filter(|x| {
                &*x.key.name == "mcp_server_operation_duration_seconds_count"
                    && x.key.label("mcp_method_name") == Some("tools/call")
            })
            .map(|x| x.value)
            .sum();
        assert!(
            seen >= before as f64 && seen <= after as f64,
            "scraped tools/call count {seen} outside server count [{before}, {after}]"
        );
        truth.push((t_ms, after));
        model.apply_scrape(t_ms, Ok(s));
    }
    assert!(started.elapsed() >= Duration::from_secs(12));
    assert_eq!(model.profile().map(|p| p.kind), Some(ProfileKind::OtelMcp));

    // The server's own rate over the samples inside the last window.
    let (t_end, c_end) = *truth.last().expect("scrapes");
    let (t_first, c_first) = *truth
        .iter()
        .find(|(t, _)| *t > t_end - range_ms)
        .expect("window has samples");
    let server_rate = (c_end - c_first) as f64 / ((t_end - t_first) as f64 / 1000.0);
    assert!(
        server_rate > 5.0,
        "load generator too slow: {server_rate}/s"
    );

    // Prometheus extrapolates to the window start when the gap there is under 1.1 times the
    // average sample interval (else by half an interval); the window ends at the last sample.
    let tools_rate = sum_rate(
        &store,
        "mcp_server_operation_duration_seconds_count",
        |_: &SeriesKey| true,
        t_end,
        range_ms,
    )
    .expect("rate");
    let sampled_s = (t_end - t_first) as f64 / 1000.0;
    let n = truth.iter().filter(|(t, _)| *t > t_end - range_ms).count() as f64;
    let avg = sampled_s / (n - 1.0);
    let mut to_start = (t_first - (t_end - range_ms)) as f64 / 1000.0;
    if to_start >= avg * 1.1 {
        to_start = avg / 2.0;
    }
    let expected = server_rate * (sampled_s + to_start) / (range_ms as f64 / 1000.0);
    let rel = (tools_rate - expected).abs() / expected;
    assert!(
        rel < 0.02,
        "mcptop tools/call rate {tools_rate:.3}/s vs server-derived {expected:.3}/s ({rel:.4})"
    );

    // The dashboard's tiles: every request (tools/call and the rest), no errors yet.
    let stats = &model.stats;
    let req = stats.req_per_sec.expect("request rate");
    assert!(
        req >= tools_rate * 0.99,
        "all operations {req} < tools/call {tools_rate}"
    );
    assert_eq!(stats.error_ratio, Some(0.0));
    assert!(stats.p95.is_some(), "p95 from the histogram");
    assert!(!stats.modules.is_empty(), "tool calls by module");

    // Now a third of the calls fail: the error rate tile follows.
    server.set_error_ratio(0.35);
    for _ in 0..5 {
        ticker.tick().await;
        let t_ms = mcptop::sources::now_ms();
        let s = scrape::scrape_once(&client, &metrics_url, 16 << 20, t_ms).await;
        model.apply_scrape(t_ms, s);
    }
    let ratio = model.stats.error_ratio.expect("error ratio");
    assert!(ratio > 0.02 && ratio < 0.5, "error ratio {ratio}");

    server.shutdown().await;
}
