//! Sending updates to the app: state, tools, pings and call results wait for room; log lines
//! and progress never do (they are dropped and counted when the app falls behind). Every
//! update is cleaned here ([`super::clean`]): this is where an MCP server's text enters.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use crate::inbound::Cleaner;
use crate::model::mcp::{
    CallId, CallOutcome, CallRetry, ConnState, LogLine, LogOrigin, McpUpdate, ServerId,
};
use crate::{Update, now_ms};

/// One server's way to the app. Cheap to clone; all clones share the drop counter.
#[derive(Clone)]
pub(super) struct Emitter {
    pub server: ServerId,
    tx: mpsc::Sender<Update>,
    dropped: Arc<AtomicU64>,
}

impl Emitter {
    pub fn new(server: ServerId, tx: mpsc::Sender<Update>) -> Self {
        Self {
            server,
            tx,
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Waits for room. False when the app has gone.
    pub async fn send(&self, update: McpUpdate) -> bool {
        let update = super::clean::update(&Cleaner::new(), update);
        self.tx.send(Update::Mcp(update)).await.is_ok()
    }

    pub async fn state(&self, state: ConnState) -> bool {
        self.send(McpUpdate::State {
            server: self.server,
            state,
        })
        .await
    }

    pub async fn call_done(&self, call: CallId, outcome: CallOutcome, elapsed: Duration) -> bool {
        self.send(McpUpdate::CallDone {
            server: self.server,
            call,
            outcome,
            elapsed,
        })
        .await
    }

    pub async fn call_retry(&self, call: CallId, retry: CallRetry) -> bool {
        self.send(McpUpdate::CallRetry {
            server: self.server,
            call,
            retry,
        })
        .await
    }

    /// Resolves when the app has dropped its receiver.
    pub async fn closed(&self) {
        self.tx.closed().await
    }

    /// A log line, never waiting: when the channel is full it is counted and dropped, and
    /// "N log lines dropped" goes out first once there is room again.
    pub fn log(&self, origin: LogOrigin, text: impl Into<String>) {
        if !self.flush_dropped() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let line = self.line(origin, text.into());
        if let Err(TrySendError::Full(_)) = self.tx.try_send(line) {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// mcptop's own note about the connection.
    pub fn client_log(&self, text: impl Into<String>) {
        self.log(LogOrigin::Client, text);
    }

    /// Progress of a call, never waiting: a later notification supersedes a dropped one.
    pub fn progress(
        &self,
        call: CallId,
        progress: f64,
        total: Option<f64>,
        message: Option<String>,
    ) {
        let update = Update::Mcp(McpUpdate::Progress {
            server: self.server,
            call,
            progress,
            total,
            message: message.map(|m| Cleaner::new().string(m)),
        });
        if self.tx.try_send(update).is_err() {
            tracing::trace!(server = self.server, "progress update dropped");
        }
    }

    /// Reports dropped log lines if any (and there is room). False if lines are still
    /// being dropped (no room for the notice).
    pub fn flush_dropped(&self) -> bool {
        let n = self.dropped.swap(0, Ordering::Relaxed);
        if n == 0 {
            return true;
        }
        let notice = self.line(LogOrigin::Client, format!("{n} log lines dropped"));
        match self.tx.try_send(notice) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                self.dropped.fetch_add(n, Ordering::Relaxed);
                false
            }
            Err(TrySendError::Closed(_)) => true,
        }
    }

    fn line(&self, origin: LogOrigin, text: String) -> Update {
        let line = McpUpdate::Log {
            server: self.server,
            line: LogLine {
                t_ms: now_ms(),
                origin,
                text,
            },
        };
        Update::Mcp(super::clean::update(&Cleaner::new(), line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(u: Update) -> String {
        match u {
            Update::Mcp(McpUpdate::Log { line, .. }) => line.text,
            other => panic!("not a log line: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_full_channel_drops_log_lines_and_says_how_many_later() {
        let (tx, mut rx) = mpsc::channel(2);
        let emit = Emitter::new(3, tx);
        for i in 0..5 {
            emit.log(LogOrigin::Stderr, format!("line {i}"));
        }
        assert_eq!(text(rx.recv().await.expect("line")), "line 0");
        assert_eq!(text(rx.recv().await.expect("line")), "line 1");
        emit.log(LogOrigin::Stderr, "line 5");
        assert_eq!(
            text(rx.recv().await.expect("notice")),
            "3 log lines dropped"
        );
        assert_eq!(text(rx.recv().await.expect("line")), "line 5");
    }
}
