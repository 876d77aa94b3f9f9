//! `scrape.sample_limit` and the sample names kept, through the real scrape source on
//! loopback and into the model: a scrape over the limit fails with Prometheus' words and
//! the numbers already shown stay, with their age.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcptop::config::Target;
use mcptop::model::dashboard::{Dashboard, ModelConfig, stored_sample_names};
use mcptop::model::profile::{ProfileChoice, default_polling_paths};
use mcptop::model::series::Interner;
use mcptop::sources::endpoint::Endpoint;
use mcptop::sources::scrape::{self, Intake};

/// One OpenTelemetry MCP request counter at `count` (a histogram's `_count` and `+Inf`
/// bucket), the process's memory, and `junk` samples of a family no profile reads.
fn body(count: u64, junk: usize) -> String {
    let labels = "mcp_method_name=\"tools/call\",gen_ai_tool_name=\"notion.search\"";
    let mut b = format!(
        "# TYPE mcp_server_operation_duration_seconds histogram\n\
         mcp_server_operation_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}\n\
         mcp_server_operation_duration_seconds_count{{{labels}}} {count}\n\
         process_resident_memory_bytes 4.2e7\n"
    );
    for i in 0..junk {
        b.push_str(&format!("go_junk{{i=\"{i}\"}} 1\n"));
    }
    b
}

/// Serves whatever `body` holds at the time of each request; returns the metrics URL.
async fn serve(body: Arc<Mutex<String>>) -> reqwest::Url {
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let b = body.lock().map(|b| b.clone()).unwrap_or_default();
            async move { b }
        }),
    );
    let addr = support::serve::serve(app).await;
    Target::at(&format!("http://{addr}"))
        .expect("url")
        .metrics_url
}

fn intake_of(limit: usize) -> Intake {
    Intake {
        max_bytes: 16 << 20,
        sample_limit: limit,
        names: Some(Arc::new(stored_sample_names(None))),
    }
}

fn model() -> Dashboard {
    Dashboard::new(ModelConfig {
        profile: ProfileChoice::Auto,
        custom_profile: None,
        range: Duration::from_secs(60),
        history: Duration::from_secs(600),
        interval: Duration::from_secs(2),
        module_pattern: regex::Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: default_polling_paths(),
    })
}

#[tokio::test]
async fn over_the_sample_limit_the_scrape_fails_and_the_numbers_stay() {
    let shared = Arc::new(Mutex::new(body(0, 2)));
    let url = serve(shared.clone()).await;
    let client = Endpoint::plain(Duration::from_secs(5)).expect("client");
    let intake = intake_of(5);
    let (mut buf, mut keys) = (Vec::new(), Interner::default());
    let mut m = model();
    let mut first_keys = Vec::new();
    // Five samples, the limit: passes; only the four the model reads reach it (no go_junk).
    for (t_s, count) in [(0, 0), (10, 10)] {
        *shared.lock().expect("lock") = body(count, 2);
        let s = scrape::scrape_into(&client, &url, &intake, t_s * 1000, &mut buf, &mut keys).await;
        let s = s.expect("at the limit passes");
        assert_eq!(s.samples.len(), 3);
        assert!(s.samples.iter().all(|x| !x.key.name.starts_with("go_")));
        // A series seen again gets the key of the scrape before: no new allocation.
        if first_keys.is_empty() {
            first_keys = s.samples.iter().map(|x| x.key.clone()).collect();
        } else {
            assert!(
                s.samples
                    .iter()
                    .zip(&first_keys)
                    .all(|(x, k)| Arc::ptr_eq(&x.key, k))
            );
        }
        assert_eq!(keys.len(), 3);
        m.apply_scrape(t_s * 1000, Ok(s));
    }
    let rate = m.stats.req_per_sec.expect("a rate from two scrapes");
    assert!(rate > 0.0, "{rate}");

    // Seven samples: refused with Prometheus' words and the count.
    *shared.lock().expect("lock") = body(20, 4);
    let err = scrape::scrape_into(&client, &url, &intake, 12_000, &mut buf, &mut keys)
        .await
        .expect_err("over the limit");
    assert_eq!(
        err.kind(),
        &mcptop::model::source_error::SourceError::SampleLimit { seen: 7, limit: 5 }
    );
    let text = err.to_string();
    assert!(text.ends_with(": sample limit exceeded (7 > 5)"), "{text}");
    assert!(text.starts_with("http://127.0.0.1:"), "{text}");
    m.apply_scrape(12_000, Err(err));
    assert_eq!(m.stats.req_per_sec, Some(rate), "the previous numbers stay");
    assert_eq!(m.status.scrape.age_secs(14_000), Some(4.0));
    assert!(
        m.status
            .error()
            .is_some_and(|e| e.to_string().contains("sample limit exceeded")),
        "{:?}",
        m.status.error()
    );
    // 0 is no limit, as in Prometheus.
    let unlimited = intake_of(0);
    let s = scrape::scrape_into(&client, &url, &unlimited, 14_000, &mut buf, &mut keys).await;
    assert_eq!(s.map(|s| s.samples.len()), Ok(3));
}
