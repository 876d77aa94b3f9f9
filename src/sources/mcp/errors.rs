//! Errors as one short line fit for a panel, and what they mean for the session.

use rmcp::service::{ClientInitializeError, ServiceError};
use rmcp::transport::DynamicTransportError;
use rmcp::transport::streamable_http_client::StreamableHttpError;

use super::connect::SSE_EXPLANATION;
use crate::http::{html_page, short_error};

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

/// Puts the legacy SSE explanation in front of `error` when the URL or the answer looks
/// like one: first, so that a panel line cut to its width still shows it.
pub(super) fn with_sse_hint(url: &str, error: String) -> String {
    let path = reqwest::Url::parse(url)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default();
    let looks_legacy = path.ends_with("/sse")
        || error.contains("405")
        || error.contains("Method Not Allowed")
        || error.contains("text/event-stream");
    if looks_legacy {
        format!("this URL looks like {SSE_EXPLANATION}; the server answered: {error}")
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
        assert!(
            e.starts_with("this URL looks like the legacy HTTP+SSE transport"),
            "{e}"
        );
        assert!(e.ends_with("the server answered: HTTP 404"), "{e}");
        let e = with_sse_hint("http://127.0.0.1:1/x", "HTTP 405 Method Not Allowed".into());
        assert!(e.contains("legacy HTTP+SSE"), "{e}");
        let e = with_sse_hint("http://127.0.0.1:1/mcp", "cannot connect".into());
        assert_eq!(e, "cannot connect");
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
