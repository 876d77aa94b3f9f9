//! End to end: a token planted in an environment variable reaches every server that needs
//! it and nothing else. The real binary runs in tmux with Loki, Alertmanager and an MCP
//! server all on a recording server that answers 401 and echoes the `Authorization` header
//! back in its error text, logging at `trace`, and makes a tool call (an audit line).
//! Then no screen, no log file and no audit file holds the token.

use crate::support;

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

/// Everything mcptop wrote while it watched the hostile world ([`support::hostile`]): the
/// screens and raw terminal bytes of the dashboard in scrape and query mode, `watch` in
/// text and JSON, `snapshot --stdout`, and every file under its state directory (log,
/// audit log, the incident report `I` wrote).
struct Written {
    token: String,
    loki_basic: String,
    screens: Vec<String>,
    tui_bytes: Vec<u8>,
    outputs: Vec<(String, Vec<u8>)>,
    files: Vec<(std::path::PathBuf, Vec<u8>)>,
    /// Each file's mode and its directory's (Unix permission bits).
    modes: Vec<(String, u32, u32)>,
}

/// Runs mcptop in the hostile world once for both tests below; `None` when a program it
/// needs is missing outside CI (the reason is printed).
fn written() -> Option<&'static Written> {
    static WRITTEN: std::sync::OnceLock<Option<Written>> = std::sync::OnceLock::new();
    WRITTEN.get_or_init(watch_the_hostile_world).as_ref()
}

fn watch_the_hostile_world() -> Option<Written> {
    use support::hostile::World;
    if !support::require_program("tmux") {
        return None;
    }
    let world = World::start()?;
    let (_prom, prom_url) = world.prometheus()?;
    let raw = world.dir.path().join("tui.bytes");
    let scrape = world.scrape_config();
    let query = world.query_config(&prom_url);

    // The dashboard in scrape mode, then in query mode, its raw output recorded by tmux
    // from before it starts (each waits for Enter until the recording is on).
    let script = format!(
        "read go; {}; echo EXIT1=$?; read go; {}; echo EXIT2=$?; sleep 60",
        world.command(&scrape, ""),
        world.command(&query, ""),
    );
    let tmux = Tmux::start("hostile", 200, 50, &script);
    tmux.cmd(&[
        "pipe-pane",
        "-t",
        "main",
        "-o",
        &format!("cat >> {}", shell_quote(&raw)),
    ]);
    tmux.keys("Enter");
    let mut screens = vec![tmux.wait_for("the hostile target's tools", WAIT, |s| {
        s.contains("TOOLBIDI")
    })];
    let visits: [(&str, &str, &[&str]); 3] = [
        ("5", "the alert's annotation", &["ALERTSUMMARY"]),
        ("4", "both log lines", &["LOKILINE", "JSONLINE"]),
        ("2", "the peer's tools", &["whoami"]),
    ];
    for (key, what, marks) in visits {
        tmux.keys(key);
        screens.push(tmux.wait_for(what, WAIT, |s| marks.iter().all(|m| s.contains(m))));
    }
    tmux.keys("F5");
    screens.push(tmux.wait_for("whoami's answer", WAIT, |s| s.contains("PEERBANNER")));
    tmux.keys("Escape");
    tmux.keys("1");
    screens.push(tmux.wait_for("the overview", WAIT, |s| s.contains("TOOLBIDI")));
    tmux.keys("I");
    let incidents = world.dir.path().join("state/mcptop/incidents");
    tmux.wait_for("the incident report", WAIT, |_| {
        files_under(&incidents)
            .iter()
            .any(|(p, b)| p.extension().is_some_and(|e| e == "json") && !b.is_empty())
    });
    tmux.keys("q");
    screens.push(tmux.wait_for("exit", WAIT, |s| s.contains("EXIT1=0")));

    // Query mode: the fleet with the proxy's warning.
    tmux.keys("Enter");
    screens.push(tmux.wait_for("the API's warning", WAIT, |s| s.contains("PROMWARNING")));
    tmux.keys("q");
    screens.push(tmux.wait_for("exit", WAIT, |s| s.contains("EXIT2=0")));
    tmux.cmd(&["pipe-pane", "-t", "main"]);

    let mut outputs = Vec::new();
    for (name, config, args) in [
        ("watch (text)", &scrape, &["watch", "--duration", "6s"][..]),
        (
            "watch (json)",
            &scrape,
            &["watch", "--duration", "6s", "--output", "json"],
        ),
        (
            "snapshot --stdout",
            &scrape,
            &["snapshot", "--stdout", "--collect", "4s"],
        ),
        ("watch (query mode)", &query, &["watch", "--duration", "4s"]),
        (
            "snapshot --stdout (query mode)",
            &query,
            &["snapshot", "--stdout", "--collect", "3s"],
        ),
    ] {
        let (stdout, stderr) = world.run(config, args);
        outputs.push((format!("{name} stdout"), stdout));
        outputs.push((format!("{name} stderr"), stderr));
    }
    let tui_bytes = std::fs::read(&raw).expect("tmux recorded the dashboard's output");
    let files = files_under(&world.dir.path().join("state"));
    Some(Written {
        loki_basic: support::hostile::basic(support::hostile::LOKI_USER, &world.token),
        token: world.token.clone(),
        screens,
        tui_bytes,
        outputs,
        modes: modes(&files),
        files,
    })
}

