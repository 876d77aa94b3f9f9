//! The in-process integration tests, one binary: the app driven by keys, rendering
//! (TestBackend + insta), the model and sources against in-process stand-ins. Each module
//! was a test binary of its own; one binary links the crate and `support` once.

#[path = "../support/mod.rs"]
mod support;

mod app_alerts;
mod app_calls;
mod app_elicit;
mod app_files;
mod app_modes;
mod app_mouse;
mod demo_scrape;
mod fuzz_regressions;
mod layers;
mod layout;
mod loki;
mod loki_counts;
mod loki_follow;
mod mcp_import;
mod mcp_import_env;
mod profiles;
mod query_cost;
mod query_log;
mod query_thanos_mimir;
mod query_timeline;
mod recording;
mod render;
mod render_alerts;
mod render_catalog;
mod render_fleet;
mod render_footer;
mod render_honesty;
mod render_log_summary;
mod render_logs;
mod render_mcp;
mod render_oauth;
mod render_tasks;
mod render_themes;
mod render_timeline_gap;
mod render_tool_stats;
mod render_width;
mod replay_cursor;
mod scrape_faults;
mod scrape_limits;
mod time_cursor;
