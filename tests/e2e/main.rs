//! The integration tests that start real processes, one binary: the mcptop binary in
//! tmux, Prometheus, VictoriaMetrics, Alertmanager, the npm and PyPI MCP servers, openssl.
//! Each module was a test binary of its own; one binary links the crate and `support` once.

#[path = "../support/mod.rs"]
mod support;

mod alertmanager;
mod cli;
mod cli_docs;
mod cli_errors;
mod cursor_agreement;
mod e2e_alerts;
mod e2e_audit_stall;
mod e2e_busy_signal;
mod e2e_colour;
mod e2e_faults;
mod e2e_fleet;
mod e2e_logs;
mod e2e_mcp_faults;
mod e2e_mcp_only;
mod e2e_oauth;
mod e2e_record;
mod e2e_scrape_fleet;
mod e2e_secrets;
mod e2e_signals;
mod e2e_tasks;
mod e2e_tmux;
mod e2e_tools;
mod mcp_catalog;
mod mcp_client;
mod mcp_hostile;
mod mcp_oauth;
mod mcp_tasks;
mod prometheus_agreement;
mod query_cursor;
mod query_error_ratio;
mod query_freshness;
mod query_mode;
mod query_mode_detect;
mod query_timeline_engines;
mod snapshot_cli;
mod snapshot_collect;
mod source_faults;
mod target_endpoint;
mod watch;