/// The permission bits of each file and of its directory.
fn modes(files: &[(std::path::PathBuf, Vec<u8>)]) -> Vec<(String, u32, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).map_or(0o777, |m| m.permissions().mode() & 0o777);
    files
        .iter()
        .map(|(p, _)| {
            let dir = p.parent().unwrap_or(p);
            (p.display().to_string(), mode(p), mode(dir))
        })
        .collect()
}

#[test]
fn a_token_echoed_in_successful_answers_is_never_drawn_logged_or_written() {
    let Some(w) = written() else { return };
    let secrets = [w.token.as_str(), w.loki_basic.as_str()];
    let mut sinks: Vec<(String, &[u8])> = w
        .screens
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("screen {i}"), s.as_bytes()))
        .collect();
    sinks.push(("the dashboard's raw output".into(), &w.tui_bytes));
    sinks.extend(w.outputs.iter().map(|(n, b)| (n.clone(), b.as_slice())));
    sinks.extend(
        w.files
            .iter()
            .map(|(p, b)| (p.display().to_string(), b.as_slice())),
    );
    let names: Vec<&str> = sinks.iter().map(|(n, _)| n.as_str()).collect();
    for wanted in ["audit", ".log", "incident-", "snapshot --stdout stdout"] {
        assert!(
            names.iter().any(|n| n.contains(wanted)),
            "no {wanted} among {names:?}"
        );
    }
    // The answers that echoed the token were shown: their own words are there.
    let shown = w.screens.join("\n");
    for mark in [
        "ALERTSUMMARY",
        "LOKILINE",
        "PEERBANNER",
        "PROMWARNING",
        "you are Bearer ***",
    ] {
        assert!(shown.contains(mark), "{mark} never shown");
    }
    // Only the operator may read what mcptop keeps (log, audit log, reports).
    assert!(w.modes.len() >= 3, "{:?}", w.modes);
    for (path, file, dir) in &w.modes {
        assert_eq!(file & 0o077, 0, "{path} is {file:o}");
        assert_eq!(dir & 0o077, 0, "the directory of {path} is {dir:o}");
    }
    for (name, bytes) in &sinks {
        let text = String::from_utf8_lossy(bytes);
        for secret in secrets {
            let hits: Vec<&str> = text
                .lines()
                .filter(|l| l.contains(secret))
                .take(3)
                .collect();
            assert!(
                hits.is_empty(),
                "a secret is in {name}:\n{}",
                hits.join("\n")
            );
        }
    }
}

#[test]
fn planted_escape_sequences_never_reach_a_terminal_or_a_paste() {
    let Some(w) = written() else { return };
    let found = support::hostile::forbidden(&w.tui_bytes);
    assert!(found.is_empty(), "the dashboard wrote {found:?}");
    assert!(
        !w.tui_bytes.is_empty() && w.screens.iter().any(|s| s.contains("CLEARED")),
        "the planted CSI's text was drawn (cleaned)"
    );
    for (name, bytes) in w.outputs.iter().chain(
        w.files
            .iter()
            .filter_map(|(p, b)| {
                let n = p.display().to_string();
                (n.contains("incident-") || n.ends_with(".log") || n.contains("audit"))
                    .then(|| (n, b.clone()))
            })
            .collect::<Vec<_>>()
            .iter(),
    ) {
        let found = support::hostile::forbidden(bytes);
        assert!(found.is_empty(), "{name} holds {found:?}");
        assert!(
            !bytes.contains(&0x1b),
            "{name} holds an ESC: {}",
            String::from_utf8_lossy(bytes)
        );
    }
}
