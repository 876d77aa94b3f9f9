// TEMP STUB
pub struct DemoOptions {
    pub port: u16,
    pub load: LoadOptions,
}
#[derive(Default)]
pub struct LoadOptions {
    pub enabled: bool,
    pub rate_per_sec: f64,
    pub error_ratio: f64,
    pub latency_ms: (u64, u64),
    pub bursts: bool,
}
pub struct DemoServer {
    pub addr: std::net::SocketAddr,
}
impl DemoServer {
    pub async fn start(_o: DemoOptions) -> color_eyre::Result<DemoServer> {
        Err(color_eyre::eyre::eyre!("stub"))
    }
    pub fn calls_total(&self) -> u64 {
        0
    }
    pub async fn shutdown(self) {}
}
