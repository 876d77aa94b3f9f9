//! A real Alertmanager (Debian's `prometheus-alertmanager`, 0.25) for the tests: its own
//! config, storage and port, clustering off, killed on drop. The tests check what mcptop
//! did through Alertmanager's own API (reqwest directly), never through mcptop's code.

use std::process::Child;
use std::time::Duration;

use serde_json::Value;

/// A config with a null receiver, short grouping times, and one inhibition rule: a
/// critical `McpServerDown` inhibits warnings with the same `service`.
pub const CONFIG: &str = r#"
route:
  receiver: "null"
  group_by: ["alertname", "service"]
  group_wait: 100ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: "null"
inhibit_rules:
  - source_matchers: ['alertname="McpServerDown"', 'severity="critical"']
    target_matchers: ['severity="warning"']
    equal: ["service"]
"#;

/// How long Alertmanager may take to answer `/-/ready`.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// A running Alertmanager on 127.0.0.1.
pub struct Alertmanager {
    child: Child,
    port: u16,
    /// Holds the config, storage and stderr log; removed on drop.
    dir: tempfile::TempDir,
    http: reqwest::Client,
}

impl Alertmanager {
    /// Starts one with `config_yaml` and waits until `/-/ready` answers 200. `None` (the
    /// test skips) when the binary is missing outside CI; under CI that panics.
    ///
    /// Panics: the process does not start or is not ready within 20 s (the message holds
    /// its stderr).
    pub fn start(config_yaml: &str) -> Option<Alertmanager> {
        if !super::require_program("prometheus-alertmanager") {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir for Alertmanager");
        let config = dir.path().join("alertmanager.yml");
        std::fs::write(&config, config_yaml).expect("write Alertmanager config");
        let (child, port) = super::ready::start_ready(
            "prometheus-alertmanager",
            dir.path(),
            READY_TIMEOUT,
            |port, attempt| {
                vec![
                    format!("--config.file={}", config.display()),
                    format!(
                        "--storage.path={}",
                        dir.path().join(format!("data-{attempt}")).display()
                    ),
                    format!("--web.listen-address=127.0.0.1:{port}"),
                    "--cluster.listen-address=".to_string(),
                ]
            },
        );
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("test HTTP client");
        Some(Alertmanager {
            child,
            port,
            dir,
            http,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// POST /api/v2/alerts with `alerts` (a JSON array of postableAlert).
    ///
    /// Panics: the request fails or is refused.
    pub async fn post_alerts(&self, alerts: Value) {
        let resp = self
            .http
            .post(format!("{}/api/v2/alerts", self.url()))
            .header("content-type", "application/json")
            .body(alerts.to_string())
            .send()
            .await
            .expect("POST /api/v2/alerts");
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST /api/v2/alerts: {status}: {body}");
    }

    /// POST /api/v2/silences with `silence` (postableSilence); the new silence's ID.
    ///
    /// Panics: the request fails or is refused.
    pub async fn post_silence(&self, silence: Value) -> String {
        let resp = self
            .http
            .post(format!("{}/api/v2/silences", self.url()))
            .header("content-type", "application/json")
            .body(silence.to_string())
            .send()
            .await
            .expect("POST /api/v2/silences");
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        assert!(
            status.is_success(),
            "POST /api/v2/silences: {status}: {body}"
        );
        let v: Value = serde_json::from_str(&body).expect("silence answer is JSON");
        v["silenceID"]
            .as_str()
            .expect("silenceID in the answer")
            .to_string()
    }

    /// GET /api/v2/silences: every silence, as Alertmanager lists it.
    ///
    /// Panics: the request fails or the answer is not a JSON array.
    pub async fn silences(&self) -> Vec<Value> {
        self.get_list("silences").await
    }

    /// GET /api/v2/alerts (all states).
    ///
    /// Panics: the request fails or the answer is not a JSON array.
    pub async fn alerts(&self) -> Vec<Value> {
        self.get_list("alerts?active=true&silenced=true&inhibited=true&unprocessed=true")
            .await
    }

    async fn get_list(&self, path: &str) -> Vec<Value> {
        let resp = self
            .http
            .get(format!("{}/api/v2/{path}", self.url()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET /api/v2/{path}: {e}"));
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        assert!(status.is_success(), "GET /api/v2/{path}: {status}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET /api/v2/{path}: {e}: {body}"))
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        self.stop();
    }
}
