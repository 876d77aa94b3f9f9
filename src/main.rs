use clap::Parser;
use color_eyre::eyre::Result;

use mcptop::cli::{Cli, Command, DemoArgs, McpServerArg, WatchArgs};
use mcptop::config::Config;
use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};

// One worker whatever the host: the dashboard's work is a few sockets and one frame a
// second. The loop runs on the main thread (keys, frames, the model), the source tasks on
// the worker, so a large scrape's parse never holds a key back: a key's wakeup comes from
// crossterm's input thread. The loop's timers wait while the worker parses (a 14 MB
// gateway's `/metrics` takes about 0.1 s), which delays a frame, not a key. A second
// worker would only wake the first (a futex and two context switches) for tasks that need
// no parallelism, and each costs its own stack and malloc arena; on a 64-core bastion the
// default would start 64. Blocking work (files, the audit log, the recording) has threads
// of its own.
#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    install_panic_report();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `mcptop watch` documents exit 3 for bad arguments; elsewhere clap's own codes
        // (2 for a bad flag or value, as every usage error).
        Err(e) if e.use_stderr() && std::env::args().any(|a| a == "watch") => {
            let _ = e.print();
            std::process::exit(mcptop::watch::Exit::BadArguments as i32);
        }
        Err(e) => e.exit(),
    };
    // Before the config is loaded: listing the profiles needs no target.
    if cli.watch.lists_profiles() {
        let printed = print_all(mcptop::model::profile::list::describe().as_bytes());
        std::process::exit(status(printed.map(|()| None)));
    }
    let log = mcptop::logging::init();
    let outcome = match cli.command {
        None => match Config::load(&cli.watch.flags()) {
            Ok(cfg) => mcptop::app::run(cfg).await,
            Err(e) => Err(e.into()),
        },
        Some(Command::Demo(args)) => demo(args, cli.watch).await,
        Some(Command::Replay(args)) => match Config::load(&cli.watch.flags()) {
            Ok(cfg) => mcptop::app::replay::replay(cfg, &args.file).await,
            Err(e) => Err(e.into()),
        },
        Some(other) => other_command(other, &cli.watch).await.map(|()| None),
    };
    let code = status(outcome);
    // Ended by a signal, the terminal is already restored: exit as the shell would report
    // it, after the log is flushed.
    drop(log);
    std::process::exit(code);
}

/// Panics are bugs: color-eyre's report, with its backtrace hint, and colour only when
/// stderr is a terminal and `NO_COLOR` is not set.
fn install_panic_report() {
    use std::io::IsTerminal;
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let theme = if colour {
        color_eyre::config::Theme::dark()
    } else {
        color_eyre::config::Theme::new()
    };
    let (panic_hook, _) = color_eyre::config::HookBuilder::default()
        .theme(theme)
        .into_hooks();
    panic_hook.install();
}

/// The exit status of a command's outcome, printing an error as one plain line
/// (`mcptop: message: cause`), with no location, backtrace or colour: an error is the
/// user's to fix or the world's (exit 2 or 1, `mcptop::exit`); only panics are bugs.
fn status(outcome: Result<Option<mcptop::tui::Caught>>) -> i32 {
    match outcome {
        Ok(None) => 0,
        Ok(Some(caught)) => caught.exit_code(),
        Err(e) => {
            eprintln!("mcptop: {}", one_line(&e));
            mcptop::exit::status_of(&e)
        }
    }
}

/// The error and those of its causes whose text it does not already hold, joined by `: `.
fn one_line(e: &color_eyre::Report) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// The subcommands that do not draw the dashboard.
async fn other_command(command: Command, watch: &WatchArgs) -> Result<()> {
    match command {
        Command::Demo(_) | Command::Replay(_) => Ok(()),
        Command::Snapshot(args) => snapshot(args, watch).await,
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "mcptop", &mut text);
            print_all(&text)
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut text = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut text)?;
            print_all(&text)
        }
        Command::Watch(args) => {
            let code = deploy_watch(args, watch).await;
            std::process::exit(code);
        }
    }
}

