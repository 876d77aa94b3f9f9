//! Serving the test Loki (`support::loki`) so that it can be stopped like a process: every
//! connection it accepted, WebSockets included, ends when it stops, and a new server can
//! listen on the same port.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::Router;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Serves `app` on `listener` until `stop` turns true; then every connection fails.
pub fn serve(
    listener: TcpListener,
    app: Router,
    stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let listener = KillableListener {
        inner: listener,
        stop: stop.clone(),
    };
    tokio::spawn(async move {
        let mut stop = stop;
        tokio::select! {
            _ = axum::serve(listener, app) => {}
            _ = stop.wait_for(|s| *s) => {}
        }
    })
}

/// A connection that fails once its server stops, as the process's sockets do.
pub struct Killable {
    io: TcpStream,
    /// Ready once the server stops; `None` after that.
    stopped: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

/// A listener whose connections are [`Killable`].
struct KillableListener {
    inner: TcpListener,
    stop: watch::Receiver<bool>,
}

impl axum::serve::Listener for KillableListener {
    type Io = Killable;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Killable, std::net::SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((io, addr)) => {
                    let mut stop = self.stop.clone();
                    let stopped = Box::pin(async move {
                        let _ = stop.wait_for(|s| *s).await;
                    });
                    return (
                        Killable {
                            io,
                            stopped: Some(stopped),
                        },
                        addr,
                    );
                }
                // Out of file descriptors and the like: try again shortly.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.inner.local_addr()
    }
}

impl Killable {
    fn check(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        let stopped = || io::Error::new(io::ErrorKind::ConnectionReset, "server stopped");
        let Some(f) = self.stopped.as_mut() else {
            return Err(stopped());
        };
        match f.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.stopped = None;
                Err(stopped())
            }
            Poll::Pending => Ok(()),
        }
    }
}

impl AsyncRead for Killable {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check(cx)?;
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Killable {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.check(cx)?;
        Pin::new(&mut this.io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check(cx)?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
