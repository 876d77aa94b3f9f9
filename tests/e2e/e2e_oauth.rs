//! End to end: the real binary against an MCP server behind OAuth
//! (`tests/peers/python/oauth_server.py`), the way it goes over SSH: the authorization URL
//! is read off the screen, "the browser" (this test) opens it somewhere else, and the
//! address it is redirected to is pasted into mcptop's paste line with keys. Then the
//! server's tools show and a call goes through; tokens are refreshed meanwhile (they live
//! 33 s, and are refreshed within 30 s of their expiry). And the way it goes with a browser
//! on the same host: the redirect lands on mcptop's loopback listener.
//!
//! No token the server issued may be on any screen, in the log (at `trace`), in the audit
//! log or in any other file under the state directory but the token file, which is `0600`.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::peers::{self, EverythingHttp};
use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(20);

/// The authorization URL on `screen`: the lines after the one that asks to open it, up to
/// the blank line (the panel cuts it at its width with nothing else on those lines).
fn url_on(screen: &str) -> Option<String> {
    let mut lines = screen
        .lines()
        .skip_while(|l| !l.contains("Open this URL in a browser"));
    lines.next()?;
    let url: String = lines
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    url.starts_with("http").then_some(url)
}

/// The browser: opens `url` (the server approves at once) and returns the address it is
/// redirected to, without going there.
fn approve(url: &str) -> String {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let answer = browser.get(url).send().await.expect("authorize answers");
        assert!(answer.status().is_redirection(), "HTTP {}", answer.status());
        answer
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .expect("a Location")
            .to_string()
    })
}

fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

fn issued(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(_, t)| t.to_string()))
        .collect()
}

/// mcptop in tmux, an MCP client alone, with the peer on `port` as server `guarded` and its
/// state (log, audit log, tokens) under `dir/state`.
fn launch(tag: &str, dir: &Path, port: u16) -> Tmux {
    let config = dir.join("mcptop.toml");
    std::fs::write(
        &config,
        // Pings every second: each request may refresh the token.
        format!(
            "[mcp]\nping_interval = \"1s\"\n[mcp.servers.guarded]\nurl = \"http://127.0.0.1:{port}/mcp\"\n"
        ),
    )
    .expect("config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let run = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state MCPTOP_LOG=trace {bin} --config {c}; echo EXIT=$?; sleep 30",
        d = shell_quote(dir),
        c = shell_quote(&config),
        bin = shell_quote(bin),
    );
    Tmux::start(tag, 150, 45, &run)
}

