//! A hostile world for the trust tests: every upstream answers with success, and in those
//! successful answers echoes the planted token and plants terminal escape sequences.
//!
//! - a scrape target whose `/metrics` (tool names, error types, HELP) and `/health` (its
//!   version) carry the token and the escape corpus; it counts up, so rates are not zero;
//! - a real Alertmanager holding an alert with them in its labels and annotations;
//! - the Loki stand-in with log lines holding them, the basic-auth credential's base64 too;
//! - the Python MCP peer over Streamable HTTP, whose `whoami` echoes the request's
//!   `Authorization` header and a banner of escapes;
//! - for query mode, a real Prometheus scraping the target, behind a proxy that adds a
//!   `warnings` entry with the token and an escape to each of its successful answers.
//!
//! mcptop is given the token as its bearer token for each of them (and as Loki's
//! basic-auth password), so it knows it is a secret.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::routing::{any, get};
use serde_json::{Value, json};

use super::alertmanager::{Alertmanager, CONFIG};
use super::loki::{Entry, FakeLoki, Options};
use super::peers::{self, EverythingHttp};
use super::prometheus::{Job, Prometheus};

/// OSC 52: writes the clipboard of the operator's terminal.
pub const OSC52: &str = "\u{1b}]52;c;UEFTVEVE\u{7}";
/// OSC 0: sets the window title.
pub const OSC0: &str = "\u{1b}]0;PWNTITLE\u{7}";
/// CSI 2J: clears the screen.
pub const CSI_CLEAR: &str = "\u{1b}[2JCLEARED";
/// An 8-bit CSI (C1 U+009B) starting a colour.
pub const C1_CSI: &str = "\u{9b}31mCONE";
/// A right-to-left override, popped.
pub const BIDI: &str = "\u{202e}DIBI\u{202c}";
/// A left-to-right isolate.
pub const ISOLATE: &str = "\u{2066}ISO\u{2069}";

/// The basic-auth user mcptop sends to Loki.
pub const LOKI_USER: &str = "ops";

/// Byte sequences that must never appear in anything mcptop writes: the corpus' escape
/// sequences, any C1 control (UTF-8 `C2 80`-`C2 9F`) and any bidi override or isolate.
pub fn forbidden(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for (name, seq) in [
        ("OSC 52", &b"\x1b]52"[..]),
        ("OSC 0", b"\x1b]0;PWN"),
        ("CSI 2J (planted)", b"\x1b[2JCLEARED"),
    ] {
        if bytes.windows(seq.len()).any(|w| w == seq) {
            found.push(name.to_string());
        }
    }
    for w in bytes.windows(3) {
        let c1 = w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]);
        let bidi = w[0] == 0xe2
            && ((w[1] == 0x80 && (0xaa..=0xae).contains(&w[2]))
                || (w[1] == 0x81 && (0xa6..=0xa9).contains(&w[2])));
        if c1 || bidi {
            found.push(format!("{:02x} {:02x} {:02x}", w[0], w[1], w[2]));
        }
    }
    found.dedup();
    found
}

/// base64 of `user:password`, as `Authorization: Basic` carries it.
pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

/// The running world; everything stops when it is dropped.
pub struct World {
    pub token: String,
    pub rt: tokio::runtime::Runtime,
    pub target: String,
    pub loki: FakeLoki,
    pub am: Alertmanager,
    pub peer: EverythingHttp,
    /// mcptop's state and config home.
    pub dir: tempfile::TempDir,
}

