//! `${...}` references in imported client configs, expanded the same way in every shape
//! (Claude Desktop, Claude Code, Cursor, VS Code), warned about when kept as written, and a
//! header token expanded from the environment reaching a real HTTP listener.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use mcptop::config::Config;
use mcptop::config::mcp::{McpServerConfig, McpSettings, McpTransport};
use mcptop::config::mcp_import::{Imported, import_with_env};
use mcptop::model::mcp::{ConnState, McpUpdate};
use mcptop::sources::Update;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Writes `text` to `dir/rel` (folders created) and returns the path.
fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("folder created");
    }
    std::fs::write(&path, text).expect("config written");
    path
}

fn import_env(path: &Path, vars: &[(&str, &str)]) -> Imported {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    import_with_env(path, &|name| vars.get(name).cloned()).expect("imports")
}

fn transport<'a>(imported: &'a Imported, name: &str) -> &'a McpTransport {
    &imported
        .servers
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no server {name}: {imported:?}"))
        .transport
}

fn headers(t: &McpTransport) -> &BTreeMap<String, String> {
    match t {
        McpTransport::Http { http, .. } => &http.headers,
        other => panic!("not HTTP: {other:?}"),
    }
}

/// Both syntaxes in one `mcpServers` entry: Claude Code's `${VAR}`/`${VAR:-default}` and
/// Cursor's `${env:VAR}` (the issue: `Bearer ${env:MP_TOKEN}` reached the server as written).
const MCP_SERVERS: &str = r#"{
  "mcpServers": {
    "remote": {
      "url": "${MP_URL:-http://127.0.0.1:9/mcp}",
      "headers": {"Authorization": "Bearer ${env:MP_TOKEN}", "X-Team": "${TEAM}"}
    },
    "local": {
      "command": "${env:TOOLS}/server",
      "args": ["--data", "${DATA_DIR:-/var/data}", "--user", "${env:USER_NAME}"],
      "env": {"API_KEY": "${env:MP_TOKEN}", "MODE": "${MODE:-fast}"}
    }
  }
}"#;

const VARS: &[(&str, &str)] = &[
    ("MP_TOKEN", "mp-token-planted-31"),
    ("TEAM", "ops"),
    ("TOOLS", "/opt/tools"),
    ("USER_NAME", "op"),
];

fn assert_mcp_servers_expanded(imported: &Imported) {
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    let remote = transport(imported, "remote");
    assert!(
        matches!(remote, McpTransport::Http { url, .. } if url == "http://127.0.0.1:9/mcp"),
        "{remote:?}"
    );
    assert_eq!(
        headers(remote).get("Authorization").map(String::as_str),
        Some("Bearer mp-token-planted-31")
    );
    assert_eq!(
        headers(remote).get("X-Team").map(String::as_str),
        Some("ops")
    );
    assert_eq!(
        transport(imported, "local"),
        &McpTransport::Stdio {
            command: "/opt/tools/server".into(),
            args: ["--data", "/var/data", "--user", "op"]
                .map(String::from)
                .to_vec(),
            env: BTreeMap::from([
                ("API_KEY".to_string(), "mp-token-planted-31".to_string()),
                ("MODE".to_string(), "fast".to_string()),
            ]),
            cwd: None,
        }
    );
}

#[test]
fn claude_desktop_file_expands_env_references() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "Claude/claude_desktop_config.json", MCP_SERVERS);
    assert_mcp_servers_expanded(&import_env(&path, VARS));
}

#[test]
fn claude_code_project_and_user_files_expand_env_references() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = write(dir.path(), "repo/.mcp.json", MCP_SERVERS);
    assert_mcp_servers_expanded(&import_env(&project, VARS));
    // `~/.claude.json` holds much else beside its top-level `mcpServers`.
    let user_file = MCP_SERVERS.replacen('{', r#"{"numStartups": 4, "projects": {}, "#, 1);
    let user = write(dir.path(), "home/.claude.json", &user_file);
    assert_mcp_servers_expanded(&import_env(&user, VARS));
}

#[test]
fn cursor_file_expands_its_predefined_variables() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(
        dir.path(),
        "shop/.cursor/mcp.json",
        r#"{"mcpServers": {"tool": {
            "command": "${userHome}${/}bin${pathSeparator}tool",
            "args": ["--root", "${workspaceFolder}", "--name", "${workspaceFolderBasename}"],
            "env": {"TOKEN": "${env:MP_TOKEN}"}
        }}}"#,
    );
    let imported = import_env(&path, &[("HOME", "/home/op"), ("MP_TOKEN", "t-planted-9")]);
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    // The workspace is the folder holding `.cursor/`.
    let root = dir.path().join("shop").display().to_string();
    let sep = std::path::MAIN_SEPARATOR;
    assert_eq!(
        transport(&imported, "tool"),
        &McpTransport::Stdio {
            command: format!("/home/op{sep}bin{sep}tool"),
            args: vec!["--root".into(), root, "--name".into(), "shop".into()],
            env: BTreeMap::from([("TOKEN".to_string(), "t-planted-9".to_string())]),
            cwd: None,
        }
    );
}

#[test]
fn vscode_file_expands_the_same_references() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(
        dir.path(),
        "repo/.vscode/mcp.json",
        &MCP_SERVERS.replace("\"mcpServers\"", "\"servers\""),
    );
    assert_mcp_servers_expanded(&import_env(&path, VARS));
}

