//! Integration: OAuth 2.1 against a real authorization server, the Python peer
//! `tests/peers/python/oauth_server.py` (PyPI `mcp`'s own authorization-server routes: 401
//! with a challenge, protected-resource and authorization-server metadata, dynamic client
//! registration, PKCE, refresh). Its `authorize` approves at once, so the test plays the
//! browser: it GETs the authorization URL the source shows without following the redirect,
//! then either GETs the redirect itself (the loopback listener catches it) or pastes it
//! through `McpCommand::Authorize`, as the TUI's paste line does.
//!
//! Every token the server issues is written to a file; none may appear in what the source
//! sends the app (which is all the screens and the audit log can show), in the log at
//! `debug`, or in any file of the token directory but the token file.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use mcptop::config::endpoint::{HttpAuth, HttpSettings};
use mcptop::config::mcp::{McpServerConfig, McpSettings, McpTransport};
use mcptop::model::mcp::{CallId, CallOutcome, ConnState, McpCommand, McpUpdate, Pasted};
use mcptop::sources::Update;
use mcptop::sources::mcp::{self, McpHandle};
use serde_json::json;
use support::oauth::{Captured, Server, approve};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Long enough for a slow CI machine.
const WAIT: Duration = Duration::from_secs(40);

/// One source under test and everything it sent.
struct Probe {
    rx: mpsc::Receiver<Update>,
    handle: Option<McpHandle>,
    tasks: JoinSet<()>,
    seen: Vec<McpUpdate>,
}

impl Probe {
    fn start(url: &str, token_dir: &Path) -> Probe {
        Self::start_with(url, token_dir, HttpSettings::default())
    }

    /// With the HTTP settings of the server's config entry.
    fn start_with(url: &str, token_dir: &Path, http: HttpSettings) -> Probe {
        let (tx, rx) = mpsc::channel(1024);
        let mut tasks = JoinSet::new();
        let cfg = McpServerConfig {
            name: "guarded".into(),
            transport: McpTransport::Http {
                url: url.to_string(),
                http,
            },
        };
        let settings = McpSettings {
            token_dir: Some(token_dir.to_path_buf()),
            ..support::mcp_fixture::client_settings("debug")
        };
        let handle = mcp::spawn(0, cfg, settings, tx, &mut tasks);
        Probe {
            rx,
            handle: Some(handle),
            tasks,
            seen: Vec::new(),
        }
    }

    fn send(&self, cmd: McpCommand) {
        self.handle
            .as_ref()
            .expect("handle")
            .send(cmd)
            .expect("queued");
    }

    async fn next<T>(&mut self, what: &str, mut pick: impl FnMut(&McpUpdate) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let update = match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(Update::Mcp(u))) => u,
                Ok(Some(other)) => panic!("not an MCP update: {other:?}"),
                Ok(None) => panic!("source ended while waiting for {what}"),
                Err(_) => panic!("no {what} within {WAIT:?}; seen: {:#?}", self.tail()),
            };
            let picked = pick(&update);
            self.seen.push(update);
            if let Some(t) = picked {
                return t;
            }
        }
    }

    fn tail(&self) -> &[McpUpdate] {
        &self.seen[self.seen.len().saturating_sub(12)..]
    }

    /// The authorization URL and the loopback redirect URI, once the source asks.
    async fn authorizing(&mut self) -> (String, String) {
        self.next("the authorization URL", |u| match u {
            McpUpdate::State {
                state: ConnState::Authorizing { url, callback, .. },
                ..
            } => Some((url.clone(), callback.clone())),
            _ => None,
        })
        .await
    }

    async fn connected(&mut self) {
        self.next("Connected", |u| match u {
            McpUpdate::State {
                state: ConnState::Connected,
                ..
            } => Some(()),
            McpUpdate::State {
                state: ConnState::Failed(e),
                ..
            } => panic!("failed: {e}"),
            _ => None,
        })
        .await
    }

    async fn echo(&mut self, id: u64, text: &str) {
        self.send(McpCommand::Call {
            call: CallId(id),
            tool: "echo".into(),
            arguments: json!({ "text": text })
                .as_object()
                .cloned()
                .unwrap_or_default(),
            timeout: Duration::from_secs(20),
            idempotent: false,
        });
        let outcome = self
            .next(&format!("the end of call {id}"), |u| match u {
                McpUpdate::CallDone { call, outcome, .. } if *call == CallId(id) => {
                    Some(outcome.clone())
                }
                _ => None,
            })
            .await;
        match outcome {
            CallOutcome::Result(r) => assert!(!r.is_error, "echo failed: {r:?}"),
            other => panic!("echo did not succeed: {other:?}"),
        }
    }

    async fn stop(mut self) {
        self.handle = None;
        while self.tasks.join_next().await.is_some() {}
    }
}

