//! One connected session: report it, list tools (again on `list_changed` or on request),
//! set the log level, ping, start and cancel calls, and notice when it breaks.
//!
//! A session ends at the first sign that the server cannot be reached: a request refused or
//! reset (reported by the HTTP client, [`Trouble::Unreachable`], or met by a ping), a closed
//! transport, a lost HTTP session. A broken response stream ([`Trouble::StreamBroke`]) sends a
//! ping at once to find out. Only pings left unanswered need two in a row: a slow server
//! is not a dead one.

use std::pin::Pin;
use std::time::Duration;

use futures::Future;
use rmcp::service::{Peer, RoleClient};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior, interval, interval_at};

use super::call::{CallSpec, Live};
use super::connect::Client;
use super::convert::server_info;
use super::emit::Emitter;
use super::errors::service_error;
use super::http_cut::Trouble;
use super::list::lister;
use super::ping::{Ping, ping};
use super::run::Source;
use super::subscribe;
use crate::model::mcp::{ConnState, McpCommand, McpError, McpUpdate};

/// How often the session checks that its transport is still open.
const WATCHDOG: Duration = Duration::from_millis(250);
/// Bounded wait for a clean close (a stdio child is killed if it does not exit).
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Consecutive failed pings that end a session.
const MAX_PING_FAILURES: u32 = 2;

/// Why a session ended.
pub(super) enum End {
    /// The app is gone: stop.
    Shutdown,
    /// The operator asked for a new connection.
    Reconnect,
    /// The connection broke or stopped answering.
    Lost(McpError),
}

