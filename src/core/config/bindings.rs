//! `[[bindings]]`: keys that call one tool of one MCP server with fixed arguments.
//!
//! ```toml
//! [[bindings]]
//! key = "F5"
//! server = "prod"
//! tool = "cache.flush"
//! args = { region = "ap-northeast-1" }
//! confirm = true
//! timeout = "2m"
//! ```
//!
//! Collisions with mcptop's own keys are the app's to check, not the config's.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;
use super::error::{Place, Source};
use super::file::{duration, key_segment};
use super::mcp::McpServerConfig;
use crate::action::Key;

/// A key that calls `tool` on `server` with `args`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolBinding {
    /// As [`Key::parse`] reads it (`F5`, `Ctrl-R`, `x`); unique among bindings.
    pub key: Key,
    /// Name of a server in [`super::mcp::McpConfig::servers`] (configured or imported).
    pub server: String,
    /// Tool name as the server lists it; not empty (not checked against the server).
    pub tool: String,
    /// The `arguments` object of `tools/call`: the TOML table converted to JSON (datetimes
    /// become RFC 3339 strings); empty when not given.
    pub args: serde_json::Map<String, serde_json::Value>,
    /// `Some(true)` asks before calling even a read-only tool. Otherwise the tool's
    /// annotations decide, and their confirmations cannot be turned off: `Some(false)` is
    /// the same as `None`.
    pub confirm: Option<bool>,
    /// Timeout of this call; `None` means `mcp.call_timeout`.
    pub timeout: Option<Duration>,
}

/// One `[[bindings]]` table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBinding {
    key: Spanned<String>,
    server: Spanned<String>,
    tool: Spanned<String>,
    args: Option<Spanned<toml::Table>>,
    confirm: Option<bool>,
    timeout: Option<Spanned<String>>,
}

/// Checks what the file alone can tell: the key parses and is not bound twice, the tool is
/// named, the args are JSON, the timeout is a duration. Returns the bindings and the place of
/// each one's `server`, for [`check_servers`].
///
/// Errors: at the offending value, with key `bindings[i].field` (i counts from 0).
pub(super) fn convert(
    src: &Source,
    raw: Vec<RawBinding>,
) -> Result<(Vec<ToolBinding>, Vec<Place>), ConfigError> {
    let mut bindings: Vec<ToolBinding> = Vec::with_capacity(raw.len());
    let mut places = Vec::with_capacity(raw.len());
    let mut key_places: Vec<Place> = Vec::with_capacity(raw.len());
    for (i, b) in raw.into_iter().enumerate() {
        let at = |field: &str| format!("bindings[{i}].{field}");
        let key = Key::parse(b.key.get_ref()).map_err(|m| src.error(b.key.span(), at("key"), m))?;
        if let Some(j) = bindings.iter().position(|other| other.key == key) {
            return Err(src.error(
                b.key.span(),
                at("key"),
                format!(
                    "`{}` is already bound by bindings[{j}] (line {})",
                    b.key.get_ref(),
                    key_places[j].line
                ),
            ));
        }
        if b.tool.get_ref().trim().is_empty() {
            return Err(src.error(b.tool.span(), at("tool"), "must name a tool"));
        }
        let args = match b.args {
            None => serde_json::Map::new(),
            Some(table) => {
                let span = table.span();
                table_to_json(table.into_inner()).map_err(|path| {
                    src.error(
                        span,
                        format!("{}{path}", at("args")),
                        "is not a JSON number (NaN and infinity have no JSON form)",
                    )
                })?
            }
        };
        let timeout = match &b.timeout {
            None => None,
            Some(t) => Some(duration(src, t, &at("timeout"))?),
        };
        key_places.push(src.place(b.key.span()));
        places.push(src.place(b.server.span()));
        bindings.push(ToolBinding {
            key,
            server: b.server.into_inner(),
            tool: b.tool.into_inner(),
            args,
            confirm: b.confirm,
            timeout,
        });
    }
    Ok((bindings, places))
}

/// Checks that every binding names a server of `servers` (the final list, imports included).
/// `places[i]` is where binding i's `server` is written; `warnings` are searched for why a
/// server is missing (an import that skipped it).
///
/// Errors: at the binding's `server`, listing the known names.
pub(super) fn check_servers(
    bindings: &[ToolBinding],
    places: &[Place],
    servers: &[McpServerConfig],
    warnings: &[String],
) -> Result<(), ConfigError> {
    for (i, (b, place)) in bindings.iter().zip(places).enumerate() {
        if servers.iter().any(|s| s.name == b.server) {
            continue;
        }
        let known: Vec<String> = servers.iter().map(|s| format!("`{}`", s.name)).collect();
        let mut message = if known.is_empty() {
            format!("`{}` names no MCP server: none are configured", b.server)
        } else {
            format!(
                "`{}` names no MCP server; known: {}",
                b.server,
                known.join(", ")
            )
        };
        let mention = format!("server `{}` skipped", b.server);
        if let Some(why) = warnings.iter().find(|w| w.contains(&mention)) {
            message.push_str(&format!(" ({why})"));
        }
        return Err(place.error(format!("bindings[{i}].server"), message));
    }
    Ok(())
}

/// A TOML table as a JSON object. Errors: the dotted path (`.a.b`, `.list[2]`) of a float
/// JSON cannot hold.
fn table_to_json(table: toml::Table) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    table
        .into_iter()
        .map(|(k, v)| {
            let segment = format!(".{}", key_segment(&k));
            value_to_json(v)
                .map(|j| (k, j))
                .map_err(|inner| format!("{segment}{inner}"))
        })
        .collect()
}

fn value_to_json(value: toml::Value) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    Ok(match value {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(n) => J::from(n),
        toml::Value::Float(f) => {
            J::Number(serde_json::Number::from_f64(f).ok_or_else(String::new)?)
        }
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(items) => J::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| value_to_json(v).map_err(|inner| format!("[{i}]{inner}")))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(t) => J::Object(table_to_json(t)?),
    })
}
