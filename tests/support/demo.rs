//! The demo MCP server under load, on a free loopback port.

use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};

/// A demo server calling its tools `rate` times a second (steady: no bursts),
/// `error_ratio` of them failing, with latencies `(typical, max)` in milliseconds.
pub async fn start(rate: f64, error_ratio: f64, latency_ms: (u64, u64)) -> DemoServer {
    with_load(rate, error_ratio, latency_ms, false).await
}

/// [`start`] with the demo's bursts: four times the rate for 10 s every 25 to 45 s, so
/// the request rate over a minute moves by a good part of itself.
pub async fn bursty(rate: f64, error_ratio: f64, latency_ms: (u64, u64)) -> DemoServer {
    with_load(rate, error_ratio, latency_ms, true).await
}

async fn with_load(
    rate: f64,
    error_ratio: f64,
    latency_ms: (u64, u64),
    bursts: bool,
) -> DemoServer {
    DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            enabled: true,
            rate_per_sec: rate,
            error_ratio,
            latency_ms,
            bursts,
        },
    })
    .await
    .expect("demo server starts")
}