impl World {
    /// Starts it all. `None` (the test skips with a printed reason) when Alertmanager or
    /// the Python peer is missing outside CI; under CI that fails.
    pub fn start() -> Option<World> {
        let (python, script) = peers::python_server()?;
        let token = format!("planted-{}-Zq7xT0kEn9", std::process::id());
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let am = Alertmanager::start(CONFIG)?;
        let (target, loki) = rt.block_on(async {
            let target = super::serve::serve(target_app(token.clone())).await;
            let loki = FakeLoki::start(Options::default()).await;
            (format!("http://{target}"), loki)
        });
        let now_ns = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
        let b64 = basic(LOKI_USER, &token);
        loki.push(vec![
            Entry::new(
                &[("app", "hostile"), ("level", "error")],
                now_ns - 2_000_000_000,
                &format!(
                    "level=error msg=\"LOKILINE{CSI_CLEAR}{C1_CSI} upstream said \
                     Authorization: Basic {b64} and Bearer {token}\""
                ),
            ),
            Entry::new(
                &[("app", "hostile"), ("level", "warn")],
                now_ns - 1_000_000_000,
                &json!({"level": "warn", "msg": format!("JSONLINE{OSC52}{BIDI}")}).to_string(),
            ),
        ]);
        rt.block_on(am.post_alerts(json!([{
            "labels": {
                "alertname": "McpHighErrorRate",
                "severity": "warning",
                "service": "hostile",
                "tool": format!("ALERTLABEL{BIDI}{token}"),
            },
            "annotations": {
                "summary": format!("ALERTSUMMARY error rate high for Bearer {token} {OSC0}"),
                "description": format!("{CSI_CLEAR} then {OSC52}"),
            },
        }])));
        let port = peers::free_port();
        let banner = format!(" PEERBANNER{ISOLATE}{OSC52}");
        let peer = EverythingHttp::start_python(
            &python,
            &script,
            port,
            &[("MCPTOP_PEER_BANNER", &banner)],
        );
        let dir = tempfile::tempdir().expect("tempdir");
        Some(World {
            token,
            rt,
            target,
            loki,
            am,
            peer,
            dir,
        })
    }

    /// A config for scrape mode with every source of the world, the token from
    /// `MCPTOP_PLANTED`, and `F5` calling the peer's `whoami`.
    pub fn scrape_config(&self) -> PathBuf {
        self.write_config(
            "scrape.toml",
            &format!(
                "[target]\nurl = \"{t}/metrics\"\nbearer_token_env = \"MCPTOP_PLANTED\"\n\
                 [window]\nrange = \"30s\"\n\
                 [[bindings]]\nkey = \"F5\"\nserver = \"peer\"\ntool = \"whoami\"\n\
                 [loki]\nurl = \"{l}\"\nquery = '{{app=\"hostile\"}}'\n\
                 basic_auth_user = \"{LOKI_USER}\"\nbasic_auth_password_env = \"MCPTOP_PLANTED\"\n\
                 [alertmanager]\nurls = [\"{a}\"]\nbearer_token_env = \"MCPTOP_PLANTED\"\n\
                 [mcp.servers.peer]\nurl = \"{p}\"\nbearer_token_env = \"MCPTOP_PLANTED\"\n",
                t = self.target,
                l = self.loki.url(),
                a = self.am.url(),
                p = self.peer.url(),
            ),
        )
    }

    /// A config for query mode against `prometheus` (the warnings proxy's URL).
    pub fn query_config(&self, prometheus: &str) -> PathBuf {
        self.write_config(
            "query.toml",
            &format!(
                "[prometheus]\nurl = \"{prometheus}\"\nbearer_token_env = \"MCPTOP_PLANTED\"\n\
                 selector = 'job=\"hostile\"'\n"
            ),
        )
    }

    fn write_config(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        let mut f = std::fs::File::create(&path).expect("config");
        f.write_all(text.as_bytes()).expect("config written");
        path
    }

    /// A real Prometheus scraping the target every second, behind a proxy that adds a
    /// warning with the token and an escape to every answer; the proxy's URL. `None` when
    /// Prometheus is missing outside CI.
    pub fn prometheus(&self) -> Option<(Prometheus, String)> {
        let host = self.target.trim_start_matches("http://").to_string();
        let prom = Prometheus::start(
            &[Job {
                name: "hostile",
                targets: vec![host],
            }],
            1000,
        )?;
        let warning = format!(
            "PROMWARNING partial answer for Bearer {} {OSC0}",
            self.token
        );
        let upstream = prom.url();
        let proxy = self.rt.block_on(super::serve::serve(
            axum::Router::new()
                .fallback(any(warn_proxy))
                .with_state(Arc::new((upstream, warning))),
        ));
        Some((prom, format!("http://{proxy}")))
    }

    /// The environment and binary for a shell line running mcptop in this world.
    pub fn command(&self, config: &Path, args: &str) -> String {
        let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
        format!(
            "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state MCPTOP_LOG=trace \
             MCPTOP_PLANTED={token} {bin} --config {c} {args}",
            d = super::tmux::shell_quote(self.dir.path()),
            c = super::tmux::shell_quote(config),
            bin = super::tmux::shell_quote(bin),
            token = self.token,
        )
    }

