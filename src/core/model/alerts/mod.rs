//! Alerts: Alertmanager's and those of mcptop's own rules, their priorities (P0-P3) and
//! silences. Plain data, no I/O.

pub mod matcher;
pub mod priority;
pub mod silence_form;
pub mod state;
pub mod types;

pub use matcher::{MatchOp, Matcher};
pub use priority::PriorityMap;
pub use state::{AlertRow, AlertsState};
pub use types::*;
