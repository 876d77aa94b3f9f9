//! Opening a session: the transport (Streamable HTTP or a stdio child), then `initialize`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use rmcp::ServiceExt;
use rmcp::service::{ClientInitializeError, RoleClient, RunningService};
use rmcp::transport::common::client_side_sse::SseRetryPolicy;
use rmcp::transport::streamable_http_client::{
    StreamableHttpClientTransportConfig, StreamableHttpError,
};
use rmcp::transport::{DynamicTransportError, StreamableHttpClientTransport, TokioChildProcess};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{ChildStderr, Command};

use super::emit::Emitter;
use super::handler::Handler;
use crate::config::mcp::{McpTransport, SecretSource};
use crate::model::mcp::LogOrigin;
use crate::sources::http::short_error;

/// A running session.
pub(super) type Client = RunningService<RoleClient, Handler>;

/// Why a legacy HTTP+SSE server cannot be used.
pub(super) const SSE_EXPLANATION: &str = "legacy HTTP+SSE endpoint: rmcp 3.x has only Streamable \
     HTTP and stdio clients; use the server's Streamable HTTP endpoint (often /mcp)";

/// Longest stderr line kept, in bytes (the rest is cut).
const MAX_STDERR_LINE: usize = 8 * 1024;

/// Opens the transport and runs `initialize`. A stdio child's stderr is read line by line
/// into `Log{Stderr}` updates by a task of its own that ends with the child.
///
/// Errors: a one-line reason (bad config, spawn failure, HTTP or protocol error), with a hint
/// when an HTTP URL looks like a legacy SSE endpoint.
pub(super) async fn connect(
    transport: &McpTransport,
    handler: Handler,
    emit: &Emitter,
) -> Result<Client, String> {
    match transport {
        McpTransport::Http {
            url,
            headers,
            token,
        } => http(url, headers, token.as_ref(), handler).await,
        McpTransport::Stdio {
            command,
            args,
            env,
            cwd,
        } => stdio(command, args, env, cwd.as_deref(), handler, emit).await,
        McpTransport::Sse { .. } => Err(SSE_EXPLANATION.to_string()),
    }
}

async fn http(
    url: &str,
    headers: &BTreeMap<String, String>,
    token: Option<&SecretSource>,
    handler: Handler,
) -> Result<Client, String> {
    let mut config = StreamableHttpClientTransportConfig::with_uri(url.to_string())
        .custom_headers(header_map(headers)?);
    if let Some(source) = token {
        config = config.auth_header(read_token(source)?);
    }
    // A response stream that breaks (server gone) is resumed a few times, then the call
    // fails instead of waiting for ever.
    config.retry_config = Arc::new(ShortRetry);
    let transport = StreamableHttpClientTransport::from_config(config);
    handler
        .serve(transport)
        .await
        .map_err(|e| with_sse_hint(url, init_error_text(&e)))
}

/// Reads a bearer token (trimmed) at connect time.
///
/// Errors: the variable is unset or empty, the file unreadable or empty. The token itself
/// never appears in an error.
pub(super) fn read_token(source: &SecretSource) -> Result<String, String> {
    let (token, origin) = match source {
        SecretSource::Env(name) => (
            std::env::var(name)
                .map_err(|_| format!("bearer token: environment variable {name} is not set"))?,
            format!("environment variable {name}"),
        ),
        SecretSource::File(path) => (
            std::fs::read_to_string(path)
                .map_err(|e| format!("bearer token: cannot read {}: {e}", path.display()))?,
            path.display().to_string(),
        ),
    };
    let token = token.trim();
    if token.is_empty() {
        return Err(format!("bearer token: {origin} is empty"));
    }
    Ok(token.to_string())
}

/// Errors name the header, never its value.
fn header_map(
    headers: &BTreeMap<String, String>,
) -> Result<HashMap<HeaderName, HeaderValue>, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let n = HeaderName::try_from(name.as_str())
                .map_err(|_| format!("header `{name}`: not a valid header name"))?;
            let mut v = HeaderValue::try_from(value.as_str())
                .map_err(|_| format!("header `{name}`: value is not a valid header value"))?;
            v.set_sensitive(true);
            Ok((n, v))
        })
        .collect()
}

async fn stdio(
    command: &str,
    args: &[String],
    env: &BTreeMap<String, String>,
    cwd: Option<&Path>,
    handler: Handler,
    emit: &Emitter,
) -> Result<Client, String> {
    let mut cmd = Command::new(command);
    // Dropped without a clean close (e.g. at exit), the child is killed, not orphaned.
    cmd.args(args).envs(env).kill_on_drop(true);
    if let Some(dir) = cwd {
        if !dir.is_dir() {
            return Err(format!(
                "working directory {} does not exist",
                dir.display()
            ));
        }
        cmd.current_dir(dir);
    }
    let (transport, stderr) = TokioChildProcess::builder(cmd)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("command not found: {command}"),
            std::io::ErrorKind::PermissionDenied => {
                format!("cannot run {command}: permission denied")
            }
            _ => format!("cannot start {command}: {e}"),
        })?;
    if let Some(pid) = transport.id() {
        emit.client_log(format!("started {command} (pid {pid})"));
    }
    if let Some(stderr) = stderr {
        tokio::spawn(read_stderr(stderr, emit.clone()));
    }
    handler
        .serve(transport)
        .await
        .map_err(|e| init_error_text(&e))
}

/// Forwards a child's stderr, one `Log{Stderr}` per line, until it closes.
async fn read_stderr(stderr: ChildStderr, emit: Emitter) {
    let mut reader = BufReader::new(stderr);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf).await {
            Ok(0) => return,
            Ok(_) => {
                buf.truncate(MAX_STDERR_LINE);
                let line = String::from_utf8_lossy(&buf);
                emit.log(LogOrigin::Stderr, line.trim_end_matches(['\n', '\r']));
            }
            Err(e) => {
                tracing::debug!(server = emit.server, error = %e, "reading stderr failed");
                return;
            }
        }
    }
}

/// Resumes a broken response stream up to three times (0.5, 1, 2 s apart).
#[derive(Debug)]
struct ShortRetry;

impl SseRetryPolicy for ShortRetry {
    fn retry(&self, current_times: usize) -> Option<Duration> {
        (current_times < 3).then(|| Duration::from_millis(500 << current_times))
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_trimmed_and_never_shown_in_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("token");
        std::fs::write(&file, "  s3cret\n").expect("write");
        assert_eq!(
            read_token(&SecretSource::File(file.clone())).as_deref(),
            Ok("s3cret")
        );
        std::fs::write(&file, " \n").expect("write");
        let err = read_token(&SecretSource::File(file)).unwrap_err();
        assert!(err.contains("is empty"), "{err}");
        let err =
            read_token(&SecretSource::Env("MCPTOP_TEST_SURELY_UNSET_VAR".into())).unwrap_err();
        assert!(
            err.contains("MCPTOP_TEST_SURELY_UNSET_VAR is not set"),
            "{err}"
        );
        let err = read_token(&SecretSource::File(dir.path().join("missing"))).unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
    }

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

    #[test]
    fn header_errors_name_the_header_not_the_value() {
        let mut h = BTreeMap::new();
        h.insert("X-Key".to_string(), "bad\nvalue-secret".to_string());
        let err = header_map(&h).unwrap_err();
        assert!(err.contains("X-Key") && !err.contains("secret"), "{err}");
    }
}
