//! Targets as operators run them, through the real scrape sources (`sources::spawn`) and a
//! config file: metrics at `/metrics/prometheus` behind a bearer token or basic auth,
//! gzip-encoded; behind TLS with a private CA (openssl s_server); the health check off or
//! at its own path; and every error naming the URL it fetched, never the credential.

use crate::support;

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mcptop::config::Config;
use mcptop::sources::Update;
use tokio::sync::mpsc;

/// How long a scrape may take to arrive.
const WAIT: Duration = Duration::from_secs(20);

const TOKEN: &str = "gw-token-planted-7731";
const PASSWORD: &str = "basic-pw-planted-4410";

/// A small otel-mcp exposition.
const EXPOSITION: &str = "# TYPE mcp_server_operation_duration_seconds histogram\n\
mcp_server_operation_duration_seconds_bucket{mcp_method_name=\"tools/call\",le=\"0.1\"} 3\n\
mcp_server_operation_duration_seconds_bucket{mcp_method_name=\"tools/call\",le=\"+Inf\"} 4\n\
mcp_server_operation_duration_seconds_sum{mcp_method_name=\"tools/call\"} 0.5\n\
mcp_server_operation_duration_seconds_count{mcp_method_name=\"tools/call\"} 4\n";

/// The gateway: `/metrics/prometheus` answers only with the right credentials, gzip-encoded
/// when asked; a wrong one gets a 401 page that echoes the Authorization header back, as
/// careless servers do. `/healthz` says ok.
async fn gateway() -> String {
    async fn metrics(headers: HeaderMap) -> Response {
        let auth = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        use base64::Engine as _;
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("ops:{PASSWORD}"))
        );
        if auth != format!("Bearer {TOKEN}") && auth != basic {
            return (
                StatusCode::UNAUTHORIZED,
                format!("denied: you sent Authorization: {auth}"),
            )
                .into_response();
        }
        let gzip = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("gzip"));
        assert!(gzip, "the scraper asks for gzip");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(EXPOSITION.as_bytes()).expect("gzip");
        let body = enc.finish().expect("gzip");
        let mut resp = body.into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        );
        resp
    }
    let app = axum::Router::new()
        .route("/metrics/prometheus", get(metrics))
        .route(
            "/healthz",
            get(|| async { r#"{"status":"ok","version":"9.9"}"# }),
        );
    let addr = support::serve::serve(app).await;
    format!("127.0.0.1:{}", addr.port())
}

/// A config file in `dir` with `text`; the secrets in files beside it.
fn config(dir: &Path, text: &str) -> Config {
    std::fs::write(dir.join("token"), format!("{TOKEN}\n")).expect("token file");
    std::fs::write(dir.join("password"), PASSWORD).expect("password file");
    let text = text.replace("DIR", &dir.display().to_string());
    let path = dir.join("mcptop.toml");
    std::fs::write(&path, &text).expect("config");
    let mut cfg = Config::from_toml(&text, &path).expect("config loads");
    cfg.scrape.interval = Duration::from_millis(300);
    cfg
}

/// The first scrape result and the first health result (when `health`) of the target.
async fn first_results(cfg: &Config, health: bool) -> (Result<usize, String>, Option<String>) {
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = mcptop::sources::spawn(cfg, tx).expect("sources start");
    let mut scrape = None;
    let mut checked = None;
    let outcome = tokio::time::timeout(WAIT, async {
        while let Some(u) = rx.recv().await {
            match u {
                Update::Scrape { result, .. } if scrape.is_none() => {
                    scrape = Some(result.map(|s| s.samples.len()).map_err(|e| e.to_string()));
                }
                Update::Health { result, .. } if checked.is_none() => {
                    checked = Some(match result {
                        Ok(info) => format!("ok {}", info.version.unwrap_or_default()),
                        Err(e) => e.to_string(),
                    });
                }
                _ => {}
            }
            if scrape.is_some() && (checked.is_some() || !health) {
                return;
            }
        }
    })
    .await;
    tasks.abort_all();
    assert!(outcome.is_ok(), "no scrape within {WAIT:?}");
    (scrape.expect("scraped"), checked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bearer_token_a_non_default_path_and_gzip() {
    let dir = tempfile::tempdir().expect("dir");
    let host = gateway().await;
    let cfg = config(
        dir.path(),
        &format!(
            "[target]\nurl = \"{host}\"\nmetrics_path = \"/metrics/prometheus\"\n\
             health_path = \"/healthz\"\nbearer_token_file = \"DIR/token\"\n"
        ),
    );
    let (scrape, health) = first_results(&cfg, true).await;
    // The `_sum` is not read by any profile, so the scrape task drops it.
    assert_eq!(
        scrape,
        Ok(3),
        "every sample mcptop reads of the gzip-encoded body"
    );
    assert_eq!(health.as_deref(), Some("ok 9.9"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_auth_on_the_exact_metrics_url_with_no_health_check() {
    let dir = tempfile::tempdir().expect("dir");
    let host = gateway().await;
    let cfg = config(
        dir.path(),
        &format!(
            "[target]\nurl = \"http://{host}/metrics/prometheus\"\nhealth_path = \"\"\n\
             basic_auth_user = \"ops\"\nbasic_auth_password_file = \"DIR/password\"\n"
        ),
    );
    let (scrape, health) = first_results(&cfg, false).await;
    assert_eq!(scrape, Ok(3));
    assert_eq!(health, None, "health_path = \"\" turns the check off");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_scrape_names_the_url_and_never_the_credential_echoed_back() {
    let dir = tempfile::tempdir().expect("dir");
    let host = gateway().await;
    std::fs::write(dir.path().join("wrong"), "wrong-token-planted-2208").expect("write");
    let text = format!(
        "[target]\nurl = \"{host}\"\nmetrics_path = \"/metrics/prometheus\"\n\
         health_path = \"\"\nbearer_token_file = \"DIR/wrong\"\n"
    );
    let cfg = config(dir.path(), &text);
    let (scrape, _) = first_results(&cfg, false).await;
    let err = scrape.expect_err("refused");
    assert!(
        err.starts_with(&format!("http://{host}/metrics/prometheus: HTTP 401")),
        "{err}"
    );
    assert!(!err.contains("wrong-token-planted"), "{err}");
    // Without a token at all: the same URL in the error, nothing appended to the path.
    let cfg = config(
        dir.path(),
        &format!("[target]\nurl = \"http://{host}/metrics/prometheus\"\nhealth_path = \"\"\n"),
    );
    let (scrape, _) = first_results(&cfg, false).await;
    let err = scrape.expect_err("refused");
    assert!(
        err.starts_with(&format!("http://{host}/metrics/prometheus: HTTP 401")),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_a_private_ca_at_a_non_default_path() {
    if !support::require_program("openssl") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    support::tls::make_certs(dir.path());
    // `-WWW` serves the directory's files: the exposition at metrics/prometheus.
    std::fs::create_dir_all(dir.path().join("metrics")).expect("mkdir");
    std::fs::write(dir.path().join("metrics/prometheus"), EXPOSITION).expect("write");
    let server = support::tls::TlsServer::start(dir.path(), &["-WWW"]);
    let url = format!("{}/metrics/prometheus", server.url());
    // Verified by default: the private CA is not trusted, and the error says which URL.
    let cfg = config(
        dir.path(),
        &format!("[target]\nurl = \"{url}\"\nhealth_path = \"\"\n"),
    );
    let (scrape, _) = first_results(&cfg, false).await;
    let err = scrape.expect_err("untrusted CA");
    assert!(
        err.starts_with(&format!("{url}: cannot connect")) && err.contains("certificate"),
        "{err}"
    );
    // With ca_file: through.
    let cfg = config(
        dir.path(),
        &format!("[target]\nurl = \"{url}\"\nhealth_path = \"\"\nca_file = \"DIR/ca.pem\"\n"),
    );
    let (scrape, _) = first_results(&cfg, false).await;
    assert_eq!(scrape, Ok(3));
    assert!(cfg.unverified_tls().is_empty());
    // insecure_skip_verify is per target and named for the header.
    let cfg = config(
        dir.path(),
        &format!("[target]\nurl = \"{url}\"\nhealth_path = \"\"\ninsecure_skip_verify = true\n"),
    );
    let (scrape, _) = first_results(&cfg, false).await;
    assert_eq!(scrape, Ok(3));
    assert_eq!(
        cfg.unverified_tls(),
        [format!("target (127.0.0.1:{})", server.port)]
    );
}