#[test]
fn an_unset_variable_is_named_with_file_server_and_field_never_a_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), ".cursor/mcp.json", MCP_SERVERS);
    // MP_TOKEN unset: `remote` and `local` both need it.
    let imported = import_env(&path, &[("TEAM", "planted-team"), ("TOOLS", "/opt/t")]);
    assert!(imported.servers.is_empty(), "{:?}", imported.servers);
    let shown = path.display();
    assert_eq!(
        imported.warnings,
        [
            format!(
                "{shown}: server `remote` skipped: header `Authorization`: environment \
                 variable `MP_TOKEN` (`${{env:MP_TOKEN}}`) is not set"
            ),
            format!(
                "{shown}: server `local` skipped: `args[3]`: environment variable \
                 `USER_NAME` (`${{env:USER_NAME}}`) is not set"
            ),
        ]
    );
    assert!(!imported.warnings.join("\n").contains("planted"));
}

#[test]
fn text_that_is_not_a_reference_is_kept_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(
        dir.path(),
        ".mcp.json",
        r#"{"mcpServers": {"odd": {
            "command": "run",
            "args": ["${not a name}", "tail ${"],
            "env": {"SECRET_TOKEN": "${env:MP_TOKEN}"}
        }}}"#,
    );
    let imported = import_env(&path, &[("MP_TOKEN", "odd-planted-5")]);
    assert!(matches!(
        transport(&imported, "odd"),
        McpTransport::Stdio { args, .. } if args == &["${not a name}", "tail ${"]
    ));
    let shown = path.display();
    assert_eq!(
        imported.warnings,
        [
            format!(
                "{shown}: server `odd`: `args[0]` holds `${{not a name}}`, which is not a \
                 variable reference: kept as written"
            ),
            format!(
                "{shown}: server `odd`: `args[1]` holds an unterminated `${{`: kept as written"
            ),
        ]
    );
}

#[test]
fn warnings_of_an_import_reach_the_config_warnings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(
        dir.path(),
        ".mcp.json",
        r#"{"mcpServers": {"needs": {"url": "http://127.0.0.1:9/mcp",
            "headers": {"Authorization": "Bearer ${MCPTOP_TEST_SURELY_UNSET_Q7}"}}}}"#,
    );
    let toml = format!("[mcp]\nimport = [{:?}]\n", path.display().to_string());
    let cfg = Config::from_toml(&toml, Path::new("mcptop.toml")).expect("config loads");
    assert!(cfg.mcp.servers.is_empty(), "{:?}", cfg.mcp.servers);
    let joined = cfg.warnings.join("\n");
    assert!(
        joined.contains(&format!(
            "{}: server `needs` skipped: header `Authorization`: environment variable \
             `MCPTOP_TEST_SURELY_UNSET_Q7` is not set",
            path.display()
        )),
        "{joined}"
    );
}

/// The issue's case end to end: a Cursor-style `mcpServers` file with
/// `"Authorization": "Bearer ${env:MP_TOKEN}"`, imported and connected: the listener sees the
/// token, not the reference.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expanded_header_token_reaches_the_server() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(
        dir.path(),
        ".cursor/mcp.json",
        &format!(
            r#"{{"mcpServers": {{"mp": {{"url": "http://{addr}/mcp",
                "headers": {{"Authorization": "Bearer ${{env:MP_TOKEN}}"}}}}}}}}"#
        ),
    );
    let imported = import_env(&path, &[("MP_TOKEN", "mp-live-token-planted")]);
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    let server = imported.servers.into_iter().next().expect("one server");
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    let mut tasks = tokio::task::JoinSet::new();
    let settings = McpSettings {
        connect_timeout: Duration::from_secs(10),
        ..Default::default()
    };
    let handle = mcptop::sources::mcp::spawn(
        0,
        McpServerConfig {
            name: server.name,
            transport: server.transport,
        },
        settings,
        tx,
        &mut tasks,
    );
    let (mut conn, _) = tokio::time::timeout(Duration::from_secs(20), listener.accept())
        .await
        .expect("the source connects")
        .expect("accept");
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut buf))
            .await
            .expect("request arrives")
            .expect("read");
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    assert!(head.starts_with("post /mcp "), "{head}");
    assert!(
        head.contains("authorization: bearer mp-live-token-planted\r\n"),
        "{head}"
    );
    assert!(!head.contains("${"), "{head}");
    let _ = conn
        .write_all(
            b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        )
        .await;
    drop(conn);
    // The failed connect is reported, without the token.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let update = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("a state update before the deadline")
            .expect("the source is running");
        assert!(!format!("{update:?}").contains("planted"), "{update:?}");
        if let Update::Mcp(McpUpdate::State {
            state: ConnState::Reconnecting { .. } | ConnState::Failed(_),
            ..
        }) = update
        {
            break;
        }
    }
    drop(handle);
    tasks.abort_all();
}

#[test]
fn an_editor_variable_is_named_as_such() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(
        dir.path(),
        ".vscode/mcp.json",
        r#"{"servers": {"lint": {"command": "lint", "args": ["${fileDirname}"]}}}"#,
    );
    let imported = import_env(&path, &[]);
    assert_eq!(
        imported.warnings,
        [format!(
            "{}: server `lint` skipped: `args[0]`: `${{fileDirname}}` is an editor variable \
             mcptop does not resolve",
            path.display()
        )]
    );
}
