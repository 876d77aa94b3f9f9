//! Prometheus' file-based service discovery format (`file_sd_configs`), so a bastion reuses
//! the file its Prometheus already reads: a list of groups, each with `targets`
//! (`host:port`) and `labels`.
//!
//! ```json
//! [{"targets": ["10.0.3.7:9464", "10.0.3.8:9464"], "labels": {"job": "mcp", "env": "prod"}}]
//! ```
//!
//! As in Prometheus, JSON is read from a `.json` file and YAML from `.yml`/`.yaml`; the
//! labels `__scheme__` and `__metrics_path__` set a target's scheme and metrics path, and
//! `instance` its name; other labels starting with `__` are dropped, the rest are shown in
//! the fleet (`job` in its column). A file with one bad entry is refused as a whole, as
//! Prometheus refuses it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::target::TargetEntry;

/// One target group as written.
#[derive(Debug, Deserialize)]
struct Group {
    targets: Vec<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

/// Reads the groups of `text`, the contents of `path` (its extension picks the format).
///
/// Errors start with the file's path: JSON or YAML syntax (with line and column), a group
/// without `targets`, an empty or malformed target, a `__scheme__` other than http or
/// https, a `__metrics_path__` without a leading `/`.
pub fn parse(text: &str, path: &Path) -> Result<Vec<TargetEntry>, String> {
    let shown = path.display();
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"));
    let groups: Vec<Group> = if yaml {
        // An empty YAML file is no groups, as Prometheus reads it.
        if text.trim().is_empty() {
            Vec::new()
        } else {
            yaml_serde::from_str(text)
                .map_err(|e| format!("{shown}: {}", unquoted(&e.to_string())))?
        }
    } else {
        serde_json::from_str(text).map_err(|e| {
            format!(
                "{shown}:{}:{}: {}",
                e.line(),
                e.column(),
                unquoted(strip_position(&e.to_string()))
            )
        })?
    };
    let mut out = Vec::new();
    for (g, group) in groups.into_iter().enumerate() {
        let scheme = group
            .labels
            .get("__scheme__")
            .map_or("http", String::as_str);
        if !matches!(scheme, "http" | "https") {
            return Err(format!(
                "{shown}: group {g}: __scheme__ must be http or https"
            ));
        }
        let metrics_path = group.labels.get("__metrics_path__").cloned();
        if let Some(p) = &metrics_path {
            super::target::check_path(p, false)
                .map_err(|m| format!("{shown}: group {g}: __metrics_path__ {m}"))?;
        }
        // Labels and names are shown on screen and printed by `mcptop watch`: they lose
        // control characters and bidirectional overrides here, where they enter.
        let labels: BTreeMap<String, String> = group
            .labels
            .iter()
            .filter(|(k, _)| !k.starts_with("__") && k.as_str() != "instance")
            .map(|(k, v)| (clean(k), clean(v)))
            .collect();
        for (t, target) in group.targets.iter().enumerate() {
            let target = target.trim();
            let url = if target.contains("://") {
                target.to_string()
            } else {
                format!("{scheme}://{target}")
            };
            super::target::parse_url(&url).map_err(|m| {
                // The text is shown only when it cannot hold a credential.
                let what = if target.contains('@') {
                    format!("target {t}")
                } else {
                    format!("target `{target}`")
                };
                format!("{shown}: group {g}, {what} {m}")
            })?;
            out.push(TargetEntry {
                url,
                name: group.labels.get("instance").map(|i| clean(i)),
                metrics_path: metrics_path.clone(),
                labels: labels.clone(),
                ..TargetEntry::default()
            });
        }
    }
    Ok(out)
}

/// `text` as one line without control characters (an escape sequence) and bidirectional
/// overrides, which would reach an operator's terminal or turn a name around
/// ([`crate::inbound::one_line`]).
fn clean(text: &str) -> String {
    crate::inbound::one_line(text).into_owned()
}

/// A parser's message with the values it quotes left out (`invalid type: string "…"`): a
/// target written where a list belongs may hold a credential.
fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        match (c, inside) {
            ('"', false) => {
                inside = true;
                out.push_str("\"…");
            }
            ('"', true) => {
                inside = false;
                out.push('"');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    out
}

/// serde_json's message without its ` at line L column C` tail (the caller writes the
/// position first, as the config's own errors do).
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_groups_become_entries_with_their_labels() {
        let text = r#"[
  {"targets": ["10.0.3.7:9464", "10.0.3.8:9464"], "labels": {"job": "mcp", "env": "prod"}},
  {"targets": ["gw.internal:8443"],
   "labels": {"__scheme__": "https", "__metrics_path__": "/metrics/prometheus",
              "instance": "gateway", "__meta_x": "dropped"}}
]"#;
        let e = parse(text, Path::new("/etc/prometheus/mcp.json")).expect("parses");
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].url, "http://10.0.3.7:9464");
        assert_eq!(e[0].labels.get("job").map(String::as_str), Some("mcp"));
        assert_eq!(e[2].url, "https://gw.internal:8443");
        assert_eq!(e[2].metrics_path.as_deref(), Some("/metrics/prometheus"));
        assert_eq!(e[2].name.as_deref(), Some("gateway"));
        assert!(e[2].labels.is_empty(), "{:?}", e[2].labels);
    }

    #[test]
    fn names_and_labels_lose_escape_sequences_and_bidi_overrides() {
        let text = "[{\"targets\": [\"a:1\"], \"labels\": {\"instance\": \"gw\\u001b]52;c;eA==\\u0007\", \
                    \"job\": \"mcp\\u202e\"}}]";
        let e = parse(text, Path::new("t.json")).expect("parses");
        assert_eq!(e[0].name.as_deref(), Some("gw]52;c;eA=="));
        assert_eq!(e[0].labels.get("job").map(String::as_str), Some("mcp"));
    }

    #[test]
    fn yaml_is_read_by_its_extension() {
        let text = "- targets: ['127.0.0.1:9464']\n  labels:\n    job: mcp\n";
        let e = parse(text, Path::new("t.yml")).expect("parses");
        assert_eq!(e[0].url, "http://127.0.0.1:9464");
        assert!(parse("", Path::new("t.yaml")).expect("empty").is_empty());
    }

    #[test]
    fn errors_name_the_file_and_where() {
        let err = parse("[{\"targets\": [\"a:1\"],}]", Path::new("t.json")).unwrap_err();
        assert!(err.starts_with("t.json:1:"), "{err}");
        let err = parse("[{\"labels\": {}}]", Path::new("t.json")).unwrap_err();
        assert!(err.contains("targets"), "{err}");
        let err = parse("- targets: [a:1]\n  labels: [x\n", Path::new("t.yml")).unwrap_err();
        assert!(err.starts_with("t.yml: "), "{err}");
        let err = parse("[{\"targets\": [\"ops:s3cret@h:1\"]}]", Path::new("t.json")).unwrap_err();
        assert!(!err.contains("s3cret"), "{err}");
        assert!(err.contains("basic_auth_user"), "{err}");
        // A string where the list belongs: the parser's message quotes it, shown without.
        let err = parse("[{\"targets\": \"ops:s3cret@h:1\"}]", Path::new("t.json")).unwrap_err();
        assert!(
            !err.contains("s3cret") && err.contains("invalid type"),
            "{err}"
        );
        let err = parse("- targets: 'ops:s3cret@h:1'\n", Path::new("t.yml")).unwrap_err();
        assert!(!err.contains("s3cret"), "{err}");
    }
}