/// The token file of the source (the only file it writes in `dir`).
fn token_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// No token the server issued appears in `text`, which is named `what`.
fn assert_no_token(server: &Server, what: &str, text: &str) {
    let issued = server.issued();
    assert!(!issued.is_empty(), "the server issued no token");
    for (kind, token) in issued {
        assert!(!text.contains(&token), "a {kind} token appears in {what}");
    }
}

/// Checks the token dir: one file, 0600, holding the newest access token; and no token
/// anywhere else.
fn check_secrets(server: &Server, probe: &Probe, log: &Captured, token_dir: &Path) {
    let files = token_files(token_dir);
    assert_eq!(files.len(), 1, "one token file: {files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0])
            .expect("token file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "token file mode");
    }
    let stored = std::fs::read_to_string(&files[0]).expect("token file");
    let newest = server.access_tokens().pop().expect("an access token");
    assert!(
        stored.contains(&newest),
        "the token file holds the newest access token"
    );
    assert_no_token(
        server,
        "the updates sent to the app",
        &format!("{:?}", probe.seen),
    );
    let log = log.text();
    assert!(
        log.contains("OAuth authorization complete"),
        "the log was captured: {log}"
    );
    // The whole binary's log: no token of this server in any test's lines.
    assert_no_token(server, "the debug log", &log);
}

#[tokio::test]
async fn the_loopback_redirect_authorizes_and_the_tokens_stay_in_their_file() {
    let Some(server) = Server::start(3600) else {
        return;
    };
    let log = support::oauth::log();
    let tokens = tempfile::tempdir().expect("temp dir");
    let mut probe = Probe::start(&server.url(), tokens.path());
    let (auth_url, callback) = probe.authorizing().await;
    assert!(
        auth_url.contains("code_challenge_method=S256"),
        "PKCE: {auth_url}"
    );
    assert!(callback.starts_with("http://127.0.0.1:"), "{callback}");
    let location = approve(&auth_url).await;
    assert!(location.starts_with(&callback), "{location} vs {callback}");
    // The browser follows the redirect to the loopback listener.
    let page = reqwest::get(&location).await.expect("the listener answers");
    assert!(
        page.status().is_success(),
        "callback: HTTP {}",
        page.status()
    );
    probe.connected().await;
    probe.echo(1, "through OAuth").await;
    assert_eq!(server.registrations(), 1, "one dynamic registration");
    check_secrets(&server, &probe, log, tokens.path());
    probe.stop().await;
}

#[tokio::test]
async fn a_pasted_redirect_authorizes_after_a_wrong_paste_is_refused() {
    let Some(server) = Server::start(3600) else {
        return;
    };
    let log = support::oauth::log();
    let tokens = tempfile::tempdir().expect("temp dir");
    let mut probe = Probe::start(&server.url(), tokens.path());
    let (auth_url, callback) = probe.authorizing().await;
    let location = approve(&auth_url).await;
    // A redirect of another authorization (its state differs) is refused and the
    // authorization keeps waiting, saying why.
    probe.send(McpCommand::Authorize {
        pasted: Pasted(format!("{callback}?code=stale&state=another")),
    });
    let why = probe
        .next("the refusal of the wrong paste", |u| match u {
            McpUpdate::State {
                state: ConnState::Authorizing { error: Some(e), .. },
                ..
            } => Some(e.clone()),
            _ => None,
        })
        .await;
    assert!(why.contains("state differs"), "{why}");
    probe.send(McpCommand::Authorize {
        pasted: Pasted(location),
    });
    probe.connected().await;
    probe.echo(1, "pasted").await;
    check_secrets(&server, &probe, log, tokens.path());
    probe.stop().await;
}

#[tokio::test]
async fn tokens_are_refreshed_before_they_expire_and_reused_by_the_next_start() {
    // rmcp refreshes an access token within 30 s of its expiry: one of 33 s is refreshed
    // about 3 s after it was issued, while the pings go on.
    let Some(server) = Server::start(33) else {
        return;
    };
    let log = support::oauth::log();
    let tokens = tempfile::tempdir().expect("temp dir");
    let mut probe = Probe::start(&server.url(), tokens.path());
    let (auth_url, _) = probe.authorizing().await;
    let location = approve(&auth_url).await;
    probe.send(McpCommand::Authorize {
        pasted: Pasted(location),
    });
    probe.connected().await;
    let first = server.access_tokens();
    assert_eq!(first.len(), 1, "one token issued by the authorization");
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut n = 0;
    while server.access_tokens().len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no refresh within {WAIT:?}"
        );
        // Calls (and pings) are what make the client look at the token's age.
        n += 1;
        probe.echo(n, "keep going").await;
    }
    probe.echo(1000, "after the refresh").await;
    check_secrets(&server, &probe, log, tokens.path());
    probe.stop().await;

    // A second start finds the tokens and connects without a new authorization.
    let mut again = Probe::start(&server.url(), tokens.path());
    again.connected().await;
    assert!(
        !again.seen.iter().any(|u| matches!(
            u,
            McpUpdate::State {
                state: ConnState::Authorizing { .. },
                ..
            }
        )),
        "asked for authorization again"
    );
    again.echo(1, "second start").await;
    assert_eq!(server.registrations(), 1, "no new registration");
    check_secrets(&server, &again, log, tokens.path());
    again.stop().await;
}

