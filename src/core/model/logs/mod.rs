//! Log lines: entries and their levels, the bounded buffer, filtering, the pane's state,
//! de-duplication across reconnects and the error summary. Pure: no I/O, no terminal.

pub mod buffer;
pub mod dedup;
pub mod entry;
pub mod fields;
pub mod filter;
pub mod logfmt;
pub mod pane;
pub mod source;
pub mod summary;

pub use buffer::LogBuffer;
pub use entry::{Labels, Level, LogEntry};
pub use filter::LogFilter;
pub use pane::LogPane;
pub use source::{FollowMode, LokiState, LokiStatus, LokiUpdate};
