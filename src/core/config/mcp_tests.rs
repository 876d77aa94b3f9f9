//! `[mcp]`, `[[bindings]]`, MCP flags and merging of imports: every rule and every error,
//! with the line and key the error names.

use crate::config::endpoint::{HttpAuth, HttpSettings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::mcp::{McpServerConfig, McpSettings, McpTransport, SecretSource};
use super::*;

pub(super) fn parse(text: &str) -> Config {
    Config::from_toml(text, Path::new("c.toml")).expect("config parses")
}

/// The error shown for `text`, checked to start with `c.toml:LINE:` and name `key`.
pub(super) fn error_at(text: &str, line: usize, key: &str) -> String {
    let shown = Config::from_toml(text, Path::new("c.toml"))
        .expect_err("config is refused")
        .to_string();
    assert!(
        shown.starts_with(&format!("c.toml:{line}:")),
        "expected line {line}: {shown}"
    );
    assert!(
        shown.contains(&format!("key `{key}`: ")),
        "expected key {key}: {shown}"
    );
    shown
}

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

// ---- [mcp] settings ----

#[test]
fn no_mcp_table_gives_the_defaults() {
    let cfg = parse("[target]\nurl = \"http://x:1\"\n");
    assert_eq!(cfg.mcp, McpConfig::default());
    assert_eq!(cfg.mcp.settings.call_timeout, Duration::from_secs(30));
    assert!(!cfg.mcp.read_only);
    assert!(cfg.bindings.is_empty() && cfg.warnings.is_empty());
}

#[test]
fn settings_are_read() {
    let cfg = parse(
        "[mcp]\ncall_timeout = \"1m 30s\"\nping_interval = \"5s\"\nconnect_timeout = \"2s\"\n\
         log_level = \"warning\"\nlog_lines = 50\nread_only = true\n",
    );
    assert_eq!(
        cfg.mcp.settings,
        McpSettings {
            call_timeout: Duration::from_secs(90),
            ping_interval: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            log_level: "warning".into(),
            log_lines: 50,
            token_dir: None,
        }
    );
    assert!(cfg.mcp.read_only);
}

#[test]
fn bad_or_zero_duration_names_line_and_key() {
    let shown = error_at(
        "[mcp]\nlog_lines = 5\ncall_timeout = \"soon\"\n",
        3,
        "mcp.call_timeout",
    );
    assert!(shown.contains("is not a duration"), "{shown}");
    let shown = error_at("[mcp]\n\nping_interval = \"0s\"\n", 3, "mcp.ping_interval");
    assert!(shown.contains("more than 0"), "{shown}");
}

#[test]
fn log_level_must_be_an_mcp_level() {
    let shown = error_at("[mcp]\nlog_level = \"verbose\"\n", 2, "mcp.log_level");
    assert!(shown.contains("debug, info, notice, warning, error, critical, alert, emergency"));
    for level in mcp::LOG_LEVELS {
        let cfg = parse(&format!("[mcp]\nlog_level = \"{level}\"\n"));
        assert_eq!(cfg.mcp.settings.log_level, level);
    }
}

#[test]
fn log_lines_must_be_positive() {
    error_at("[mcp]\nlog_lines = 0\n", 2, "mcp.log_lines");
    error_at("[mcp]\nlog_lines = -3\n", 2, "mcp.log_lines");
}

#[test]
fn unknown_mcp_key_names_line_and_key() {
    let shown = error_at(
        "[mcp]\nread_only = true\ncall_timout = \"1s\"\n",
        3,
        "mcp.call_timout",
    );
    assert!(shown.contains("unknown field"), "{shown}");
}

#[test]
fn import_paths_expand_home() {
    let (_dir, json) = temp_file("a.json", "{\"mcpServers\": {}}");
    let text = format!("[mcp]\nimport = [\"{}\"]\n", json.display());
    assert_eq!(parse(&text).mcp.import, vec![json]);
    match std::env::var_os("HOME") {
        Some(home) => assert_eq!(
            mcp::expand_home("~/x/.mcp.json"),
            Ok(Path::new(&home).join("x/.mcp.json"))
        ),
        None => assert!(mcp::expand_home("~/x").is_err()),
    }
    assert_eq!(mcp::expand_home("a/~/b"), Ok(PathBuf::from("a/~/b")));
}

#[test]
fn missing_import_file_names_the_config_line() {
    let shown = error_at(
        "[mcp]\nimport = [\n  \"/nonexistent/mcp.json\",\n]\n",
        3,
        "mcp.import",
    );
    assert!(
        shown.contains("cannot read /nonexistent/mcp.json"),
        "{shown}"
    );
}

// ---- [mcp.servers.*] ----

#[test]
fn servers_keep_file_order() {
    let cfg = parse(
        "[mcp.servers.zeta]\nurl = \"http://z:1/mcp\"\n[mcp.servers.alpha]\ncommand = \"a\"\n\
         [mcp.servers.mid]\nurl = \"http://m:1/mcp\"\n",
    );
    let names: Vec<&str> = cfg.mcp.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["zeta", "alpha", "mid"]);
}

