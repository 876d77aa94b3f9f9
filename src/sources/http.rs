//! The HTTP plumbing the sources share: bounded bodies, short error texts fit for a panel,
//! URLs with their credentials masked. Clients are built by [`super::endpoint`].

use reqwest::{Response, Url};

/// Reads a response body of at most `max_bytes`, failing (without buffering the rest) when
/// it is larger. See [`read_capped_into`].
pub async fn read_capped(resp: Response, max_bytes: u64) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    read_capped_into(resp, max_bytes, &mut body).await?;
    Ok(body)
}

/// Reads a response body of at most `max_bytes` into `body` (cleared first; its capacity is
/// reused, so a caller that reads the same kind of body again and again keeps one buffer).
///
/// A body announced larger by `Content-Length` is refused before it is read. One announced
/// smaller is reserved for at once and each chunk is copied and dropped as it arrives: the
/// HTTP client can then read the next chunk into the buffer it already has, where a chunk
/// still held would make it allocate a new one (a `BytesMut` reclaims its space only when
/// nothing else shares it). A body of unknown length is kept as the chunks that arrived
/// until it ends or passes the cap, then copied once into `body`: no buffer doubling as it
/// grows, so a runaway body costs at most `max_bytes`.
///
/// Errors: the body is over `max_bytes`, or the connection fails mid-body; `body` is then
/// left empty.
pub async fn read_capped_into(
    mut resp: Response,
    max_bytes: u64,
    body: &mut Vec<u8>,
) -> Result<(), String> {
    body.clear();
    let known = resp.content_length();
    if let Some(len) = known.filter(|len| *len > max_bytes) {
        return Err(format!(
            "body of {len} bytes exceeds the cap of {max_bytes} bytes"
        ));
    }
    if let Some(len) = known.and_then(|len| usize::try_from(len).ok()) {
        // Exactly for a fresh buffer; amortised for a reused one, so a body a little longer
        // than the last does not move it every time.
        if body.capacity() == 0 {
            body.reserve_exact(len);
        } else {
            body.reserve(len);
        }
    }
    let mut chunks = Vec::new();
    let mut total: u64 = 0;
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                body.clear();
                return Err(short_error(&e));
            }
        };
        total += chunk.len() as u64;
        if total > max_bytes {
            body.clear();
            return Err(format!("body exceeds the cap of {max_bytes} bytes"));
        }
        if known.is_some() {
            body.extend_from_slice(&chunk);
        } else {
            chunks.push(chunk);
        }
    }
    body.reserve_exact(chunks.iter().map(|c| c.len()).sum());
    for chunk in chunks {
        body.extend_from_slice(&chunk);
    }
    Ok(())
}

/// A one-line description of a request error: what failed, not the whole chain.
pub fn short_error(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "timed out".into();
    }
    let mut root: &dyn std::error::Error = e;
    while let Some(next) = root.source() {
        root = next;
    }
    let detail = crate::inbound::text(&root.to_string()).into_owned();
    if e.is_connect() {
        format!("cannot connect: {detail}")
    } else if e.is_decode() || e.is_body() {
        format!("bad response body: {detail}")
    } else {
        detail
    }
}

/// The first `max_bytes` of a body (or less, if it is shorter or breaks off).
pub async fn read_prefix(mut resp: Response, max_bytes: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < max_bytes {
        match resp.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body.truncate(max_bytes);
    body
}

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

/// Whether a body is binary rather than text: not UTF-8, or holding control characters
/// other than tab, CR and LF. Such a body is described by its size, never shown.
pub fn is_binary(body: &[u8]) -> bool {
    match std::str::from_utf8(body) {
        Ok(text) => text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')),
        Err(_) => true,
    }
}

/// What an HTML page is, for an error line: `an HTML page (<its title>)`, or without a
/// title `an HTML page: <its text, tags removed>`; `None` for a body that is not HTML.
/// Proxies and load balancers answer errors with such pages.
pub fn html_page(text: &str) -> Option<String> {
    html_page_raw(text).map(|page| crate::inbound::text(&page).into_owned())
}

fn html_page_raw(text: &str) -> Option<String> {
    let t = text.trim_start();
    let lower: String = t.chars().take(15).collect::<String>().to_ascii_lowercase();
    if !(lower.starts_with("<html") || lower.starts_with("<!doctype html")) {
        return None;
    }
    let title = t
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map(|(title, _)| title.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|title| !title.is_empty());
    if let Some(title) = title {
        return Some(format!(
            "an HTML page ({})",
            title.chars().take(120).collect::<String>()
        ));
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in t.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(120)
        .collect();
    Some(if text.is_empty() {
        "an HTML page".to_string()
    } else {
        format!("an HTML page: {text}")
    })
}

/// `HTTP 503 Service Unavailable: <start of body>` for a non-success answer.
pub async fn status_error(resp: Response) -> String {
    let status = resp.status();
    let body = read_prefix(resp, 4096).await;
    if is_binary(&body) {
        return format!("HTTP {status} with a binary body");
    }
    let text = String::from_utf8_lossy(&body);
    if let Some(page) = html_page(&text) {
        return format!("HTTP {status}: {}", crate::inbound::text(&page));
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let first = crate::inbound::text(first);
    let first: String = first.chars().take(120).collect();
    if first.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {first}")
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
