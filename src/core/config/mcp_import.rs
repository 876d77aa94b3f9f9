//! Reading the MCP server lists other clients keep, so servers need not be written twice:
//!
//! - Claude Desktop `claude_desktop_config.json`, Claude Code `.mcp.json` / `~/.claude.json`
//!   (its top-level servers) and Cursor `.cursor/mcp.json`:
//!   `{"mcpServers": {"NAME": {"command", "args", "env", "cwd"}}}` or, with `"type": "http"`
//!   or `"sse"` (or a `url` alone), `{"url", "headers"}`.
//! - VS Code `.vscode/mcp.json`: `{"servers": {"NAME": {"type", "command", "args", "env",
//!   "envFile", "cwd", "url", "headers"}}, "inputs": [...]}`.
//!
//! Comments and trailing commas (JSONC) are accepted in both. `${...}` references are
//! expanded the same way in both shapes, in every field ([`super::mcp_vars`]).
//!
//! Keys mcptop does not use are ignored (these are other tools' files). A server that cannot
//! be used as written (`"disabled": true`, an unset variable, `${input:..}`, a missing
//! `command`/`url`, ...) is skipped with a warning that names it and the reason, never a value;
//! a `${...}` kept as written in a server that is used gets a warning naming the field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::ConfigError;
use super::mcp::{McpServerConfig, McpTransport, check_http_url};
use super::mcp_vars::{Vars, workspace_of};

/// The servers of one client config file, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    pub servers: Vec<McpServerConfig>,
    /// One line per skipped server or ignored entry, as `PATH: server `NAME` skipped: why`
    /// (or `PATH: server `NAME`: ...` when the server is kept). Never holds a header or
    /// environment value.
    pub warnings: Vec<String>,
}

/// Reads the client config at `path`, looking variables up in the process environment.
///
/// Errors: the file cannot be read ([`ConfigError::Io`]); it is not JSON
/// ([`ConfigError::Syntax`] with line and column); it has neither `mcpServers` nor `servers`,
/// or one of them is not an object ([`ConfigError::Unusable`]).
pub fn import(path: &Path) -> Result<Imported, ConfigError> {
    import_with_env(path, &|name| std::env::var(name).ok())
}

/// [`import`] with `env` answering variable lookups (`${VAR}`, `${env:VAR}`, and `HOME` for
/// `${userHome}`) instead of the process environment. `None` means unset.
pub fn import_with_env(
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Imported, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let text = strip_jsonc(&text);
    let top: IndexMap<String, Loose> = serde_json::from_str(&text).map_err(|e| {
        if e.is_data() {
            // The only data error left: the document is not an object. Its text is not
            // repeated (serde_json would quote it).
            ConfigError::Syntax {
                path: path.to_path_buf(),
                line: e.line().max(1),
                column: e.column().max(1),
                key: None,
                message: "is not a JSON object".to_string(),
            }
        } else {
            ConfigError::from_json(&e, path)
        }
    })?;
    let ctx = Context {
        vars: Vars {
            env,
            workspace: workspace_of(path),
        },
    };
    let mut out = Imported::default();
    let mut found = false;
    for field in ["mcpServers", "servers"] {
        let entries = match top.get(field) {
            None => continue,
            Some(Loose::Map(entries)) => entries,
            Some(Loose::Other(_)) => {
                return Err(ConfigError::Unusable {
                    path: path.to_path_buf(),
                    message: format!("`{field}` is not an object of servers"),
                });
            }
        };
        found = true;
        for (name, value) in entries {
            let shown = path.display();
            let mut notes = Vec::new();
            match ctx.server(name, value, &mut notes) {
                Ok(server) => out.servers.push(server),
                Err(why) => out
                    .warnings
                    .push(format!("{shown}: server `{name}` skipped: {why}")),
            }
            out.warnings.extend(
                notes
                    .into_iter()
                    .map(|n| format!("{shown}: server `{name}`: {n}")),
            );
        }
    }
    if !found {
        return Err(ConfigError::Unusable {
            path: path.to_path_buf(),
            message: "has neither `mcpServers` (Claude Desktop, Claude Code) nor `servers` \
                      (VS Code): not an MCP client config"
                .to_string(),
        });
    }
    Ok(out)
}

