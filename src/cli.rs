//! Command-line interface. Flags override the config file; secrets are never taken from argv.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::config::mcp::name_from_url;
use crate::model::profile::ProfileChoice;

/// The exit statuses, at the end of `--help` (and in the README; `crate::exit` defines them).
const EXIT_STATUS: &str = "Exit status: 0 quit; 1 failed while running; 2 usage error (a bad \
flag, config or target, TERM=dumb, no terminal); 101 a bug (panic); 128+N ended by signal N \
(129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM). `mcptop watch` has its own (see its --help).
Ctrl-Z suspends to the shell; `fg` comes back.";

/// `mcptop`: a terminal dashboard for MCP servers in production.
#[derive(Debug, Parser)]
#[command(name = "mcptop", version, about, long_about = None, after_help = EXIT_STATUS)]
pub struct Cli {
    #[command(flatten)]
    pub watch: WatchArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options shared by every mode that watches a target.
#[derive(Debug, Args, Clone, Default)]
pub struct WatchArgs {
    /// MCP server to scrape; repeatable (several make a fleet). A base URL (its /metrics and /health, or [target] metrics_path and health_path), e.g. http://127.0.0.1:8080 or 127.0.0.1:8080, or the metrics URL itself, e.g. https://gw.example/metrics/prometheus. Replaces [target] url, [[targets]] and targets_file; auth and TLS stay in the config [config: target.url, [[targets]]]
    #[arg(long, short = 't', global = true, value_name = "URL")]
    pub target: Vec<String>,

    /// Config file (TOML). Default: $XDG_CONFIG_HOME/mcptop/config.toml when it exists.
    #[arg(
        long,
        short = 'c',
        global = true,
        value_name = "PATH",
        env = "MCPTOP_CONFIG"
    )]
    pub config: Option<PathBuf>,

    /// Scrape interval, e.g. 1s, 2s, 500ms [config: scrape.interval, default 2s]
    #[arg(long, global = true, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub interval: Option<Duration>,

    /// Timeout of one scrape or health request [config: scrape.timeout, default: the smaller of 1.5s and the interval]
    #[arg(long, global = true, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,

    /// Range of rate() and quantiles, like PromQL `[5m]` [config: window.range, default 5m]
    #[arg(long, global = true, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub window: Option<Duration>,

    /// How much history the timeline keeps and shows, at most 24h [config: window.history,
    /// default 1h]
    #[arg(long, global = true, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub history: Option<Duration>,

    /// Metric profile: auto, otel-mcp, otel-mcp-client, toolhive, mcpany, mcp-tool-calls, http or custom (custom needs [custom_profile] in the config); `--profile list` prints what each reads and exits [config: target.profile, default auto]
    #[arg(long, global = true, value_name = "PROFILE")]
    pub profile: Option<ProfileFlag>,

    /// Also connect to the MCP servers of a Claude Desktop, Claude Code (.mcp.json), Cursor (.cursor/mcp.json) or VS Code (.vscode/mcp.json) config file; repeatable [config: mcp.import]
    #[arg(long = "mcp-config", global = true, value_name = "PATH")]
    pub mcp_config: Vec<PathBuf>,

    /// Connect to a Streamable HTTP MCP server; repeatable. NAME=URL names it (and overrides the url of [mcp.servers.NAME], whose token and headers are kept only for the same scheme, host and port), else its name is the URL's host:port. No token on the command line: set bearer_token_env = "VAR" under [mcp.servers.NAME] [config: mcp.servers.NAME.url]
    #[arg(long, global = true, value_name = "[NAME=]URL", value_parser = parse_mcp_server)]
    pub mcp: Vec<McpServerArg>,

    /// Only tools annotated readOnlyHint may be called, and no silence is created or expired; every refused write is written to the audit log [config: mcp.read_only, alerts.read_only, default false]
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Alertmanager to poll for alerts and silences (API v2), e.g. http://127.0.0.1:9093; repeat for the instances of an HA cluster. Replaces alertmanager.urls; auth and TLS stay in the config [config: alertmanager.urls]
    #[arg(long, global = true, value_name = "URL")]
    pub alertmanager: Vec<String>,

    /// Grafana Loki to read log lines from, e.g. http://127.0.0.1:3100; auth and TLS stay in the config [config: loki.url]
    #[arg(long, global = true, value_name = "URL")]
    pub loki: Option<String>,

    /// LogQL log query of the logs screen, e.g. '{app="mcpist"} |= "error"' [config: loki.query, default {app="<target name>"}]
    #[arg(long, global = true, value_name = "LOGQL")]
    pub logql: Option<String>,

    /// Tenant of a multi-tenant Loki, sent as X-Scope-OrgID [config: loki.tenant]
    #[arg(long, global = true, value_name = "ID")]
    pub loki_tenant: Option<String>,

    /// Colour theme: default, light, high-contrast, solarized-dark, monochrome, or a file themes/NAME.toml in the config dir; NO_COLOR turns colours off [config: ui.theme, default default]
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,

    /// Mouse input: the wheel scrolls, a click on a tab opens it [config: ui.mouse, default: on except over SSH, where it would take the terminal's text selection]
    #[arg(long, global = true, conflicts_with = "no_mouse")]
    pub mouse: bool,

    /// No mouse input, so the terminal's own text selection works [config: ui.mouse = false]
    #[arg(long, global = true)]
    pub no_mouse: bool,

    /// Query mode: read the fleet from a Prometheus-compatible API (Prometheus, Thanos, Mimir, VictoriaMetrics) instead of scraping, e.g. http://127.0.0.1:9090; auth, headers and TLS stay in the config [config: prometheus.url]
    #[arg(long, global = true, value_name = "URL")]
    pub prometheus: Option<String>,

    /// Label matchers of the MCP targets in query mode, e.g. 'job="mcp"' [config: prometheus.selector, default: every series]
    #[arg(long, global = true, value_name = "MATCHERS")]
    pub selector: Option<String>,

    /// Environment to start in, by name (switch later with :env NAME) [config: [[environments]] name]
    #[arg(long, global = true, value_name = "NAME")]
    pub env: Option<String>,

    /// Record what scrape mode receives (the samples the profile reads, health, Alertmanager's alerts, deploy marks, the log lines of Loki and of the MCP servers) into FILE, a new file, as it comes; `mcptop replay FILE` plays it back. Not in query mode [config: record; size limit record_max_bytes, default 100 MB]
    #[arg(long, global = true, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

