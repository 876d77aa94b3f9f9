//! Opening a session: the transport (Streamable HTTP or a stdio child), then `initialize`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::common::client_side_sse::SseRetryPolicy;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{AuthClient, StreamableHttpClientTransport};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{ChildStderr, Command};

use super::child::ChildTransport;
use super::depth::MAX_DEPTH;
use super::emit::Emitter;
use super::errors::{init_error, with_sse_hint};
use super::handler::Handler;
use super::http_cut::{CutClient, OnCut, Trouble};
use super::oauth::TokenFile;
use crate::config::endpoint::HttpSettings;
use crate::config::mcp::McpTransport;
use crate::endpoint::{Endpoint, Settings};
use crate::model::mcp::{LogOrigin, McpError};

/// A running session.
pub(super) type Client = RunningService<RoleClient, Handler>;

/// Why a connection attempt failed.
pub(super) enum Failure {
    /// Why.
    Error(McpError),
    /// The HTTP server answered 401 (or refused the refresh of the stored tokens) and OAuth
    /// may be used: its `WWW-Authenticate` challenge if any, to start an authorization with
    /// ([`super::oauth`]).
    Unauthorized(Option<String>),
}

/// Time to open the TCP (and TLS) connection of an HTTP server.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest stderr line kept, in bytes (the rest is cut).
const MAX_STDERR_LINE: usize = 8 * 1024;

/// Opens the transport and runs `initialize`. A stdio child's stderr is read line by line
/// into `Log{Stderr}` updates by a task of its own that ends with the child.
///
/// Over HTTP, what goes wrong under rmcp once connected is sent to `trouble` (see
/// [`Trouble`]); a stdio session has its own sign of a dead server (the pipe closes).
///
/// An HTTP server without credentials in the config whose OAuth tokens are in `tokens`
/// sends its requests with them (see [`super::oauth`]).
///
/// Errors: why (bad config, spawn failure, HTTP or protocol error), with a hint
/// when an HTTP URL looks like a legacy SSE endpoint; [`Failure::Unauthorized`] for a 401
/// that OAuth may answer.
pub(super) async fn connect(
    transport: &McpTransport,
    handler: Handler,
    emit: &Emitter,
    trouble: tokio::sync::mpsc::Sender<Trouble>,
    tokens: Option<TokenFile>,
) -> Result<Client, Failure> {
    match transport {
        McpTransport::Http {
            url,
            http: settings,
        } => http(url, settings, handler, emit, trouble, tokens).await,
        McpTransport::Stdio {
            command,
            args,
            env,
            cwd,
        } => stdio(command, args, env, cwd.as_deref(), handler, emit)
            .await
            .map_err(Failure::Error),
        McpTransport::Sse { .. } => Err(Failure::Error(McpError::LegacySse(None))),
    }
}

async fn http(
    url: &str,
    settings: &HttpSettings,
    handler: Handler,
    emit: &Emitter,
    trouble: tokio::sync::mpsc::Sender<Trouble>,
    tokens: Option<TokenFile>,
) -> Result<Client, Failure> {
    // The same client every endpoint gets (extra headers, CA, client certificate, TLS
    // verification), carrying the credentials as a default header since rmcp builds the
    // requests. No total timeout: a tools/call's answer is a stream that may last (the call
    // timeout bounds it); connecting is bounded here and `initialize` by the caller.
    let client = Endpoint::client_with_auth(&Settings {
        http: settings,
        timeout: None,
        connect_timeout: CONNECT_TIMEOUT,
        http1_only: false,
    })
    .map_err(|e| Failure::Error(McpError::Other(e)))?;
    // An expired session (404 after a server restart) must come back to us rather than be
    // renewed silently inside rmcp: our reconnect lists the tools again (their annotations
    // drive confirmations and --read-only), sets the log level again and shows the new
    // server info.
    let mut config = StreamableHttpClientTransportConfig::with_uri(url.to_string())
        .reinit_on_expired_session(false);
    // A response stream that breaks (server gone) is resumed a few times, then the call
    // fails instead of waiting for ever.
    config.retry_config = Arc::new(ShortRetry);
    let client = CutClient::new(client, on_cut(emit), trouble).with_tasks(handler.tasks.clone());
    let oauth = super::oauth::allowed(settings);
    let served = match tokens.filter(|t| oauth && t.has_tokens()) {
        Some(store) => {
            let manager = super::oauth::manager(url, store)
                .await
                .map_err(|e| Failure::Error(McpError::Other(e)))?;
            let client = AuthClient::new(client, manager);
            handler
                .serve(StreamableHttpClientTransport::with_client(client, config))
                .await
        }
        None => {
            handler
                .serve(StreamableHttpClientTransport::with_client(client, config))
                .await
        }
    };
    served.map_err(|e| match super::oauth::challenge(&e) {
        Some(challenge) if oauth => Failure::Unauthorized(challenge),
        _ => Failure::Error(with_sse_hint(url, init_error(&e))),
    })
}

