//! The task that owns one server's connection: connect, report, reconnect with backoff,
//! and answer commands, until the app drops its handles or its update receiver.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, timeout};

use super::call::{self, CallCtx, CallSpec, Live};
use super::connect::{self, Client, Failure};
use super::elicit::Elicits;
use super::emit::Emitter;
use super::handler::{Handler, ProgressMap};
use super::http_cut::TROUBLE_QUEUE;
use super::oauth::flow::Authorized;
use super::session::{self, End};
use super::task_tap::TaskTap;
use crate::backoff::Backoff;
use crate::config::mcp::{McpServerConfig, McpSettings, McpTransport};
use crate::model::mcp::{CallId, CallOutcome, ConnState, McpCommand, McpError};

/// A session that lasted this long resets the backoff; a server that keeps dying right
/// after `initialize` keeps backing off instead of being hammered every 0.5 s.
const HEALTHY_SESSION: Duration = Duration::from_secs(10);

/// Everything the task owns across sessions.
pub(super) struct Source {
    pub cfg: McpServerConfig,
    pub settings: McpSettings,
    pub emit: Emitter,
    pub commands: mpsc::Receiver<McpCommand>,
    /// Cancel switches of the calls in flight.
    cancels: HashMap<CallId, oneshot::Sender<()>>,
    /// The call tasks; dropping the source aborts them.
    pub calls: JoinSet<()>,
    progress: ProgressMap,
    /// Which tools must be called as tasks (see `task_tap`), across sessions.
    tasks: TaskTap,
    /// Elicitations waiting for the operator, across sessions.
    pub elicits: Elicits,
    /// The URIs the operator follows (`resources/subscribe`), subscribed again on every
    /// session.
    pub subscribed: std::collections::BTreeSet<String>,
    live: watch::Sender<Option<Live>>,
    /// Successful connects so far; tells sessions (and their progress tokens) apart.
    generation: u64,
    backoff: Backoff,
    /// Failed attempts since the last healthy session.
    attempt: u32,
}

/// What to do after a connect attempt or a session.
enum Next {
    Retry(McpError),
    Now,
    Stop,
}

impl Source {
    pub fn new(
        cfg: McpServerConfig,
        settings: McpSettings,
        emit: Emitter,
        commands: mpsc::Receiver<McpCommand>,
    ) -> Self {
        Self {
            cfg,
            settings,
            emit,
            commands,
            cancels: HashMap::new(),
            calls: JoinSet::new(),
            progress: ProgressMap::default(),
            tasks: TaskTap::default(),
            elicits: Elicits::default(),
            subscribed: Default::default(),
            live: watch::channel(None).0,
            generation: 0,
            backoff: Backoff::new(),
            attempt: 0,
        }
    }

    /// Runs until the command channel or the update channel closes.
    pub async fn run(mut self) {
        if let McpTransport::Sse { .. } = self.cfg.transport {
            let why = McpError::LegacySse(None);
            self.emit.state(ConnState::Failed(why.clone())).await;
            self.emit.client_log(why.to_string());
            self.refuse_until_closed(&why).await;
            return;
        }
        loop {
            let error = match self.connect_and_serve().await {
                Next::Stop => break,
                Next::Now => {
                    self.fresh_start();
                    continue;
                }
                Next::Retry(error) => error,
            };
            self.attempt += 1;
            let retry_in = self.backoff.next_delay();
            self.emit.client_log(format!(
                "reconnecting in {:.1} s (attempt {}): {error}",
                retry_in.as_secs_f64(),
                self.attempt
            ));
            let state = ConnState::Reconnecting {
                attempt: self.attempt,
                retry_in,
                error: error.clone(),
            };
            if !self.emit.state(state).await {
                break;
            }
            let why = error.at("reconnecting after");
            match self.while_refusing(sleep(retry_in), &why).await {
                Raced::Stop => break,
                Raced::Reconnect => self.fresh_start(),
                Raced::Done(()) => {}
            }
        }
        self.live.send_replace(None);
        tracing::debug!(server = self.emit.server, "MCP source stopped");
    }

    /// Backoff and attempt count from the start (operator's reconnect, healthy session).
    fn fresh_start(&mut self) {
        self.backoff.reset();
        self.attempt = 0;
    }

    /// One connect attempt and, if it succeeds, the session.
    async fn connect_and_serve(&mut self) -> Next {
        if !self.emit.state(ConnState::Connecting).await {
            return Next::Stop;
        }
        self.generation += 1;
        let (relist, relist_rx) = mpsc::channel(1);
        let handler = Handler {
            emit: self.emit.clone(),
            generation: self.generation,
            progress: self.progress.clone(),
            relist: relist.clone(),
            elicits: self.elicits.clone(),
            elicit_timeout: self.settings.call_timeout,
            tasks: self.tasks.clone(),
        };
        let transport = self.cfg.transport.clone();
        let emit = self.emit.clone();
        let limit = self.settings.connect_timeout;
        let (trouble, trouble_rx) = mpsc::channel(TROUBLE_QUEUE);
        let tokens = self.token_file();
        let connecting = async move {
            let connect = connect::connect(&transport, handler, &emit, trouble, tokens);
            match timeout(limit, connect).await {
                Ok(result) => result,
                Err(_) => Err(Failure::Error(McpError::InitTimeout(limit))),
            }
        };
        let connecting_why = McpError::Other("connecting".into());
        let client: Client = match self.while_refusing(connecting, &connecting_why).await {
            Raced::Stop => return Next::Stop,
            Raced::Reconnect => return Next::Now,
            Raced::Done(Ok(client)) => client,
            Raced::Done(Err(Failure::Unauthorized(challenge))) => {
                return self.authorize_now(challenge.as_deref()).await;
            }
            Raced::Done(Err(Failure::Error(error))) => {
                tracing::debug!(server = self.emit.server, %error, "MCP connect failed");
                return Next::Retry(error);
            }
        };
        let started = Instant::now();
        let live = Live {
            generation: self.generation,
            peer: client.peer().clone(),
            lost: Default::default(),
            tasks: self.tasks.clone(),
        };
        self.live.send_replace(Some(live.clone()));
        let end = session::drive(self, client, live, relist, relist_rx, trouble_rx).await;
        self.live.send_replace(None);
        if started.elapsed() >= HEALTHY_SESSION {
            self.fresh_start();
        }
        match end {
            End::Shutdown => Next::Stop,
            End::Reconnect => {
                self.emit
                    .client_log("reconnecting now (asked by the operator)");
                Next::Now
            }
            End::Lost(error) => Next::Retry(error),
        }
    }