#[test]
fn http_server_with_headers_and_token_env() {
    let cfg = parse(
        "[mcp.servers.prod]\ntype = \"streamable-http\"\nurl = \"https://mcp.example.com/mcp\"\n\
         headers = { \"X-Tenant\" = \"ops\" }\nbearer_token_env = \"PROD_TOKEN\"\n",
    );
    assert_eq!(
        cfg.mcp.servers,
        vec![McpServerConfig {
            name: "prod".into(),
            transport: McpTransport::Http {
                url: "https://mcp.example.com/mcp".into(),
                http: HttpSettings {
                    headers: BTreeMap::from([("X-Tenant".to_string(), "ops".to_string())]),
                    auth: Some(HttpAuth::Bearer(SecretSource::Env("PROD_TOKEN".into()))),
                    ..HttpSettings::default()
                },
            },
        }]
    );
}

#[test]
fn token_file_is_a_path() {
    let cfg = parse("[mcp.servers.p]\nurl = \"http://h:1\"\nbearer_token_file = \"/run/tok\"\n");
    let McpTransport::Http { http, .. } = &cfg.mcp.servers[0].transport else {
        panic!("not http: {:?}", cfg.mcp.servers[0]);
    };
    assert_eq!(
        http.auth,
        Some(HttpAuth::Bearer(SecretSource::File("/run/tok".into())))
    );
}

#[test]
fn stdio_server() {
    let cfg = parse(
        "[mcp.servers.local]\ncommand = \"npx\"\nargs = [\"-y\", \"pkg\"]\nenv = { A = \"1\" }\n\
         cwd = \"/srv\"\n",
    );
    assert_eq!(
        cfg.mcp.servers[0].transport,
        McpTransport::Stdio {
            command: "npx".into(),
            args: vec!["-y".into(), "pkg".into()],
            env: BTreeMap::from([("A".to_string(), "1".to_string())]),
            cwd: Some("/srv".into()),
        }
    );
    let cfg = parse("[mcp.servers.l]\ntype = \"stdio\"\ncommand = \"srv\"\n");
    assert!(matches!(
        cfg.mcp.servers[0].transport,
        McpTransport::Stdio { .. }
    ));
}

#[test]
fn sse_type_gives_the_sse_transport() {
    let cfg = parse("[mcp.servers.old]\ntype = \"sse\"\nurl = \"http://h:1/sse\"\n");
    assert_eq!(
        cfg.mcp.servers[0].transport,
        McpTransport::Sse {
            url: "http://h:1/sse".into()
        }
    );
}

#[test]
fn url_and_command_together_are_refused() {
    let shown = error_at(
        "[mcp.servers.prod]\nurl = \"http://h:1\"\ncommand = \"x\"\n",
        3,
        "mcp.servers.prod.command",
    );
    assert!(shown.contains("not both"), "{shown}");
}

#[test]
fn neither_url_nor_command_points_at_the_table() {
    let shown = error_at(
        "[mcp]\nread_only = false\n\n[mcp.servers.prod]\nheaders = { A = \"b\" }\n",
        4,
        "mcp.servers.prod",
    );
    assert!(shown.contains("needs `url`"), "{shown}");
}

