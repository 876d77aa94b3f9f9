//! Command-line flags read into the config: what `Cli` parses, `WatchArgs::flags` hands
//! to `Config::load`, checked end to end (the config's own tests build `Flags` directly).

use std::path::PathBuf;

use clap::Parser;

use super::Cli;
use crate::config::endpoint::{HttpAuth, HttpSettings};
use crate::config::mcp::{McpServerConfig, McpTransport, SecretSource};
use crate::config::{Config, ConfigError};

fn http(url: &str) -> McpTransport {
    McpTransport::Http {
        url: url.into(),
        http: HttpSettings::default(),
    }
}

/// A file in a fresh temporary directory (kept alive by the returned guard).
fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

#[test]
fn the_profile_flag_is_for_every_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[[targets]]\nurl = \"a:1\"\nprofile = \"toolhive\"\n[[targets]]\nurl = \"b:1\"\n",
    )
    .expect("write");
    let cli = Cli::try_parse_from([
        "mcptop",
        "--config",
        path.to_str().expect("utf-8"),
        "--profile",
        "http",
    ])
    .expect("flags");
    let cfg = Config::load(&cli.watch.flags()).expect("loads");
    let kinds: Vec<String> = cfg
        .scrape_targets()
        .expect("targets")
        .iter()
        .map(|t| format!("{:?}", t.profile))
        .collect();
    assert_eq!(kinds, ["Http", "Http"]);
}

fn load(flags: &[&str], toml: &str) -> Result<Config, ConfigError> {
    let (_dir, path) = temp_file("c.toml", toml);
    let path = path.to_string_lossy().into_owned();
    let mut argv = vec!["mcptop", "--config", path.as_str()];
    argv.extend_from_slice(flags);
    let cli = Cli::try_parse_from(argv).expect("flags parse");
    Config::load(&cli.watch.flags())
}

#[test]
fn mcp_flag_adds_or_overrides_http_servers() {
    let cfg = load(
        &[
            "--mcp",
            "prod=https://staging.example.com/mcp",
            "--mcp",
            "http://127.0.0.1:8080/mcp?x=1",
            "--read-only",
        ],
        "[mcp.servers.prod]\nurl = \"https://prod.example.com/mcp\"\nbearer_token_env = \"T\"\n",
    )
    .expect("loads");
    assert_eq!(
        cfg.mcp.servers,
        vec![
            McpServerConfig {
                name: "prod".into(),
                // Another origin: prod's token is not sent there.
                transport: McpTransport::Http {
                    url: "https://staging.example.com/mcp".into(),
                    http: HttpSettings::default(),
                },
            },
            McpServerConfig {
                name: "127.0.0.1:8080".into(),
                transport: http("http://127.0.0.1:8080/mcp?x=1"),
            },
        ]
    );
    assert!(cfg.mcp.read_only);
    // The same origin keeps the configured token source.
    let cfg = load(
        &["--mcp", "prod=https://prod.example.com/v2/mcp"],
        "[mcp.servers.prod]\nurl = \"https://prod.example.com/mcp\"\nbearer_token_env = \"T\"\n",
    )
    .expect("loads");
    assert!(matches!(
        &cfg.mcp.servers[0].transport,
        McpTransport::Http { http: HttpSettings { auth: Some(HttpAuth::Bearer(SecretSource::Env(v))), .. }, .. } if v == "T"
    ));
}

#[test]
fn mcp_flag_is_checked() {
    assert!(Cli::try_parse_from(["mcptop", "--mcp", "=http://h:1"]).is_err());
    // URLs are checked with the config, whose errors never repeat them (clap's quote the
    // value, which may hold a password).
    for bad in ["ftp://h/x", "prod=not-a-url", "https://u:pw-secret@h/mcp"] {
        let err = load(&["--mcp", bad], "").expect_err(bad).to_string();
        assert!(err.contains("--mcp") && !err.contains("pw-secret"), "{err}");
    }
    let err = load(&["--mcp", "a=http://h:1", "--mcp", "a=http://h:2"], "").unwrap_err();
    assert!(err.to_string().contains("names server `a` twice"), "{err}");
}

#[test]
fn mcp_config_flag_appends_after_the_file_imports() {
    let (_d1, first) = temp_file("one.json", r#"{"mcpServers": {"a": {"command": "a"}}}"#);
    let (_d2, second) = temp_file("two.json", r#"{"servers": {"b": {"url": "http://b:1"}}}"#);
    let second_flag = second.to_string_lossy().into_owned();
    let cfg = load(
        &["--mcp-config", &second_flag],
        &format!("[mcp]\nimport = [\"{}\"]\n", first.display()),
    )
    .expect("loads");
    let names: Vec<&str> = cfg.mcp.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(cfg.mcp.import, vec![first, second]);
    let err = load(&["--mcp-config", "/nonexistent/x.json"], "").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/nonexistent/x.json: cannot read"),
        "{err}"
    );
}
