//! Why something asked of an MCP server failed, as the MCP source sends it to the app: the
//! kind survives the crossing (sources -> app), and `Display` is the one place the
//! operator's text is made.
//!
//! The texts are those the servers pane, the call view, the log and the audit file have
//! always shown, e.g. `unreachable: cannot connect: Connection refused (os error 111)`,
//! `tools/list failed: Unknown method (-32601)` or `resources/read: no answer in 30 s`. No
//! rmcp, tokio or HTTP client type appears here: an HTTP client's failure is the
//! [`SourceError`] the HTTP sources use, the server's JSON-RPC error its code and message.
//!
//! Text from outside (the server's message, the transport's words) is cleaned by the source
//! before the update leaves it (`sources::mcp::clean`, through [`McpError::map_text`]).

use std::time::Duration;

use crate::model::source_error::SourceError;

/// Why a legacy HTTP+SSE server cannot be used.
pub const SSE_EXPLANATION: &str = "the legacy HTTP+SSE transport, which rmcp 3.x cannot \
     speak: use the server's Streamable HTTP endpoint (often /mcp)";

/// A failed MCP request, connection or session; `Display` is the operator's one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum McpError {
    /// The server's JSON-RPC error response: its code and message.
    #[error("{message} ({code})")]
    Rpc { code: i32, message: String },
    /// `initialize` answered with a JSON-RPC error.
    #[error("initialize refused: {message} ({code})")]
    InitRefused { code: i32, message: String },
    /// rmcp's own request timeout: no answer within this long.
    #[error("no answer within {:.1} s", .0.as_secs_f64())]
    Timeout(Duration),
    /// The source's deadline for a request passed without an answer (seconds without a
    /// needless fraction: `30`, `2.5`).
    #[error("no answer in {} s", secs(*.0))]
    NoAnswer(Duration),
    /// `initialize` did not finish within the connect timeout.
    #[error("no answer to initialize within {:.1} s", .0.as_secs_f64())]
    InitTimeout(Duration),
    /// The transport is closed.
    #[error("connection closed")]
    Closed,
    /// The transport closed while `initialize` was in flight (rmcp's words for where).
    #[error("connection closed during initialize ({0})")]
    ClosedDuringInit(String),
    /// The HTTP client's failure under the transport (timed out, cannot connect, …).
    #[error("{0}")]
    Http(SourceError),
    /// An HTTP status the transport reported without a JSON-RPC error in the body.
    #[error("HTTP {0}")]
    HttpStatus(u16),
    /// An answer of another content type than JSON or an event stream, as the transport
    /// got it (`None`: no `Content-Type` header).
    #[error("Unexpected content type: {0:?}")]
    ContentType(Option<String>),
    /// The HTTP session is gone as the transport says it (expired, re-initialization
    /// failed, …): rmcp's words, on one line.
    #[error("{0}")]
    SessionExpired(String),
    /// Another transport or protocol failure: rmcp's (or the I/O layer's) words, on one
    /// line, an HTML page in them named by its title.
    #[error("{0}")]
    Transport(String),
    /// `error`, then where it happened in parentheses (rmcp's context of an `initialize`
    /// failure).
    #[error("{error} ({during})")]
    During {
        error: Box<McpError>,
        during: String,
    },
    /// The request did not reach the server (refused, reset, no route).
    #[error("unreachable: {0}")]
    Unreachable(Box<McpError>),
    /// The server no longer knows the session (restarted, expired it).
    #[error("session lost: {0}")]
    SessionLost(Box<McpError>),
    /// `failures` pings in a row went unanswered or failed; the last one's error.
    #[error("{failures} pings failed in a row: {last}")]
    PingsFailed { failures: u32, last: Box<McpError> },
    /// The session a call was in flight on ended, and why.
    #[error("connection lost: {0}")]
    ConnectionLost(Box<McpError>),
    /// A call interrupted by `0` that could not be sent again before its timeout.
    #[error("{0}; not reconnected before the call's timeout")]
    NotReconnected(Box<McpError>),
    /// Not sent: there is no session, and why.
    #[error("not connected: {0}")]
    NotConnected(Box<McpError>),
    /// The operator asked for a new connection (why a session ended).
    #[error("the operator asked for a new connection")]
    OperatorReconnect,
    /// mcptop is stopping (why a session ended).
    #[error("mcptop is stopping")]
    Stopping,
    /// The URL (or the answer: 405, an event stream) looks like a legacy HTTP+SSE
    /// endpoint; with what the server answered, when it was asked.
    #[error("{}", legacy_sse(.0.as_deref()))]
    LegacySse(Option<Box<McpError>>),
    /// The stdio server's command does not exist.
    #[error("command not found: {0}")]
    CommandNotFound(String),
    /// The stdio server's command may not be run.
    #[error("cannot run {0}: permission denied")]
    PermissionDenied(String),
    /// The stdio server's command could not be started (the OS's words).
    #[error("cannot start {command}: {error}")]
    Spawn { command: String, error: String },
    /// The stdio server's configured working directory does not exist.
    #[error("working directory {0} does not exist")]
    NoWorkingDir(String),
    /// A paginated list still had a next cursor after `pages` pages.
    #[error("{method}: still more pages after {pages} (the server's cursor may loop)")]
    TooManyPages { method: String, pages: usize },
    /// A `logging/setLevel` level outside the protocol's (`debug` .. `emergency`).
    #[error("not a log level (debug .. emergency)")]
    NotALogLevel,
    /// `method` (`resources/subscribe`, `…/unsubscribe`) on a server that did not declare
    /// `resources.subscribe`.
    #[error("{0}: the server does not offer resource subscriptions")]
    NoSubscriptions(String),
    /// The request `request` (`tools/list (page 2)`, `resources/read`) failed with `error`.
    #[error("{request} failed: {error}")]
    Failed {
        request: String,
        error: Box<McpError>,
    },
    /// `error`, about `context` (the request: `resources/read: no answer in 30 s`).
    #[error("{context}: {error}")]
    At {
        context: String,
        error: Box<McpError>,
    },
    /// Anything else, in its own words (a config or OAuth failure, the app's link).
    #[error("{0}")]
    Other(String),
}

