//! Building the MCP client's part of the app from the config: one server state per
//! configured server, key bindings resolved to server indices, the audit log.

use crate::action::Keymap;
use crate::config::mcp::{McpServerConfig, McpTransport};
use crate::model::mcp::mask::{is_secret_key, mask_text};
use crate::model::mcp::state::{McpState, ServerState};

/// One state per server, in config order, with room for `log_lines` log lines each.
pub fn mcp_state(servers: &[McpServerConfig], log_lines: usize) -> McpState {
    McpState::new(
        servers
            .iter()
            .map(|s| ServerState::new(s.name.clone(), endpoint(&s.transport), log_lines))
            .collect(),
    )
}

/// Where a server is, safe to draw: a URL without credentials or query, or the stdio
/// command line with secret-looking parts masked. Env values and headers never appear.
pub fn endpoint(t: &McpTransport) -> String {
    match t {
        McpTransport::Http { url, .. } => crate::text::url::redact(url),
        McpTransport::Sse { url } => format!("sse {}", crate::text::url::redact(url)),
        McpTransport::Stdio { command, args, .. } => {
            // `--token abc`: the value after a flag named like a secret is masked too.
            let mut words = vec![command.clone()];
            let mut secret_next = false;
            for a in args {
                if secret_next {
                    words.push(crate::model::mcp::mask::MASK.to_string());
                    secret_next = false;
                    continue;
                }
                let flag = a.trim_start_matches('-');
                secret_next = a.starts_with('-') && !a.contains('=') && is_secret_key(flag);
                words.push(a.clone());
            }
            format!("stdio: {}", mask_text(&words.join(" ")))
        }
    }
}

/// The config's `[[bindings]]` resolved to server indices. A binding whose key shadows a
/// built-in key, or whose server is unknown, is left out with a warning in `warnings`.
pub fn bindings(
    cfg: &crate::config::Config,
    keymap: &Keymap,
    warnings: &mut Vec<String>,
) -> Vec<super::ToolKey> {
    let mut out = Vec::new();
    for b in &cfg.bindings {
        if let Some(w) = shadowed(keymap, &b.key) {
            warnings.push(w);
            continue;
        }
        let Some(server) = cfg.mcp.servers.iter().position(|s| s.name == b.server) else {
            warnings.push(format!(
                "binding on `{}` ignored: no MCP server `{}`",
                b.key.label(),
                b.server
            ));
            continue;
        };
        out.push(super::ToolKey {
            key: b.key,
            server,
            tool: b.tool.clone(),
            args: b.args.clone(),
            confirm: b.confirm,
            timeout: b.timeout,
        });
    }
    out
}

/// Why a binding's key cannot be used: it shadows a key of the keymap.
pub fn shadowed(keymap: &Keymap, key: &crate::action::Key) -> Option<String> {
    keymap.binds(key).then(|| {
        format!(
            "binding on `{}` ignored: the key is taken by mcptop itself (see ? help)",
            key.label()
        )
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn endpoints_show_no_credentials() {
        let http = McpTransport::Http {
            url: "https://user:pw@mcp.example.com/mcp?token=abc".into(),
            http: crate::config::endpoint::HttpSettings {
                headers: BTreeMap::from([("Authorization".into(), "Bearer xyz".into())]),
                ..Default::default()
            },
        };
        let e = endpoint(&http);
        assert!(
            !e.contains("pw") && !e.contains("abc") && !e.contains("xyz"),
            "{e}"
        );
        assert!(e.contains("mcp.example.com"), "{e}");
        let stdio = McpTransport::Stdio {
            command: "npx".into(),
            args: vec!["-y".into(), "server-everything".into()],
            env: BTreeMap::from([("API_KEY".into(), "sk-secret".into())]),
            cwd: None,
        };
        assert_eq!(endpoint(&stdio), "stdio: npx -y server-everything");
        let flags = McpTransport::Stdio {
            command: "srv".into(),
            args: vec![
                "--token".into(),
                "abc123".into(),
                "--api-key".into(),
                "XYZ".into(),
                "--password=hunter2".into(),
                "--port".into(),
                "8080".into(),
            ],
            env: BTreeMap::new(),
            cwd: None,
        };
        let e = endpoint(&flags);
        assert!(
            !e.contains("abc123") && !e.contains("XYZ") && !e.contains("hunter2"),
            "{e}"
        );
        assert!(e.contains("--port 8080"), "{e}");
    }

    #[test]
    fn bindings_may_not_shadow_builtin_keys() {
        let km = Keymap::default();
        let q = crate::action::Key::parse("q").expect("key");
        let f5 = crate::action::Key::parse("F5").expect("key");
        assert!(shadowed(&km, &q).is_some_and(|w| w.contains("`q`")));
        assert!(shadowed(&km, &f5).is_none());
    }
}
