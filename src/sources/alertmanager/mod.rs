//! The Alertmanager source (API v2) (stub: filled in by the source work).

use tokio::sync::mpsc;

use super::Update;
use crate::config::AlertmanagerConfig;
use crate::model::alerts::AmCommand;

/// The app's side of the source: commands go in, [`crate::model::alerts::AmUpdate`]s come
/// back as [`Update::Alertmanager`].
#[derive(Debug, Clone)]
pub struct AmHandle {
    tx: mpsc::Sender<AmCommand>,
}

impl AmHandle {
    /// Queues a command. Errors: the source has stopped, or its queue is full.
    pub fn send(&self, cmd: AmCommand) -> Result<(), String> {
        self.tx
            .try_send(cmd)
            .map_err(|e| format!("Alertmanager source: {e}"))
    }
}

/// Starts polling every URL of `cfg`, and serving writes.
///
/// Errors: an HTTP client that cannot be built (bad CA file, bad client certificate).
pub fn spawn(
    _cfg: &AlertmanagerConfig,
    _updates: mpsc::Sender<Update>,
    _tasks: &mut tokio::task::JoinSet<()>,
) -> Result<AmHandle, String> {
    let (tx, _rx) = mpsc::channel(16);
    Ok(AmHandle { tx })
}
