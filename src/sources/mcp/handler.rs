//! The client side of one session: who we are, and what the server tells us unasked
//! (progress of our calls, log messages, a changed tool list).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rmcp::ClientHandler;
use rmcp::model::{
    ClientCapabilities, ClientConfig, Implementation, ProgressNotificationParam, ProgressToken,
    ProtocolVersion,
};
use rmcp::service::{NotificationContext, RoleClient};
use tokio::sync::mpsc;

use super::convert::log_text;
use super::emit::Emitter;
use crate::model::mcp::{CallId, LogOrigin};

/// Calls in flight by (session generation, progress token): progress tokens restart with
/// every session, so the generation keeps an old session's token from matching a new call.
#[derive(Clone, Default)]
pub(super) struct ProgressMap(Arc<Mutex<HashMap<(u64, ProgressToken), CallId>>>);

impl ProgressMap {
    pub fn insert(&self, generation: u64, token: ProgressToken, call: CallId) {
        self.lock().insert((generation, token), call);
    }

    pub fn remove(&self, generation: u64, token: &ProgressToken) {
        self.lock().remove(&(generation, token.clone()));
    }

    fn get(&self, generation: u64, token: &ProgressToken) -> Option<CallId> {
        self.lock().get(&(generation, token.clone())).copied()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(u64, ProgressToken), CallId>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The `ClientHandler` of one session.
pub(super) struct Handler {
    pub emit: Emitter,
    pub generation: u64,
    pub progress: ProgressMap,
    /// Asks the session's lister for a fresh tools/list (capacity 1: requests coalesce).
    pub relist: mpsc::Sender<()>,
}

impl ClientHandler for Handler {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("mcptop", env!("CARGO_PKG_VERSION")),
        )
        .with_protocol_version(ProtocolVersion::LATEST_WITH_INITIALIZE)
    }

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        match self.progress.get(self.generation, &params.progress_token) {
            Some(call) => self
                .emit
                .progress(call, params.progress, params.total, params.message),
            None => tracing::trace!(server = self.emit.server, "progress for no call in flight"),
        }
    }

    #[allow(deprecated)] // Logging is deprecated by SEP-2577 but servers still send it.
    async fn on_logging_message(
        &self,
        params: rmcp::model::LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let level = serde_json::to_value(params.level)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "info".to_string());
        self.emit.log(
            LogOrigin::Notification {
                level,
                logger: params.logger,
            },
            log_text(&params.data),
        );
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        // Full means a list is already due, which will see the change.
        let _ = self.relist.try_send(());
    }
}
