//! The real MCP servers the MCP client's tests talk to, installed (pinned) by
//! `scripts/install-peers.sh` under `tests/peers/`: server-everything (npm, stdio or
//! Streamable HTTP) and a small Python server on PyPI `mcp` (`tests/peers/python/server.py`).
//!
//! A missing peer skips the test with a printed reason on a laptop and fails it under CI
//! (`CI=true`), like [`super::require_program`].

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mcptop::config::mcp::McpTransport;

/// `tests/peers` of this checkout.
pub fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("peers")
}

fn require(found: bool, what: &str) -> bool {
    if !found {
        super::skip::skip(what, "scripts/install-peers.sh installs it");
    }
    found
}

/// server-everything's entry script, if installed (and node is on PATH).
pub fn everything_script() -> Option<PathBuf> {
    if !super::require_program("node") {
        return None;
    }
    let script =
        peers_dir().join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    require(script.is_file(), "server-everything (npm)").then_some(script)
}

/// The venv's python and the Python peer's script, if installed.
pub fn python_server() -> Option<(PathBuf, PathBuf)> {
    let python = peers_dir().join(".venv/bin/python");
    let script = peers_dir().join("python/server.py");
    let found = python.is_file() && script.is_file();
    require(
        found,
        "the Python MCP peer (tests/peers/.venv with PyPI mcp)",
    )
    .then_some((python, script))
}

/// The venv's python and the OAuth-protected Python peer
/// (`tests/peers/python/oauth_server.py`), if installed.
pub fn python_oauth_server() -> Option<(PathBuf, PathBuf)> {
    let python = peers_dir().join(".venv/bin/python");
    let script = peers_dir().join("python/oauth_server.py");
    let found = python.is_file() && script.is_file();
    require(
        found,
        "the Python MCP peer (tests/peers/.venv with PyPI mcp)",
    )
    .then_some((python, script))
}

/// server-everything over stdio.
pub fn everything_stdio(script: &Path) -> McpTransport {
    McpTransport::Stdio {
        command: "node".into(),
        args: vec![script.display().to_string(), "stdio".into()],
        env: BTreeMap::new(),
        cwd: None,
    }
}

/// The Python peer over stdio, with extra environment (see its docstring).
pub fn python_stdio(python: &Path, script: &Path, env: BTreeMap<String, String>) -> McpTransport {
    McpTransport::Stdio {
        command: python.display().to_string(),
        args: vec![script.display().to_string()],
        env,
        cwd: Some(peers_dir()),
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind an ephemeral port");
    l.local_addr().expect("local addr").port()
}

/// server-everything's Streamable HTTP transport, killed on drop. It listens on every
/// interface; the tests only ever address it at 127.0.0.1.
pub struct EverythingHttp {
    child: Child,
    pub port: u16,
}

impl EverythingHttp {
    /// Starts it on `port` and waits (up to 20 s) until it accepts connections.
    pub fn start(script: &Path, port: u16) -> EverythingHttp {
        Self::start_mode(script, port, "streamableHttp")
    }

    /// Its legacy HTTP+SSE transport (`GET /sse` + `POST /message`) instead.
    pub fn start_legacy_sse(script: &Path, port: u16) -> EverythingHttp {
        Self::start_mode(script, port, "sse")
    }

    /// The Python peer (`python_server()`) over Streamable HTTP on `port`, with `env`
    /// added to its environment.
    pub fn start_python(
        python: &Path,
        script: &Path,
        port: u16,
        env: &[(&str, &str)],
    ) -> EverythingHttp {
        let mut cmd = Command::new(python);
        cmd.arg(script)
            .env("MCPTOP_PEER_HTTP_PORT", port.to_string())
            .envs(env.iter().copied());
        Self::spawn_listening(cmd, port)
    }

    fn start_mode(script: &Path, port: u16, mode: &str) -> EverythingHttp {
        let mut cmd = Command::new("node");
        cmd.arg(script).arg(mode).env("PORT", port.to_string());
        Self::spawn_listening(cmd, port)
    }

    fn spawn_listening(mut cmd: Command, port: u16) -> EverythingHttp {
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the MCP peer over HTTP");
        let server = EverythingHttp { child, port };
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the MCP peer did not listen on {addr} within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Its endpoint, on loopback.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/mcp", self.port)
    }

    /// SIGKILL, and wait until it is gone.
    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for EverythingHttp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether process `pid` is alive (signal 0).
pub fn alive(pid: u32) -> bool {
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// SIGKILL to `pid`.
pub fn kill_pid(pid: u32) {
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -KILL {pid} failed");
}

/// Reads a pid the Python peer wrote, waiting up to 20 s for it to appear (and differ from
/// `not`, for a respawned server).
pub fn read_pid(file: &Path, not: Option<u32>) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(pid) = std::fs::read_to_string(file)
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
            .filter(|p| Some(*p) != not)
        {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "no new pid in {}",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
