//! What the screen shows, as plain data: where the operator is (screen, selections,
//! overlays), the tools screen's lists, the log source in view and its summary, the fleet,
//! and the [`View`] a frame is drawn from. No I/O, no terminal and no async runtime: the
//! app changes this state on keys and source updates, and the panels (`ui`) only read it.

pub mod catalog;
pub mod fleet;
mod fleet_apply;
pub mod logs;
pub mod nav;
pub mod tape;
pub mod tool_table;
pub mod view;

use std::time::Duration;

use crate::action::Key;
use crate::model::mcp::ServerId;

pub use tape::Tape;
pub use view::View;

/// A key bound to a tool call in the config (`[[bindings]]`), resolved to a server index.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolKey {
    pub key: Key,
    pub server: ServerId,
    pub tool: String,
    /// Preset arguments; a form opens when required ones are missing.
    pub args: serde_json::Map<String, serde_json::Value>,
    /// `Some(true)` asks even for a read-only tool. Annotations' confirmations cannot be
    /// turned off.
    pub confirm: Option<bool>,
    /// Overrides `mcp.call_timeout` for this binding.
    pub timeout: Option<Duration>,
}

/// A deploy marked on the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployMark {
    /// Unix ms.
    pub t_ms: i64,
    /// What was on screen (target, environment or instance): the mark shows only there.
    pub target: String,
    /// The tiles when it was marked.
    pub before: crate::model::stats::Stats,
}
