//! Waiting for a server started by a test to answer `GET /-/ready` (Prometheus and
//! Alertmanager both have it), over plain TCP so no runtime is needed.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

/// Waits for `/-/ready` (plain TCP, so this needs no runtime). Errors: the process
/// exited, or the deadline passed.
pub fn wait_ready(child: &mut Child, port: u16, timeout: Duration) -> Result<(), String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the process exited with {status}"));
        }
        if ready(addr) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("/-/ready did not answer 200 within {timeout:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether `GET /-/ready` answers 200.
fn ready(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    if s.write_all(b"GET /-/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 16];
    let mut got = 0;
    while got < head.len() {
        match s.read(&mut head[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    head[..got].starts_with(b"HTTP/1.1 200") || head[..got].starts_with(b"HTTP/1.0 200")
}

/// Starts `program` with the arguments `args(port, attempt)` on a free port of 127.0.0.1,
/// stderr to `<dir>/stderr-<attempt>.log`, and waits for `/-/ready`. A port that was free
/// a moment ago may be taken by the time the server binds it, so up to three are tried.
/// Returns the child and its port.
///
/// Panics: the program does not start or is not ready in time (the message holds its
/// stderr).
pub fn start_ready(
    program: &str,
    dir: &std::path::Path,
    timeout: Duration,
    args: impl Fn(u16, usize) -> Vec<String>,
) -> (Child, u16) {
    use std::process::{Command, Stdio};
    let mut last_err = String::new();
    for attempt in 0..3 {
        let port = super::peers::free_port();
        let log = dir.join(format!("stderr-{attempt}.log"));
        let mut child = Command::new(program)
            .args(args(port, attempt))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("create stderr log"))
            .spawn()
            .unwrap_or_else(|e| panic!("start {program}: {e}"));
        match wait_ready(&mut child, port, timeout) {
            Ok(()) => return (child, port),
            Err(why) => {
                let _ = child.kill();
                let _ = child.wait();
                let stderr = std::fs::read_to_string(&log).unwrap_or_default();
                last_err = format!("{why}; stderr:\n{stderr}");
                if !stderr.contains("address already in use") {
                    break;
                }
            }
        }
    }
    panic!("{program} did not become ready: {last_err}");
}
