//! The model: plain Rust, no I/O, no terminal. Driven by owned scrape results, it keeps
//! bounded series and computes what the dashboard shows with PromQL semantics.

pub mod alerts;
pub mod clock;
pub mod combined;
pub mod counted;
pub mod criteria;
pub mod cursor;
pub mod dashboard;
pub mod exposition;
pub mod fleet;
pub mod fleet_total;
pub mod level;
pub mod logs;
pub mod marks;
pub mod mcp;
pub mod partial;
pub mod past;
mod past_tools;
pub mod profile;
pub mod promql;
pub mod promql_text;
pub mod query;
pub mod query_mode;
pub mod recording;
pub mod refresh_parts;
pub mod rules;
pub mod series;
pub mod snapshot;
pub mod source_error;
pub mod stats;
pub mod status;
pub mod timeline;
pub mod timeline_sync;
pub mod tool_answers;
pub mod tool_history;
pub mod tool_stats;
pub mod up_state;
