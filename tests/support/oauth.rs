//! The OAuth-protected Python peer (`tests/peers/python/oauth_server.py`) and what the
//! OAuth tests do with it: play the browser, read the tokens it issued, capture the log.

use std::sync::{Arc, Mutex};

use super::peers::{self, EverythingHttp};

/// The OAuth peer and the files it writes.
pub struct Server {
    pub http: EverythingHttp,
    pub dir: tempfile::TempDir,
}

impl Server {
    /// Starts the peer; `ttl`: lifetime of its access tokens in seconds.
    pub fn start(ttl: u32) -> Option<Server> {
        Self::start_with(ttl, &[])
    }

    /// Starts the peer with more environment (see its docstring).
    pub fn start_with(ttl: u32, env: &[(&str, &str)]) -> Option<Server> {
        let (python, script) = peers::python_oauth_server()?;
        let dir = tempfile::tempdir().expect("temp dir");
        let port = peers::free_port();
        let tokens = dir.path().join("issued");
        let registered = dir.path().join("registered");
        let ttl = ttl.to_string();
        let mut all = vec![
            ("MCPTOP_OAUTH_TOKENS", tokens.to_str().expect("utf-8 path")),
            (
                "MCPTOP_OAUTH_REGISTERED",
                registered.to_str().expect("utf-8 path"),
            ),
            ("MCPTOP_OAUTH_TTL", ttl.as_str()),
        ];
        all.extend_from_slice(env);
        let http = EverythingHttp::start_python(&python, &script, port, &all);
        Some(Server { http, dir })
    }

    pub fn url(&self) -> String {
        self.http.url()
    }

    /// Every token the server issued so far, oldest first, with its kind.
    pub fn issued(&self) -> Vec<(String, String)> {
        std::fs::read_to_string(self.dir.path().join("issued"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(k, t)| (k.to_string(), t.to_string()))
            .collect()
    }

    pub fn access_tokens(&self) -> Vec<String> {
        self.issued()
            .into_iter()
            .filter(|(k, _)| k == "access")
            .map(|(_, t)| t)
            .collect()
    }

    pub fn registrations(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("registered"))
            .unwrap_or_default()
            .lines()
            .count()
    }
}

impl Server {
    /// The peer again on `port`, writing to the files of `dir`.
    pub fn restart(port: u16, dir: tempfile::TempDir) -> Server {
        let (python, script) = peers::python_oauth_server().expect("found before");
        let tokens = dir.path().join("issued");
        let registered = dir.path().join("registered");
        let http = EverythingHttp::start_python(
            &python,
            &script,
            port,
            &[
                ("MCPTOP_OAUTH_TOKENS", tokens.to_str().expect("utf-8 path")),
                (
                    "MCPTOP_OAUTH_REGISTERED",
                    registered.to_str().expect("utf-8 path"),
                ),
            ],
        );
        Server { http, dir }
    }
}

/// What tracing wrote, at `debug` (rmcp at `warn`), as `MCPTOP_LOG=debug` logs.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

/// The browser: GETs the authorization URL (the server approves at once) and returns where
/// it redirects to, without following it.
pub async fn approve(auth_url: &str) -> String {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let answer = browser
        .get(auth_url)
        .send()
        .await
        .expect("authorize answers");
    assert!(
        answer.status().is_redirection(),
        "authorize: HTTP {}",
        answer.status()
    );
    answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("a Location")
        .to_string()
}

/// The log of this test binary: tracing at `debug` (rmcp at `warn`, as `MCPTOP_LOG=debug`
/// logs), from every test and thread, installed as the global subscriber on first use. (A
/// subscriber per test, `set_default`, loses events when tests run in parallel: tracing
/// caches whether a call site is enabled across all of them.)
pub fn log() -> &'static Captured {
    static LOG: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug,rmcp=warn"))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        // Only fails when another subscriber was set first, which nothing here does.
        let _ = tracing::subscriber::set_global_default(subscriber);
        captured
    })
}