/// A top-level value: an object keeps its key order (for the server list), anything else is
/// kept whole.
#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    Map(IndexMap<String, Value>),
    Other(#[allow(dead_code)] Value),
}

/// The transport an entry asks for.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Http,
    Stdio,
    Sse,
}

struct Context<'a> {
    vars: Vars<'a>,
}

impl Context<'_> {
    /// One entry as a server. Errors: why it is skipped. `notes`: things dropped from a
    /// server that is kept.
    fn server(
        &self,
        name: &str,
        value: &Value,
        notes: &mut Vec<String>,
    ) -> Result<McpServerConfig, String> {
        if name.trim().is_empty() {
            return Err("its name is empty".to_string());
        }
        let Value::Object(entry) = value else {
            return Err("it is not a JSON object".to_string());
        };
        if entry.get("disabled") == Some(&Value::Bool(true)) {
            return Err("it is disabled (\"disabled\": true)".to_string());
        }
        let url = string_field(entry, "url")?;
        let command = string_field(entry, "command")?;
        let kind = match (string_field(entry, "type")?, &url, &command) {
            (Some("stdio"), _, _) => Kind::Stdio,
            (Some("http" | "streamable-http" | "streamableHttp"), _, _) => Kind::Http,
            (Some("sse"), _, _) => Kind::Sse,
            (Some(other), _, _) => {
                return Err(format!("`type` {other:?} is not stdio, http or sse"));
            }
            (None, Some(_), None) => Kind::Http,
            (None, None, Some(_)) => Kind::Stdio,
            (None, Some(_), Some(_)) => {
                return Err("it has both `url` and `command` and no `type`".to_string());
            }
            (None, None, None) => return Err("it has neither `command` nor `url`".to_string()),
        };
        let transport = match kind {
            Kind::Stdio => {
                let command = command.ok_or("`type` is stdio but it has no `command`")?;
                self.stdio(command, entry, notes)?
            }
            Kind::Http | Kind::Sse => {
                let url = url.ok_or("`type` is http or sse but it has no `url`")?;
                let url = self.vars.expand(url, "`url`", false, notes)?;
                check_http_url(&url).map_err(|m| format!("`url` {m}"))?;
                if kind == Kind::Sse {
                    McpTransport::Sse { url }
                } else {
                    let headers = self.headers(entry, notes)?;
                    McpTransport::Http {
                        url,
                        http: super::endpoint::HttpSettings {
                            headers,
                            ..Default::default()
                        },
                    }
                }
            }
        };
        Ok(McpServerConfig {
            name: name.to_string(),
            transport,
        })
    }

    fn stdio(
        &self,
        command: &str,
        entry: &Map<String, Value>,
        notes: &mut Vec<String>,
    ) -> Result<McpTransport, String> {
        let command = self.vars.expand(command, "`command`", false, notes)?;
        if command.trim().is_empty() {
            return Err("`command` is empty".to_string());
        }
        let args = match entry.get("args") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(s) => self.vars.expand(s, &format!("`args[{i}]`"), false, notes),
                    _ => Err("`args` is not a list of strings".to_string()),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("`args` is not a list of strings".to_string()),
        };
        let mut env = BTreeMap::new();
        if let Some(file) = string_field(entry, "envFile")? {
            let file = PathBuf::from(self.vars.expand(file, "`envFile`", false, notes)?);
            let file = self.vars.workspace.join(file);
            env.extend(read_env_file(&file)?);
        }
        match entry.get("env") {
            None | Some(Value::Null) => {}
            Some(Value::Object(vars)) => {
                for (var, value) in vars {
                    let text = match value {
                        Value::String(s) => {
                            let secret = crate::model::mcp::mask::is_secret_key(var);
                            self.vars
                                .expand(s, &format!("env `{var}`"), secret, notes)?
                        }
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => {
                            notes.push(format!(
                                "env `{var}` is null (unset the variable): mcptop only adds \
                                 variables, so it is ignored"
                            ));
                            continue;
                        }
                        _ => return Err(format!("env `{var}` is not a string")),
                    };
                    env.insert(var.clone(), text);
                }
            }
            Some(_) => return Err("`env` is not an object".to_string()),
        }
        let cwd = match string_field(entry, "cwd")? {
            None => None,
            Some(c) => Some(PathBuf::from(self.vars.expand(c, "`cwd`", false, notes)?)),
        };
        Ok(McpTransport::Stdio {
            command,
            args,
            env,
            cwd,
        })
    }

    fn headers(
        &self,
        entry: &Map<String, Value>,
        notes: &mut Vec<String>,
    ) -> Result<BTreeMap<String, String>, String> {
        let mut headers = BTreeMap::new();
        match entry.get("headers") {
            None | Some(Value::Null) => {}
            Some(Value::Object(given)) => {
                for (name, value) in given {
                    let Value::String(value) = value else {
                        return Err(format!("header `{name}` is not a string"));
                    };
                    let value =
                        self.vars
                            .expand(value, &format!("header `{name}`"), true, notes)?;
                    if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                        return Err(format!("header `{name}` is not a valid header name"));
                    }
                    if http::HeaderValue::from_str(&value).is_err() {
                        return Err(format!(
                            "header `{name}` has a value that is not a valid header value"
                        ));
                    }
                    headers.insert(name.clone(), value);
                }
            }
            Some(_) => return Err("`headers` is not an object".to_string()),
        }
        Ok(headers)
    }
}

