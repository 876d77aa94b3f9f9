//! rmcp's errors as [`McpError`]s (one short line each when shown), and what they mean
//! for the session.

use rmcp::service::{ClientInitializeError, ServiceError};
use rmcp::transport::DynamicTransportError;
use rmcp::transport::streamable_http_client::StreamableHttpError;

use crate::http::{html_page, short_error};
use crate::model::mcp::McpError;

/// A failed `initialize`.
pub(super) fn init_error(e: &ClientInitializeError) -> McpError {
    match e {
        ClientInitializeError::TransportError { error, context } => McpError::During {
            error: Box::new(transport_error(error)),
            during: context.to_string(),
        },
        ClientInitializeError::ConnectionClosed(what) => McpError::ClosedDuringInit(one_line(what)),
        ClientInitializeError::JsonRpcError(data) => McpError::InitRefused {
            code: data.code.0,
            message: one_line(&data.message),
        },
        // rmcp's own words are all there is for the other kinds.
        other => McpError::Transport(one_line(&other.to_string())),
    }
}

/// A transport error: the HTTP failure or I/O error inside, without the transport's type
/// name.
pub(super) fn transport_error(e: &DynamicTransportError) -> McpError {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e.error.as_ref());
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<reqwest::Error>() {
            return McpError::Http(short_error(r));
        }
        if let Some(h) = err.downcast_ref::<StreamableHttpError<reqwest::Error>>() {
            return match h {
                StreamableHttpError::Client(r) => McpError::Http(short_error(r)),
                StreamableHttpError::HttpStatus(s) => McpError::HttpStatus(s.status),
                StreamableHttpError::UnexpectedContentType(ct) => {
                    McpError::ContentType(ct.as_deref().map(one_line))
                }
                StreamableHttpError::SessionExpired
                | StreamableHttpError::ReinitializationFailed(_)
                | StreamableHttpError::SessionRecoveryTimeout => {
                    McpError::SessionExpired(one_line(&h.to_string()))
                }
                // rmcp's words (`unexpected server response: HTTP 405 …`): no status or
                // other kind is kept in them.
                other => McpError::Transport(one_line(&other.to_string())),
            };
        }
        cur = err.source();
    }
    McpError::Transport(one_line(&e.error.to_string()))
}

/// Longest error text kept, in characters (an HTML error page can follow a status line).
const MAX_ERROR_CHARS: usize = 200;

/// Whitespace runs (newlines included) as one space, cut to [`MAX_ERROR_CHARS`]. An HTML
/// page inside (a proxy's or web framework's error page) is named by its title, as query
/// mode names one ([`html_page`]), never shown as markup.
fn one_line(text: &str) -> String {
    let text = without_html(&crate::inbound::text(text));
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() <= MAX_ERROR_CHARS {
        return joined;
    }
    let cut: String = joined.chars().take(MAX_ERROR_CHARS).collect();
    format!("{cut}…")
}

/// `text` with an HTML page that starts inside it (`<!DOCTYPE html` or `<html`, any case)
/// replaced by [`html_page`]'s name for it.
fn without_html(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let start = [lower.find("<!doctype html"), lower.find("<html")]
        .into_iter()
        .flatten()
        .min();
    match start.and_then(|i| Some((i, html_page(&text[i..])?))) {
        Some((i, page)) => format!("{}{page}", &text[..i]),
        None => text.to_string(),
    }
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
                // Only rmcp's text of the answer (`unexpected server response: HTTP 400:
                // …session…`) tells an unknown session from another refusal.
                other => mentions_session(&other.to_string()),
            };
        }
        cur = err.source();
    }
    false
}

/// A server's words for "I do not know this session" (e.g. a 400 or 401 after a restart):
/// the server's (or rmcp's) text is all there is, no code says it.
pub(super) fn mentions_session(text: &str) -> bool {
    text.to_ascii_lowercase().contains("session")
}

