//! A replay's log sources: the recorded log lines shown on the Logs screen as they were,
//! Loki's in a Loki source and each MCP server's in its own, without any of them being
//! contacted.

use crate::model::logs::{LogEntry, LokiState, LokiUpdate};
use crate::model::mcp::McpError;
use crate::model::mcp::state::ServerState;
use crate::model::mcp::types::ConnState;
use crate::model::recording::{Event, Header, LogsSource, LokiChange};
use crate::model::source_error::SourceError;
use crate::sources::Update;

use super::App;

/// The Loki source's URL as a replay shows it.
pub const RECORDED_URL: &str = "recorded";

/// Why a replay's MCP server is not connected, as its screen shows it.
pub const NOT_CONNECTED: &str = "not connected in a replay: the recording holds its log lines";

impl App {
    /// Makes the log sources of a replay of `header` and `events`: a Loki source (URL
    /// [`RECORDED_URL`], the recorded query) when the header has a LogQL query or the
    /// records hold Loki's lines or changes, and one MCP server per recorded name (the
    /// header's, in config order, then any other a log record names), each failed with
    /// [`NOT_CONNECTED`]. Call it on the fresh app, before replaying records into it.
    pub fn replay_log_sources(&mut self, header: &Header, events: &[Event]) {
        let loki_recorded = events.iter().any(|e| {
            matches!(e, Event::Loki { .. })
                || matches!(
                    e,
                    Event::Logs {
                        source: LogsSource::Loki,
                        ..
                    }
                )
        });
        if self.loki.is_none() && (header.loki_query.is_some() || loki_recorded) {
            self.loki = Some(LokiState::new(
                RECORDED_URL.to_string(),
                header.loki_query.clone().unwrap_or_default(),
                self.cfg.loki.max_lines,
                self.cfg.loki.max_bytes,
            ));
        }
        for name in &header.mcp_servers {
            self.replay_server(name, header.t);
        }
        for e in events {
            if let Event::Logs {
                t_ms,
                source: LogsSource::Mcp(name),
                ..
            } = e
            {
                self.replay_server(name, *t_ms);
            }
        }
    }

    /// The index of the replay's MCP server `name`, made (not connected) when there is
    /// none.
    fn replay_server(&mut self, name: &str, t_ms: i64) -> usize {
        if let Some(i) = self.mcp.servers.iter().position(|s| s.name == name) {
            return i;
        }
        let mut s = ServerState::new(
            name.to_string(),
            RECORDED_URL.to_string(),
            self.cfg.mcp.settings.log_lines,
        );
        s.conn = ConnState::Failed(McpError::Transport(NOT_CONNECTED.to_string()));
        s.since_ms = t_ms;
        self.mcp.servers.push(s);
        self.mcp.servers.len() - 1
    }

    /// Applies recorded log lines to their source's buffer, as they were applied live.
    pub(super) fn apply_recorded_logs(
        &mut self,
        t_ms: i64,
        source: LogsSource,
        entries: Vec<LogEntry>,
    ) {
        match source {
            LogsSource::Loki => {
                self.apply_at(Update::Loki(LokiUpdate::Entries { t_ms, entries }), t_ms);
            }
            LogsSource::Mcp(name) => {
                let i = self.replay_server(&name, t_ms);
                if let Some(s) = self.mcp.servers.get_mut(i) {
                    for e in entries {
                        s.logs.push(e);
                    }
                }
            }
        }
    }

    /// Applies a recorded change of the Loki source as the update it was.
    pub(super) fn apply_recorded_loki(&mut self, t_ms: i64, change: LokiChange) {
        let update = match change {
            LokiChange::Query(q) => LokiUpdate::Query(q),
            LokiChange::Connected(mode) => LokiUpdate::Connected { t_ms, mode },
            LokiChange::Failed(e) => LokiUpdate::Failed {
                t_ms,
                error: SourceError::Other(e),
            },
        };
        self.apply_at(Update::Loki(update), t_ms);
    }
}
