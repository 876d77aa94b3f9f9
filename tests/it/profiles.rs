//! Every exporter fixture of `tests/fixtures/profiles/` through a dashboard: the profile it
//! is detected as, and the tiles' numbers from two scrapes 10 s apart in which every
//! counter doubled, so each rate is the fixture's value / 10 s, known exactly.

use std::path::{Path, PathBuf};
use std::time::Duration;

use mcptop::model::dashboard::{Dashboard, ModelConfig, Scrape, ScrapedSample};
use mcptop::model::exposition::Format;
use mcptop::model::profile::{ProfileChoice, ProfileKind};
use mcptop::model::series::SeriesKey;
use mcptop::model::stats::Stats;

const T0: i64 = 1_700_000_000_000;
const STEP_MS: i64 = 10_000;

/// What a fixture should be read as, with its counting rules written out independently of
/// the profiles.
struct Case {
    file: &'static str,
    kind: ProfileKind,
    why: &'static str,
    polling: &'static [&'static str],
    /// The request counter's sample name.
    requests: &'static str,
    /// Whether a request series counts, given the polling paths.
    counted: fn(&SeriesKey, &[&str]) -> bool,
    /// Whether a counted request series is an error.
    error: fn(&SeriesKey) -> bool,
    /// The latency histogram's `_bucket` sample name.
    bucket: &'static str,
    /// Whether the profile names a tool or module label.
    modules: bool,
    sees_tool_errors: bool,
}

fn every(_: &SeriesKey, _: &[&str]) -> bool {
    true
}

fn has_error_type(k: &SeriesKey) -> bool {
    k.label("error_type").is_some()
}

fn status_error(k: &SeriesKey) -> bool {
    k.label("status") == Some("error")
}

fn status_error_or_failure(k: &SeriesKey) -> bool {
    matches!(k.label("status"), Some("error" | "failure"))
}

fn not_polled_under(label: &'static str) -> fn(&SeriesKey, &[&str]) -> bool {
    match label {
        "path" => |k, polling| !k.label("path").is_some_and(|p| polling.contains(&p)),
        _ => |k, polling| !k.label("handler").is_some_and(|p| polling.contains(&p)),
    }
}

fn fivexx(label: &'static str) -> fn(&SeriesKey) -> bool {
    match label {
        "status" => |k| k.label("status").is_some_and(|s| s.starts_with('5')),
        "status_code" => |k| k.label("status_code").is_some_and(|s| s.starts_with('5')),
        _ => |k| k.label("code").is_some_and(|s| s.starts_with('5')),
    }
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            file: "otel-mcp-server.prom",
            kind: ProfileKind::OtelMcp,
            why: "mcp_server_operation_duration_seconds",
            polling: &["/metrics", "/health"],
            requests: "mcp_server_operation_duration_seconds_count",
            counted: every,
            error: has_error_type,
            bucket: "mcp_server_operation_duration_seconds_bucket",
            modules: true,
            sees_tool_errors: true,
        },
        Case {
            file: "otel-mcp-client.prom",
            kind: ProfileKind::OtelMcpClient,
            why: "mcp_client_operation_duration_seconds",
            polling: &["/metrics", "/health"],
            requests: "mcp_client_operation_duration_seconds_count",
            counted: every,
            error: has_error_type,
            bucket: "mcp_client_operation_duration_seconds_bucket",
            modules: true,
            sees_tool_errors: true,
        },
        Case {
            file: "toolhive.prom",
            kind: ProfileKind::Toolhive,
            why: "toolhive_mcp_requests_total",
            polling: &["/metrics", "/health"],
            requests: "toolhive_mcp_requests_total",
            counted: every,
            error: status_error,
            bucket: "toolhive_mcp_request_duration_seconds_bucket",
            modules: true,
            sees_tool_errors: false,
        },
        Case {
            file: "mcpany.prom",
            kind: ProfileKind::Mcpany,
            why: "mcpany_tools_call_total",
            polling: &["/metrics", "/health"],
            requests: "mcpany_tools_call_total",
            // The go-metrics twins carry no status.
            counted: |k, _| k.label("status").is_some(),
            error: status_error,
            bucket: "mcpany_tools_call_latency_seconds_bucket",
            modules: true,
            sees_tool_errors: false,
        },
        Case {
            file: "mcp-tool-calls.prom",
            kind: ProfileKind::McpToolCalls,
            why: "mcp_tool_calls_total",
            polling: &["/metrics", "/health"],
            requests: "mcp_tool_calls_total",
            counted: every,
            error: status_error_or_failure,
            bucket: "mcp_tool_duration_seconds_bucket",
            modules: true,
            sees_tool_errors: true,
        },
        Case {
            file: "mcp-tool-invocations.prom",
            kind: ProfileKind::McpToolCalls,
            why: "mcp_tool_invocations_total",
            polling: &["/metrics", "/health"],
            requests: "mcp_tool_invocations_total",
            counted: every,
            error: status_error_or_failure,
            bucket: "mcp_tool_duration_seconds_bucket",
            modules: true,
            sees_tool_errors: true,
        },
        Case {
            file: "http-fastapi.prom",
            kind: ProfileKind::Http,
            why: "http_requests_total",
            polling: &["/metrics/prometheus", "/health"],
            requests: "http_requests_total",
            counted: not_polled_under("handler"),
            error: fivexx("status"),
            bucket: "http_request_duration_highr_seconds_bucket",
            modules: false,
            sees_tool_errors: false,
        },
        Case {
            file: "http-starlette.prom",
            kind: ProfileKind::Http,
            why: "http_requests_total",
            polling: &["/metrics", "/health"],
            requests: "http_requests_total",
            counted: not_polled_under("path"),
            error: fivexx("status_code"),
            bucket: "http_request_duration_seconds_bucket",
            modules: false,
            sees_tool_errors: false,
        },
        Case {
            file: "http-promhttp.prom",
            kind: ProfileKind::Http,
            why: "http_requests_total",
            polling: &["/metrics", "/healthz"],
            requests: "http_requests_total",
            counted: not_polled_under("handler"),
            error: fivexx("code"),
            bucket: "http_request_duration_seconds_bucket",
            modules: false,
            sees_tool_errors: false,
        },
    ]
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/profiles")
}

