//! One authorization, from the server's 401 to the tokens saved: discovery, registration
//! and the authorization URL (bounded by `connect_timeout`), then waiting for the redirect
//! on the loopback listener or pasted by the operator, and the code exchange.
//!
//! While it waits the source answers commands as a source that is not connected (calls
//! are not sent); `Reconnect` gives up this authorization and starts over.

use rmcp::transport::auth::AuthorizationCallback;
use rmcp::transport::{AuthorizationManager, AuthorizationRequest, AuthorizationSession};
use tokio::time::timeout;

use super::loopback::Loopback;
use super::{Client, TokenFile, text};
use crate::mcp::run::Source;
use crate::model::mcp::{ConnState, McpCommand, McpError};

/// The client name sent with dynamic client registration.
const CLIENT_NAME: &str = "mcptop";

/// Longest pasted code taken alone (a URL may be longer).
const MAX_CODE: usize = 4096;

/// How an authorization ended.
pub(in crate::mcp) enum Authorized {
    /// Tokens saved: connect again now.
    Done,
    /// It cannot go on (discovery, registration or the exchange failed, the server refused):
    /// connect again after the backoff, which asks for a new authorization.
    Failed(String),
    /// The operator asked for a new connection.
    Reconnect,
    /// The app is gone.
    Stop,
}

/// Why a redirect was not taken.
enum NotTaken {
    /// The pasted text is not the redirect of this authorization: keep waiting.
    Again(String),
    /// The authorization cannot be completed any more.
    Over(String),
}

impl Source {
    /// Runs one authorization of the server at `url`, whose 401 said `challenge` (`None`:
    /// its refresh was refused), as `client`, keeping the tokens in `store`.
    pub(in crate::mcp) async fn authorize(
        &mut self,
        url: &str,
        challenge: Option<&str>,
        client: &Client,
        store: TokenFile,
    ) -> Authorized {
        let mut loopback = match Loopback::bind().await {
            Ok(l) => l,
            Err(e) => return Authorized::Failed(e),
        };
        let limit = self.settings.connect_timeout;
        let starting = start(url, challenge, &loopback.redirect_uri, client, store);
        let session = match timeout(limit, starting).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Authorized::Failed(e),
            Err(_) => {
                return Authorized::Failed(format!(
                    "OAuth discovery and registration took longer than {:.1} s",
                    limit.as_secs_f64()
                ));
            }
        };
        let auth_url = session.get_authorization_url().to_string();
        let Some(state) = query(&auth_url, "state") else {
            return Authorized::Failed("OAuth: the authorization URL has no state".into());
        };
        self.emit.client_log(format!(
            "the server asks for OAuth authorization: open the URL shown on the tools screen in a browser; the redirect is caught on {}, or paste the redirected URL",
            loopback.redirect_uri
        ));
        let mut shown = ConnState::Authorizing {
            url: auth_url,
            callback: loopback.redirect_uri.clone(),
            error: None,
        };
        if !self.emit.state(shown.clone()).await {
            return Authorized::Stop;
        }
        loop {
            let redirect = tokio::select! {
                got = loopback.next() => match got {
                    Some(url) => url,
                    None => return Authorized::Failed("the OAuth redirect listener stopped".into()),
                },
                cmd = self.commands.recv() => match cmd {
                    None => return Authorized::Stop,
                    Some(McpCommand::Reconnect) => return Authorized::Reconnect,
                    Some(McpCommand::Authorize { pasted }) => pasted.0,
                    Some(cmd) => {
                        self.refuse(cmd, &McpError::Other("waiting for OAuth authorization".into()))
                            .await;
                        continue;
                    }
                },
                _ = self.emit.closed() => return Authorized::Stop,
            };
            match exchange(&session, &redirect, &state).await {
                Ok(()) => {
                    tracing::info!(server = self.emit.server, "OAuth authorization complete");
                    self.emit
                        .client_log("OAuth authorization complete: tokens saved");
                    return Authorized::Done;
                }
                Err(NotTaken::Over(e)) => return Authorized::Failed(e),
                Err(NotTaken::Again(e)) => {
                    self.emit.client_log(format!("OAuth: {e}"));
                    if let ConnState::Authorizing { error, .. } = &mut shown {
                        *error = Some(e);
                    }
                    if !self.emit.state(shown.clone()).await {
                        return Authorized::Stop;
                    }
                }
            }
        }
    }
}

/// Discovery from the challenge, registration (unless `client` names its id) and the
/// authorization URL.
async fn start(
    url: &str,
    challenge: Option<&str>,
    redirect_uri: &str,
    client: &Client,
    store: TokenFile,
) -> Result<AuthorizationSession, String> {
    let mut manager = AuthorizationManager::new(url)
        .await
        .map_err(|e| format!("OAuth: {}", text(&e)))?;
    manager.set_credential_store(store);
    let found = manager
        .resolve_metadata_from_challenge(challenge)
        .await
        .map_err(|e| format!("OAuth discovery: {}", text(&e)))?;
    manager.set_metadata(found.metadata);
    let mut request = AuthorizationRequest::new(redirect_uri).with_client_name(CLIENT_NAME);
    request = match client.scopes.as_slice() {
        [] => request.with_initial_scope_selection(),
        scopes => request.with_scopes(scopes.iter().cloned()),
    };
    if let Some(id) = &client.id {
        request = request.with_preregistered_client(id.clone());
    }
    AuthorizationSession::new(manager, request)
        .await
        .map_err(|(_, e)| format!("OAuth: {}", text(&e)))
}

