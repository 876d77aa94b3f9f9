//! Errors as one short line fit for a panel, and what they mean for the session.

use rmcp::service::{ClientInitializeError, ServiceError};
use rmcp::transport::DynamicTransportError;
use rmcp::transport::streamable_http_client::StreamableHttpError;

use super::connect::SSE_EXPLANATION;
use crate::sources::http::short_error;

/// One line for a failed `initialize`.
pub(super) fn init_error_text(e: &ClientInitializeError) -> String {
    one_line(&match e {
        ClientInitializeError::TransportError { error, context } => {
            format!("{} ({context})", transport_error_text(error))
        }
        ClientInitializeError::ConnectionClosed(what) => {
            format!("connection closed during initialize ({what})")
        }
        ClientInitializeError::JsonRpcError(data) => {
            format!("initialize refused: {} ({})", data.message, data.code.0)
        }
        other => other.to_string(),
    })
}

/// One line for a transport error: the HTTP failure or I/O error inside, without the
/// transport's type name.
pub(super) fn transport_error_text(e: &DynamicTransportError) -> String {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e.error.as_ref());
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<reqwest::Error>() {
            return short_error(r);
        }
        if let Some(h) = err.downcast_ref::<StreamableHttpError<reqwest::Error>>() {
            return match h {
                StreamableHttpError::Client(r) => short_error(r),
                other => one_line(&other.to_string()),
            };
        }
        cur = err.source();
    }
    one_line(&e.error.to_string())
}

/// Longest error text kept, in characters (an HTML error page can follow a status line).
const MAX_ERROR_CHARS: usize = 200;

/// Whitespace runs (newlines included) as one space, cut to [`MAX_ERROR_CHARS`].
fn one_line(text: &str) -> String {
    let text = crate::inbound::text(text);
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() <= MAX_ERROR_CHARS {
        return joined;
    }
    let cut: String = joined.chars().take(MAX_ERROR_CHARS).collect();
    format!("{cut}…")
}

/// Whether a transport error means the HTTP session is gone (server restarted, session
/// expired and could not be renewed): the remedy is a new `initialize`.
pub(super) fn is_session_lost(e: &DynamicTransportError) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e.error.as_ref());
    while let Some(err) = cur {
        if let Some(h) = err.downcast_ref::<StreamableHttpError<reqwest::Error>>() {
            return match h {
                StreamableHttpError::SessionExpired
                | StreamableHttpError::ReinitializationFailed(_)
                | StreamableHttpError::SessionRecoveryTimeout
                | StreamableHttpError::AuthRequired(_) => true,
                other => mentions_session(&other.to_string()),
            };
        }
        cur = err.source();
    }
    false
}

/// A server's words for "I do not know this session" (e.g. a 400 or 401 after a restart).
pub(super) fn mentions_session(text: &str) -> bool {
    text.to_ascii_lowercase().contains("session")
}

/// Adds the legacy SSE explanation when the URL or the answer looks like one.
pub(super) fn with_sse_hint(url: &str, error: String) -> String {
    let path = reqwest::Url::parse(url)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default();
    let looks_legacy = path.ends_with("/sse")
        || error.contains("405")
        || error.contains("Method Not Allowed")
        || error.contains("text/event-stream");
    if looks_legacy {
        format!("{error}; this may be a {SSE_EXPLANATION}")
    } else {
        error
    }
}

/// One line for a failed request.
pub(super) fn service_error_text(e: &ServiceError) -> String {
    match e {
        ServiceError::McpError(data) => format!("{} ({})", data.message, data.code.0),
        ServiceError::TransportSend(t) => transport_error_text(t),
        ServiceError::TransportClosed => "connection closed".to_string(),
        ServiceError::Timeout { timeout } => {
            format!("no answer within {:.1} s", timeout.as_secs_f64())
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_urls_and_405_answers_get_the_legacy_hint() {
        let e = with_sse_hint("http://127.0.0.1:1/sse", "HTTP 404".into());
        assert!(e.contains("legacy HTTP+SSE"), "{e}");
        let e = with_sse_hint("http://127.0.0.1:1/x", "HTTP 405 Method Not Allowed".into());
        assert!(e.contains("legacy HTTP+SSE"), "{e}");
        let e = with_sse_hint("http://127.0.0.1:1/mcp", "cannot connect".into());
        assert_eq!(e, "cannot connect");
    }

    #[test]
    fn error_texts_are_one_short_line() {
        let page = format!(
            "HTTP 404: <!DOCTYPE html>\n<html>\n  {}</html>",
            "x".repeat(500)
        );
        let line = one_line(&page);
        assert!(
            line.starts_with("HTTP 404: <!DOCTYPE html> <html> x"),
            "{line}"
        );
        assert!(!line.contains('\n'));
        assert_eq!(line.chars().count(), MAX_ERROR_CHARS + 1);
    }
}
