//! The loopback redirect listener (RFC 8252 §7.3): a TCP listener on 127.0.0.1 at an
//! ephemeral port that answers the browser's `GET /callback?code=…&state=…` with a short
//! page and hands the full redirected URL to the authorization flow. Other paths get 404
//! (a browser also asks for `/favicon.ico`). It only helps when the browser runs on this
//! host; over SSH the operator pastes the redirected URL instead.
//!
//! Requests are parsed by `httparse`; one read of at most [`MAX_REQUEST`] bytes, bounded
//! by [`READ_TIMEOUT`], is all a connection gets.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The callback path registered as the redirect URI's path.
pub const CALLBACK_PATH: &str = "/callback";

/// Largest request head read, in bytes.
const MAX_REQUEST: usize = 16 * 1024;

/// Time a connection has to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

const DONE_PAGE: &str = "<!doctype html><title>mcptop</title><p>mcptop received the \
     authorization. You can close this tab and go back to the terminal.</p>";

/// A listening callback; dropping it stops the listener.
pub struct Loopback {
    /// `http://127.0.0.1:PORT/callback`.
    pub redirect_uri: String,
    rx: mpsc::Receiver<String>,
    task: JoinHandle<()>,
}

impl Loopback {
    /// Binds 127.0.0.1 on a port the system picks and starts answering.
    ///
    /// Errors: the bind failed (the text says why).
    pub async fn bind() -> Result<Loopback, String> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1 for the OAuth redirect: {e}"))?;
        let port = listener
            .local_addr()
            .map_err(|e| format!("cannot listen on 127.0.0.1 for the OAuth redirect: {e}"))?
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let (tx, rx) = mpsc::channel(4);
        let task = tokio::spawn(serve(listener, base.clone(), tx));
        Ok(Loopback {
            redirect_uri: format!("{base}{CALLBACK_PATH}"),
            rx,
            task,
        })
    }

    /// The next redirected URL the browser brought (absolute, with its query).
    pub async fn next(&mut self) -> Option<String> {
        self.rx.recv().await
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(listener: TcpListener, base: String, tx: mpsc::Sender<String>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: wait instead of spinning on the error.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        };
        let (base, tx) = (base.clone(), tx.clone());
        tokio::spawn(async move {
            if let Ok(Some(target)) = tokio::time::timeout(READ_TIMEOUT, answer(stream)).await {
                let _ = tx.send(format!("{base}{target}")).await;
            }
        });
    }
}

/// Reads one request and answers it; the request target when it was the callback.
async fn answer(mut stream: TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let target = loop {
        let mut chunk = [0u8; 2048];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                break (req.method == Some("GET")).then(|| req.path.map(str::to_string))?;
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_REQUEST => {}
            _ => {
                let _ = respond(&mut stream, "400 Bad Request", "bad request").await;
                return None;
            }
        }
    }?;
    let is_callback = target
        .split_once('?')
        .map_or(target.as_str(), |(path, _)| path)
        == CALLBACK_PATH;
    if !is_callback {
        let _ = respond(&mut stream, "404 Not Found", "not found").await;
        return None;
    }
    let _ = respond(&mut stream, "200 OK", DONE_PAGE).await;
    Some(target)
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_callback_is_answered_and_handed_on_and_other_paths_are_not() {
        let mut lb = Loopback::bind().await.expect("bind");
        assert!(lb.redirect_uri.starts_with("http://127.0.0.1:"));
        let base = lb.redirect_uri.trim_end_matches(CALLBACK_PATH).to_string();
        let client = reqwest::Client::new();
        let favicon = client
            .get(format!("{base}/favicon.ico"))
            .send()
            .await
            .expect("answered");
        assert_eq!(favicon.status(), 404);
        let done = client
            .get(format!("{}?code=c1&state=s1", lb.redirect_uri))
            .send()
            .await
            .expect("answered");
        assert_eq!(done.status(), 200);
        let got = tokio::time::timeout(Duration::from_secs(10), lb.next())
            .await
            .expect("in time");
        assert_eq!(got, Some(format!("{}?code=c1&state=s1", lb.redirect_uri)));
    }
}
