//! The demo MCP server under a steady load (no bursts), on a free loopback port.

use mcptop::demo::{DemoOptions, DemoServer, LoadOptions};

/// A demo server calling its tools `rate` times a second, `error_ratio` of them failing,
/// with latencies `(typical, max)` in milliseconds.
pub async fn start(rate: f64, error_ratio: f64, latency_ms: (u64, u64)) -> DemoServer {
    DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            enabled: true,
            rate_per_sec: rate,
            error_ratio,
            latency_ms,
            bursts: false,
        },
    })
    .await
    .expect("demo server starts")
}
