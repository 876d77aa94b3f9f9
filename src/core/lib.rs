//! mcptop's core: everything that needs no terminal, no async runtime, no HTTP and no MCP
//! crate, so it can be driven by recorded samples and tested as plain Rust.
//!
//! - [`model`]: the exposition parser, series, `rate`/`increase`/`histogram_quantile`,
//!   profiles, local rules (P0-P3), alert/silence/log/MCP state, the incident report.
//! - [`config`]: the TOML config and its defaults, errors that name file, line and key.
//! - [`action`]: the operator's actions and the keys that ask for them (the program's own
//!   key type; terminal events are turned into it at the edge, in the app).
//! - [`text`], [`inbound`], [`secrets`]: outside text made safe to show, URLs without
//!   credentials, the secrets to scrub.
//! - [`audit`]: the audit log's entries (the writer is a source: `sources::files`).

pub mod action;
pub mod audit;
pub mod config;
pub mod inbound;
pub mod model;
pub mod secrets;
pub mod text;