fn parse(file: &str) -> Vec<ScrapedSample> {
    let path = fixtures().join(file);
    let text = std::fs::read_to_string(&path).expect("fixture readable");
    mcptop::sources::scrape::parse(&text, Format::Text).expect("fixture parses")
}

/// Counters, buckets and histogram/summary `_count`/`_sum` grow; gauges do not.
fn is_cumulative(name: &str) -> bool {
    ["_total", "_bucket", "_count", "_sum"]
        .iter()
        .any(|s| name.ends_with(s))
}

fn scrape(t_ms: i64, samples: Vec<ScrapedSample>) -> Scrape {
    Scrape {
        t_ms,
        duration: Duration::from_millis(3),
        bytes: 0,
        samples,
    }
}

fn dashboard(polling: &[&str]) -> Dashboard {
    Dashboard::new(ModelConfig {
        profile: ProfileChoice::Auto,
        custom_profile: None,
        range: Duration::from_secs(300),
        history: Duration::from_secs(3600),
        interval: Duration::from_millis(STEP_MS as u64),
        module_pattern: regex::Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: polling.iter().map(|p| (*p).to_string()).collect(),
    })
}

/// The fixture at T0, then at T0 + 10 s with every cumulative value scaled by `grow` for
/// the series `grows` picks; the dashboard's stats after both.
fn two_scrapes(
    case_polling: &[&str],
    samples: &[ScrapedSample],
    grows: impl Fn(&SeriesKey) -> bool,
) -> Dashboard {
    let mut d = dashboard(case_polling);
    d.apply_scrape(T0, Ok(scrape(T0, samples.to_vec())));
    let later: Vec<ScrapedSample> = samples
        .iter()
        .map(|s| {
            let mut s = s.clone();
            if is_cumulative(&s.key.name) && grows(&s.key) {
                s.value *= 2.0;
            }
            s
        })
        .collect();
    d.apply_scrape(T0 + STEP_MS, Ok(scrape(T0 + STEP_MS, later)));
    d
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// The largest finite `le` bound of a bucket series.
fn top_bound(samples: &[ScrapedSample], bucket: &str) -> f64 {
    samples
        .iter()
        .filter(|s| &*s.key.name == bucket)
        .filter_map(|s| s.key.label("le")?.parse::<f64>().ok())
        .filter(|b| b.is_finite())
        .fold(0.0, f64::max)
}

fn check(case: &Case) {
    let samples = parse(case.file);
    let d = two_scrapes(case.polling, &samples, |_| true);
    let f = case.file;
    let p = d.profile().unwrap_or_else(|| panic!("{f}: no profile"));
    assert_eq!(p.kind, case.kind, "{f}");
    assert_eq!(p.why, case.why, "{f}");
    assert_eq!(p.latency_bucket(), Some(case.bucket), "{f}");
    assert_eq!(p.sees_tool_errors(), case.sees_tool_errors, "{f}");

    let requests: Vec<&ScrapedSample> = samples
        .iter()
        .filter(|s| &*s.key.name == case.requests && (case.counted)(&s.key, case.polling))
        .collect();
    let total: f64 = requests.iter().map(|s| s.value).sum();
    let errors: f64 = requests
        .iter()
        .filter(|s| (case.error)(&s.key))
        .map(|s| s.value)
        .sum();
    assert!(total > 0.0, "{f}: the fixture counts requests");
    let Stats {
        req_per_sec,
        error_ratio,
        p95,
        modules,
        ..
    } = &d.stats;
    let req = req_per_sec.unwrap_or_else(|| panic!("{f}: no req/s"));
    assert!(
        close(req, total / 10.0),
        "{f}: req/s {req}, want {}",
        total / 10.0
    );
    let ratio = error_ratio.unwrap_or_else(|| panic!("{f}: no error ratio"));
    assert!(
        close(ratio, errors / total),
        "{f}: error ratio {ratio}, want {}",
        errors / total
    );
    let p95 = p95.unwrap_or_else(|| panic!("{f}: no p95"));
    let top = top_bound(&samples, case.bucket);
    assert!(p95 > 0.0 && p95 <= top, "{f}: p95 {p95} outside (0, {top}]");
    assert_eq!(
        !modules.is_empty(),
        case.modules,
        "{f}: modules {modules:?}"
    );
}

#[test]
fn every_fixture_has_a_case() {
    let cases = cases();
    let mut files: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".prom"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 9, "{files:?}");
    for file in files {
        assert!(
            cases.iter().any(|c| c.file == file),
            "{file} has no expected profile"
        );
    }
}