#[test]
fn token_keys_on_a_stdio_server_are_refused() {
    error_at(
        "[mcp.servers.local]\ncommand = \"x\"\nbearer_token_env = \"T\"\n",
        3,
        "mcp.servers.local.bearer_token_env",
    );
    error_at(
        "[mcp.servers.local]\ncommand = \"x\"\nheaders = { A = \"b\" }\n",
        3,
        "mcp.servers.local.headers",
    );
}

#[test]
fn stdio_keys_on_an_http_server_are_refused() {
    error_at(
        "[mcp.servers.p]\nurl = \"http://h:1\"\n\nargs = [\"x\"]\n",
        4,
        "mcp.servers.p.args",
    );
}

#[test]
fn two_token_sources_are_refused() {
    let shown = error_at(
        "[mcp.servers.p]\nurl = \"http://h:1\"\nbearer_token_env = \"T\"\nbearer_token_file = \"f\"\n",
        4,
        "mcp.servers.p.bearer_token_file",
    );
    assert!(shown.contains("keep one"), "{shown}");
    error_at(
        "[mcp.servers.p]\nurl = \"http://h:1\"\nbearer_token_env = \"\"\n",
        3,
        "mcp.servers.p.bearer_token_env",
    );
}

#[test]
fn type_contradicting_the_keys_is_refused() {
    error_at(
        "[mcp.servers.p]\nurl = \"http://h:1\"\ntype = \"stdio\"\n",
        3,
        "mcp.servers.p.type",
    );
    error_at(
        "[mcp.servers.p]\ntype = \"http\"\ncommand = \"x\"\n",
        2,
        "mcp.servers.p.type",
    );
    error_at(
        "[mcp.servers.p]\ntype = \"sse\"\ncommand = \"x\"\n",
        2,
        "mcp.servers.p.type",
    );
    let shown = error_at(
        "[mcp.servers.p]\ntype = \"websocket\"\nurl = \"http://h:1\"\n",
        2,
        "mcp.servers.p.type",
    );
    assert!(shown.contains("\"stdio\""), "{shown}");
}

#[test]
fn empty_server_name_is_refused() {
    let shown = error_at(
        "[mcp.servers.\"\"]\nurl = \"http://h:1\"\n",
        1,
        "mcp.servers.\"\"",
    );
    assert!(shown.contains("non-empty name"), "{shown}");
}

#[test]
fn quoted_server_names_are_quoted_in_keys() {
    error_at(
        "[mcp.servers.\"a.b\"]\nurl = \"ftp://h\"\n",
        2,
        "mcp.servers.\"a.b\".url",
    );
}

#[test]
fn urls_must_parse_and_be_http() {
    let shown = error_at(
        "[mcp.servers.p]\nurl = \"not a url\"\n",
        2,
        "mcp.servers.p.url",
    );
    assert!(shown.contains("has no scheme"), "{shown}");
    // A password in a URL is refused, pointing at where it goes, and never repeated.
    let shown = error_at(
        "[mcp.servers.p]\nurl = \"https://ops:pw-secret@h/mcp\"\n",
        2,
        "mcp.servers.p.url",
    );
    assert!(
        !shown.contains("pw-secret") && !shown.contains("ops"),
        "{shown}"
    );
    assert!(shown.contains("basic_auth_user"), "{shown}");
    let shown = error_at(
        "[mcp.servers.p]\nurl = \"ftp://h/mcp\"\n",
        2,
        "mcp.servers.p.url",
    );
    assert!(shown.contains("http:// or https://"), "{shown}");
    error_at(
        "[mcp.servers.p]\ntype = \"sse\"\nurl = \"file:///tmp/x\"\n",
        3,
        "mcp.servers.p.url",
    );
}

#[test]
fn inline_token_is_refused_without_repeating_it() {
    let shown = error_at(
        "[mcp.servers.p]\nurl = \"http://h:1\"\nbearer_token = \"sekrit-123\"\n",
        3,
        "mcp.servers.p.bearer_token",
    );
    assert!(shown.contains("bearer_token_env"), "{shown}");
    assert!(!shown.contains("sekrit-123"), "{shown}");
}

#[test]
fn authorization_header_is_refused() {
    let shown = error_at(
        "[mcp.servers.p]\nurl = \"http://h:1\"\n[mcp.servers.p.headers]\nauthorization = \"Bearer sekrit-9\"\n",
        4,
        "mcp.servers.p.headers.authorization",
    );
    assert!(!shown.contains("sekrit-9"), "{shown}");
    error_at(
        "[mcp.servers.p]\nurl = \"http://h:1\"\nheaders = { \"bad header\" = \"x\" }\n",
        3,
        "mcp.servers.p.headers.\"bad header\"",
    );
}