/// Takes a redirected URL (or a bare code) and exchanges its code for tokens.
async fn exchange(
    session: &AuthorizationSession,
    pasted: &str,
    state: &str,
) -> Result<(), NotTaken> {
    let callback = parse(pasted.trim(), state)?;
    crate::secrets::remember(&callback.code);
    session
        .handle_callback_with_issuer(&callback.code, state, callback.issuer.as_deref())
        .await
        .map(|_| ())
        .map_err(|e| NotTaken::Over(format!("OAuth code exchange: {}", text(&e))))
}

/// What a redirect brings: the code, and the issuer when the server names itself (RFC 9207).
struct Redirect {
    code: String,
    issuer: Option<String>,
}

/// The code (and issuer) of a redirected URL of this authorization, or a bare code.
fn parse(pasted: &str, state: &str) -> Result<Redirect, NotTaken> {
    if pasted.is_empty() {
        return Err(NotTaken::Again("nothing was pasted".into()));
    }
    let looks_like_url = pasted.contains("://") || pasted.contains('?');
    if !looks_like_url {
        let code_like = pasted.len() <= MAX_CODE
            && pasted
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=%".contains(&b));
        if !code_like {
            return Err(NotTaken::Again(
                "that is neither the redirected URL nor a code: paste the whole address the browser was sent to".into(),
            ));
        }
        return Ok(Redirect {
            code: pasted.to_string(),
            issuer: None,
        });
    }
    let absolute = match pasted.find('?') {
        Some(i) if !pasted.contains("://") => format!("http://x/{}", &pasted[i..]),
        _ => pasted.to_string(),
    };
    if let Some(error) = query(&absolute, "error") {
        // Only this authorization's own refusal ends it (RFC 6749 §4.1.2.1 returns the
        // state with an error too): a stray request to the listener or an old tab does not.
        if query(&absolute, "state").as_deref() != Some(state) {
            return Err(NotTaken::Again(format!(
                "ignored a refusal ({error}) of another authorization (its state differs)"
            )));
        }
        let why = query(&absolute, "error_description")
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        return Err(NotTaken::Over(
            crate::secrets::scrub(&format!("the authorization server refused: {error}{why}"))
                .into_owned(),
        ));
    }
    let cb = AuthorizationCallback::from_redirect_url(&absolute).map_err(|e| {
        NotTaken::Again(format!(
            "the pasted URL is not a redirect with a code ({})",
            text(&e)
        ))
    })?;
    if cb.csrf_token != state {
        return Err(NotTaken::Again(
            "the pasted URL belongs to another authorization (its state differs): use the URL shown now".into(),
        ));
    }
    Ok(Redirect {
        code: cb.code,
        issuer: cb.issuer,
    })
}

/// The first value of `key` in the query of `url`.
fn query(url: &str, key: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<Redirect, NotTaken>) -> Result<String, String> {
        match r {
            Ok(cb) => Ok(cb.code),
            Err(NotTaken::Again(e)) => Err(format!("again: {e}")),
            Err(NotTaken::Over(e)) => Err(format!("over: {e}")),
        }
    }

    #[test]
    fn a_redirect_a_query_or_a_bare_code_is_taken() {
        let full = "http://127.0.0.1:5/callback?code=abc123&state=S1";
        assert_eq!(code(parse(full, "S1")), Ok("abc123".into()));
        assert_eq!(
            code(parse("/callback?code=abc&state=S1", "S1")),
            Ok("abc".into())
        );
        assert_eq!(code(parse("abc-123_x", "S1")), Ok("abc-123_x".into()));
    }

    #[test]
    fn another_state_or_no_code_waits_for_a_better_paste_and_a_refusal_ends_it() {
        let other = "http://127.0.0.1:5/callback?code=abc&state=OLD";
        assert!(code(parse(other, "S1")).is_err_and(|e| e.starts_with("again: ")));
        let no_code = "http://127.0.0.1:5/callback?state=S1";
        assert!(code(parse(no_code, "S1")).is_err_and(|e| e.starts_with("again: ")));
        assert!(code(parse("two words", "S1")).is_err_and(|e| e.starts_with("again: ")));
        let refused = "http://127.0.0.1:5/callback?error=access_denied&state=S1";
        assert_eq!(
            code(parse(refused, "S1")),
            Err("over: the authorization server refused: access_denied".into())
        );
        // A refusal without this authorization's state (a stray request to the listener,
        // an old tab) does not end it.
        for stray in [
            "http://127.0.0.1:5/callback?error=access_denied&state=OLD",
            "http://127.0.0.1:5/callback?error=access_denied",
        ] {
            assert!(
                code(parse(stray, "S1")).is_err_and(|e| e.starts_with("again: ")),
                "{stray}"
            );
        }
    }
}