/// `error`, as the legacy SSE explanation in front of it when the URL or the answer looks
/// like one (first, so that a panel line cut to its width still shows it): a URL ending in
/// `/sse`, a 405 status, or a `text/event-stream` where JSON was expected.
pub(super) fn with_sse_hint(url: &str, error: McpError) -> McpError {
    let path = reqwest::Url::parse(url)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default();
    if path.ends_with("/sse") || looks_legacy(error.kind()) {
        McpError::LegacySse(Some(Box::new(error)))
    } else {
        error
    }
}

/// An answer a legacy SSE endpoint gives to a Streamable HTTP POST: 405, or an event
/// stream where JSON was expected.
fn looks_legacy(error: &McpError) -> bool {
    match error {
        McpError::HttpStatus(status) => *status == 405,
        McpError::Http(e) => e.http_code() == Some(405),
        McpError::ContentType(Some(ct)) => ct.starts_with("text/event-stream"),
        // rmcp puts the status of an answer without a JSON-RPC error in its text only
        // (`unexpected server response: HTTP 405 Method Not Allowed: …`): no kind to match.
        McpError::Transport(text) => {
            text.contains("405")
                || text.contains("Method Not Allowed")
                || text.contains("text/event-stream")
        }
        _ => false,
    }
}

/// A failed request.
pub(super) fn service_error(e: &ServiceError) -> McpError {
    match e {
        ServiceError::McpError(data) => McpError::Rpc {
            code: data.code.0,
            message: data.message.to_string(),
        },
        ServiceError::TransportSend(t) => transport_error(t),
        ServiceError::TransportClosed => McpError::Closed,
        ServiceError::Timeout { timeout } => McpError::Timeout(*timeout),
        // rmcp's own words for the rest (an unexpected response, a cancel).
        other => McpError::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_urls_and_405_answers_get_the_legacy_hint() {
        let e = with_sse_hint("http://127.0.0.1:1/sse", McpError::HttpStatus(404)).to_string();
        assert!(
            e.starts_with("this URL looks like the legacy HTTP+SSE transport"),
            "{e}"
        );
        assert!(e.ends_with("the server answered: HTTP 404"), "{e}");
        let answer = McpError::Transport("HTTP 405 Method Not Allowed".into());
        let e = with_sse_hint("http://127.0.0.1:1/x", answer).to_string();
        assert!(e.contains("legacy HTTP+SSE"), "{e}");
        let e = with_sse_hint("http://127.0.0.1:1/x", McpError::HttpStatus(405)).to_string();
        assert!(e.contains("legacy HTTP+SSE"), "{e}");
        let stream = McpError::ContentType(Some("text/event-stream; charset=utf-8".into()));
        let e = with_sse_hint("http://127.0.0.1:1/x", stream).to_string();
        assert!(
            e.ends_with(
                "answered: Unexpected content type: Some(\"text/event-stream; charset=utf-8\")"
            ),
            "{e}"
        );
        let refused = McpError::Http(crate::model::source_error::SourceError::Connect(
            "refused".into(),
        ));
        let e = with_sse_hint("http://127.0.0.1:1/mcp", refused.clone());
        assert_eq!(e, refused);
    }

    #[test]
    fn error_texts_are_one_short_line() {
        let long = format!("HTTP 500:\n{}", "x ".repeat(500));
        let line = one_line(&long);
        assert!(line.starts_with("HTTP 500: x x"), "{line}");
        assert!(!line.contains('\n'));
        assert_eq!(line.chars().count(), MAX_ERROR_CHARS + 1);
    }

    #[test]
    fn an_html_page_is_named_by_its_title_never_shown_as_markup() {
        // server-everything's answer to a POST on its legacy /sse endpoint (Express).
        let page = "unexpected server response: HTTP 404: <!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot POST /sse</pre>\n</body>\n</html>\n";
        assert_eq!(
            one_line(page),
            "unexpected server response: HTTP 404: an HTML page (Error)"
        );
        let untitled = "HTTP 502: <html><body><h1>Bad gateway</h1></body></html>";
        assert_eq!(one_line(untitled), "HTTP 502: an HTML page: Bad gateway");
    }
}