#[test]
fn unknown_server_key_names_line_and_key() {
    let shown = error_at(
        "[mcp.servers.prod]\nurl = \"http://h:1\"\nbearer_token_envv = \"T\"\n",
        3,
        "mcp.servers.prod.bearer_token_envv",
    );
    assert!(shown.contains("unknown field"), "{shown}");
}

#[test]
fn debug_shows_names_not_values() {
    let cfg = parse(
        "[mcp.servers.p]\nurl = \"https://h/mcp?api_key=q-secret\"\n\
         headers = { X-Api-Key = \"h-secret\" }\n\
         [mcp.servers.l]\ncommand = \"srv\"\nargs = [\"--token\", \"a-secret\"]\n\
         env = { DB_PASSWORD = \"e-secret\" }\n",
    );
    let shown = format!("{cfg:?}");
    for secret in ["q-secret", "h-secret", "a-secret", "e-secret"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    for name in ["X-Api-Key", "DB_PASSWORD", "api_key=***", "srv"] {
        assert!(shown.contains(name), "{name} missing from {shown}");
    }
}

// ---- imports merged into the config ----

#[test]
fn binding_may_name_an_imported_server_and_duplicates_warn() {
    let (_dir, json) = temp_file(
        "mcp.json",
        r#"{"mcpServers": {"prod": {"command": "shadowed"}, "gh": {"command": "gh-mcp"}}}"#,
    );
    let cfg = parse(&format!(
        "[mcp]\nimport = [\"{}\"]\n[mcp.servers.prod]\nurl = \"http://h:1\"\n\
         [[bindings]]\nkey = \"g\"\nserver = \"gh\"\ntool = \"issues\"\n",
        json.display()
    ));
    let names: Vec<&str> = cfg.mcp.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["prod", "gh"]);
    assert_eq!(cfg.mcp.servers[0].transport, http("http://h:1"));
    assert_eq!(cfg.warnings.len(), 1, "{:?}", cfg.warnings);
    assert!(cfg.warnings[0].contains("`prod` is defined more than once"));
}

#[test]
fn binding_to_a_skipped_import_says_why() {
    let (_dir, json) = temp_file(
        "mcp.json",
        r#"{"mcpServers": {"gh": {"command": "gh", "disabled": true}}}"#,
    );
    let shown = error_at(
        &format!(
            "[mcp]\nimport = [\"{}\"]\n[[bindings]]\nkey = \"g\"\nserver = \"gh\"\ntool = \"t\"\n",
            json.display()
        ),
        5,
        "bindings[0].server",
    );
    assert!(
        shown.contains("server `gh` skipped: it is disabled"),
        "{shown}"
    );
}

#[test]
fn an_http_server_takes_every_endpoint_setting() {
    let cfg = parse(
        "[mcp.servers.gw]\nurl = \"https://gw.example/mcp\"\nbasic_auth_user = \"ops\"\n\
         basic_auth_password_file = \"/run/pw\"\nca_file = \"/etc/ca.pem\"\n\
         cert_file = \"/etc/cli.pem\"\nkey_file = \"/etc/cli.key\"\ninsecure_skip_verify = true\n",
    );
    let McpTransport::Http { http, .. } = &cfg.mcp.servers[0].transport else {
        panic!("not http: {:?}", cfg.mcp.servers[0]);
    };
    assert!(matches!(&http.auth, Some(HttpAuth::Basic { username, .. }) if username == "ops"));
    assert_eq!(http.tls.ca_file.as_deref(), Some(Path::new("/etc/ca.pem")));
    assert!(http.tls.cert_file.is_some() && http.tls.key_file.is_some());
    assert_eq!(cfg.unverified_tls(), ["mcp (gw)"]);
    // A stdio server takes none of them.
    error_at(
        "[mcp.servers.s]\ncommand = \"srv\"\nca_file = \"/etc/ca.pem\"\n",
        3,
        "mcp.servers.s.ca_file",
    );
}
