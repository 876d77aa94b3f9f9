//! `oauth_client_id` and `oauth_scopes` of `[mcp.servers.NAME]`.

use super::endpoint::HttpAuth;
use super::mcp::McpTransport;
use super::mcp_tests::{error_at, parse};

fn auth(text: &str) -> Option<HttpAuth> {
    match &parse(text).mcp.servers[0].transport {
        McpTransport::Http { http, .. } => http.auth.clone(),
        other => panic!("not HTTP: {other:?}"),
    }
}

#[test]
fn a_client_id_and_scopes_are_read_and_neither_is_needed() {
    assert_eq!(
        auth(
            "[mcp.servers.gh]\nurl = \"https://mcp.example.com/mcp\"\n\
             oauth_client_id = \" Iv1.abc \"\noauth_scopes = [\"repo\", \"read:org\"]\n"
        ),
        Some(HttpAuth::OAuth {
            client_id: Some("Iv1.abc".into()),
            scopes: vec!["repo".into(), "read:org".into()],
        })
    );
    assert_eq!(
        auth("[mcp.servers.a]\nurl = \"https://mcp.example.com/mcp\"\noauth_scopes = [\"x\"]\n"),
        Some(HttpAuth::OAuth {
            client_id: None,
            scopes: vec!["x".into()],
        })
    );
    assert_eq!(
        auth("[mcp.servers.a]\nurl = \"https://mcp.example.com/mcp\"\n"),
        None
    );
}

#[test]
fn oauth_with_a_token_an_empty_id_a_bad_scope_or_a_command_is_refused() {
    let e = error_at(
        "[mcp.servers.a]\nurl = \"https://h/mcp\"\nbearer_token_env = \"T\"\noauth_client_id = \"c\"\n",
        4,
        "mcp.servers.a.oauth_client_id",
    );
    assert!(e.contains("OAuth replaces the bearer token"), "{e}");
    let e = error_at(
        "[mcp.servers.a]\nurl = \"https://h/mcp\"\noauth_client_id = \" \"\n",
        3,
        "mcp.servers.a.oauth_client_id",
    );
    assert!(e.contains("dynamic client registration"), "{e}");
    error_at(
        "[mcp.servers.a]\nurl = \"https://h/mcp\"\noauth_scopes = [\"a b\"]\n",
        3,
        "mcp.servers.a.oauth_scopes",
    );
    let e = error_at(
        "[mcp.servers.a]\ncommand = \"x\"\noauth_client_id = \"c\"\n",
        3,
        "mcp.servers.a.oauth_client_id",
    );
    assert!(e.contains("HTTP") || e.contains("url"), "{e}");
}
