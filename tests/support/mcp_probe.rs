//! One MCP client source under test, observed through the `Update`s it sends as the app
//! sees them. Test files add their own methods in `impl Probe` blocks.

use std::time::Duration;

use mcptop::config::mcp::{McpServerConfig, McpTransport};
use mcptop::model::mcp::McpUpdate;
use mcptop::sources::Update;
use mcptop::sources::mcp::{self, McpHandle};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// A source (server 0, named `peer`, log level `info`) and its update channel.
pub struct Probe {
    pub rx: mpsc::Receiver<Update>,
    pub handle: McpHandle,
    /// How long [`Probe::next`] waits for an update.
    pub wait: Duration,
    _tasks: JoinSet<()>,
}

impl Probe {
    /// Starts the source on `transport`; each wait for an update lasts at most `wait`.
    pub fn start(transport: McpTransport, wait: Duration) -> Probe {
        let (tx, rx) = mpsc::channel(1024);
        let mut tasks = JoinSet::new();
        let cfg = McpServerConfig {
            name: "peer".into(),
            transport,
        };
        let settings = super::mcp_fixture::client_settings("info");
        let handle = mcp::spawn(0, cfg, settings, tx, &mut tasks);
        Probe {
            rx,
            handle,
            wait,
            _tasks: tasks,
        }
    }

    /// The next update that `pick` accepts, skipping the others.
    ///
    /// Panics: the source ended, or none came within `wait`.
    pub async fn next<T>(&mut self, what: &str, mut pick: impl FnMut(McpUpdate) -> Option<T>) -> T {
        let wait = self.wait;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(Update::Mcp(u))) => {
                    if let Some(t) = pick(u) {
                        return t;
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => panic!("source ended while waiting for {what}"),
                Err(_) => panic!("no {what} within {wait:?}"),
            }
        }
    }
}
