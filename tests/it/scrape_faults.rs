//! The scrape source against misbehaving targets on loopback: each failure is a short,
//! clear error, never a hang or a panic.

use std::time::{Duration, Instant};

use mcptop::config::Target;
use mcptop::sources::endpoint::Endpoint;
use mcptop::sources::{health, http, scrape};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves every connection with `respond` (raw HTTP bytes) after reading the request.
async fn serve(respond: impl Fn() -> Vec<u8> + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let body = respond();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let _ = sock.write_all(&body).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

async fn scrape(base: &str, max: u64, timeout: Duration) -> Result<usize, String> {
    let url = Target::at(base).expect("url").metrics_url;
    let client = Endpoint::plain(timeout).expect("client");
    scrape::scrape_once(&client, &url, max, 0)
        .await
        .map(|s| s.samples.len())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn good_exposition_is_parsed() {
    let base = serve(|| {
        response(
            "200 OK",
            "text/plain; version=0.0.4",
            b"# TYPE up gauge\nup 1\njob:req:rate5m{a=\"x,y\"} 2\n",
        )
    })
    .await;
    assert_eq!(scrape(&base, 1 << 20, Duration::from_secs(2)).await, Ok(2));
}

#[tokio::test]
async fn refused_connection_says_so() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let err = scrape(&format!("http://{addr}"), 1 << 20, Duration::from_secs(2))
        .await
        .unwrap_err();
    // Every error names the URL it fetched.
    assert!(
        err.starts_with(&format!("http://{addr}/metrics: cannot connect")),
        "{err}"
    );
}

#[tokio::test]
async fn server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock); // accept, never answer
        }
    });
    let started = Instant::now();
    let err = scrape(
        &format!("http://{addr}"),
        1 << 20,
        Duration::from_millis(300),
    )
    .await
    .unwrap_err();
    assert_eq!(err, format!("http://{addr}/metrics: timed out"));
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn html_500_shows_status_and_first_line() {
    let base = serve(|| {
        response(
            "500 Internal Server Error",
            "text/html",
            b"\n<html><body>upstream exploded</body></html>\n",
        )
    })
    .await;
    let err = scrape(&base, 1 << 20, Duration::from_secs(2))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        format!("{base}/metrics: HTTP 500 Internal Server Error: an HTML page: upstream exploded")
    );
}

#[tokio::test]
async fn oversized_body_is_capped() {
    let base = serve(|| response("200 OK", "text/plain", &vec![b'#'; 2 << 20])).await;
    let err = scrape(&base, 1 << 20, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(err.contains("exceeds the cap of 1048576 bytes"), "{err}");
}

#[tokio::test]
async fn garbage_names_the_line() {
    let base = serve(|| response("200 OK", "text/plain", b"up 1\n<!doctype html>\n")).await;
    let err = scrape(&base, 1 << 20, Duration::from_secs(2))
        .await
        .unwrap_err();
    assert!(
        err.starts_with(&format!("{base}/metrics: bad exposition: line 2")),
        "{err}"
    );
}

#[tokio::test]
async fn health_reads_status_and_version() {
    let base = serve(|| {
        response(
            "200 OK",
            "application/json",
            br#"{"status":"ok","version":"1.2.3"}"#,
        )
    })
    .await;
    let url = Target::at(&base).expect("url").health_url.expect("health");
    let client = Endpoint::plain(Duration::from_secs(2)).expect("client");
    let info = health::check_once(&client, &url).await.expect("healthy");
    assert_eq!(info.version.as_deref(), Some("1.2.3"));

    let bad = serve(|| response("200 OK", "application/json", br#"{"status":"degraded"}"#)).await;
    let url = Target::at(&bad).expect("url").health_url.expect("health");
    let err = health::check_once(&client, &url).await.unwrap_err();
    assert!(
        matches!(err.kind(), mcptop::model::source_error::SourceError::Unhealthy(s) if s == "degraded"),
        "{err:?}"
    );
    assert!(err.to_string().contains("degraded"), "{err}");
}

/// A body with no `Content-Length`: read until the server closes the connection.
fn unsized_response(body: &[u8]) -> Vec<u8> {
    let mut r =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n".to_vec();
    r.extend_from_slice(body);
    r
}

#[tokio::test]
async fn unsized_body_is_capped_and_one_buffer_serves_every_read() {
    let big = serve(|| unsized_response(&vec![b'#'; 2 << 20])).await;
    let mid = serve(|| unsized_response(&vec![b'#'; 300 << 10])).await;
    let small = serve(|| response("200 OK", "text/plain", b"up 1\n")).await;
    let client = Endpoint::plain(Duration::from_secs(5)).expect("client");
    let get = |url: &str| client.http.get(url).send();
    let mut body = Vec::new();

    // Over the cap without a length: an error, nothing kept, never grown past the cap.
    let resp = get(&big).await.expect("response");
    let err = http::read_capped_into(resp, 1 << 20, &mut body)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        mcptop::model::source_error::SourceError::TooLarge {
            announced: None,
            cap: 1 << 20
        }
    );
    assert!(
        err.to_string().contains("exceeds the cap of 1048576 bytes"),
        "{err}"
    );
    assert!(body.is_empty());
    assert!(body.capacity() <= 1 << 20, "{}", body.capacity());

    // The next bodies land in the same buffer, whole.
    let resp = get(&mid).await.expect("response");
    http::read_capped_into(resp, 1 << 20, &mut body)
        .await
        .expect("under the cap");
    assert_eq!(body.len(), 300 << 10);
    assert!(body.iter().all(|b| *b == b'#'));
    let (ptr, cap) = (body.as_ptr(), body.capacity());
    let resp = get(&small).await.expect("response");
    http::read_capped_into(resp, 1 << 20, &mut body)
        .await
        .expect("small");
    assert_eq!(body, b"up 1\n");
    assert_eq!(
        (body.as_ptr(), body.capacity()),
        (ptr, cap),
        "not reallocated"
    );
}
