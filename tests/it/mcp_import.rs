//! Importing the MCP servers of Claude Desktop, Claude Code and VS Code configs, from fixture
//! files shaped like the real ones.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use mcptop::config::flags::Flags;
use mcptop::config::mcp::{McpServerConfig, McpTransport};
use mcptop::config::mcp_import::{Imported, import, import_with_env};
use mcptop::config::{Config, ConfigError};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mcp")
        .join(name)
}

fn import_env(path: &Path, vars: &[(&str, &str)]) -> Imported {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    import_with_env(path, &|name| vars.get(name).cloned()).expect("imports")
}

fn server<'a>(imported: &'a Imported, name: &str) -> &'a McpTransport {
    &imported
        .servers
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no server {name}: {:?}", imported))
        .transport
}

fn names(imported: &Imported) -> Vec<&str> {
    imported.servers.iter().map(|s| s.name.as_str()).collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn claude_desktop_stdio_servers_in_file_order() {
    let path = fixture("claude_desktop_config.json");
    let imported = import_env(&path, &[]);
    assert_eq!(names(&imported), ["filesystem", "github"]);
    assert_eq!(
        imported.servers[1],
        McpServerConfig {
            name: "github".into(),
            transport: McpTransport::Stdio {
                command: "docker".into(),
                args: [
                    "run",
                    "-i",
                    "--rm",
                    "-e",
                    "GITHUB_PERSONAL_ACCESS_TOKEN",
                    "ghcr.io/github/github-mcp-server"
                ]
                .map(String::from)
                .to_vec(),
                env: map(&[("GITHUB_PERSONAL_ACCESS_TOKEN", "planted-env-secret-d35k")]),
                cwd: None,
            },
        }
    );
    assert_eq!(imported.warnings.len(), 1, "{:?}", imported.warnings);
    let warning = &imported.warnings[0];
    assert!(
        warning.starts_with(&format!("{}: server `old-notes` skipped", path.display())),
        "{warning}"
    );
    assert!(warning.contains("disabled"), "{warning}");
}

#[test]
fn claude_code_expands_variables_with_and_without_defaults() {
    let imported = import_env(
        &fixture("claude_code.mcp.json"),
        &[
            ("API_KEY", "sk-live-1"),
            ("DB_PATH", "/data/db"),
            ("TOOLS_DIR", ""),
            ("HOME", "/home/op"),
        ],
    );
    assert_eq!(
        names(&imported),
        ["api", "static", "legacy", "local", "inferred"]
    );
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    assert_eq!(
        server(&imported, "api"),
        &McpTransport::Http {
            url: "https://api.example.com/mcp".into(),
            http: mcptop::config::endpoint::HttpSettings {
                headers: map(&[("Authorization", "Bearer sk-live-1")]),
                ..Default::default()
            },
        }
    );
    assert_eq!(
        server(&imported, "local"),
        &McpTransport::Stdio {
            // Set but empty takes the default, as `:-` does in a shell.
            command: "/opt/tools/db-server".into(),
            // `$HOME` without braces is not a reference.
            args: ["--db", "/data/db", "--literal", "$HOME"]
                .map(String::from)
                .to_vec(),
            env: map(&[("CACHE_DIR", "/tmp/cache"), ("RETRIES", "3")]),
            cwd: None,
        }
    );
    assert_eq!(
        server(&imported, "legacy"),
        &McpTransport::Sse {
            url: "https://legacy.example.com/sse".into()
        }
    );
    assert!(matches!(
        server(&imported, "inferred"),
        McpTransport::Http { url, .. } if url == "http://127.0.0.1:8080/mcp"
    ));
}

#[test]
fn unset_variable_without_default_skips_the_server_and_names_it() {
    let imported = import_env(
        &fixture("claude_code.mcp.json"),
        &[("API_BASE_URL", "https://other.example.com")],
    );
    assert_eq!(names(&imported), ["static", "legacy", "inferred"]);
    let joined = imported.warnings.join("\n");
    assert!(
        joined.contains(
            "server `api` skipped: header `Authorization`: environment variable `API_KEY` is not set"
        ),
        "{joined}"
    );
    assert!(
        joined.contains(
            "server `local` skipped: `args[1]`: environment variable `DB_PATH` is not set"
        ),
        "{joined}"
    );
    assert!(!joined.contains("other.example.com"), "{joined}");
    assert!(!joined.contains("planted"), "{joined}");
}

#[test]
fn vscode_variables_inputs_and_disabled_entries() {
    let path = fixture("vscode.mcp.json");
    let imported = import_env(
        &path,
        &[("GITHUB_TOKEN", "ghp-planted-77"), ("HOME", "/home/op")],
    );
    assert_eq!(names(&imported), ["fetch", "github", "home-tool", "legacy"]);
    // Not in a `.vscode` folder: the workspace is the file's own folder.
    let folder = path.parent().expect("fixture folder").display().to_string();
    assert_eq!(
        server(&imported, "fetch"),
        &McpTransport::Stdio {
            command: "uvx".into(),
            args: vec!["mcp-server-fetch".into(), "--root".into(), folder.clone()],
            env: BTreeMap::new(),
            cwd: Some(PathBuf::from(format!("{folder}/tools"))),
        }
    );
    assert_eq!(
        server(&imported, "github"),
        &McpTransport::Http {
            url: "https://api.githubcopilot.com/mcp/".into(),
            http: mcptop::config::endpoint::HttpSettings {
                headers: map(&[("Authorization", "Bearer ghp-planted-77")]),
                ..Default::default()
            },
        }
    );
    assert!(matches!(
        server(&imported, "home-tool"),
        McpTransport::Stdio { command, .. } if command == "/home/op/bin/tool"
    ));
    assert!(matches!(
        server(&imported, "legacy"),
        McpTransport::Sse { .. }
    ));
    let joined = imported.warnings.join("\n");
    assert_eq!(imported.warnings.len(), 2, "{joined}");
    assert!(
        joined.contains(
            "server `perplexity` skipped: env `PERPLEXITY_API_KEY`: `${input:perplexity-key}`"
        ),
        "{joined}"
    );
    assert!(
        joined.contains("server `paused` skipped: it is disabled"),
        "{joined}"
    );
}

#[test]
fn vscode_workspace_is_the_folder_holding_dot_vscode_and_env_file_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vscode = dir.path().join(".vscode");
    std::fs::create_dir(&vscode).expect("mkdir");
    std::fs::write(
        dir.path().join("mcp.env"),
        "# tokens\nexport A=1\nB=\"two words\"\nC=over # comment\n",
    )
    .expect("write env file");
    let path = vscode.join("mcp.json");
    std::fs::write(
        &path,
        r#"{"servers": {"w": {"command": "${workspaceFolder}/run", "envFile": "${workspaceFolder}/mcp.env", "env": {"C": "explicit"}},
                        "bad": {"command": "x", "envFile": "missing.env"}}}"#,
    )
    .expect("write");
    let imported = import_env(&path, &[]);
    assert_eq!(
        imported.servers,
        vec![McpServerConfig {
            name: "w".into(),
            transport: McpTransport::Stdio {
                command: format!("{}/run", dir.path().display()),
                args: vec![],
                env: map(&[("A", "1"), ("B", "two words"), ("C", "explicit")]),
                cwd: None,
            },
        }]
    );
    assert!(
        imported.warnings[0].contains("server `bad` skipped: `envFile`"),
        "{:?}",
        imported.warnings
    );
}

