//! The bundled demo MCP server: a simulated MCPist (notion, github, jira, calendar, cache and
//! health tools) on 127.0.0.1 with `/mcp` (rmcp Streamable HTTP), `/metrics` (OpenTelemetry
//! MCP histograms plus `process_*`) and `/health`, and an optional load generator that calls
//! it through a real MCP client so the dashboard has something to show.

mod args;
mod expo;
mod fake;
mod handler;
mod http;
mod load;
mod metrics;
mod process;
mod state;
mod tools;

#[cfg(test)]
mod tests;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::handler::Shared;
use crate::load::LoadGenerator;
use crate::metrics::Metrics;
use crate::state::Knobs;

/// How to run the demo server.
#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub load: LoadOptions,
}

/// The load generator's traffic shape.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub enabled: bool,
    /// Mean tools/call rate per second (Poisson arrivals).
    pub rate_per_sec: f64,
    /// Fraction (0..=1) of tool calls that fail: mostly `isError` results, about 8 % of them
    /// JSON-RPC errors (-32602 / -32603).
    pub error_ratio: f64,
    /// Latency spread in milliseconds: the typical (median) call and the tail maximum.
    pub latency_ms: (u64, u64),
    /// About every 45 s, 10 s at four times the rate.
    pub bursts: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            rate_per_sec: 5.0,
            error_ratio: 0.02,
            latency_ms: (80, 2500),
            bursts: true,
        }
    }
}

/// A running demo server. Dropping it without [`DemoServer::shutdown`] leaves the tasks
/// running until the runtime ends.
pub struct DemoServer {
    pub addr: SocketAddr,
    knobs: Arc<Knobs>,
    load: Option<LoadGenerator>,
    end_sessions: Box<dyn FnOnce() + Send>,
    stop_http: oneshot::Sender<()>,
    http: JoinHandle<()>,
}

impl DemoServer {
    /// Binds 127.0.0.1 only and returns once the listener accepts connections.
    pub async fn start(opts: DemoOptions) -> Result<DemoServer> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, opts.port))
            .await
            .wrap_err_with(|| format!("binding 127.0.0.1:{} for the demo server", opts.port))?;
        let addr = listener
            .local_addr()
            .wrap_err("reading the demo server's address")?;
        let knobs = Arc::new(Knobs::new(opts.load.error_ratio, opts.load.latency_ms));
        let metrics = Metrics::new();
        metrics.initialize_tools(args::tool_names());
        let shared = Shared {
            knobs: knobs.clone(),
            metrics: Arc::new(metrics),
            router: Arc::new(tools::router()),
        };
        let (app, end_sessions) = http::app(shared);
        let (stop_http, stopped) = oneshot::channel::<()>();
        let http = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = server.await {
                tracing::warn!(%error, "demo HTTP server failed");
            }
        });
        tracing::info!(%addr, "demo MCP server listening");
        let load = opts.load.enabled.then(|| {
            let settings = load::Settings {
                rate_per_sec: opts.load.rate_per_sec,
                bursts: opts.load.bursts,
            };
            LoadGenerator::spawn(format!("http://{addr}/mcp"), settings)
        });
        Ok(DemoServer {
            addr,
            knobs,
            load,
            end_sessions,
            stop_http,
            http,
        })
    }

    /// tools/call requests the server has handled (every tool, every outcome).
    pub fn calls_total(&self) -> u64 {
        self.knobs.calls_total()
    }

    /// Fraction of tool calls to fail from now on (clamped to 0..=1).
    pub fn set_error_ratio(&self, r: f64) {
        self.knobs.set_error_ratio(r);
    }

    /// Latency spread from now on: median `typical`, tail up to `max` milliseconds.
    pub fn set_latency_ms(&self, typical: u64, max: u64) {
        self.knobs.set_latency_ms(typical, max);
    }

    /// Stops the load generator, ends the MCP sessions, then the HTTP server (waiting up to
    /// a few seconds for open connections).
    pub async fn shutdown(self) {
        if let Some(load) = self.load {
            load.stop().await;
        }
        (self.end_sessions)();
        let _ = self.stop_http.send(());
        let abort = self.http.abort_handle();
        if tokio::time::timeout(Duration::from_secs(3), self.http)
            .await
            .is_err()
        {
            tracing::debug!("demo HTTP server did not stop in time, aborting it");
            abort.abort();
        }
        tracing::info!(addr = %self.addr, "demo MCP server stopped");
    }
}
