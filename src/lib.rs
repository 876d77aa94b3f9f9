//! mcptop: a terminal dashboard for MCP servers in production.
//!
//! Sources fetch ([`sources`]), one owner holds state ([`app`], [`model`]) and pure
//! functions draw a read-only view ([`ui`]).

pub mod action;
pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod exit;
pub mod inbound;
pub mod input;
pub mod logging;
pub mod model;
pub mod private;
pub mod secrets;
pub mod sources;
pub mod text;
pub mod tui;
pub mod ui;
pub mod watch;