/// `--profile`: a profile to use, or `list` to print them all.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileFlag {
    /// `--profile list`: print every profile and what it reads, then exit.
    List,
    Use(ProfileChoice),
}

impl std::str::FromStr for ProfileFlag {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "list" => Ok(ProfileFlag::List),
            other => other.parse().map(ProfileFlag::Use),
        }
    }
}

impl WatchArgs {
    /// The profile `--profile` names (not `list`).
    pub fn profile_choice(&self) -> Option<&ProfileChoice> {
        match &self.profile {
            Some(ProfileFlag::Use(p)) => Some(p),
            _ => None,
        }
    }

    /// Whether `--profile list` was given.
    pub fn lists_profiles(&self) -> bool {
        self.profile == Some(ProfileFlag::List)
    }

    /// The flags as the config takes them ([`crate::config::Config::load`]).
    pub fn flags(&self) -> crate::config::flags::Flags {
        crate::config::flags::Flags {
            target: self.target.clone(),
            config: self.config.clone(),
            interval: self.interval,
            timeout: self.timeout,
            window: self.window,
            history: self.history,
            profile: self.profile_choice().cloned(),
            mcp_config: self.mcp_config.clone(),
            mcp: self.mcp.clone(),
            read_only: self.read_only,
            alertmanager: self.alertmanager.clone(),
            loki: self.loki.clone(),
            logql: self.logql.clone(),
            loki_tenant: self.loki_tenant.clone(),
            theme: self.theme.clone(),
            mouse: self.mouse,
            no_mouse: self.no_mouse,
            prometheus: self.prometheus.clone(),
            selector: self.selector.clone(),
            env: self.env.clone(),
            record: self.record.clone(),
        }
    }
}

pub use crate::config::flags::McpServerArg;

/// Reads `[NAME=]URL`. Text before the first `=` is a name only when it holds no `/` (so a
/// URL with `=` in its query stays whole). The URL is checked with the config
/// ([`crate::config::Config::load`]), so that an error never repeats it (clap's own errors
/// quote the value, which may hold a password).
///
/// Errors: an empty name.
fn parse_mcp_server(text: &str) -> Result<McpServerArg, String> {
    let (name, url) = match text.split_once('=') {
        Some((name, url)) if !name.contains('/') => (Some(name.trim()), url.trim()),
        _ => (None, text.trim()),
    };
    if name == Some("") {
        return Err("NAME in NAME=URL is empty".to_string());
    }
    Ok(McpServerArg {
        name: name.map_or_else(|| name_from_url(url), str::to_string),
        url: url.to_string(),
    })
}

