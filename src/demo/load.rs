//! The load generator: a real rmcp client over Streamable HTTP that calls the demo server's
//! own tools at a Poisson rate, with bursts, a bounded number of calls in flight, and a new
//! session every few minutes (or at once when a session breaks).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rand::Rng;
use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ClientConfig, ClientRequest, Implementation,
    PingRequest, ProtocolVersion,
};
use rmcp::service::{Peer, RoleClient, RunningService, ServiceError, ServiceExt};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use tokio::sync::{Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{Instant, sleep, sleep_until, timeout};

use crate::{args, fake};

/// Most calls in flight at once; arrivals beyond it are skipped.
pub(crate) const MAX_IN_FLIGHT: usize = 64;
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
const BURST_FACTOR: f64 = 4.0;
const BURST_LENGTH: Duration = Duration::from_secs(10);

type Client = RunningService<RoleClient, ClientConfig>;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub rate_per_sec: f64,
    pub bursts: bool,
}

pub(crate) struct LoadGenerator {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl LoadGenerator {
    pub(crate) fn spawn(url: String, settings: Settings) -> Self {
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(run(url, settings, stop_rx));
        Self { stop, task }
    }

    pub(crate) async fn stop(self) {
        let _ = self.stop.send(true);
        let abort = self.task.abort_handle();
        if timeout(Duration::from_secs(3), self.task).await.is_err() {
            abort.abort();
        }
    }
}

enum SessionEnd {
    Stop,
    Broken,
    Rotate,
}

async fn run(url: String, settings: Settings, mut stop: watch::Receiver<bool>) {
    let mut backoff = Duration::from_millis(200);
    let mut bursts = Bursts::new(settings.bursts);
    // Shared by every session so a retiring one still counts against the cap.
    let slots = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    // Old sessions finishing their calls; dropping the set aborts them.
    let mut retiring = JoinSet::new();
    loop {
        while retiring.try_join_next().is_some() {}
        if *stop.borrow() {
            return;
        }
        let connected = tokio::select! {
            c = connect(&url) => c,
            _ = stop.changed() => return,
        };
        let client = match connected {
            Ok(client) => client,
            Err(error) => {
                tracing::debug!(%error, "demo load generator: connect failed");
                tokio::select! {
                    _ = sleep(backoff) => {}
                    _ = stop.changed() => return,
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        backoff = Duration::from_millis(200);
        let (end, calls) = drive(
            &client,
            &slots,
            settings.rate_per_sec,
            &mut bursts,
            &mut stop,
        )
        .await;
        match end {
            // The next session starts at once; this one ends when its calls have.
            SessionEnd::Rotate => {
                retiring.spawn(retire(client, calls));
            }
            SessionEnd::Broken => {
                tracing::debug!("demo load generator: session broke, reconnecting");
                drop(calls);
                close(client).await;
            }
            SessionEnd::Stop => {
                drop(calls);
                close(client).await;
                return;
            }
        }
    }
}

async fn retire(client: Client, mut calls: JoinSet<()>) {
    let drain = async { while calls.join_next().await.is_some() {} };
    let _ = timeout(CALL_TIMEOUT, drain).await;
    close(client).await;
}

async fn close(mut client: Client) {
    if let Err(error) = client.close_with_timeout(Duration::from_secs(2)).await {
        tracing::debug!(%error, "demo load generator: closing the session failed");
    }
}

pub(crate) async fn connect(url: &str) -> Result<Client, String> {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_owned()),
    );
    let info = ClientConfig::new(
        ClientCapabilities::default(),
        Implementation::new("mcptop-demo-load", env!("CARGO_PKG_VERSION")),
    )
    .with_protocol_version(ProtocolVersion::LATEST_WITH_INITIALIZE);
    timeout(Duration::from_secs(10), info.serve(transport))
        .await
        .map_err(|_| "initialize timed out".to_owned())?
        .map_err(|e| e.to_string())
}

/// Sends requests on one session until it is due for rotation, breaks, or `stop` fires.
async fn drive(
    client: &Client,
    slots: &Arc<Semaphore>,
    rate_per_sec: f64,
    bursts: &mut Bursts,
    stop: &mut watch::Receiver<bool>,
) -> (SessionEnd, JoinSet<()>) {
    let rotate_at = Instant::now() + Duration::from_secs(fake::number(60, 240));
    let broken = Arc::new(AtomicBool::new(false));
    let mut calls = JoinSet::new();
    let mut next = Instant::now();
    loop {
        while calls.try_join_next().is_some() {}
        if broken.load(Ordering::Relaxed) || client.is_closed() {
            return (SessionEnd::Broken, calls);
        }
        let now = Instant::now();
        if now >= rotate_at {
            return (SessionEnd::Rotate, calls);
        }
        let rate = rate_per_sec * bursts.factor(now);
        if rate <= 0.0 || !rate.is_finite() {
            tokio::select! {
                _ = sleep(Duration::from_secs(1)) => continue,
                _ = stop.changed() => return (SessionEnd::Stop, calls),
            }
        }
        next = next.max(now - Duration::from_secs(1)) + exponential(rate);
        tokio::select! {
            _ = sleep_until(next) => {}
            _ = stop.changed() => return (SessionEnd::Stop, calls),
        }
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::trace!("demo load generator: {MAX_IN_FLIGHT} calls in flight, skipping");
            continue;
        };
        let peer = client.peer().clone();
        let broken = broken.clone();
        calls.spawn(async move {
            let _slot = slot;
            if let Err(ServiceError::TransportClosed | ServiceError::TransportSend(_)) =
                one_request(&peer).await
            {
                broken.store(true, Ordering::Relaxed);
            }
        });
    }
}

/// A random request: mostly tools/call, sometimes tools/list or ping. Protocol errors and
/// tool errors are the server's business (its metrics count them), not failures here.
async fn one_request(peer: &Peer<RoleClient>) -> Result<(), ServiceError> {
    let roll = rand::rng().random::<f64>();
    let request = async {
        if roll < 0.03 {
            peer.list_tools(None).await.map(drop)
        } else if roll < 0.04 {
            peer.send_request(ClientRequest::PingRequest(PingRequest::default()))
                .await
                .map(drop)
        } else {
            let (tool, arguments) = args::random_call();
            let params = CallToolRequestParams::new(tool).with_arguments(arguments);
            peer.call_tool_once(params).await.map(drop)
        }
    };
    match timeout(CALL_TIMEOUT, request).await {
        Ok(Err(ServiceError::McpError(_))) | Err(_) => Ok(()),
        Ok(result) => result,
    }
}

/// An exponential inter-arrival time for `rate` events per second.
fn exponential(rate: f64) -> Duration {
    let u: f64 = rand::rng().random_range(f64::EPSILON..1.0);
    Duration::from_secs_f64((-u.ln() / rate).min(60.0))
}

/// Burst schedule: about every 45 s (35-55 s apart), 10 s at four times the rate.
struct Bursts {
    enabled: bool,
    next_start: Instant,
}

impl Bursts {
    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            next_start: Instant::now() + Duration::from_secs(fake::number(20, 45)),
        }
    }

    fn factor(&mut self, now: Instant) -> f64 {
        if !self.enabled || now < self.next_start {
            return 1.0;
        }
        if now < self.next_start + BURST_LENGTH {
            return BURST_FACTOR;
        }
        self.next_start = now + Duration::from_secs(fake::number(25, 45));
        1.0
    }
}