#[tokio::test]
async fn a_token_the_server_refuses_is_refreshed_and_the_call_still_succeeds() {
    // Announced for an hour, refused after 2 s: the client learns it from a 401, refreshes
    // once and sends the request again.
    let Some(server) = Server::start_with(3600, &[("MCPTOP_OAUTH_REVOKE_AFTER", "2")]) else {
        return;
    };
    let log = support::oauth::log();
    let tokens = tempfile::tempdir().expect("temp dir");
    let mut probe = Probe::start(&server.url(), tokens.path());
    let (auth_url, _) = probe.authorizing().await;
    let location = approve(&auth_url).await;
    probe.send(McpCommand::Authorize {
        pasted: Pasted(location),
    });
    probe.connected().await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut n = 0;
    while server.access_tokens().len() < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no refresh after a refusal within {WAIT:?}"
        );
        n += 1;
        probe.echo(n, "still authorized").await;
    }
    // No call failed on the way (echo asserts it), and no new authorization was asked.
    let asked = probe
        .seen
        .iter()
        .filter(|u| {
            matches!(
                u,
                McpUpdate::State {
                    state: ConnState::Authorizing { .. },
                    ..
                }
            )
        })
        .count();
    assert_eq!(asked, 1, "authorized once");
    assert_eq!(server.registrations(), 1);
    check_secrets(&server, &probe, log, tokens.path());
    probe.stop().await;
}

#[tokio::test]
async fn a_client_id_from_the_config_is_used_where_registration_is_not_offered() {
    let Some(server) = Server::start_with(3600, &[("MCPTOP_OAUTH_PREREGISTERED", "mcptop-known")])
    else {
        return;
    };
    let tokens = tempfile::tempdir().expect("temp dir");
    let http = HttpSettings {
        auth: Some(HttpAuth::OAuth {
            client_id: Some("mcptop-known".into()),
            scopes: vec![],
        }),
        ..HttpSettings::default()
    };
    let mut probe = Probe::start_with(&server.url(), tokens.path(), http);
    let (auth_url, _) = probe.authorizing().await;
    assert!(auth_url.contains("client_id=mcptop-known"), "{auth_url}");
    let location = approve(&auth_url).await;
    probe.send(McpCommand::Authorize {
        pasted: Pasted(location),
    });
    probe.connected().await;
    probe.echo(1, "known client").await;
    assert_eq!(server.registrations(), 0, "nothing registered");
    probe.stop().await;
}

#[tokio::test]
async fn a_server_that_forgot_the_client_and_tokens_gets_a_new_authorization() {
    let Some(server) = Server::start(3600) else {
        return;
    };
    let tokens = tempfile::tempdir().expect("temp dir");
    let mut probe = Probe::start(&server.url(), tokens.path());
    let (auth_url, _) = probe.authorizing().await;
    let location = approve(&auth_url).await;
    probe.send(McpCommand::Authorize {
        pasted: Pasted(location),
    });
    probe.connected().await;
    probe.stop().await;
    // The same port, a new process: its memory holds neither the client nor the tokens,
    // so the access token is refused and so is the refresh token.
    let port = server.http.port;
    let Server { http, dir } = server;
    http.kill();
    let restarted = Server::restart(port, dir);
    let mut again = Probe::start(&restarted.url(), tokens.path());
    let (auth_url, _) = again.authorizing().await;
    assert!(auth_url.starts_with(&format!("http://127.0.0.1:{port}/authorize")));
    let location = approve(&auth_url).await;
    again.send(McpCommand::Authorize {
        pasted: Pasted(location),
    });
    again.connected().await;
    again.echo(1, "authorized again").await;
    assert_eq!(
        restarted.registrations(),
        2,
        "registered again with the new server"
    );
    again.stop().await;
}
