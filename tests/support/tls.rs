//! TLS for the tests: a private CA with server and client certificates made by the
//! openssl CLI, and `openssl s_server` serving with them.

use std::time::Duration;

/// How long a server may take to listen.
const WAIT: Duration = Duration::from_secs(20);

/// `openssl s_server` on 127.0.0.1 with the test CA's server certificate, run in the
/// certificates' directory with extra arguments: `-www` answers any GET with an HTML page,
/// `-WWW` serves the directory's files; `-Verify 1 -CAfile ca.pem` asks for a client
/// certificate. Killed on drop.
pub struct TlsServer {
    child: std::process::Child,
    pub port: u16,
}

impl TlsServer {
    pub fn start(dir: &std::path::Path, args: &[&str]) -> TlsServer {
        let port = super::peers::free_port();
        let child = std::process::Command::new("openssl")
            .current_dir(dir)
            .args(["s_server", "-quiet"])
            .args(args)
            .args(["-cert", "srv.pem", "-key", "srv.key"])
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start openssl s_server");
        let deadline = std::time::Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "openssl s_server did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        TlsServer { child, port }
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA, a server certificate for IP 127.0.0.1 and a client certificate, made with the
/// openssl CLI in `dir`: ca.pem, srv.pem/srv.key, cli.pem/cli.key.
pub fn make_certs(dir: &std::path::Path) {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("run openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"][..],
        &ec,
        &["-keyout", "ca.key", "-out", "ca.pem"],
        &["-days", "1", "-subj", "/CN=mcptop-test-ca"],
    ]
    .concat());
    for (name, cn, ext) in [
        (
            "srv",
            "127.0.0.1",
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
        ),
        (
            "cli",
            "mcptop-client",
            "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n",
        ),
    ] {
        std::fs::write(dir.join(format!("{name}.ext")), ext).expect("write extensions");
        let (key, csr, pem, extfile, subj) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
            format!("{name}.ext"),
            format!("/CN={cn}"),
        );
        run(&[
            &["req"][..],
            &ec,
            &["-keyout", &key, "-out", &csr, "-subj", &subj],
        ]
        .concat());
        run(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            &pem,
            "-days",
            "1",
            "-extfile",
            &extfile,
        ]);
    }
}
