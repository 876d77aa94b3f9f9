//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod alertmanager;
pub mod alerts_fixture;
pub mod combined_query;
pub mod demo;
pub mod drive;
pub mod exiting;
pub mod faulty;
pub mod fixture;
pub mod fleet_fixture;
pub mod hostile;
pub mod lagging_api;
pub mod logs_fixture;
pub mod loki;
pub mod loki_flood;
pub mod loki_metric;
pub mod loki_query;
pub mod loki_run;
pub mod loki_serve;
pub mod loki_tail;
pub mod mcp_fixture;
pub mod mcp_probe;
pub mod oauth;
pub mod peers;
pub mod prometheus;
pub mod query_source;
pub mod ready;
pub mod serve;
pub mod skip;
pub mod thanos_like;
pub mod timeline_seen;
pub mod tls;
pub mod tmux;
pub mod watching;

use std::process::Command;

/// Whether an outside program is on PATH. Under CI (`CI=true`) a missing program fails the
/// test; on a laptop the test is reported skipped ([`skip::skip`]) and returns early.
pub fn require_program(name: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        skip::skip(name, "install it to run this test; .ci/run installs it");
    }
    found
}
