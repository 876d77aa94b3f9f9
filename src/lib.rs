//! mcptop: a terminal dashboard for MCP servers in production.
//!
//! Sources fetch ([`sources`]), one owner holds state ([`app`], [`model`]), what the
//! screen shows is plain data ([`screen`]) and pure functions draw its read-only view
//! ([`ui`]).

pub mod action;
pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod demo;
pub mod exit;
pub mod inbound;
pub mod logging;
pub mod model;
pub mod private;
pub mod screen;
pub mod secrets;
pub mod sources;
pub mod text;
pub mod tui;
pub mod ui;
pub mod watch;
