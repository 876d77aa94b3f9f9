//! Every HTTP source against a server that misbehaves in turn, on loopback: refused
//! connections, an accepted request never answered, a 500 with an HTML page, a truncated
//! body, garbage, a body that drips one byte at a time. Each fault must come out as a
//! short error that says what is wrong, and the source must recover by itself once the
//! real server (demo, Alertmanager, Prometheus, the test Loki) is reachable again, all
//! without a panic (a panicking source task would end the run with a JoinError).
//! The 200 MiB body has its own test binary (`fault_huge_body.rs`), to measure memory.

use crate::support;

use std::net::SocketAddr;
use std::time::Duration;

use mcptop::config::Config;
use mcptop::config::alerts::AlertmanagerConfig;
use mcptop::config::loki::{LokiConfig, LokiMode};
use mcptop::config::prometheus::{PromEnv, PrometheusConfig};
use mcptop::model::alerts::AmUpdate;
use mcptop::model::logs::LokiUpdate;
use mcptop::model::query_mode::PromUpdate;
use mcptop::sources::Update;
use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};
use support::faulty::{Fault, Faulty};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// A fault, and words its error must contain (any of them).
const FAULTS: [(Fault, &[&str]); 6] = [
    (Fault::Refused, &["cannot connect", "refused"]),
    (Fault::Hang, &["timed out"]),
    (Fault::Html500, &["HTML page (500 Internal Server Error)"]),
    (
        Fault::Truncated,
        &["body", "EOF", "closed", "incomplete", "JSON"],
    ),
    (Fault::Garbage, &["binary", "UTF-8"]),
    (Fault::SlowDrip, &["timed out"]),
];

/// The outcome a source's update reports: `Some(Ok)` good data, `Some(Err)` a failure,
/// `None` an update that says neither.
type Classify = fn(&Update) -> Option<Result<(), String>>;

/// Waits for the first outcome that `want` accepts; panics with the outcomes seen.
async fn wait_for(
    rx: &mut mpsc::Receiver<Update>,
    tasks: &mut JoinSet<()>,
    classify: Classify,
    what: &str,
    secs: u64,
    want: impl Fn(&Result<(), String>) -> bool,
) -> Result<(), String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    loop {
        tokio::select! {
            u = tokio::time::timeout_at(deadline, rx.recv()) => {
                let u = u
                    .unwrap_or_else(|_| panic!("timed out waiting for {what}; saw {seen:?}"))
                    .expect("the source runs");
                if std::env::var_os("FAULTS_DEBUG").is_some() {
                    eprintln!("{what}: {}", format!("{u:?}").chars().take(200).collect::<String>());
                }
                if let Some(outcome) = classify(&u) {
                    if want(&outcome) {
                        return outcome;
                    }
                    seen.push(outcome);
                }
            }
            Some(ended) = tasks.join_next() => panic!("a source task ended: {ended:?}"),
        }
    }
}

/// Good data first, then each fault (its error named), then good data again each time.
async fn cycle(
    name: &str,
    faulty: &Faulty,
    rx: &mut mpsc::Receiver<Update>,
    tasks: &mut JoinSet<()>,
    classify: Classify,
    recover_secs: u64,
) {
    wait_for(
        rx,
        tasks,
        classify,
        &format!("{name}: good data"),
        30,
        Result::is_ok,
    )
    .await
    .expect("good data");
    for (fault, words) in FAULTS {
        faulty.set(fault);
        let err = wait_for(
            rx,
            tasks,
            classify,
            &format!("{name}: {fault:?}"),
            20,
            |o| o.is_err(),
        )
        .await
        .expect_err("an error");
        assert!(
            words.iter().any(|w| err.contains(w)),
            "{name}: {fault:?} gave `{err}`, expected one of {words:?}"
        );
        assert!(err.len() < 400, "{name}: {fault:?}: a short error: {err}");
        faulty.set(Fault::Pass);
        wait_for(
            rx,
            tasks,
            classify,
            &format!("{name}: recovery after {fault:?}"),
            recover_secs,
            Result::is_ok,
        )
        .await
        .expect("recovered");
    }
}

