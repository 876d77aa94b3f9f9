//! The token file of one server: rmcp's [`StoredCredentials`] (client id from the
//! registration, access token, refresh token, expiry, granted scopes, issuer) as JSON in a
//! file created `0600` in a directory created `0700` ([`crate::private`]), one file per
//! server URL, replaced whole (written beside it, then renamed) so a crash never leaves half
//! a file.
//!
//! Every token read from or written to it is remembered as a secret
//! ([`crate::secrets::remember`]): the log writer, the screens and the audit log scrub it
//! wherever a server or a library might echo it.

use std::path::{Path, PathBuf};

use rmcp::transport::auth::{AuthError, CredentialStore, StoredCredentials};

/// The token file of the server at `url` in `dir`: `HOST_PORT_PATH-HASH.json`, the readable
/// part cut to 80 characters, the hash (64-bit FNV-1a of the whole URL, hex) telling apart
/// URLs that read alike. The query is left out of the readable part: its values may be
/// secrets, and a file name is shown in errors and logs.
pub fn file_for(dir: &Path, url: &str) -> PathBuf {
    let shown = match reqwest::Url::parse(url) {
        Ok(u) => format!(
            "{}_{}{}",
            u.host_str().unwrap_or("server"),
            u.port_or_known_default().unwrap_or(0),
            u.path()
        ),
        Err(_) => "server".to_string(),
    };
    let readable: String = shown
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(80)
        .collect();
    let hash = url.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    dir.join(format!("{readable}-{hash:016x}.json"))
}

/// The OAuth directory under the state directory (`$XDG_STATE_HOME/mcptop/oauth`), `None`
/// without a home directory.
pub fn default_dir() -> Option<PathBuf> {
    crate::config::dirs::state_dir().map(|d| d.join("oauth"))
}

/// One server's token file, as rmcp's credential store.
#[derive(Debug, Clone)]
pub struct TokenFile {
    path: PathBuf,
}

impl TokenFile {
    /// The store of the file at `path` (see [`file_for`]); nothing is read yet.
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    /// Whether the file holds a token (an access or refresh token to try before asking the
    /// operator to authorize). A file that cannot be read or parsed holds none.
    pub fn has_tokens(&self) -> bool {
        self.read().is_some_and(|c| c.token_response.is_some())
    }

    fn read(&self) -> Option<StoredCredentials> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        match serde_json::from_str::<StoredCredentials>(&text) {
            Ok(creds) => {
                remember_tokens(&creds);
                Some(creds)
            }
            Err(e) => {
                tracing::warn!(file = %self.path.display(), error = %e, "OAuth token file unreadable; authorizing again");
                None
            }
        }
    }
}

/// Remembers the access and refresh tokens of `creds` as secrets. They are read through
/// JSON: the token types are the oauth2 crate's, which mcptop does not name.
fn remember_tokens(creds: &StoredCredentials) {
    let Ok(serde_json::Value::Object(all)) = serde_json::to_value(creds) else {
        return;
    };
    let Some(serde_json::Value::Object(tokens)) = all.get("token_response") else {
        return;
    };
    for key in ["access_token", "refresh_token", "id_token"] {
        if let Some(serde_json::Value::String(secret)) = tokens.get(key) {
            crate::secrets::remember(secret);
        }
    }
}

fn store_error(what: &str, path: &Path, e: impl std::fmt::Display) -> AuthError {
    AuthError::CredentialStoreError(format!("{what} {}: {e}", path.display()))
}

#[async_trait::async_trait]
impl CredentialStore for TokenFile {
    async fn load(&self) -> Result<Option<StoredCredentials>, AuthError> {
        Ok(self.read())
    }

    async fn save(&self, credentials: StoredCredentials) -> Result<(), AuthError> {
        remember_tokens(&credentials);
        let json = serde_json::to_vec_pretty(&credentials)
            .map_err(|e| store_error("cannot encode", &self.path, e))?;
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".new");
        let tmp = PathBuf::from(tmp);
        crate::private::write(&tmp, &json).map_err(|e| store_error("cannot write", &tmp, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| store_error("cannot replace", &self.path, e))
    }

    async fn clear(&self) -> Result<(), AuthError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(store_error("cannot remove", &self.path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_that_read_alike_get_files_of_their_own() {
        let dir = Path::new("/s");
        let a = file_for(dir, "https://mcp.example.com/mcp");
        let b = file_for(dir, "https://mcp.example.com:443/mcp");
        let c = file_for(dir, "https://mcp.example.com/mcp?key=s3cr3t-in-query");
        assert_ne!(a, b);
        assert_ne!(a, c);
        let name = a.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(name.starts_with("mcp_example_com_443_mcp-"), "{name}");
        assert!(
            !c.display().to_string().contains("s3cr3t"),
            "{}",
            c.display()
        );
        assert!(name.ends_with(".json"), "{name}");
        assert_eq!(a, file_for(dir, "https://mcp.example.com/mcp"));
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_file_is_private_and_round_trips() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("mcptop-oauth-store-{}", std::process::id()));
        let store = TokenFile::new(file_for(&dir, "http://127.0.0.1:1/mcp"));
        assert!(store.load().await.expect("load").is_none());
        let token: rmcp::transport::auth::OAuthTokenResponse = serde_json::from_value(
            serde_json::json!({"access_token": "at-round-trip-secret", "token_type": "Bearer",
                "expires_in": 60, "refresh_token": "rt-round-trip-secret"}),
        )
        .expect("token response");
        let creds = StoredCredentials::new("client-1".into(), Some(token), vec![], Some(1));
        store.save(creds).await.expect("save");
        let mode = std::fs::metadata(&store.path)
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(store.has_tokens());
        let back = store.load().await.expect("load").expect("saved");
        assert_eq!(back.client_id, "client-1");
        assert_eq!(
            crate::secrets::scrub("Bearer at-round-trip-secret, rt-round-trip-secret"),
            "Bearer ***, ***"
        );
        store.clear().await.expect("clear");
        assert!(!store.has_tokens());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