/// `mcptop snapshot`: collects for `--collect` (default: the rate window in scrape mode, 5 s
/// in query mode) with a progress line on stderr, then writes the report (or prints it).
async fn snapshot(args: mcptop::cli::SnapshotArgs, watch: &WatchArgs) -> Result<()> {
    use mcptop::app::snapshot::{Progress, collect_note, default_collect, write_report};
    use std::io::IsTerminal;
    let cfg = Config::load(&watch.flags())?;
    let incident = match (&args.from, &args.at) {
        (Some(file), Some(at)) => {
            let rec = mcptop::sources::files::recording::read(file)
                .map_err(|e| mcptop::exit::usage(color_eyre::eyre::eyre!("{e}")))?;
            let (start, end) = rec.span_ms();
            let at = mcptop::model::recording::at::parse_at(at, start, end)
                .map_err(|e| mcptop::exit::usage(color_eyre::eyre::eyre!("{e}")))?;
            if rec.dropped_bytes > 0 {
                eprintln!(
                    "mcptop: {} was cut off: {} bytes at its end dropped; read up to its last whole record",
                    file.display(),
                    rec.dropped_bytes
                );
            }
            mcptop::app::replay::incident_at(cfg, &rec, at).map_err(mcptop::exit::usage)?
        }
        _ => {
            let collect = args.collect.unwrap_or_else(|| default_collect(&cfg));
            let mut progress = Progress::new(collect_note(&cfg), std::io::stderr().is_terminal());
            let app = mcptop::app::gather(cfg, collect, |c| {
                progress.show(&mut std::io::stderr().lock(), c);
            })
            .await
            .map_err(mcptop::exit::usage)?;
            let now = mcptop::sources::now_ms();
            let mut incident = app.incident(now);
            incident.collected_ms = Some(i64::try_from(collect.as_millis()).unwrap_or(i64::MAX));
            incident
        }
    };
    if args.stdout {
        return print_all(incident.to_markdown().as_bytes());
    }
    let dir = match args.dir.or_else(mcptop::app::snapshot::default_dir) {
        Some(d) => d,
        None => {
            return Err(
                mcptop::exit::Usage::new("no directory for the report: pass --dir DIR").into(),
            );
        }
    };
    let path = write_report(&incident, &dir).map_err(color_eyre::eyre::Report::msg)?;
    println!("{}", path.display());
    println!("{}", path.with_extension("json").display());
    Ok(())
}

/// Writes `bytes` to stdout; a reader that stopped early (`| head`) is not an error.
fn print_all(bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// `mcptop watch`: the exit code of the watch (3 for a config that does not load).
async fn deploy_watch(args: mcptop::cli::DeployWatchArgs, watch: &WatchArgs) -> i32 {
    let cfg = match Config::load(&watch.flags()) {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("mcptop watch: {e}");
            return mcptop::watch::Exit::BadArguments as i32;
        }
    };
    let opts = mcptop::watch::WatchOptions {
        duration: args.duration,
        criteria: args.fail_if,
        baseline: args.baseline,
        output: args.output,
    };
    let mut out = std::io::stdout().lock();
    mcptop::watch::run(cfg, opts, &mut out).await as i32
}

/// Starts the demo server, then watches it: its `/metrics` as the target and its `/mcp` as
/// the MCP server `demo` (so bindings in the config may name `demo`).
async fn demo(args: DemoArgs, mut watch: WatchArgs) -> Result<Option<mcptop::tui::Caught>> {
    let opts = DemoOptions {
        port: args.port,
        load: LoadOptions {
            enabled: !args.no_load,
            rate_per_sec: args.rate,
            error_ratio: args.error_ratio,
            latency_ms: args.latency_ms,
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
        let caught = signals.ended().await;
        tracing::info!(signal = caught.name(), "demo server stopping");
        Ok(None)
    } else {
        watch.target = vec![url.clone()];
        watch.mcp.push(McpServerArg {
            name: "demo".into(),
            url: format!("{url}/mcp"),
        });
        match Config::load(&watch.flags()) {
            Ok(mut cfg) => {
                cfg.target.name.get_or_insert_with(|| "demo".into());
                mcptop::app::run(cfg).await
            }
            Err(e) => Err(e.into()),
        }
    };
    server.shutdown().await;
    result
}
