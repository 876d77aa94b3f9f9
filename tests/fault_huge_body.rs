//! A 200 MiB answer (chunked, so no `Content-Length` warns of it) to every HTTP source in
//! turn: each stops reading at its cap with an error that names the cap, and the memory of
//! this process never grows by the size of the body. A test binary of its own, so that the
//! peak RSS it reads (`VmHWM`) is its own.

mod support;

use std::time::Duration;

use mcptop::config::Config;
use mcptop::config::alerts::AlertmanagerConfig;
use mcptop::config::loki::{LokiConfig, LokiMode};
use mcptop::config::prometheus::{PromEnv, PrometheusConfig};
use mcptop::sources::Update;
use support::faulty::{Fault, Faulty};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Peak resident set of this process, KiB (`VmHWM` of /proc/self/status).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// Waits for an update of `kind` (its Debug text's start) whose text names the body cap;
/// returns that text.
async fn capped(kind: &str, rx: &mut mpsc::Receiver<Update>) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let u = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("{kind}: no error naming the cap"))
            .expect("the source runs");
        let text = format!("{u:?}");
        if text.starts_with(kind)
            && let Some(error) = error_text(&u)
            && error.contains("exceeds the cap")
        {
            return error.chars().take(300).collect();
        }
    }
}

/// The operator's text of the error `u` carries, if it carries one.
fn error_text(u: &Update) -> Option<String> {
    use mcptop::model::alerts::AmUpdate;
    use mcptop::model::logs::LokiUpdate;
    use mcptop::model::query_mode::PromUpdate;
    let e = match u {
        Update::Scrape { result: Err(e), .. } | Update::Health { result: Err(e), .. } => e,
        Update::Alertmanager(AmUpdate::Polled { result: Err(e), .. }) => e,
        Update::Loki(LokiUpdate::Failed { error, .. } | LokiUpdate::Counts(Err(error))) => error,
        Update::Prometheus(
            PromUpdate::Profile { result: Err(e), .. }
            | PromUpdate::Refresh { result: Err(e), .. }
            | PromUpdate::TimelineFailed { error: e, .. },
        ) => e,
        _ => return None,
    };
    Some(e.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mib_body_is_cut_at_each_source_cap_without_a_memory_spike() {
    // Nothing listens upstream: only the fault answers.
    let unused = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let faulty = Faulty::start(unused.local_addr().expect("addr"));
    faulty.set(Fault::Huge);
    let before = peak_rss_kib();
    let mut errors = Vec::new();
    let mut tasks = JoinSet::new();

    // Scrape (16 MiB cap by default).
    let (tx, mut rx) = mpsc::channel(64);
    let mut cfg = Config::default();
    cfg.target.url = Some(faulty.url());
    let mut scrape = mcptop::sources::spawn(&cfg, tx).expect("spawn");
    errors.push(capped("Scrape", &mut rx).await);
    scrape.abort_all();

    // Alertmanager (16 MiB).
    let (tx, mut rx) = mpsc::channel(64);
    let am = AlertmanagerConfig {
        urls: vec![faulty.url()],
        timeout: Duration::from_secs(30),
        ..AlertmanagerConfig::default()
    };
    let handle = mcptop::sources::alertmanager::spawn(&am, tx, &mut tasks).expect("spawn");
    errors.push(capped("Alertmanager", &mut rx).await);
    drop(handle);
    tasks.abort_all();

    // Loki (64 MiB).
    let (tx, mut rx) = mpsc::channel(64);
    let loki = LokiConfig {
        url: Some(faulty.url()),
        mode: LokiMode::Poll,
        timeout: Duration::from_secs(30),
        ..LokiConfig::default()
    };
    let handle =
        mcptop::sources::loki::spawn(&loki, "{app=\"x\"}".into(), tx, &mut tasks).expect("spawn");
    errors.push(capped("Loki", &mut rx).await);
    drop(handle);
    tasks.abort_all();

    // A Prometheus-compatible query API (32 MiB).
    let (tx, mut rx) = mpsc::channel(64);
    let mut env = PromEnv::new("huge", &faulty.url());
    env.timeout = Duration::from_secs(30);
    let prom = PrometheusConfig {
        environments: vec![env],
        start: None,
    };
    let settings = mcptop::sources::prometheus::Settings {
        profile: mcptop::model::profile::ProfileChoice::Auto,
        custom_profile: None,
        interval: Duration::from_secs(1),
        range: Duration::from_secs(60),
        history: Duration::from_secs(60),
        module_pattern: regex::Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: mcptop::model::profile::default_polling_paths(),
    };
    let handle = mcptop::sources::prometheus::spawn(&prom, settings, tx, &mut tasks);
    errors.push(capped("Prometheus", &mut rx).await);
    drop(handle);
    tasks.abort_all();

    let grown_mib = peak_rss_kib().saturating_sub(before) / 1024;
    // Loki's follow and counts may each hold up to 32 MiB at once; a body read whole would
    // take over 200 MiB (and a growing buffer more, while it doubles).
    assert!(
        grown_mib < 100,
        "peak RSS grew by {grown_mib} MiB reading capped bodies: {errors:#?}"
    );
    eprintln!("peak RSS grew by {grown_mib} MiB; errors: {errors:#?}");
}