fn legacy_sse(answer: Option<&McpError>) -> String {
    match answer {
        Some(e) => format!("this URL looks like {SSE_EXPLANATION}; the server answered: {e}"),
        None => SSE_EXPLANATION.to_string(),
    }
}

/// Seconds without a needless fraction: `30`, `2.5`.
fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

impl McpError {
    /// This error about `context` (`context: error`).
    pub fn at(self, context: impl Into<String>) -> Self {
        McpError::At {
            context: context.into(),
            error: Box::new(self),
        }
    }

    /// The request `request` failed with this error (`request failed: error`).
    pub fn of_request(self, request: impl Into<String>) -> Self {
        McpError::Failed {
            request: request.into(),
            error: Box::new(self),
        }
    }

    /// The error itself, through any context ([`McpError::At`], [`McpError::Failed`],
    /// [`McpError::During`]).
    pub fn kind(&self) -> &McpError {
        match self {
            McpError::At { error, .. }
            | McpError::Failed { error, .. }
            | McpError::During { error, .. } => error.kind(),
            other => other,
        }
    }

    /// The same error with every text that came from outside (the server's message,
    /// rmcp's and the HTTP client's words, names from the config) passed through `f`: how
    /// the source cleans an error before it leaves.
    pub fn map_text(self, f: &impl Fn(String) -> String) -> Self {
        let boxed = |e: Box<McpError>| Box::new(e.map_text(f));
        match self {
            McpError::Rpc { code, message } => McpError::Rpc {
                code,
                message: f(message),
            },
            McpError::InitRefused { code, message } => McpError::InitRefused {
                code,
                message: f(message),
            },
            McpError::ClosedDuringInit(t) => McpError::ClosedDuringInit(f(t)),
            McpError::Http(e) => McpError::Http(http_text(e, f)),
            McpError::ContentType(t) => McpError::ContentType(t.map(f)),
            McpError::SessionExpired(t) => McpError::SessionExpired(f(t)),
            McpError::Transport(t) => McpError::Transport(f(t)),
            McpError::During { error, during } => McpError::During {
                error: boxed(error),
                during: f(during),
            },
            McpError::Unreachable(e) => McpError::Unreachable(boxed(e)),
            McpError::SessionLost(e) => McpError::SessionLost(boxed(e)),
            McpError::PingsFailed { failures, last } => McpError::PingsFailed {
                failures,
                last: boxed(last),
            },
            McpError::ConnectionLost(e) => McpError::ConnectionLost(boxed(e)),
            McpError::NotReconnected(e) => McpError::NotReconnected(boxed(e)),
            McpError::NotConnected(e) => McpError::NotConnected(boxed(e)),
            McpError::LegacySse(e) => McpError::LegacySse(e.map(boxed)),
            McpError::CommandNotFound(t) => McpError::CommandNotFound(f(t)),
            McpError::PermissionDenied(t) => McpError::PermissionDenied(f(t)),
            McpError::Spawn { command, error } => McpError::Spawn {
                command: f(command),
                error: f(error),
            },
            McpError::NoWorkingDir(t) => McpError::NoWorkingDir(f(t)),
            McpError::TooManyPages { method, pages } => McpError::TooManyPages {
                method: f(method),
                pages,
            },
            McpError::NoSubscriptions(t) => McpError::NoSubscriptions(f(t)),
            McpError::Failed { request, error } => McpError::Failed {
                request: f(request),
                error: boxed(error),
            },
            McpError::At { context, error } => McpError::At {
                context: f(context),
                error: boxed(error),
            },
            McpError::Other(t) => McpError::Other(f(t)),
            other @ (McpError::Timeout(_)
            | McpError::NoAnswer(_)
            | McpError::InitTimeout(_)
            | McpError::Closed
            | McpError::HttpStatus(_)
            | McpError::OperatorReconnect
            | McpError::Stopping
            | McpError::NotALogLevel) => other,
        }
    }
}