async fn demo() -> DemoServer {
    DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            enabled: true,
            rate_per_sec: 10.0,
            ..LoadOptions::default()
        },
    })
    .await
    .expect("demo server starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrape_source_names_each_fault_and_recovers() {
    let demo = demo().await;
    let faulty = Faulty::start(demo.addr);
    let mut cfg = Config::default();
    cfg.scrape.interval = Duration::from_millis(300);
    cfg.scrape.timeout = Some(Duration::from_secs(1));
    let (tx, mut rx) = mpsc::channel(64);
    cfg.target.url = Some(faulty.url());
    let mut tasks = mcptop::sources::spawn(&cfg, tx).expect("spawn");
    fn classify(u: &Update) -> Option<Result<(), String>> {
        match u {
            Update::Scrape { result, .. } => {
                Some(result.as_ref().map(|_| ()).map_err(ToString::to_string))
            }
            _ => None,
        }
    }
    cycle("scrape", &faulty, &mut rx, &mut tasks, classify, 10).await;
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alertmanager_source_names_each_fault_and_recovers() {
    let Some(am) = support::alertmanager::Alertmanager::start(support::alertmanager::CONFIG) else {
        return;
    };
    let faulty = Faulty::start(addr_of(&am.url()));
    let cfg = AlertmanagerConfig {
        urls: vec![faulty.url()],
        interval: Duration::from_millis(300),
        timeout: Duration::from_secs(1),
        ..AlertmanagerConfig::default()
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = JoinSet::new();
    let _handle = mcptop::sources::alertmanager::spawn(&cfg, tx, &mut tasks).expect("spawn");
    fn classify(u: &Update) -> Option<Result<(), String>> {
        match u {
            Update::Alertmanager(AmUpdate::Polled { result, .. }) => {
                Some(result.as_ref().map(|_| ()).map_err(ToString::to_string))
            }
            _ => None,
        }
    }
    // Polls back off after failures; recovery may wait out one backoff step.
    cycle("alertmanager", &faulty, &mut rx, &mut tasks, classify, 40).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loki_source_names_each_fault_and_recovers() {
    let loki = support::loki::FakeLoki::start(support::loki::Options::default()).await;
    let faulty = Faulty::start(addr_of(&loki.url()));
    let cfg = LokiConfig {
        url: Some(faulty.url()),
        mode: LokiMode::Poll,
        interval: Duration::from_millis(300),
        counts_interval: Duration::from_secs(3600),
        timeout: Duration::from_secs(1),
        ..LokiConfig::default()
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = JoinSet::new();
    let _handle =
        mcptop::sources::loki::spawn(&cfg, "{app=\"demo\"}".into(), tx, &mut tasks).expect("spawn");
    fn classify(u: &Update) -> Option<Result<(), String>> {
        match u {
            Update::Loki(LokiUpdate::Connected { .. } | LokiUpdate::Entries { .. }) => Some(Ok(())),
            Update::Loki(LokiUpdate::Failed { error, .. }) => Some(Err(error.to_string())),
            _ => None,
        }
    }
    cycle("loki", &faulty, &mut rx, &mut tasks, classify, 40).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_query_source_names_each_fault_and_recovers() {
    let demo = demo().await;
    let Some(prom) = support::prometheus::Prometheus::start(
        &[support::prometheus::Job {
            name: "mcp",
            targets: vec![demo.addr.to_string()],
        }],
        1000,
    ) else {
        return;
    };
    let faulty = Faulty::start(addr_of(&prom.url()));
    let mut env = PromEnv::new("faults", &faulty.url());
    env.selector = mcptop::config::prometheus::parse_selector("job=\"mcp\"").expect("selector");
    env.timeout = Duration::from_secs(1);
    let cfg = PrometheusConfig {
        environments: vec![env],
        start: None,
    };
    let settings = mcptop::sources::prometheus::Settings {
        profile: mcptop::model::profile::ProfileChoice::Auto,
        custom_profile: None,
        interval: Duration::from_millis(500),
        range: Duration::from_secs(20),
        history: Duration::from_secs(60),
        module_pattern: regex::Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: mcptop::model::profile::default_polling_paths(),
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = JoinSet::new();
    let _handle = mcptop::sources::prometheus::spawn(&cfg, settings, tx, &mut tasks);
    // The profile first (detected once Prometheus has scraped the demo); the faults then
    // meet the refreshes.
    fn profile(u: &Update) -> Option<Result<(), String>> {
        match u {
            Update::Prometheus(PromUpdate::Profile { result, .. }) => {
                Some(result.as_ref().map(|_| ()).map_err(ToString::to_string))
            }
            _ => None,
        }
    }
    wait_for(
        &mut rx,
        &mut tasks,
        profile,
        "the profile",
        60,
        Result::is_ok,
    )
    .await
    .expect("a profile");
    fn classify(u: &Update) -> Option<Result<(), String>> {
        match u {
            Update::Prometheus(PromUpdate::Refresh { result, .. }) => {
                Some(result.as_ref().map(|_| ()).map_err(ToString::to_string))
            }
            _ => None,
        }
    }
    cycle("prometheus", &faulty, &mut rx, &mut tasks, classify, 40).await;
    demo.shutdown().await;
}

/// `127.0.0.1:PORT` of an `http://127.0.0.1:PORT` URL.
fn addr_of(url: &str) -> SocketAddr {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("a loopback URL")
}
