//! The part of a config file a recording keeps: the tables that shape the numbers, and
//! nothing that reaches a server. A recording may be handed to anyone writing the
//! postmortem, so it holds no URL, header, token, password, file name or MCP server.

/// Tables kept whole: their keys are settings of the numbers, never credentials.
const KEPT_TABLES: [&str; 6] = [
    "scrape",
    "window",
    "thresholds",
    "modules",
    "custom_profile",
    "rules",
];
/// `[target]` keys kept: the rest is URLs, headers, auth and TLS.
const KEPT_TARGET: [&str; 2] = ["profile", "name"];
/// `[alerts]` keys left out: the runbooks directory is a local path.
const DROPPED_ALERTS: [&str; 1] = ["runbooks"];

/// `text` (a config file's TOML) with only [`KEPT_TABLES`], `[target]`'s `profile` and
/// `name`, and `[alerts]` without `runbooks`, as TOML. Empty text gives empty text.
///
/// Errors: `text` is not TOML (the parser's words).
pub fn numbers_only(text: &str) -> Result<String, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let mut out = toml::Table::new();
    for (key, value) in table {
        match key.as_str() {
            k if KEPT_TABLES.contains(&k) => {
                out.insert(key, value);
            }
            "target" => {
                if let toml::Value::Table(t) = value {
                    let kept: toml::Table = t
                        .into_iter()
                        .filter(|(k, _)| KEPT_TARGET.contains(&k.as_str()))
                        .collect();
                    if !kept.is_empty() {
                        out.insert(key, toml::Value::Table(kept));
                    }
                }
            }
            "alerts" => {
                if let toml::Value::Table(t) = value {
                    let kept: toml::Table = t
                        .into_iter()
                        .filter(|(k, _)| !DROPPED_ALERTS.contains(&k.as_str()))
                        .collect();
                    out.insert(key, toml::Value::Table(kept));
                }
            }
            _ => {}
        }
    }
    toml::to_string(&out).map_err(|e| e.to_string())
}
