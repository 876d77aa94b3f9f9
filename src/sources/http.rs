//! The HTTP plumbing the sources share: bounded bodies and request failures as a
//! [`SourceError`] of their kind (its `Display` is the line a panel shows); URLs with
//! their credentials masked and bodies judged are [`crate::text`]'s, re-exported. Clients
//! are built by [`super::endpoint`].

use reqwest::Response;

pub use crate::model::source_error::SourceError;

/// Reads a response body of at most `max_bytes`, failing (without buffering the rest) when
/// it is larger. See [`read_capped_into`].
pub async fn read_capped(resp: Response, max_bytes: u64) -> Result<Vec<u8>, SourceError> {
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
/// Errors: the body is over `max_bytes` ([`SourceError::TooLarge`]), or the connection
/// fails mid-body (the request's kind, [`short_error`]); `body` is then left empty.
pub async fn read_capped_into(
    mut resp: Response,
    max_bytes: u64,
    body: &mut Vec<u8>,
) -> Result<(), SourceError> {
    body.clear();
    let known = resp.content_length();
    if let Some(len) = known.filter(|len| *len > max_bytes) {
        return Err(SourceError::TooLarge {
            announced: Some(len),
            cap: max_bytes,
        });
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
            return Err(SourceError::TooLarge {
                announced: None,
                cap: max_bytes,
            });
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

/// A request error as its kind and the text of its root cause (not the whole chain):
/// [`SourceError::TimedOut`], `Connect`, `BadBody` (decode or body), else `Transport`.
pub fn short_error(e: &reqwest::Error) -> SourceError {
    if e.is_timeout() {
        return SourceError::TimedOut;
    }
    let mut root: &dyn std::error::Error = e;
    while let Some(next) = root.source() {
        root = next;
    }
    let detail = crate::inbound::text(&root.to_string()).into_owned();
    if e.is_connect() {
        SourceError::Connect(detail)
    } else if e.is_decode() || e.is_body() {
        SourceError::BadBody(detail)
    } else {
        SourceError::Transport(detail)
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

pub use crate::text::body::{html_page, is_binary};
pub use crate::text::url::redact;

/// A non-success answer as [`SourceError::Status`] with the start of its body (shown
/// `HTTP 503 Service Unavailable: <start of body>`), or `StatusBinary`.
pub async fn status_error(resp: Response) -> SourceError {
    let status = resp.status();
    let body = read_prefix(resp, 4096).await;
    if is_binary(&body) {
        return SourceError::StatusBinary { status };
    }
    let text = String::from_utf8_lossy(&body);
    if let Some(page) = html_page(&text) {
        return SourceError::Status {
            status,
            excerpt: crate::inbound::text(&page).into_owned(),
        };
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let first = crate::inbound::text(first);
    let excerpt: String = first.chars().take(120).collect();
    SourceError::Status { status, excerpt }
}
