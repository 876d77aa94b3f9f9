//! End to end: a token planted in an environment variable reaches every server that needs
//! it and nothing else. The real binary runs in tmux with Loki, Alertmanager and an MCP
//! server all on a recording server that answers 401 and echoes the `Authorization` header
//! back in its error text, logging at `trace`, and makes a tool call (an audit line).
//! Then no screen, no log file and no audit file holds the token.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);

/// A server that answers every request with a 401 whose body repeats the request's
/// `Authorization` header; counts the requests that carried `Bearer <token>`.
fn echoing_server(token: &str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let expected = format!("bearer {}", token.to_ascii_lowercase());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let counter = counter.clone();
            let expected = expected.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut auth = String::new();
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) if line.trim().is_empty() => break,
                        Ok(_) => {
                            if line.to_ascii_lowercase().starts_with("authorization:") {
                                auth = line.trim().to_string();
                            }
                        }
                    }
                }
                if auth.to_ascii_lowercase().ends_with(&expected) {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                let body = format!("You sent {auth}, which is not valid here.\n");
                let _ = write!(
                    stream,
                    "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    (format!("http://{addr}"), seen)
}

/// Every file under `dir`, recursively, with its contents.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
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

#[test]
fn a_planted_token_is_never_drawn_logged_or_audited() {
    if !support::require_program("tmux") {
        return;
    }
    let token = format!("planted-{}-Zq7xT0kEn9", std::process::id());
    let (rec, seen) = echoing_server(&token);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("mcptop.toml");
    std::fs::write(
        &config,
        format!(
            "[[bindings]]\nkey = \"F5\"\nserver = \"demo\"\ntool = \"health.check\"\n\
             [loki]\nurl = \"{rec}\"\nbearer_token_env = \"MCPTOP_PLANTED\"\nmode = \"poll\"\n\
             [alertmanager]\nurls = [\"{rec}\"]\nbearer_token_env = \"MCPTOP_PLANTED\"\n\
             [mcp.servers.rec]\nurl = \"{rec}/mcp\"\nbearer_token_env = \"MCPTOP_PLANTED\"\n"
        ),
    )
    .expect("config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state MCPTOP_LOG=trace \
         MCPTOP_PLANTED={token} {bin} --config {c} demo --rate 5; echo EXIT=$?; sleep 30",
        d = shell_quote(dir.path()),
        c = shell_quote(&config),
        bin = shell_quote(bin),
    );
    let tmux = Tmux::start("secrets", 160, 45, &script);
    let mut screens = vec![tmux.wait_for("the dashboard", WAIT, |s| s.contains("Requests/min"))];

    // The alerts screen shows Alertmanager's 401 with the echoed header scrubbed.
    tmux.keys("5");
    screens.push(tmux.wait_for("Alertmanager's 401", WAIT, |s| {
        s.contains("401 Unauthorized: You sent") && s.contains(": Bearer ***, which")
    }));
    // Every other screen (each waited for by its own block title), and a tool call for the
    // audit log.
    for (key, title) in [
        ("1", "Requests/min"),
        ("2", "┌ MCP servers"),
        ("3", "┌ Calls ("),
        ("4", "┌ Logs ·"),
        ("6", "┌ Silences ("),
    ] {
        tmux.keys(key);
        screens.push(tmux.wait_for(title, WAIT, |s| s.contains(title)));
    }
    tmux.keys("F5");
    screens.push(tmux.wait_for("the finished tool call", WAIT, |s| {
        s.contains("tools/call health.check") && s.contains("Esc close")
    }));
    tmux.wait_for(
        "the token sent to Loki, Alertmanager and the MCP server",
        WAIT,
        |_| seen.load(Ordering::SeqCst) >= 3,
    );
    tmux.keys("q");
    screens.push(tmux.wait_for("exit", WAIT, |s| s.contains("EXIT=")));

    for screen in &screens {
        assert!(
            !screen.contains(&token),
            "the token is on screen:\n{screen}"
        );
    }
    let state = files_under(&dir.path().join("state"));
    let names: Vec<String> = state.iter().map(|(p, _)| p.display().to_string()).collect();
    let log = state
        .iter()
        .find(|(p, _)| p.extension().is_some_and(|e| e == "log"))
        .unwrap_or_else(|| panic!("no log file among {names:?}"));
    assert!(log.1.len() > 10_000, "a trace log was written: {names:?}");
    assert!(
        state
            .iter()
            .any(|(p, _)| p.display().to_string().contains("audit")),
        "an audit file was written: {names:?}"
    );
    for (path, bytes) in &state {
        let text = String::from_utf8_lossy(bytes);
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(&token))
            .take(3)
            .collect();
        assert!(
            lines.is_empty(),
            "the token is in {}:\n{}",
            path.display(),
            lines.join("\n")
        );
    }
}
