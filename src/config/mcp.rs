//! The embedded MCP client's configuration: servers to connect to, call and ping settings,
//! and key bindings to tools.
//!
//! ```toml
//! [mcp]
//! call_timeout = "30s"
//! import = ["~/.config/Claude/claude_desktop_config.json", ".mcp.json"]
//!
//! [mcp.servers.prod]
//! url = "https://mcp.example.com/mcp"
//! bearer_token_env = "PROD_MCP_TOKEN"
//!
//! [mcp.servers.local]
//! command = "npx"
//! args = ["-y", "@modelcontextprotocol/server-everything"]
//!
//! [[bindings]]
//! key = "F5"
//! server = "prod"
//! tool = "cache.flush"
//! args = { region = "ap-northeast-1" }
//! confirm = true
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// One MCP server the client connects to.
#[derive(Debug, Clone, PartialEq)]
pub struct McpServerConfig {
    /// Name used in bindings and shown in panels (the table key).
    pub name: String,
    pub transport: McpTransport,
}

/// How to reach a server.
#[derive(Debug, Clone, PartialEq)]
pub enum McpTransport {
    /// Streamable HTTP: POST/GET on one endpoint URL (often `/mcp`).
    Http {
        url: String,
        /// Extra request headers, sent as given (values may come from the environment when
        /// imported from `${env:VAR}` references).
        headers: BTreeMap<String, String>,
        /// Bearer token source; the token itself is never stored in the config.
        token: Option<SecretSource>,
    },
    /// A child process speaking JSON-RPC on stdin/stdout; its stderr is captured.
    Stdio {
        command: String,
        args: Vec<String>,
        /// Added to (not replacing) mcptop's environment.
        env: BTreeMap<String, String>,
        cwd: Option<PathBuf>,
    },
    /// A legacy HTTP+SSE endpoint (protocol 2024-11-05). Kept so the panel can say plainly
    /// that rmcp 3.x has no client for it.
    Sse { url: String },
}

/// Where a secret comes from: never the command line, never the config text itself.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretSource {
    /// The value of an environment variable.
    Env(String),
    /// The trimmed contents of a file.
    File(PathBuf),
}

/// Settings of the client as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct McpSettings {
    /// Timeout of one tools/call (rmcp has none by default).
    pub call_timeout: Duration,
    /// Time between two pings; a ping also detects a dead connection.
    pub ping_interval: Duration,
    /// Timeout of connecting plus `initialize`.
    pub connect_timeout: Duration,
    /// Level asked of servers with `logging/setLevel` (`debug` .. `emergency`).
    pub log_level: String,
    /// Log lines kept per server (stderr and notifications together).
    pub log_lines: usize,
}

impl Default for McpSettings {
    fn default() -> Self {
        Self {
            call_timeout: Duration::from_secs(30),
            ping_interval: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(10),
            log_level: "info".to_string(),
            log_lines: 1000,
        }
    }
}