    /// Runs mcptop to the end outside a terminal (`watch`, `snapshot --stdout`) and returns
    /// its stdout and stderr.
    pub fn run(&self, config: &Path, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mcptop"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("MCPTOP_LOG", "trace")
            .env("MCPTOP_PLANTED", &self.token)
            .arg("--config")
            .arg(config)
            .args(args)
            .output()
            .expect("mcptop runs");
        (out.stdout, out.stderr)
    }
}

/// The hostile target: `/metrics` in the shape of `mcp_tool_calls_total` servers, every
/// value times the number of scrapes so far; `/health` with a planted version.
fn target_app(token: String) -> axum::Router {
    let scrapes = Arc::new(AtomicU64::new(0));
    let health_token = token.clone();
    axum::Router::new()
        .route(
            "/metrics",
            get(move || {
                let n = scrapes.fetch_add(1, Ordering::SeqCst) + 1;
                let body = exposition(&token, n);
                async move { ([("content-type", "text/plain; version=0.0.4")], body) }
            }),
        )
        .route(
            "/health",
            get(move || {
                let body = json!({
                    "status": "ok",
                    "version": format!("HEALTHVERSION{BIDI}{OSC52}{health_token}"),
                })
                .to_string();
                async move { ([("content-type", "application/json")], body) }
            }),
        )
}

fn exposition(token: &str, n: u64) -> String {
    let tools = [
        format!("TOOLOSC{OSC0}"),
        format!("TOOLBIDI{BIDI}"),
        format!("TOOLLEAK-{token}"),
        format!("TOOLC1{C1_CSI}"),
    ];
    let mut out = format!(
        "# HELP mcp_tool_calls_total Total calls{OSC52}\n# TYPE mcp_tool_calls_total counter\n"
    );
    for (i, tool) in tools.iter().enumerate() {
        let ok = (10 + i as u64) * n;
        out.push_str(&format!(
            "mcp_tool_calls_total{{status=\"success\",tool_name=\"{tool}\"}} {ok}\n\
             mcp_tool_calls_total{{status=\"error\",tool_name=\"{tool}\"}} {n}\n"
        ));
    }
    out.push_str("# HELP mcp_tool_errors_total Errors\n# TYPE mcp_tool_errors_total counter\n");
    for tool in &tools {
        out.push_str(&format!(
            "mcp_tool_errors_total{{error_type=\"ERRTYPE{CSI_CLEAR}\",tool_name=\"{tool}\"}} {n}\n"
        ));
    }
    out.push_str(
        "# HELP mcp_tool_duration_seconds Duration\n# TYPE mcp_tool_duration_seconds histogram\n",
    );
    for (i, tool) in tools.iter().enumerate() {
        let count = (11 + i as u64) * n;
        for (le, share) in [("0.1", 0.5), ("0.5", 0.9), ("1.0", 1.0), ("+Inf", 1.0)] {
            let v = (count as f64 * share).floor();
            out.push_str(&format!(
                "mcp_tool_duration_seconds_bucket{{le=\"{le}\",tool_name=\"{tool}\"}} {v}\n"
            ));
        }
        out.push_str(&format!(
            "mcp_tool_duration_seconds_count{{tool_name=\"{tool}\"}} {count}\n\
             mcp_tool_duration_seconds_sum{{tool_name=\"{tool}\"}} {}\n",
            count as f64 * 0.2
        ));
    }
    out
}

/// Forwards a request to the real Prometheus and adds a warning to a JSON object answer.
async fn warn_proxy(
    State(state): State<Arc<(String, String)>>,
    req: Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (upstream, warning) = (&state.0, &state.1);
    let url = format!(
        "{upstream}{}",
        req.uri().path_and_query().map_or("/", |pq| pq.as_str())
    );
    let method = req.method().clone();
    let body = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let client = reqwest::Client::new();
    let resp = match client
        .request(method, &url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_vec())
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => return (axum::http::StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let status = axum::http::StatusCode::from_u16(resp.status().as_u16())
        .unwrap_or(axum::http::StatusCode::BAD_GATEWAY);
    let bytes = resp.bytes().await.unwrap_or_default();
    let body = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(mut map)) => {
            map.insert("warnings".into(), json!([warning]));
            Value::Object(map).to_string().into_bytes()
        }
        _ => bytes.to_vec(),
    };
    (status, [("content-type", "application/json")], body).into_response()
}
