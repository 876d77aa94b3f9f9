//! End to end: the real binary in tmux in query mode, reading a real Prometheus or a real
//! VictoriaMetrics that scrapes two demo servers: the fleet lists both with a header dated
//! by its newest sample (seconds old on both engines: `nocache=1` is detected for
//! VictoriaMetrics), Enter drills into one and Esc comes back, and `:env staging` switches
//! to the other environment's single instance.

use crate::support;

use std::path::Path;
use std::time::Duration;

use mcptop_demo::DemoServer;
use support::prometheus::{Engine, Job, Prometheus};
use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(10);

async fn demo(rate: f64, error_ratio: f64) -> DemoServer {
    support::demo::start(rate, error_ratio, (20, 300)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_environments_and_drill_down() {
    switch_and_drill(Engine::Prometheus).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_environments_and_drill_down_on_victoria_metrics() {
    switch_and_drill(Engine::VictoriaMetrics).await;
}

async fn switch_and_drill(engine: Engine) {
    if !support::require_program("tmux") {
        return;
    }
    let a = demo(20.0, 0.01).await;
    let b = demo(5.0, 0.3).await;
    let Some(prom) = Prometheus::start_engine(
        engine,
        &[
            Job {
                name: "mcp",
                targets: vec![a.addr.to_string(), b.addr.to_string()],
            },
            Job {
                name: "stage",
                targets: vec![b.addr.to_string()],
            },
        ],
        1000,
    ) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("mcptop.toml");
    std::fs::write(
        &config,
        format!(
            "[scrape]\ninterval = \"1s\"\n\n[window]\nrange = \"30s\"\n\n\
             [[environments]]\nname = \"production\"\nurl = \"{url}\"\nselector = 'job=\"mcp\"'\n\n\
             [[environments]]\nname = \"staging\"\nurl = \"{url}\"\nselector = 'job=\"stage\"'\n",
            url = prom.url()
        ),
    )
    .expect("config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} --config {c}; echo EXIT=$?; sleep 30",
        d = shell_quote(dir.path()),
        c = shell_quote(&config),
        bin = shell_quote(bin),
    );
    let tmux = Tmux::start(&format!("fleet-{engine:?}"), 140, 40, &script);
    let (a_addr, b_addr) = (a.addr.to_string(), b.addr.to_string());

    // Both instances, with numbers, under production.
    let screen = tmux.wait_for("both instances with numbers", WAIT, |s| {
        s.contains("Fleet · production {job=\"mcp\"} (2 instances)")
            && s.lines()
                .filter(|l| l.contains("● up") && l.contains('%'))
                .count()
                == 2
    });
    assert!(
        screen.contains(&a_addr) && screen.contains(&b_addr),
        "{screen}"
    );
    // The header's age is the newest sample's: seconds, not VictoriaMetrics' 30 s.
    let age: u64 = regex::Regex::new(r"sampled (\d+)s ago")
        .expect("regex")
        .captures(&screen)
        .and_then(|c| c[1].parse().ok())
        .unwrap_or_else(|| panic!("{engine:?}: no sample age in the header: {screen}"));
    assert!(
        age < 10,
        "{engine:?}: the newest sample is {age}s old: {screen}"
    );

    // Sort by error rate: the flaky one on top; the top row's Enter drills into it.
    for _ in 0..3 {
        tmux.keys("o");
    }
    tmux.wait_for("sorted by error rate", STEP, |s| {
        s.contains("ERR %▼")
            && s.lines()
                .find(|l| l.contains("● up"))
                .is_some_and(|l| l.contains(&b_addr))
    });
    // The cursor stays on its instance when the order changes; g goes to the top row.
    tmux.keys("g");
    tmux.keys("Enter");
    let screen = tmux.wait_for("the instance's overview", STEP, |s| {
        s.contains(&format!("production · {b_addr}")) && s.contains("Requests/min")
    });
    assert!(screen.contains("Error rate"), "{screen}");
    tmux.keys("Escape");
    tmux.wait_for("back on the fleet", STEP, |s| {
        s.contains("Fleet · production")
    });

    // :env staging: one instance.
    tmux.keys(":");
    tmux.wait_for("the command line", STEP, |s| s.contains(": command"));
    tmux.cmd(&["send-keys", "-t", "main", "-l", "env staging"]);
    tmux.keys("Enter");
    let screen = tmux.wait_for("staging's fleet", WAIT, |s| {
        s.contains("Fleet · staging {job=\"stage\"} (1 instance)") && s.contains("● up")
    });
    assert!(!screen.contains(&a_addr), "{screen}");

    tmux.keys("q");
    let after = tmux.wait_for("exit", STEP, |s| s.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "{after}");
    a.shutdown().await;
    b.shutdown().await;
}
