//! The client side of one session: who we are, what the server tells us unasked
//! (progress of our calls, log messages, a changed tool, resource or prompt list, an updated
//! resource), and what it asks of us
//! (elicitation, put to the operator as a form).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rmcp::ClientHandler;
use rmcp::ErrorData;
use rmcp::model::{
    ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult, ElicitationAction,
    ElicitationCapability, FormElicitationCapability, Implementation, ProgressNotificationParam,
    ProgressToken, ProtocolVersion,
};
use rmcp::service::{NotificationContext, RequestContext, RoleClient};
use tokio::sync::mpsc;

use super::convert::log_text;
use super::elicit::Elicits;
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
    /// Elicitations waiting for the operator (shared with the source, which answers them).
    pub elicits: Elicits,
    /// How long an elicitation waits for the operator (`mcp.call_timeout`).
    pub elicit_timeout: std::time::Duration,
    /// Which tools must be called as tasks, as the transport sees them listed.
    pub tasks: super::task_tap::TaskTap,
}

impl ClientHandler for Handler {
    fn get_info(&self) -> ClientConfig {
        let mut caps = ClientCapabilities::default();
        caps.elicitation =
            Some(ElicitationCapability::new().with_form(FormElicitationCapability::new()));
        ClientConfig::new(
            caps,
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

    /// `elicitation/create`: a form-mode question is put to the operator as a form built
    /// from its `requestedSchema` (see [`Elicits::ask`]) and answered `accept` with the
    /// values, `decline` or `cancel`; `cancel` after `elicit_timeout` without an answer.
    /// URL mode (open a page in a browser) is answered `cancel`, which the spec defines as
    /// "dismissed without an explicit choice", with a log line showing the URL.
    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        match request {
            ElicitRequestParams::FormElicitationParams {
                message,
                requested_schema,
                ..
            } => {
                let schema = serde_json::to_value(&requested_schema).unwrap_or_default();
                let ct = context.ct.clone();
                let withdrawn = async move { ct.cancelled().await };
                Ok(self
                    .elicits
                    .ask(&self.emit, message, schema, self.elicit_timeout, withdrawn)
                    .await)
            }
            ElicitRequestParams::UrlElicitationParams { message, url, .. } => {
                self.emit.client_log(format!(
                    "the server asked to open {url:?} ({}); answered cancel: mcptop does not open pages",
                    one_line(&message)
                ));
                Ok(ElicitResult::new(ElicitationAction::Cancel))
            }
            #[allow(unreachable_patterns)] // The enum is non-exhaustive upstream.
            _ => Ok(ElicitResult::new(ElicitationAction::Cancel)),
        }
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        // Full means a list is already due, which will see the change.
        let _ = self.relist.try_send(());
    }

    /// `notifications/resources/list_changed`: tools and the catalog are listed again
    /// (one listing covers every list).
    async fn on_resource_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.emit.client_log(
            "the server's resource list changed (resources/list_changed); listing again",
        );
        let _ = self.relist.try_send(());
    }

    /// `notifications/prompts/list_changed`: as for resources.
    async fn on_prompt_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.emit
            .client_log("the server's prompt list changed (prompts/list_changed); listing again");
        let _ = self.relist.try_send(());
    }

    /// `notifications/resources/updated`: the app re-reads the resource if it shows it.
    async fn on_resource_updated(
        &self,
        params: rmcp::model::ResourceUpdatedNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.emit
            .send(crate::model::mcp::McpUpdate::ResourceUpdated {
                server: self.emit.server,
                uri: params.uri,
            })
            .await;
    }
}

/// `text` cleaned and on one line.
fn one_line(text: &str) -> String {
    crate::inbound::text(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