/// The HTTP client's words in `e` passed through `f` (the kinds an MCP transport meets).
fn http_text(e: SourceError, f: &impl Fn(String) -> String) -> SourceError {
    match e {
        SourceError::Connect(t) => SourceError::Connect(f(t)),
        SourceError::BadBody(t) => SourceError::BadBody(f(t)),
        SourceError::Transport(t) => SourceError::Transport(f(t)),
        SourceError::Other(t) => SourceError::Other(f(t)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_the_operators() {
        let refused = McpError::Http(SourceError::Connect(
            "Connection refused (os error 111)".into(),
        ));
        let cases = [
            (
                McpError::Unreachable(Box::new(refused.clone())),
                "unreachable: cannot connect: Connection refused (os error 111)",
            ),
            (
                McpError::Rpc {
                    code: -32601,
                    message: "Method not found".into(),
                }
                .of_request("tools/list (page 2)"),
                "tools/list (page 2) failed: Method not found (-32601)",
            ),
            (
                McpError::NoAnswer(Duration::from_secs(30)).at("resources/read"),
                "resources/read: no answer in 30 s",
            ),
            (
                McpError::NoAnswer(Duration::from_millis(2500)),
                "no answer in 2.5 s",
            ),
            (
                McpError::Timeout(Duration::from_secs(5)),
                "no answer within 5.0 s",
            ),
            (
                McpError::PingsFailed {
                    failures: 2,
                    last: Box::new(McpError::Timeout(Duration::from_secs(2))),
                },
                "2 pings failed in a row: no answer within 2.0 s",
            ),
            (
                McpError::ConnectionLost(Box::new(McpError::Closed)),
                "connection lost: connection closed",
            ),
            (
                McpError::NotReconnected(Box::new(McpError::Closed)),
                "connection closed; not reconnected before the call's timeout",
            ),
            (
                McpError::NotConnected(Box::new(McpError::Other("connecting".into()))),
                "not connected: connecting",
            ),
            (
                McpError::CommandNotFound("srv".into()),
                "command not found: srv",
            ),
            (
                McpError::During {
                    error: Box::new(refused.clone()),
                    during: "send initialize request".into(),
                },
                "cannot connect: Connection refused (os error 111) (send initialize request)",
            ),
            (McpError::LegacySse(None), SSE_EXPLANATION),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
        }
        let hinted = McpError::LegacySse(Some(Box::new(McpError::HttpStatus(405))));
        assert!(
            hinted
                .to_string()
                .starts_with("this URL looks like the legacy HTTP+SSE transport"),
            "{hinted}"
        );
        assert!(
            hinted
                .to_string()
                .ends_with("the server answered: HTTP 405")
        );
    }

    #[test]
    fn context_leads_and_the_kind_shows_through() {
        let e = McpError::NoAnswer(Duration::from_secs(1)).at("tools/list");
        assert_eq!(e.kind(), &McpError::NoAnswer(Duration::from_secs(1)));
        let e = McpError::Closed.of_request("prompts/get");
        assert_eq!(e.kind(), &McpError::Closed);
    }

    #[test]
    fn outside_text_is_mapped_and_the_rest_kept() {
        let e = McpError::Unreachable(Box::new(McpError::Rpc {
            code: 1,
            message: "token abc".into(),
        }))
        .at("ctx");
        let mapped = e.map_text(&|s: String| s.replace("abc", "***"));
        assert_eq!(mapped.to_string(), "ctx: unreachable: token *** (1)");
    }
}
