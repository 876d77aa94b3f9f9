//! The rmcp `ServerHandler`: every request and notification the server answers goes through
//! [`Operation`], which records `mcp_server_operation_duration_seconds`; the tools/call path
//! also counts `calls_total` and labels the tool and its outcome.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelledNotificationParam, CompleteRequestParams,
    CompleteResult, DiscoverResult, Implementation, InitializeRequestParams, InitializeResult,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ProtocolVersion, ResultType, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{NotificationContext, RequestContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::metrics::{CANCELLED, Metrics, TOOL_ERROR};
use crate::state::Knobs;

pub(crate) const SERVER_NAME: &str = "mcptop-demo";
/// `gen_ai_tool_name` of a tools/call for a tool the server does not have.
pub(crate) const UNKNOWN_TOOL: &str = "unknown";

/// State shared by every session's handler.
#[derive(Clone)]
pub(crate) struct Shared {
    pub knobs: Arc<Knobs>,
    pub metrics: Arc<Metrics>,
    pub router: Arc<ToolRouter<DemoHandler>>,
}

/// One handler per MCP session (and per request on the stateless path).
#[derive(Clone)]
pub(crate) struct DemoHandler {
    pub(crate) knobs: Arc<Knobs>,
    metrics: Arc<Metrics>,
    router: Arc<ToolRouter<DemoHandler>>,
    session: Arc<SessionClock>,
}

impl DemoHandler {
    pub(crate) fn new(shared: &Shared) -> Self {
        Self {
            knobs: shared.knobs.clone(),
            metrics: shared.metrics.clone(),
            router: shared.router.clone(),
            session: Arc::new(SessionClock {
                started: OnceLock::new(),
                metrics: shared.metrics.clone(),
            }),
        }
    }

    /// Runs one operation and records its duration and outcome.
    async fn measure<T>(
        &self,
        method: &'static str,
        tool: &str,
        is_cancelled: impl Fn() -> bool,
        is_tool_error: impl Fn(&T) -> bool,
        operation: impl Future<Output = Result<T, ErrorData>>,
    ) -> Result<T, ErrorData> {
        let mut guard = Operation {
            metrics: &self.metrics,
            knobs: &self.knobs,
            method,
            tool,
            start: Instant::now(),
            error_type: None,
        };
        let result = operation.await;
        guard.error_type = Some(match &result {
            _ if is_cancelled() => CANCELLED.to_owned(),
            Ok(value) if is_tool_error(value) => TOOL_ERROR.to_owned(),
            Ok(_) => String::new(),
            Err(error) => error.code.0.to_string(),
        });
        result
    }

    /// A request without tool name or tool-level errors.
    async fn measure_plain<T>(
        &self,
        method: &'static str,
        context: &RequestContext<RoleServer>,
        operation: impl Future<Output = Result<T, ErrorData>>,
    ) -> Result<T, ErrorData> {
        let ct = context.ct.clone();
        self.measure(method, "", || ct.is_cancelled(), |_| false, operation)
            .await
    }

    fn notification(&self, method: &'static str) {
        self.metrics
            .observe_operation(method, "", "", std::time::Duration::ZERO);
    }
}

/// Whether a tools/call answer is a tool-level failure (`isError: true`).
fn is_tool_error(response: &CallToolResponse) -> bool {
    matches!(response, CallToolResponse::Complete(r) if r.is_error == Some(true))
}

/// Records an operation when dropped: with its outcome if it finished, as `cancelled` if
/// its future was dropped first.
struct Operation<'a> {
    metrics: &'a Metrics,
    knobs: &'a Knobs,
    method: &'static str,
    tool: &'a str,
    start: Instant,
    error_type: Option<String>,
}

impl Drop for Operation<'_> {
    fn drop(&mut self) {
        let error_type = self.error_type.as_deref().unwrap_or(CANCELLED);
        self.metrics
            .observe_operation(self.method, self.tool, error_type, self.start.elapsed());
        if self.method == "tools/call" {
            self.knobs.count_call();
        }
    }
}

/// Observes `mcp_server_session_duration_seconds` when the last clone of a session's
/// handler goes away, if the session was initialized.
struct SessionClock {
    started: OnceLock<Instant>,
    metrics: Arc<Metrics>,
}

impl Drop for SessionClock {
    fn drop(&mut self) {
        if let Some(started) = self.started.get() {
            let elapsed = started.elapsed();
            tracing::debug!(seconds = elapsed.as_secs_f64(), "demo MCP session ended");
            self.metrics.observe_session(elapsed);
        }
    }
}

impl ServerHandler for DemoHandler {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "mcptop demo: a simulated MCPist server with notion, github, jira, calendar, \
                 cache and health tools. Answers are fake; latency and errors are simulated.",
            )
    }

    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, ErrorData> {
        let ct = context.ct.clone();
        let result = self
            .measure("initialize", "", || ct.is_cancelled(), |_| false, async {
                context.peer.set_peer_info(request.clone());
                self.negotiate_initialize(&request)
            })
            .await;
        if result.is_ok() {
            self.session.started.get_or_init(Instant::now);
        }
        result
    }

    async fn ping(&self, context: RequestContext<RoleServer>) -> Result<(), ErrorData> {
        self.measure_plain("ping", &context, async { Ok(()) }).await
    }

    async fn discover(
        &self,
        context: RequestContext<RoleServer>,
    ) -> Result<DiscoverResult, ErrorData> {
        self.measure_plain("server/discover", &context, async {
            Ok(DiscoverResult::from_server_info(
                self.supported_protocol_versions().into_owned(),
                self.get_info(),
            ))
        })
        .await
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // Unknown names stay out of the labels so clients cannot grow the series count.
        let tool = if self.router.get(&request.name).is_some() {
            request.name.to_string()
        } else {
            UNKNOWN_TOOL.to_owned()
        };
        let ct = context.ct.clone();
        let call = self
            .router
            .call(ToolCallContext::new(self, request, context));
        self.measure(
            "tools/call",
            &tool,
            || ct.is_cancelled(),
            is_tool_error,
            call,
        )
        .await
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let modern = context
            .protocol_version()
            .is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
        self.measure_plain("tools/list", &context, async {
            Ok(ListToolsResult {
                result_type: Some(ResultType::COMPLETE),
                tools: self.router.list_all(),
                meta: None,
                next_cursor: None,
                ttl_ms: modern.then_some(0),
                cache_scope: modern.then_some(rmcp::model::CacheScope::Public),
            })
        })
        .await
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.router.get(name).cloned()
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        self.measure_plain("prompts/list", &context, async {
            Ok(ListPromptsResult::default())
        })
        .await
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        self.measure_plain("resources/list", &context, async {
            Ok(ListResourcesResult::default())
        })
        .await
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        self.measure_plain("resources/templates/list", &context, async {
            Ok(ListResourceTemplatesResult::default())
        })
        .await
    }

    async fn complete(
        &self,
        _request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        self.measure_plain("completion/complete", &context, async {
            Ok(CompleteResult::default())
        })
        .await
    }

    async fn on_initialized(&self, _context: NotificationContext<RoleServer>) {
        self.notification("notifications/initialized");
    }

    async fn on_cancelled(
        &self,
        _notification: CancelledNotificationParam,
        _context: NotificationContext<RoleServer>,
    ) {
        self.notification("notifications/cancelled");
    }
}