/// Reads `TYPICAL,MAX` milliseconds, e.g. `80,2500`.
///
/// Errors: not two whole numbers, or the typical above the maximum.
fn parse_latency(text: &str) -> Result<(u64, u64), String> {
    let (a, b) = text
        .split_once(',')
        .ok_or("expected TYPICAL,MAX in milliseconds, e.g. 80,2500")?;
    let n = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{}` is not a whole number of milliseconds", s.trim()))
    };
    let (typical, max) = (n(a)?, n(b)?);
    if typical > max {
        return Err(format!(
            "the typical latency {typical} is above the maximum {max}"
        ));
    }
    Ok((typical, max))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the bundled demo MCP server on 127.0.0.1 and watch it
    Demo(DemoArgs),
    /// Write an incident report draft (Markdown and JSON) of the target, fleet or environment after collecting for --collect: its tiles and the range they are over, every fleet member's row, firing and pending alerts, alert timeline, top log errors and the queries behind them
    Snapshot(SnapshotArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout, e.g. `mcptop completions bash > /etc/bash_completion.d/mcptop`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout, e.g. `mcptop man > /usr/local/share/man/man1/mcptop.1`
    Man,
    /// Deploy watch without a TUI: one line per interval and target, exit 0 healthy for the whole duration, 1 a criterion breached at a target, 2 a target failing (scrape or /health) three intervals in a row or never judged, 3 bad arguments
    ///
    /// Scrape mode watches each target on its own (--target a --target b, [[targets]], targets_file): one line per target per interval, and the watch fails when any target does, naming it. A target is judged only once its rate window holds the larger of 4 intervals and 30s of data (at most --window); until then its lines say `warming up` and no criterion is evaluated. Query mode (--prometheus) reads the fleet through the API and judges at once.
    ///
    /// Exit codes: 0 every target judged and healthy for the whole duration; 1 a criterion breached at a target (the watch ends at the first breached interval); 2 a target (or the query API) failing three intervals in a row, by its scrape or its /health (an error, a non-2xx answer other than 404, 405, 401 and 403, or a status other than ok), or a target never judged in the whole duration (no request metric); 3 bad arguments, also a --duration that ends before judging can begin.
    Watch(DeployWatchArgs),
    /// Play a recording (--record FILE) back in the dashboard: the same screens fed from the file, no network source; Space pauses, > and < change the speed (1x, 10x, 60x). A file cut off by a crash replays up to its last whole record
    Replay(ReplayArgs),
}

/// `mcptop replay FILE`.
#[derive(Debug, Args, Clone)]
pub struct ReplayArgs {
    /// The recording, made with --record FILE
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `mcptop snapshot`.
#[derive(Debug, Args, Clone)]
pub struct SnapshotArgs {
    /// Print the Markdown to stdout (to paste into a chat) instead of writing files
    #[arg(long)]
    pub stdout: bool,

    /// Directory for the .md and .json files [default: $XDG_STATE_HOME/mcptop/incidents]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// How long to collect before writing, e.g. 30s; a progress line goes to stderr. Scrape mode: mcptop holds no history, so the numbers are over what it collected (the report says over which range) and local rules fire only once their `for` has passed within it; default the rate window (window.range, 5m). Query mode: the API holds the history; default 5s (its first answers, Alertmanager's and Loki's)
    #[arg(long, alias = "gather", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub collect: Option<Duration>,

    /// Write the report of a moment of a recording (--record FILE) instead of collecting: the recording is replayed up to --at
    #[arg(long, value_name = "FILE", requires = "at", conflicts_with = "collect")]
    pub from: Option<PathBuf>,

    /// The moment of --from: RFC 3339 (2026-12-07T03:12:40Z), HH:MM:SS of the recording's first day in UTC, or -14m before its end (also `end`)
    #[arg(
        long,
        value_name = "TIME",
        requires = "from",
        allow_hyphen_values = true
    )]
    pub at: Option<String>,
}

/// `mcptop watch`: the targets (or environment) come from --target / --prometheus / --env
/// and the config, like the dashboard's; what it judges and its exit codes are in the
/// subcommand's help ([`Command::Watch`]) and [`crate::watch`].
#[derive(Debug, Args, Clone)]
pub struct DeployWatchArgs {
    /// How long to watch, e.g. 10m
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub duration: Duration,

    /// Fail when a criterion holds: METRIC OP VALUE [for DURATION], e.g. 'error_rate > 5%', 'p95 > 2s for 1m', 'p95 > 1.5x baseline'; metrics error_rate, p95, p99, rps, up; repeatable. Default: the rollback criteria, 'error_rate > 10%' and 'p95 > 5s'
    #[arg(long = "fail-if", value_name = "CRITERION", value_parser = parse_criterion)]
    pub fail_if: Vec<crate::model::criteria::Criterion>,

    /// Compare relative criteria (1.5x baseline) with this window before the watch started (query mode)
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub baseline: Option<Duration>,

    /// Output: text, or json (one object per line)
    #[arg(long, value_enum, default_value_t = crate::watch::Output::Text)]
    pub output: crate::watch::Output,
}

fn parse_criterion(text: &str) -> Result<crate::model::criteria::Criterion, String> {
    crate::model::criteria::Criterion::parse(text)
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Port to listen on (127.0.0.1 only); 0 picks a free one
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Run only the server (for Prometheus or other tools to scrape); no TUI
    #[arg(long)]
    pub serve_only: bool,

    /// Mean tools/call rate of the built-in load generator, per second
    #[arg(long, default_value_t = 5.0, value_name = "PER_SECOND")]
    pub rate: f64,

    /// Fraction of tool calls that fail (0..1)
    #[arg(long, default_value_t = 0.02, value_name = "RATIO")]
    pub error_ratio: f64,

    /// Latency of the tool calls in milliseconds: the typical (median) call and the slowest
    #[arg(long, default_value = "80,2500", value_name = "TYPICAL,MAX", value_parser = parse_latency)]
    pub latency_ms: (u64, u64),

    /// Start without the load generator
    #[arg(long)]
    pub no_load: bool,
}

#[cfg(test)]
#[path = "cli_config_tests.rs"]
mod config_tests;

#[cfg(test)]
mod flags_tests {
    use std::time::Duration;

    use clap::Parser;

    use super::Cli;
    use crate::config::flags::{Flags, McpServerArg};

    #[test]
    fn every_watch_flag_reaches_the_config() {
        let cli = Cli::try_parse_from([
            "mcptop",
            "-t",
            "http://a:1",
            "-c",
            "/c.toml",
            "--interval",
            "3s",
            "--timeout",
            "1s",
            "--window",
            "2m",
            "--history",
            "1h",
            "--profile",
            "http",
            "--mcp-config",
            "/m.json",
            "--mcp",
            "x=http://m:1/mcp",
            "--read-only",
            "--alertmanager",
            "http://am:9093",
            "--loki",
            "http://l:3100",
            "--logql",
            "{a=\"b\"}",
            "--loki-tenant",
            "t1",
            "--theme",
            "light",
            "--mouse",
            "--prometheus",
            "http://p:9090",
            "--selector",
            "{job=\"j\"}",
            "--env",
            "prod",
            "--record",
            "/r.rec",
        ])
        .expect("flags parse");
        let want = Flags {
            target: vec!["http://a:1".into()],
            config: Some("/c.toml".into()),
            interval: Some(Duration::from_secs(3)),
            timeout: Some(Duration::from_secs(1)),
            window: Some(Duration::from_secs(120)),
            history: Some(Duration::from_secs(3600)),
            profile: Some("http".parse().expect("a profile")),
            mcp_config: vec!["/m.json".into()],
            mcp: vec![McpServerArg {
                name: "x".into(),
                url: "http://m:1/mcp".into(),
            }],
            read_only: true,
            alertmanager: vec!["http://am:9093".into()],
            loki: Some("http://l:3100".into()),
            logql: Some("{a=\"b\"}".into()),
            loki_tenant: Some("t1".into()),
            theme: Some("light".into()),
            mouse: true,
            no_mouse: false,
            prometheus: Some("http://p:9090".into()),
            selector: Some("{job=\"j\"}".into()),
            env: Some("prod".into()),
            record: Some("/r.rec".into()),
        };
        assert_eq!(cli.watch.flags(), want);
    }
}
