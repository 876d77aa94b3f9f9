//! The client side of one session: who we are, what the server tells us unasked
//! (progress of our calls, log messages, a changed tool list), and what it asks of us
//! (elicitation, answered `cancel`: nobody was asked).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rmcp::ClientHandler;
use rmcp::ErrorData;
use rmcp::model::{
    ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult, ElicitationAction,
    Implementation, ProgressNotificationParam, ProgressToken, ProtocolVersion,
};
use rmcp::service::{NotificationContext, RequestContext, RoleClient};
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

    /// `elicitation/create`: mcptop has no way to put the server's question to its operator
    /// (the call runs in the background of a dashboard), so it answers `cancel`, which the
    /// spec defines as "dismissed without an explicit choice", never `decline` (rmcp's
    /// default), which says the user was asked and said no. mcptop does not declare the
    /// elicitation capability; a server that asks anyway gets this answer, and the server's
    /// log a line saying so.
    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        let message = match &request {
            ElicitRequestParams::FormElicitationParams { message, .. }
            | ElicitRequestParams::UrlElicitationParams { message, .. } => message.as_str(),
            #[allow(unreachable_patterns)] // The enum is non-exhaustive upstream.
            _ => "",
        };
        let asked = crate::inbound::text(message)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.emit.client_log(format!(
            "the server asked for input (elicitation: {asked:?}); answered cancel: mcptop cannot put the question to anyone"
        ));
        Ok(ElicitResult::new(ElicitationAction::Cancel))
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        // Full means a list is already due, which will see the change.
        let _ = self.relist.try_send(());
    }
}
