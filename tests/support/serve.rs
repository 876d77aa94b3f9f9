//! A loopback HTTP server for a test: an axum router on 127.0.0.1 at a free port, served
//! until the test's runtime ends.

use std::net::SocketAddr;

/// Serves `app` on 127.0.0.1; returns its address once it listens.
pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}