async fn stdio(
    command: &str,
    args: &[String],
    env: &BTreeMap<String, String>,
    cwd: Option<&Path>,
    handler: Handler,
    emit: &Emitter,
) -> Result<Client, McpError> {
    let mut cmd = Command::new(command);
    // Dropped without a clean close (e.g. at exit), the child is killed, not orphaned.
    cmd.args(args).envs(env).kill_on_drop(true);
    if let Some(dir) = cwd {
        if !dir.is_dir() {
            return Err(McpError::NoWorkingDir(dir.display().to_string()));
        }
        cmd.current_dir(dir);
    }
    let cut = on_cut(emit);
    let (transport, stderr) = ChildTransport::spawn(cmd, move |n| cut(n), handler.tasks.clone())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => McpError::CommandNotFound(command.to_string()),
            std::io::ErrorKind::PermissionDenied => McpError::PermissionDenied(command.to_string()),
            _ => McpError::Spawn {
                command: command.to_string(),
                error: e.to_string(),
            },
        })?;
    if let Some(pid) = transport.id() {
        emit.client_log(format!("started {command} (pid {pid})"));
    }
    if let Some(stderr) = stderr {
        tokio::spawn(read_stderr(stderr, emit.clone()));
    }
    handler.serve(transport).await.map_err(|e| init_error(&e))
}

/// Tells the server's log that values of one of its messages were cut (see `depth`).
fn on_cut(emit: &Emitter) -> OnCut {
    let emit = emit.clone();
    Arc::new(move |n| {
        emit.client_log(format!(
            "a message from the server nests deeper than {MAX_DEPTH} levels: {n} value(s) below that were cut (serde_json decodes at most 128 levels)"
        ));
    })
}

/// Forwards a child's stderr, one `Log{Stderr}` per line, until it closes. A line longer
/// than [`MAX_STDERR_LINE`] is cut there and the rest of it skipped: a child that writes
/// without ever ending a line costs at most that much memory.
async fn read_stderr(stderr: ChildStderr, emit: Emitter) {
    let limit = MAX_STDERR_LINE as u64;
    let mut reader = BufReader::new(stderr);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match (&mut reader).take(limit).read_until(b'\n', &mut buf).await {
            Ok(0) => return,
            Ok(_) => {
                let cut = !buf.ends_with(b"\n") && buf.len() as u64 >= limit;
                let line = String::from_utf8_lossy(&buf);
                emit.log(LogOrigin::Stderr, line.trim_end_matches(['\n', '\r']));
                if cut && !skip_line(&mut reader, limit).await {
                    return;
                }
            }
            Err(e) => {
                tracing::debug!(server = emit.server, error = %e, "reading stderr failed");
                return;
            }
        }
    }
}

/// Reads up to the end of the current line, keeping at most `limit` bytes at a time; false
/// when the stream ended or failed first.
async fn skip_line(reader: &mut BufReader<ChildStderr>, limit: u64) -> bool {
    let mut junk = Vec::new();
    loop {
        junk.clear();
        match reader.take(limit).read_until(b'\n', &mut junk).await {
            Ok(0) | Err(_) => return false,
            Ok(_) if junk.ends_with(b"\n") => return true,
            Ok(_) => {}
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Update;
    use crate::model::mcp::McpUpdate;

    #[tokio::test]
    async fn a_line_without_end_is_cut_and_the_next_line_still_arrives() {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("head -c 100000 /dev/zero | tr '\\0' x >&2; echo >&2; echo second >&2")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("sh runs");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        read_stderr(stderr, Emitter::new(0, tx)).await;
        let mut lines = Vec::new();
        while let Ok(Update::Mcp(McpUpdate::Log { line, .. })) = rx.try_recv() {
            lines.push(line.text);
        }
        assert_eq!(
            lines.len(),
            2,
            "{:?}",
            lines.iter().map(String::len).collect::<Vec<_>>()
        );
        assert_eq!(lines[0].len(), MAX_STDERR_LINE);
        assert_eq!(lines[1], "second");
        let _ = child.wait().await;
    }
}
