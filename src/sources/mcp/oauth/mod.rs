//! OAuth 2.1 for Streamable HTTP servers that require it (the MCP authorization spec), on
//! rmcp's `auth` feature (the oauth2 crate underneath).
//!
//! - A server with no credentials in the config that answers `initialize` with 401 and a
//!   `WWW-Authenticate` challenge ([`challenge`]) starts an authorization ([`flow`]):
//!   protected-resource metadata discovery (RFC 9728, then RFC 8414), dynamic client
//!   registration (RFC 7591) with the loopback redirect URI, and an authorization URL with
//!   PKCE (S256) and `state`. The URL is shown to the operator; the redirect comes back on
//!   a loopback listener ([`loopback`]) or is pasted ([`McpCommand::Authorize`]).
//! - The tokens (and the client id the registration gave) are kept in a `0600` file per
//!   server URL ([`store`]); the next connection reads them and sends its requests through
//!   rmcp's `AuthClient`, which refreshes the access token when it is within 30 s of its
//!   expiry or when the server refuses it. A refresh the authorization server refuses ends
//!   in a 401 again, and so in a new authorization.
//! - No token is logged, drawn or written anywhere else: every token read or saved is
//!   remembered as a secret and scrubbed ([`crate::secrets`]); `Debug` of rmcp's credentials
//!   and of [`crate::model::mcp::Pasted`] hide them.
//!
//! [`McpCommand::Authorize`]: crate::model::mcp::McpCommand::Authorize

pub(super) mod flow;
mod loopback;
mod store;

use std::path::PathBuf;

use rmcp::service::ClientInitializeError;
use rmcp::transport::streamable_http_client::StreamableHttpError;
use rmcp::transport::{AuthError, AuthorizationManager};

use crate::config::endpoint::{HttpAuth, HttpSettings};
pub(super) use store::TokenFile;

/// The token file of the server at `url`: in `dir` when given, else under the state
/// directory; `None` without a home directory (OAuth then cannot be used).
pub(super) fn token_file(dir: Option<&PathBuf>, url: &str) -> Option<TokenFile> {
    let dir = dir.cloned().or_else(store::default_dir)?;
    Some(TokenFile::new(store::file_for(&dir, url)))
}

/// Whether OAuth may be used with these settings: not when the config gives credentials
/// of its own (a bearer token, basic auth, an `Authorization` header), which a 401 then
/// concerns.
pub(super) fn allowed(settings: &HttpSettings) -> bool {
    matches!(settings.auth, None | Some(HttpAuth::OAuth { .. }))
        && !settings
            .headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case("authorization"))
}

/// Error codes an authorization server may answer a refresh with that pass: asking again
/// later may succeed (RFC 6749 §4.1.2.1 names them; some servers use them at the token
/// endpoint too).
const PASSING: [&str; 2] = ["temporarily_unavailable", "server_error"];

/// Whether a failed refresh (`why`, oauth2's text of it) was refused for good, so that
/// only a new authorization can help: any error response of the token endpoint (RFC 6749
/// §5.2: `invalid_grant`, `invalid_client`, `unauthorized_client`, `invalid_scope`,
/// `invalid_request`, `unsupported_grant_type`) but the [`PASSING`] ones, or an answer that
/// is no token response at all (an HTML error page). A request that could not be sent
/// (the server is down) is not: the session retries with backoff. rmcp hands the refresh's
/// failure over as oauth2's text only (`AuthError::TokenRefreshFailed(String)`), so its
/// words are what is read.
pub(super) fn refused_for_good(why: &str) -> bool {
    if why.contains("Server returned error response") {
        return !PASSING.iter().any(|code| why.contains(code));
    }
    why.contains("Failed to parse server response")
}

/// Whether a failed `initialize` calls for a new authorization: `Some(challenge)` when the
/// server answered 401 (or 403 for a scope the token lacks) with its `WWW-Authenticate`
/// challenge, `Some(None)` when the authorization server refused the refresh of the stored
/// tokens for good.
pub(super) fn challenge(e: &ClientInitializeError) -> Option<Option<String>> {
    if let Some(c) = e.auth_challenge() {
        return Some(Some(c.to_string()));
    }
    let ClientInitializeError::TransportError { error, .. } = e else {
        return None;
    };
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(error.error.as_ref());
    while let Some(err) = cur {
        if let Some(StreamableHttpError::Auth(
            AuthError::TokenRefreshFailed(why) | AuthError::TokenRefreshRejected(why),
        )) = err.downcast_ref::<StreamableHttpError<reqwest::Error>>()
            && refused_for_good(why)
        {
            return Some(None);
        }
        cur = err.source();
    }
    None
}

/// An authorization manager for the server at `url` holding the tokens of `store`
/// (discovery runs again, to know the token endpoint).
///
/// Errors: discovery failed, or the stored client cannot be configured; one line.
pub(super) async fn manager(url: &str, store: TokenFile) -> Result<AuthorizationManager, String> {
    let mut manager = AuthorizationManager::new(url).await.map_err(|e| text(&e))?;
    manager.set_credential_store(store);
    manager
        .initialize_from_store()
        .await
        .map_err(|e| format!("OAuth: {}", text(&e)))?;
    Ok(manager)
}

/// The client the config names for a server (`oauth_client_id`, `oauth_scopes`): a client
/// id registered in advance (`None`: dynamic registration) and the scopes to ask for.
#[derive(Debug, Clone, Default)]
pub(super) struct Client {
    pub id: Option<String>,
    pub scopes: Vec<String>,
}

impl Client {
    /// What `settings` say (nothing: dynamic registration, scopes as the server says).
    pub fn of(settings: &HttpSettings) -> Client {
        match &settings.auth {
            Some(HttpAuth::OAuth { client_id, scopes }) => Client {
                id: client_id.clone(),
                scopes: scopes.clone(),
            },
            _ => Client::default(),
        }
    }
}

/// One line for an OAuth error, secrets scrubbed.
pub(super) fn text(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::secrets::scrub(&line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::refused_for_good;

    #[test]
    fn every_refusal_of_the_token_endpoint_but_a_passing_one_calls_for_a_new_authorization() {
        for code in [
            "invalid_grant",
            "invalid_client",
            "unauthorized_client",
            "invalid_scope",
            "invalid_request",
            "unsupported_grant_type",
        ] {
            let why = format!("Server returned error response: {code}: nope");
            assert!(refused_for_good(&why), "{why}");
        }
        assert!(refused_for_good("Failed to parse server response"));
        assert!(!refused_for_good(
            "Server returned error response: temporarily_unavailable"
        ));
        assert!(!refused_for_good(
            "Server returned error response: server_error"
        ));
        assert!(!refused_for_good("Request failed"));
    }
}
