//! mcptop: a terminal dashboard for MCP servers in production.
//!
//! Sources fetch ([`sources`]), one owner holds state ([`app`], [`model`]), what the
//! screen shows is plain data ([`screen`]) and pure functions draw its read-only view
//! ([`ui`]).

pub mod app;
pub mod cli;
pub mod exit;
pub mod input;
pub mod logging;
pub mod screen;
pub mod tui;
pub mod ui;
pub mod watch;

// The member crates under the names the app, the tests and the benches use.
pub use mcptop_core::{action, audit, config, inbound, model, secrets, text};
pub use mcptop_sources as sources;
pub use mcptop_sources::private;
