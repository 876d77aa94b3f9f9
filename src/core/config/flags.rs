//! What the command line sets over the config file, as plain data: the config knows no
//! command-line parser (`cli::WatchArgs::flags` makes this from clap's arguments), so the
//! layer below the terminal and the parser can load a config from flags of any origin.

use std::path::PathBuf;
use std::time::Duration;

use crate::model::profile::ProfileChoice;

/// The flags that override or extend the config file; `Default` is "none given".
/// Durations are as given (`--interval 2s`); each field names its flag.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flags {
    /// `--target URL`, repeatable: replaces `[target] url`, `[[targets]]`, `targets_file`.
    pub target: Vec<String>,
    /// `--config PATH`: the file to read instead of the default one.
    pub config: Option<PathBuf>,
    /// `--interval`: `scrape.interval`.
    pub interval: Option<Duration>,
    /// `--timeout`: `scrape.timeout`.
    pub timeout: Option<Duration>,
    /// `--window`: the rate window.
    pub window: Option<Duration>,
    /// `--history`: how much history is kept.
    pub history: Option<Duration>,
    /// `--profile NAME` (not `list`, which the command line answers itself).
    pub profile: Option<ProfileChoice>,
    /// `--mcp-config PATH`, repeatable: MCP client configs to import.
    pub mcp_config: Vec<PathBuf>,
    /// `--mcp [NAME=]URL`, repeatable.
    pub mcp: Vec<McpServerArg>,
    /// `--read-only`.
    pub read_only: bool,
    /// `--alertmanager URL`, repeatable (an HA cluster).
    pub alertmanager: Vec<String>,
    /// `--loki URL`.
    pub loki: Option<String>,
    /// `--logql QUERY`.
    pub logql: Option<String>,
    /// `--loki-tenant ID`.
    pub loki_tenant: Option<String>,
    /// `--theme NAME`.
    pub theme: Option<String>,
    /// `--mouse`.
    pub mouse: bool,
    /// `--no-mouse`.
    pub no_mouse: bool,
    /// `--prometheus URL`: query mode.
    pub prometheus: Option<String>,
    /// `--selector MATCHERS`: query mode's series selector.
    pub selector: Option<String>,
    /// `--env NAME`: the environment to start in.
    pub env: Option<String>,
    /// `--record FILE`: `record`.
    pub record: Option<PathBuf>,
}

/// An MCP server given on the command line with `--mcp [NAME=]URL`.
#[derive(Debug, Clone, PartialEq)]
pub struct McpServerArg {
    /// `NAME` when given, else the URL's `host:port`.
    pub name: String,
    /// An `http://` or `https://` URL.
    pub url: String,
}
