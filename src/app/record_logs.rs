//! The log lines a recording keeps (format version 2): every batch of Loki entries the app
//! applies, Loki's query changes and health, and each MCP server's own log lines (stderr
//! and `notifications/message`), masked as the server's log shows them. Not kept: mcptop's
//! own notes in a server's log (`origin` `client`), which may quote a URL a server sent
//! (a URL elicitation's, a resource's) or an error text with one; the metric counts of
//! LogQL `count_over_time` (a replay counts the kept lines); the drops and refetches of a
//! tail.

use crate::model::logs::LokiUpdate;
use crate::model::mcp::McpUpdate;
use crate::model::mcp::state::masked_log_entry;
use crate::model::mcp::types::LogOrigin;
use crate::model::recording::{Event, LogsSource, LokiChange};
use crate::sources::Update;

use super::App;

impl App {
    /// The record of a log update, when it is one a recording keeps (see the module);
    /// `now_ms` is the time of a query change, which carries none.
    pub(super) fn log_event(&mut self, update: &Update, now_ms: i64) -> Option<Event> {
        match update {
            Update::Loki(LokiUpdate::Entries { t_ms, entries }) => {
                (!entries.is_empty()).then(|| Event::Logs {
                    t_ms: *t_ms,
                    source: LogsSource::Loki,
                    entries: entries.clone(),
                })
            }
            Update::Loki(LokiUpdate::Query(q)) => {
                self.loki_change(now_ms, LokiChange::Query(q.clone()))
            }
            Update::Loki(LokiUpdate::Connected { t_ms, mode }) => {
                self.loki_change(*t_ms, LokiChange::Connected(*mode))
            }
            Update::Loki(LokiUpdate::Failed { t_ms, error }) => {
                self.loki_change(*t_ms, LokiChange::Failed(error.to_string()))
            }
            Update::Mcp(McpUpdate::Log { server, line }) => {
                if line.origin == LogOrigin::Client {
                    return None;
                }
                let name = self.mcp.servers.get(*server)?.name.clone();
                Some(Event::Logs {
                    t_ms: line.t_ms,
                    source: LogsSource::Mcp(name),
                    entries: vec![masked_log_entry(line.clone())],
                })
            }
            _ => None,
        }
    }

    /// A Loki change's record: a health change only when it differs from the last one
    /// recorded (the poll mode's every answer is a `Connected`), a query change always.
    fn loki_change(&mut self, t_ms: i64, change: LokiChange) -> Option<Event> {
        let r = self.recorder.as_mut()?;
        if !matches!(change, LokiChange::Query(_)) {
            if r.loki_health.as_ref() == Some(&change) {
                return None;
            }
            r.loki_health = Some(change.clone());
        }
        Some(Event::Loki { t_ms, change })
    }
}

#[cfg(test)]
#[path = "record_logs_tests.rs"]
mod tests;