    /// The OAuth token file of an HTTP server (see [`super::oauth`]).
    fn token_file(&self) -> Option<super::oauth::TokenFile> {
        match &self.cfg.transport {
            McpTransport::Http { url, .. } => {
                super::oauth::token_file(self.settings.token_dir.as_ref(), url)
            }
            _ => None,
        }
    }

    /// Runs an OAuth authorization after a 401 (see [`super::oauth::flow`]).
    async fn authorize_now(&mut self, challenge: Option<&str>) -> Next {
        let (McpTransport::Http { url, http }, Some(store)) =
            (self.cfg.transport.clone(), self.token_file())
        else {
            return Next::Retry(McpError::Other(
                "HTTP 401: no state directory to keep OAuth tokens in".into(),
            ));
        };
        let client = super::oauth::Client::of(&http);
        match self.authorize(&url, challenge, &client, store).await {
            Authorized::Done | Authorized::Reconnect => Next::Now,
            Authorized::Failed(error) => Next::Retry(McpError::Other(error)),
            Authorized::Stop => Next::Stop,
        }
    }

    /// Drives `fut` while answering commands as a source that is not connected.
    async fn while_refusing<T>(
        &mut self,
        fut: impl Future<Output = T>,
        why: &McpError,
    ) -> Raced<T> {
        tokio::pin!(fut);
        loop {
            tokio::select! {
                out = &mut fut => return Raced::Done(out),
                cmd = self.commands.recv() => match cmd {
                    None => return Raced::Stop,
                    Some(McpCommand::Reconnect) => return Raced::Reconnect,
                    Some(cmd) => self.refuse(cmd, why).await,
                },
                _ = self.emit.closed() => return Raced::Stop,
            }
        }
    }

    /// For a source that will never connect: refuse every call until the channel closes.
    async fn refuse_until_closed(&mut self, why: &McpError) {
        loop {
            tokio::select! {
                cmd = self.commands.recv() => match cmd {
                    None => return,
                    Some(cmd) => self.refuse(cmd, why).await,
                },
                _ = self.emit.closed() => return,
            }
        }
    }

    /// Answers a command while there is no session: a call is not sent (at once, no
    /// queueing); the rest have nothing to act on.
    pub(super) async fn refuse(&mut self, cmd: McpCommand, why: &McpError) {
        if let McpCommand::Fetch { id, request, .. } = &cmd {
            let outcome = Err(not_connected(why).at(request.method()));
            let (server, id, elapsed) = (self.emit.server, *id, Duration::ZERO);
            let update = crate::model::mcp::McpUpdate::Fetched {
                server,
                id,
                outcome,
                elapsed,
            };
            self.emit.send(update).await;
        }
        if let McpCommand::SetLogLevel { level } = cmd {
            // Asked of the next session.
            self.settings.log_level = level;
            return;
        }
        if let McpCommand::Subscribe { uri, on } = cmd {
            // Asked of the next session, which subscribes to every followed URI.
            if on {
                self.subscribed.insert(uri);
            } else {
                self.subscribed.remove(&uri);
            }
            return;
        }
        if let McpCommand::Elicited { id, answer } = cmd {
            // The question outlives nothing: its request ended with its session.
            self.elicits.answer(id, answer);
            return;
        }
        if let McpCommand::Call { call, .. } = cmd {
            let outcome = CallOutcome::NotSent(not_connected(why));
            self.emit.call_done(call, outcome, Duration::ZERO).await;
        }
    }

    /// Starts a call on the session `live` in a task of its own.
    pub fn start_call(&mut self, live: &Live, spec: CallSpec) {
        self.cancels.retain(|_, tx| !tx.is_closed());
        let (tx, rx) = oneshot::channel();
        self.cancels.insert(spec.call, tx);
        let ctx = CallCtx {
            emit: self.emit.clone(),
            progress: self.progress.clone(),
            live: self.live.subscribe(),
        };
        self.calls.spawn(call::run(ctx, live.clone(), spec, rx));
    }

    /// Cancels a call in flight (nothing if it has ended or is unknown).
    pub fn cancel(&mut self, call: CallId) {
        if let Some(tx) = self.cancels.remove(&call) {
            let _ = tx.send(());
        }
    }
}

/// A request refused for want of a session: `not connected: why`.
fn not_connected(why: &McpError) -> McpError {
    McpError::NotConnected(Box::new(why.clone()))
}

/// How a future raced against the command channel ended.
enum Raced<T> {
    Done(T),
    Reconnect,
    Stop,
}