#[test]
fn bad_json_names_file_line_and_column() {
    let path = fixture("broken.json");
    let err = import(&path).expect_err("broken JSON is refused");
    assert!(
        matches!(err, ConfigError::Syntax { line: 4, .. }),
        "{err:?}"
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{}:4:5: ", path.display())),
        "{shown}"
    );
}

#[test]
fn file_without_server_list_is_refused() {
    let path = fixture("not_mcp.json");
    let shown = import(&path).expect_err("refused").to_string();
    assert!(
        shown.starts_with(&format!("{}: has neither `mcpServers`", path.display())),
        "{shown}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let odd = dir.path().join("odd.json");
    std::fs::write(&odd, r#"{"servers": ["a"]}"#).expect("write");
    let shown = import(&odd).expect_err("refused").to_string();
    assert!(shown.contains("`servers` is not an object"), "{shown}");
    std::fs::write(&odd, "\n\"just a string\"").expect("write");
    let err = import(&odd).expect_err("refused");
    assert!(
        matches!(err, ConfigError::Syntax { line: 2, .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("just a string"), "{err}");
    let err = import(&dir.path().join("absent.json")).expect_err("refused");
    assert!(matches!(err, ConfigError::Io { .. }), "{err:?}");
}

#[test]
fn loaded_config_debug_hides_header_and_env_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let toml = dir.path().join("c.toml");
    std::fs::write(&toml, "").expect("write");
    let args = Flags {
        config: Some(toml),
        mcp_config: vec![
            fixture("claude_code.mcp.json"),
            fixture("claude_desktop_config.json"),
        ],
        ..Default::default()
    };
    let config = Config::load(&args).expect("loads");
    assert!(
        config.mcp.servers.iter().any(|s| s.name == "static"),
        "{:?}",
        config.mcp.servers
    );
    let shown = format!("{:?}", config);
    assert!(!shown.contains("planted-header-secret-7q2"), "{shown}");
    assert!(!shown.contains("planted-env-secret-d35k"), "{shown}");
    assert!(shown.contains("\"Authorization\""), "{shown}");
    assert!(
        shown.contains("\"GITHUB_PERSONAL_ACCESS_TOKEN\""),
        "{shown}"
    );
    let warnings = config.warnings.join("\n");
    assert!(!warnings.contains("planted"), "{warnings}");
}
