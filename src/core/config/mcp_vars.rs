//! `${...}` references in the client configs [`super::mcp_import`] reads, expanded the same
//! way in every shape, since one `mcpServers` file may have been written for Claude Desktop,
//! Claude Code or Cursor. What each client documents:
//!
//! - Claude Code (`.mcp.json`, `~/.claude.json`; docs page "MCP", section "Environment
//!   variable expansion in .mcp.json"): `${VAR}` and `${VAR:-default}` in `command`, `args`,
//!   `env`, `url` and `headers`.
//! - Cursor (`.cursor/mcp.json`, `~/.cursor/mcp.json`; docs page "Model Context Protocol",
//!   "Config interpolation"): `${env:NAME}`, `${userHome}`, `${workspaceFolder}`,
//!   `${workspaceFolderBasename}`, `${pathSeparator}` and `${/}` in the same fields.
//! - VS Code (`.vscode/mcp.json`, "MCP configuration reference"): its predefined variables,
//!   `${env:NAME}` and `${input:id}` (a prompt, which mcptop cannot show).
//! - Claude Desktop documents none.
//!
//! mcptop expands all of the above in every field of every shape (and in `cwd` and
//! `envFile`). `${VAR:-default}` takes the default when VAR is unset or empty, as a shell
//! does. A variable that is unset without a default, an `${input:..}`, an editor variable
//! (`${file}`, `${cwd}`, ...) or another client's variable mcptop does not resolve
//! (`${config:..}`, `${command:..}`) makes the server unusable: it is skipped with a reason. Text that is not a reference at all (`${a b}`,
//! an unterminated `${`) is kept as written with a note. Reasons and notes name the field
//! and the reference, never a value.

use std::path::{Path, PathBuf};

/// The longest reference text repeated in a note (longer ones are only measured).
const SHOWN_MAX: usize = 40;

/// VS Code's predefined variables that depend on the open editor or the running VS Code, so
/// cannot be resolved outside it (VS Code's "Variables reference"); named as such when no
/// environment variable of that name is set.
const EDITOR_VARIABLES: &[&str] = &[
    "cwd",
    "defaultBuildTask",
    "execPath",
    "file",
    "fileBasename",
    "fileBasenameNoExtension",
    "fileDirname",
    "fileExtname",
    "fileWorkspaceFolder",
    "lineNumber",
    "relativeFile",
    "relativeFileDirname",
    "selectedText",
];

/// What references resolve against.
pub(super) struct Vars<'a> {
    /// Variable lookups; `None` means unset.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// `${workspaceFolder}`: see [`workspace_of`].
    pub workspace: PathBuf,
}

impl Vars<'_> {
    /// `text` (the value of `field`, e.g. ``header `Authorization` ``) with its references
    /// replaced. With `secret`, the variable values put in are remembered as secrets
    /// ([`crate::secrets::remember`]) so a server echoing them is scrubbed.
    ///
    /// Errors: why the server cannot be used (see the module). `notes`: text kept as
    /// written.
    pub(super) fn expand(
        &self,
        text: &str,
        field: &str,
        secret: bool,
        notes: &mut Vec<String>,
    ) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                notes.push(format!(
                    "{field} holds an unterminated `${{`: kept as written"
                ));
                out.push_str(&rest[start..]);
                return Ok(out);
            };
            let inner = &after[..end];
            match self.resolve(inner, field)? {
                Some(Resolved { value, from_env }) => {
                    if secret && from_env {
                        crate::secrets::remember(&value);
                    }
                    out.push_str(&value);
                }
                None => {
                    notes.push(format!(
                        "{field} holds {}, which is not a variable reference: kept as written",
                        shown(inner)
                    ));
                    out.push_str(&rest[start..start + 3 + end]);
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The value of `${inner}`; `Ok(None)` when it is not a reference.
    fn resolve(&self, inner: &str, field: &str) -> Result<Option<Resolved>, String> {
        let from_env = |value: String| {
            Some(Resolved {
                value,
                from_env: true,
            })
        };
        let fixed = |value: String| {
            Some(Resolved {
                value,
                from_env: false,
            })
        };
        match inner {
            "userHome" => {
                return (self.env)("HOME")
                    .filter(|h| !h.is_empty())
                    .map(fixed)
                    .ok_or_else(|| {
                        format!("{field}: `${{userHome}}` needs HOME, which is not set")
                    });
            }
            "workspaceFolder" => return Ok(fixed(self.workspace.display().to_string())),
            "workspaceFolderBasename" => {
                let base = self.workspace.file_name().unwrap_or_default();
                return Ok(fixed(base.to_string_lossy().into_owned()));
            }
            "pathSeparator" | "/" => return Ok(fixed(std::path::MAIN_SEPARATOR_STR.into())),
            _ => {}
        }
        if let Some(name) = inner.strip_prefix("env:") {
            if !is_variable_name(name) {
                return Ok(None);
            }
            return (self.env)(name).map(from_env).ok_or_else(|| {
                format!("{field}: environment variable `{name}` (`${{env:{name}}}`) is not set")
            });
        }
        if let Some(id) = inner.strip_prefix("input:") {
            return Err(format!(
                "{field}: {} is asked of the user by VS Code, which mcptop cannot do",
                shown(&format!("input:{id}"))
            ));
        }
        let (name, default) = match inner.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (inner, None),
        };
        if is_variable_name(name) {
            return match ((self.env)(name), default) {
                (Some(v), Some(d)) if v.is_empty() => Ok(fixed(d.to_string())),
                (Some(v), _) => Ok(from_env(v)),
                (None, Some(d)) => Ok(fixed(d.to_string())),
                (None, None) if EDITOR_VARIABLES.contains(&name) => Err(format!(
                    "{field}: `${{{name}}}` is an editor variable mcptop does not resolve"
                )),
                (None, None) => Err(format!(
                    "{field}: environment variable `{name}` is not set (write \
                     `${{{name}:-default}}` for a default)"
                )),
            };
        }
        match inner.split_once(':') {
            Some((prefix, _)) if is_variable_name(prefix) => Err(format!(
                "{field}: {} is a variable of another client that mcptop does not resolve",
                shown(inner)
            )),
            _ => Ok(None),
        }
    }
}

struct Resolved {
    value: String,
    /// Read from an environment variable (may be a secret).
    from_env: bool,
}

/// `` `${inner}` `` when short, else its length only (a long one may be pasted text).
fn shown(inner: &str) -> String {
    let n = inner.chars().count();
    if n <= SHOWN_MAX {
        format!("`${{{inner}}}`")
    } else {
        format!("a {n}-character `${{...}}`")
    }
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `${workspaceFolder}` for a config at `path`: the folder holding `.vscode/` or `.cursor/`
/// when the file is in one, else the file's own folder (a project's `.mcp.json`); absolute
/// when the current directory is known.
pub(super) fn workspace_of(path: &Path) -> PathBuf {
    let absolute = match std::env::current_dir() {
        Ok(cwd) => cwd.join(path),
        Err(_) => path.to_path_buf(),
    };
    let folder = absolute.parent().unwrap_or(Path::new(".")).to_path_buf();
    match (folder.file_name(), folder.parent()) {
        (Some(n), Some(up)) if n == ".vscode" || n == ".cursor" => up.to_path_buf(),
        _ => folder,
    }
}
