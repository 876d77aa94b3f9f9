//! URLs as they may be shown or logged (no credentials, no query values).

use url::Url;

/// The URL as it may be shown or logged: user and password removed, query values (which
/// may carry an API key) replaced by `***` with their names kept, fragment dropped. Text
/// that is not a URL is returned as it is.
pub fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(u)
            if u.username().is_empty()
                && u.password().is_none()
                && u.query().is_none()
                && u.fragment().is_none() =>
        {
            url.to_string()
        }
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            let names: Vec<String> = u.query_pairs().map(|(k, _)| format!("{k}=***")).collect();
            u.set_query((!names.is_empty()).then(|| names.join("&")).as_deref());
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_removes_credentials() {
        assert_eq!(
            super::redact("https://ops:s3cret@mcp.example:8443/metrics"),
            "https://mcp.example:8443/metrics"
        );
        assert_eq!(super::redact("http://127.0.0.1:1"), "http://127.0.0.1:1");
        assert_eq!(
            super::redact("https://mcp.example/mcp?token=abc&x=1#frag"),
            "https://mcp.example/mcp?token=***&x=***"
        );
    }
}