#[test]
fn the_url_is_shown_and_the_pasted_redirect_authorizes() {
    if !support::require_program("tmux") {
        return;
    }
    let Some((python, script)) = peers::python_oauth_server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let issued_file = dir.path().join("issued");
    let port = peers::free_port();
    let _server = EverythingHttp::start_python(
        &python,
        &script,
        port,
        &[
            ("MCPTOP_OAUTH_TOKENS", issued_file.to_str().expect("utf-8")),
            ("MCPTOP_OAUTH_TTL", "33"),
        ],
    );
    let tmux = launch("oauth", dir.path(), port);
    let first = tmux.wait_for("the authorization panel", WAIT, |s| {
        s.contains("Authorize guarded (OAuth)") && url_on(s).is_some() || s.contains("EXIT=")
    });
    assert!(!first.contains("EXIT="), "mcptop stopped:\n{first}");
    assert!(first.contains("⚿ authorization needed"), "{first}");
    let url = url_on(&first).unwrap_or_default();
    assert!(
        url.starts_with(&format!("http://127.0.0.1:{port}/authorize?")),
        "{url}\n{first}"
    );
    assert!(url.contains("code_challenge="), "{url}");
    let mut screens = vec![first];

    let location = approve(&url);
    tmux.keys("Enter");
    screens.push(tmux.wait_for("the paste line", STEP, |s| {
        s.contains("paste the redirected URL")
    }));
    tmux.cmd(&["send-keys", "-t", "main", "-l", &location]);
    screens.push(tmux.wait_for("the pasted URL, its code hidden", STEP, |s| {
        s.contains("code=••")
    }));
    tmux.keys("Enter");
    screens.push(tmux.wait_for("the tools of the server", WAIT, |s| {
        s.contains("Tools of guarded (1/1)") && s.contains("echo")
    }));

    // A call (an audit line), after a refresh.
    tmux.wait_for("a refreshed token", WAIT, |_| {
        issued(&issued_file).len() >= 4
    });
    tmux.keys("Enter");
    screens.push(tmux.wait_for("the form", STEP, |s| s.contains("Call echo on guarded")));
    tmux.cmd(&["send-keys", "-t", "main", "-l", "through OAuth"]);
    tmux.keys("C-s");
    screens.push(tmux.wait_for("the result", WAIT, |s| {
        s.contains("tools/call echo on guarded") && s.contains("✔ ok")
    }));
    tmux.keys("Escape");
    screens.push(tmux.wait_for("the result closed", STEP, |s| {
        !s.contains("tools/call echo on guarded")
    }));
    for key in ["3", "4"] {
        tmux.keys(key);
        screens.push(tmux.wait_for("another screen", STEP, |s| {
            s.contains("┌ Calls (") || s.contains("┌ Logs ·")
        }));
    }
    tmux.keys("q");
    screens.push(tmux.wait_for("exit", STEP, |s| s.contains("EXIT=")));
    assert!(screens.last().is_some_and(|s| s.contains("EXIT=0")));

    let tokens = issued(&issued_file);
    assert!(tokens.len() >= 4, "tokens issued: {}", tokens.len());
    for screen in &screens {
        for token in &tokens {
            assert!(!screen.contains(token), "a token is on screen:\n{screen}");
        }
    }
    let state = files_under(&dir.path().join("state"));
    let names: Vec<String> = state.iter().map(|(p, _)| p.display().to_string()).collect();
    let (token_files, others): (Vec<_>, Vec<_>) = state
        .iter()
        .partition(|(p, _)| p.parent().is_some_and(|d| d.ends_with("oauth")));
    assert_eq!(token_files.len(), 1, "one token file: {names:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token_files[0].0)
            .expect("token file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(
        others
            .iter()
            .any(|(p, _)| p.to_string_lossy().contains("audit")),
        "an audit file was written: {names:?}"
    );
    assert!(
        others
            .iter()
            .any(|(p, b)| p.extension().is_some_and(|e| e == "log") && b.len() > 10_000),
        "a trace log was written: {names:?}"
    );
    for (path, bytes) in &others {
        let text = String::from_utf8_lossy(bytes);
        for token in &tokens {
            assert!(!text.contains(token), "a token is in {}", path.display());
        }
    }
}

#[test]
fn a_browser_on_the_same_host_is_caught_by_the_loopback_listener() {
    if !support::require_program("tmux") {
        return;
    }
    let Some((python, script)) = peers::python_oauth_server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let port = peers::free_port();
    let _server = EverythingHttp::start_python(&python, &script, port, &[]);
    let tmux = launch("oauth-loopback", dir.path(), port);
    let first = tmux.wait_for("the authorization panel", WAIT, |s| {
        url_on(s).is_some() || s.contains("EXIT=")
    });
    let url = url_on(&first).unwrap_or_else(|| panic!("no URL:\n{first}"));
    let callback = first
        .lines()
        .find_map(|l| l.split("its redirect is caught on ").nth(1))
        .map(|rest| rest.trim().trim_end_matches('.').to_string())
        .unwrap_or_else(|| panic!("no callback:\n{first}"));
    let location = approve(&url);
    assert!(location.starts_with(&callback), "{location} vs {callback}");
    // The browser goes where it was sent: mcptop's listener.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let status = rt
        .block_on(async { reqwest::get(&location).await.map(|r| r.status()) })
        .expect("the listener answers");
    assert!(status.is_success(), "HTTP {status}");
    tmux.wait_for("the tools of the server", WAIT, |s| {
        s.contains("Tools of guarded (1/1)") && s.contains("● connected")
    });
    tmux.keys("q");
    let after = tmux.wait_for("exit", STEP, |s| s.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "{after}");
}