#[test]
fn each_fixture_is_detected_and_its_tiles_are_the_fixtures_numbers() {
    for case in cases() {
        check(&case);
    }
}

#[test]
fn mcpany_tool_calls_are_counted_once() {
    let samples = parse("mcpany.prom");
    let d = two_scrapes(&["/metrics", "/health"], &samples, |_| true);
    let every_series: f64 = samples
        .iter()
        .filter(|s| &*s.key.name == "mcpany_tools_call_total")
        .map(|s| s.value)
        .sum();
    let req = d.stats.req_per_sec.expect("req/s");
    assert!(req < every_series / 10.0 * 0.75, "twins counted: {req}");
    // Modules are the services, whole, and add up to the same calls.
    let mut names: Vec<&str> = d.stats.modules.iter().map(|m| m.module.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["filesystem", "github", "weather-service"]);
    let by_module: f64 = d.stats.modules.iter().map(|m| m.per_sec).sum();
    assert!(close(by_module, req), "{by_module} vs {req}");
}

#[test]
fn toolhive_modules_are_whole_server_names() {
    let samples = parse("toolhive.prom");
    let d = two_scrapes(&["/metrics", "/health"], &samples, |_| true);
    let names: Vec<&str> = d.stats.modules.iter().map(|m| m.module.as_str()).collect();
    assert_eq!(names, ["github"]);
    let p = d.profile().expect("profile");
    // Millisecond bounds used as seconds: the profile says so.
    assert!(
        p.latency_note()
            .is_some_and(|n| n.contains("lowest bucket is 5 s")),
        "{:?}",
        p.latency_note()
    );
}

#[test]
fn fastapi_latency_comes_from_the_finer_histogram_and_says_what_it_holds() {
    let samples = parse("http-fastapi.prom");
    let d = two_scrapes(&["/metrics/prometheus", "/health"], &samples, |_| true);
    let p = d.profile().expect("profile");
    let l = p.latency.as_ref().expect("latency");
    assert_eq!(
        l.passed_over.as_deref(),
        Some("http_request_duration_seconds")
    );
    assert!(l.includes_polling);
}

#[test]
fn an_idle_http_target_polled_at_metrics_prometheus_has_no_traffic() {
    let samples = parse("http-fastapi.prom");
    let polled = |k: &SeriesKey| {
        &*k.name == "http_requests_total"
            && matches!(k.label("handler"), Some("/metrics/prometheus" | "/health"))
    };
    let d = two_scrapes(&["/metrics/prometheus", "/health"], &samples, polled);
    assert_eq!(d.profile().map(|p| p.kind), Some(ProfileKind::Http));
    assert_eq!(d.stats.req_per_sec, Some(0.0));
    assert_eq!(d.stats.error_ratio, None);
}
