use clap::Parser;
use color_eyre::eyre::Result;

use mcptop::cli::{Cli, Command, DemoArgs};
use mcptop::config::Config;
use mcptop::demo::{DemoOptions, DemoServer, LoadOptions};

#[tokio::main]
async fn main() -> Result<()> {
    color_eyre::install()?;
    let cli = Cli::parse();
    let _log = mcptop::logging::init();
    let mut cfg = Config::load(&cli.watch)?;
    match cli.command {
        None => mcptop::app::run(cfg).await,
        Some(Command::Demo(args)) => demo(args, &mut cfg).await,
    }
}

async fn demo(args: DemoArgs, cfg: &mut Config) -> Result<()> {
    let opts = DemoOptions {
        port: args.port,
        load: LoadOptions {
            enabled: !args.no_load,
            rate_per_sec: args.rate,
            error_ratio: args.error_ratio,
            ..LoadOptions::default()
        },
    };
    let server = DemoServer::start(opts).await?;
    let url = format!("http://{}", server.addr);
    tracing::info!(%url, "demo server started");
    let result = if args.serve_only {
        println!(
            "mcptop demo server: MCP at {url}/mcp, metrics at {url}/metrics, health at {url}/health"
        );
        println!("Ctrl-C stops it.");
        let mut signals = mcptop::tui::Signals::new()?;
        let name = signals.recv().await;
        tracing::info!(signal = name, "demo server stopping");
        Ok(())
    } else {
        cfg.target.url = Some(url);
        cfg.target.name.get_or_insert_with(|| "demo".into());
        mcptop::app::run(cfg.clone()).await
    };
    server.shutdown().await;
    result
}
