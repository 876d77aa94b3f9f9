//! The MCP client's state, free of I/O: servers, their tools, calls and logs.
//!
//! The source (`sources::mcp`) sends [`McpUpdate`]s; the app applies them to
//! [`state::McpState`] and sends [`McpCommand`]s back.

pub mod body;
pub mod catalog;
pub mod error;
pub mod fetch_body;
pub mod form;
pub mod mask;
pub mod state;
pub mod subscription;
pub mod task;
pub mod types;

pub use error::McpError;
pub use task::{TaskState, TaskSupport};
pub use types::*;
