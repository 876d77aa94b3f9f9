//! A loopback server whose misbehaviour is switched while a source talks to it. In
//! [`Fault::Pass`] it is a plain TCP proxy to a real upstream (the demo, a real
//! Alertmanager or Prometheus, the test Loki), so recovery is seen against the real thing.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How connections are treated. Switching closes every open connection, so a client's
/// pooled keep-alive connection meets the new fault too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Proxied to the upstream.
    Pass,
    /// The port is closed: connecting is refused.
    Refused,
    /// Accepted, the request read, nothing ever answered.
    Hang,
    /// `500 Internal Server Error` with an HTML page (a proxy's error page).
    Html500,
    /// `200` announcing 100 KiB, sending 10 bytes, then closing.
    Truncated,
    /// `200` with a JSON content type and binary garbage.
    Garbage,
    /// `200` with 200 MiB of body, without a `Content-Length` (chunked), written as fast
    /// as the client reads.
    Huge,
    /// `200` whose headers come, then one body byte every 200 ms, forever.
    SlowDrip,
}

pub struct Faulty {
    pub addr: SocketAddr,
    /// The fault, and how many times it was switched.
    fault: Arc<Mutex<(Fault, u64)>>,
    /// The switch count the accept loop has acted on (port closed or open again).
    applied: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Faulty {
    /// Listens on a free loopback port, proxying to `upstream` in [`Fault::Pass`].
    pub fn start(upstream: SocketAddr) -> Faulty {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let fault = Arc::new(Mutex::new((Fault::Pass, 0)));
        let applied = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(Vec::new()));
        let state = Loop {
            fault: fault.clone(),
            applied: applied.clone(),
            stop: stop.clone(),
            open: open.clone(),
        };
        thread::spawn(move || accept_loop(Some(listener), addr, upstream, state));
        Faulty {
            addr,
            fault,
            applied,
            stop,
            open,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Switches to `fault`, closes every open connection, and waits (up to 10 s) until the
    /// accept loop has closed or reopened the port accordingly.
    pub fn set(&self, fault: Fault) {
        let want = {
            let mut f = self.fault.lock().expect("fault lock");
            *f = (fault, f.1 + 1);
            f.1
        };
        for conn in self.open.lock().expect("open lock").drain(..) {
            let _ = conn.shutdown(Shutdown::Both);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.applied.load(Ordering::SeqCst) < want {
            assert!(
                Instant::now() < deadline,
                "the fault server did not switch to {fault:?} within 10 s"
            );
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Faulty {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// What the accept loop shares with its [`Faulty`].
struct Loop {
    fault: Arc<Mutex<(Fault, u64)>>,
    applied: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

fn accept_loop(
    mut listener: Option<TcpListener>,
    addr: SocketAddr,
    upstream: SocketAddr,
    state: Loop,
) {
    let Loop {
        fault,
        applied,
        stop,
        open,
    } = state;
    while !stop.load(Ordering::SeqCst) {
        let (now, switch) = *fault.lock().expect("fault lock");
        if now == Fault::Refused {
            listener = None;
            applied.store(switch, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(10));
            continue;
        }
        let l = match &listener {
            Some(l) => l,
            None => match TcpListener::bind(addr) {
                Ok(l) => listener.insert(l),
                Err(_) => {
                    thread::sleep(Duration::from_millis(10));
                    continue;
                }
            },
        };
        applied.store(switch, Ordering::SeqCst);
        l.set_nonblocking(true).expect("nonblocking");
        match l.accept() {
            Ok((conn, _)) => {
                let _ = conn.set_nonblocking(false);
                if let Ok(clone) = conn.try_clone() {
                    open.lock().expect("open lock").push(clone);
                }
                thread::spawn(move || serve(conn, now, upstream));
            }
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn serve(mut conn: TcpStream, fault: Fault, upstream: SocketAddr) {
    if fault == Fault::Pass {
        proxy(conn, upstream);
        return;
    }
    read_head(&mut conn);
    let head = |status: &str, ctype: &str, extra: &str| {
        format!("HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n{extra}Connection: close\r\n\r\n")
    };
    match fault {
        Fault::Pass | Fault::Refused => {}
        Fault::Hang => thread::sleep(Duration::from_secs(600)),
        Fault::Html500 => {
            let body = "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n\
                        <body><center><h1>500 Internal Server Error</h1></center>\
                        <hr><center>nginx</center></body></html>\r\n";
            let h = head(
                "500 Internal Server Error",
                "text/html",
                &format!("Content-Length: {}\r\n", body.len()),
            );
            let _ = conn.write_all(format!("{h}{body}").as_bytes());
        }
        Fault::Truncated => {
            let h = head("200 OK", "application/json", "Content-Length: 102400\r\n");
            let _ = conn.write_all(format!("{h}{{\"status\":").as_bytes());
            let _ = conn.shutdown(Shutdown::Both);
        }
        Fault::Garbage => {
            let body: Vec<u8> = (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect();
            let h = head(
                "200 OK",
                "application/json",
                &format!("Content-Length: {}\r\n", body.len()),
            );
            let _ = conn.write_all(h.as_bytes());
            let _ = conn.write_all(&body);
        }
        Fault::Huge => {
            let h = head("200 OK", "text/plain", "Transfer-Encoding: chunked\r\n");
            if conn.write_all(h.as_bytes()).is_err() {
                return;
            }
            let chunk = vec![b'a'; 64 * 1024];
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            for _ in 0..(200 * 16) {
                if conn.write_all(&framed).is_err() {
                    return;
                }
            }
            let _ = conn.write_all(b"0\r\n\r\n");
        }
        Fault::SlowDrip => {
            let h = head("200 OK", "text/plain", "Content-Length: 1000000\r\n");
            if conn.write_all(h.as_bytes()).is_err() {
                return;
            }
            for _ in 0..3000 {
                thread::sleep(Duration::from_millis(200));
                if conn.write_all(b"#").is_err() {
                    return;
                }
            }
        }
    }
    let _ = conn.shutdown(Shutdown::Both);
}

/// Reads up to the end of the request head (the bodies these sources send are small and
/// ignored).
fn read_head(conn: &mut TcpStream) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

/// Copies bytes both ways until either side closes.
fn proxy(client: TcpStream, upstream: SocketAddr) {
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let (Ok(mut c2), Ok(mut s2)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let up = thread::spawn(move || {
        let mut client = client;
        let mut server = server;
        let _ = std::io::copy(&mut client, &mut server);
        let _ = server.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut s2, &mut c2);
    let _ = c2.shutdown(Shutdown::Both);
    let _ = up.join();
}