/// `entry[field]` when it is a string. Errors: it is there but not a string.
fn string_field<'a>(entry: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, String> {
    match entry.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{field}` is not a string")),
    }
}

/// `KEY=VALUE` lines of a dotenv file (`#` comments, blank lines, `export ` prefixes and
/// matching quotes around values allowed).
///
/// Errors: unreadable file, or a line without `=` (by number, never its text).
fn read_env_file(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("`envFile` {} cannot be read: {e}", path.display()))?;
    let mut vars = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!(
                "`envFile` {} line {} is not KEY=VALUE",
                path.display(),
                n + 1
            ));
        };
        let value = value.trim();
        let quoted = value.len() >= 2
            && ((value.starts_with('"') && value.ends_with('"'))
                || (value.starts_with('\'') && value.ends_with('\'')));
        let value = if quoted {
            &value[1..value.len() - 1]
        } else {
            value.split(" #").next().unwrap_or("").trim_end()
        };
        vars.push((key.trim().to_string(), value.to_string()));
    }
    Ok(vars)
}

/// JSONC to JSON: `//` and `/* */` comments, trailing commas and a byte-order mark become
/// spaces, byte for byte, so serde_json's lines and columns still point into the file.
fn strip_jsonc(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes[..3].fill(b' ');
    }
    blank_comments(&mut bytes);
    blank_trailing_commas(&mut bytes);
    // Only ASCII bytes and whole comments (every byte of each character) were replaced.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

fn blank_comments(bytes: &mut [u8]) {
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        match (in_string, bytes[i], bytes.get(i + 1).copied()) {
            (true, b'\\', _) => i += 1,
            (true, b'"', _) | (false, b'"', _) => in_string = !in_string,
            (false, b'/', Some(b'/')) => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    bytes[i] = b' ';
                    i += 1;
                }
                continue;
            }
            (false, b'/', Some(b'*')) => {
                let start = i;
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                let end = (i + 2).min(bytes.len());
                for b in &mut bytes[start..end] {
                    if *b != b'\n' {
                        *b = b' ';
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

fn blank_trailing_commas(bytes: &mut [u8]) {
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (true, b'\\') => i += 1,
            (_, b'"') => in_string = !in_string,
            (false, b',') => {
                let next = bytes[i + 1..]
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    .copied();
                if matches!(next, Some(b'}' | b']')) {
                    bytes[i] = b' ';
                }
            }
            _ => {}
        }
        i += 1;
    }
}