/// Serves one session until it ends, then closes it.
pub(super) async fn drive(
    src: &mut Source,
    mut client: Client,
    live: Live,
    relist: mpsc::Sender<()>,
    relist_rx: mpsc::Receiver<()>,
    mut trouble: mpsc::Receiver<Trouble>,
) -> End {
    let emit = src.emit.clone();
    let peer = client.peer().clone();
    let info = peer
        .peer_info()
        .map(|i| server_info(&i))
        .unwrap_or_default();
    let has_logging = info.capabilities.iter().any(|c| c == "logging");
    emit.client_log(format!(
        "connected to {} (protocol {})",
        [info.name.as_str(), info.version.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
        info.protocol_version
    ));
    if !emit.state(ConnState::Connected).await
        || !emit
            .send(McpUpdate::Initialized {
                server: emit.server,
                info,
            })
            .await
    {
        close(&mut client, &emit).await;
        return End::Shutdown;
    }

    let mut helpers = JoinSet::new();
    helpers.spawn(lister(
        peer.clone(),
        relist_rx,
        emit.clone(),
        src.settings.call_timeout,
        live.tasks.clone(),
    ));
    let _ = relist.try_send(());
    // The followed resources, subscribed again: this session knows none of them.
    let can_subscribe = super::catalog::can_subscribe(&peer);
    let (subscribing, subscribe_rx) = mpsc::unbounded_channel();
    if can_subscribe {
        for uri in &src.subscribed {
            let _ = subscribing.send((uri.clone(), true));
        }
        helpers.spawn(subscribe::sender(
            peer.clone(),
            subscribe_rx,
            emit.clone(),
            src.settings.call_timeout,
        ));
    } else {
        for uri in &src.subscribed {
            subscribe::refuse(uri.clone(), true, &emit).await;
        }
    }
    if has_logging {
        helpers.spawn(set_level(
            peer.clone(),
            src.settings.log_level.clone(),
            emit.clone(),
            src.settings.call_timeout,
        ));
    }

    let every = src.settings.ping_interval.max(Duration::from_millis(10));
    let ping_timeout = every.clamp(Duration::from_secs(2), Duration::from_secs(10));
    // The first ping goes out at once, so the panel shows a round-trip right after connecting.
    let mut ticker = interval_at(Instant::now(), every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut watchdog = interval(WATCHDOG);
    watchdog.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut pinging: Option<Pin<Box<dyn Future<Output = Ping> + Send>>> = None;
    let mut ping_supported = true;
    let mut failures = 0u32;

    let end = loop {
        tokio::select! {
            cmd = src.commands.recv() => match cmd {
                None => break End::Shutdown,
                Some(McpCommand::Call { call, tool, arguments, timeout, idempotent }) => {
                    src.start_call(&live, CallSpec { call, tool, arguments, timeout, idempotent });
                }
                Some(McpCommand::Cancel { call }) => src.cancel(call),
                Some(McpCommand::Fetch { id, request, timeout }) => {
                    src.calls.spawn(super::fetch::run(emit.clone(), peer.clone(), id, request, timeout));
                }
                Some(McpCommand::RefreshTools) => {
                    let _ = relist.try_send(());
                }
                Some(McpCommand::Reconnect) => break End::Reconnect,
                Some(McpCommand::Elicited { id, answer }) => src.elicits.answer(id, answer),
                Some(McpCommand::Subscribe { uri, on }) => {
                    if on {
                        src.subscribed.insert(uri.clone());
                    } else {
                        src.subscribed.remove(&uri);
                    }
                    if can_subscribe {
                        let _ = subscribing.send((uri, on));
                    } else {
                        subscribe::refuse(uri, on, &emit).await;
                    }
                }
                // Connected: no authorization is waiting for it.
                Some(McpCommand::Authorize { .. }) => {}
                Some(McpCommand::SetLogLevel { level }) => {
                    src.settings.log_level = level.clone();
                    if has_logging {
                        helpers.spawn(set_level(peer.clone(), level, emit.clone(), src.settings.call_timeout));
                    } else {
                        emit.client_log(format!("log level {level} not asked: the server does not offer logging"));
                    }
                }
            },
            _ = emit.closed() => break End::Shutdown,
            Some(seen) = trouble.recv() => match seen {
                Trouble::Unreachable(error) => break End::Lost(McpError::Unreachable(Box::new(McpError::Http(error)))),
                Trouble::StreamBroke(error) => {
                    emit.client_log(format!("a response stream broke off ({error}); pinging the server now"));
                    if pinging.is_none() {
                        pinging = Some(Box::pin(ping(peer.clone(), ping_timeout)));
                    }
                }
            },
            _ = ticker.tick(), if pinging.is_none() && ping_supported => {
                pinging = Some(Box::pin(ping(peer.clone(), ping_timeout)));
            }
            result = async { pinging.as_mut().expect("guarded by is_some").await }, if pinging.is_some() => {
                pinging = None;
                match result {
                    Ping::Rtt(rtt) => {
                        failures = 0;
                        emit.send(McpUpdate::Ping { server: emit.server, rtt: Ok(Some(rtt)) }).await;
                    }
                    Ping::Unsupported => {
                        ping_supported = false;
                        emit.client_log("the server does not implement ping (method not found); not pinging it");
                        emit.send(McpUpdate::Ping { server: emit.server, rtt: Ok(None) }).await;
                    }
                    Ping::Failed(error) => {
                        failures += 1;
                        emit.send(McpUpdate::Ping { server: emit.server, rtt: Err(error.clone()) }).await;
                        if failures >= MAX_PING_FAILURES {
                            break End::Lost(McpError::PingsFailed { failures, last: Box::new(error) });
                        }
                    }
                    Ping::Unreachable(error) => {
                        emit.send(McpUpdate::Ping { server: emit.server, rtt: Err(error.clone()) }).await;
                        break End::Lost(McpError::Unreachable(Box::new(error)));
                    }
                    Ping::SessionLost(error) => {
                        emit.send(McpUpdate::Ping { server: emit.server, rtt: Err(error.clone()) }).await;
                        break End::Lost(McpError::SessionLost(Box::new(error)));
                    }
                    Ping::Closed => break End::Lost(McpError::Closed),
                }
            }
            _ = watchdog.tick() => {
                emit.flush_dropped();
                if client.is_closed() || peer.is_transport_closed() {
                    break End::Lost(McpError::Closed);
                }
            }
            Some(_) = src.calls.join_next(), if !src.calls.is_empty() => {}
        }
    };
    helpers.abort_all();
    let reason = match &end {
        End::Lost(error) => error.clone(),
        End::Reconnect => McpError::OperatorReconnect,
        End::Shutdown => McpError::Stopping,
    };
    let _ = live.lost.set(reason);
    close(&mut client, &emit).await;
    match &end {
        End::Lost(error) => emit.client_log(format!("disconnected: {error}")),
        End::Reconnect => emit.client_log("disconnected to reconnect"),
        End::Shutdown => {}
    }
    end
}

/// Closes the session (for stdio: closes the child's stdin, then kills it if needed).
async fn close(client: &mut Client, emit: &Emitter) {
    match client.close_with_timeout(CLOSE_TIMEOUT).await {
        Ok(Some(_)) => {}
        Ok(None) => tracing::debug!(server = emit.server, "MCP session did not close in time"),
        Err(e) => tracing::debug!(server = emit.server, error = %e, "MCP session task failed"),
    }
}

/// `logging/setLevel`, waiting at most `limit`; a refusal is worth a log line, not a
/// reconnect.
async fn set_level(peer: Peer<RoleClient>, level: String, emit: Emitter, limit: Duration) {
    #[allow(deprecated)] // Logging is deprecated by SEP-2577 but servers still offer it.
    let result = match serde_json::from_value::<rmcp::model::LoggingLevel>(
        serde_json::Value::String(level.clone()),
    ) {
        Ok(parsed) => {
            let asked = peer.set_level(rmcp::model::SetLevelRequestParams::new(parsed));
            match tokio::time::timeout(limit, asked).await {
                Ok(answer) => answer.map_err(|e| service_error(&e)),
                Err(_) => Err(McpError::NoAnswer(limit)),
            }
        }
        Err(_) => Err(McpError::NotALogLevel),
    };
    match &result {
        Ok(()) => emit.client_log(format!("asked the server for log level {level}")),
        Err(e) => emit.client_log(format!("logging/setLevel {level} failed: {e}")),
    }
    let server = emit.server;
    emit.send(McpUpdate::LogLevel {
        server,
        level,
        result,
    })
    .await;
}
