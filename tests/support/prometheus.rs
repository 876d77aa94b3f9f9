//! A real query engine for the tests, scraping with one Prometheus scrape config: Debian's
//! `prometheus` (2.42) or single-node `victoria-metrics` (1.79, `-promscrape.config`), a
//! plain process on 127.0.0.1 with a temp config and storage dir, killed on drop. The tests
//! read what it computed through its own HTTP API (reqwest and serde_json here), never
//! through mcptop. Both answer `/-/ready`; the tests' own queries carry `nocache=1`, so
//! VictoriaMetrics answers up to now (Prometheus ignores the parameter).

use std::collections::BTreeMap;
use std::process::Child;
use std::time::Duration;

use serde_json::Value;

/// How long the engine may take to answer `/-/ready`.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// Which engine runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Prometheus,
    VictoriaMetrics,
}

impl Engine {
    /// Its program on PATH.
    pub fn program(self) -> &'static str {
        match self {
            Engine::Prometheus => "prometheus",
            Engine::VictoriaMetrics => "victoria-metrics",
        }
    }

    /// The arguments of one start on `port` (`attempt` names a fresh storage dir).
    fn args(
        self,
        dir: &std::path::Path,
        config: &std::path::Path,
        port: u16,
        attempt: usize,
    ) -> Vec<String> {
        let data = dir.join(format!("data-{attempt}"));
        match self {
            Engine::Prometheus => vec![
                format!("--config.file={}", config.display()),
                format!("--storage.tsdb.path={}", data.display()),
                format!("--web.listen-address=127.0.0.1:{port}"),
                "--web.enable-lifecycle".to_string(),
            ],
            // Defaults otherwise: `-search.latencyOffset` stays 30 s, as users run it.
            Engine::VictoriaMetrics => vec![
                format!("-promscrape.config={}", config.display()),
                format!("-storageDataPath={}", data.display()),
                format!("-httpListenAddr=127.0.0.1:{port}"),
            ],
        }
    }
}

/// One scrape job: a name and the `host:port` targets it scrapes every `interval`.
pub struct Job<'a> {
    pub name: &'a str,
    pub targets: Vec<String>,
}

/// Labels of a series, `__name__` included when Prometheus returns it.
pub type Labels = BTreeMap<String, String>;

/// A running engine (Prometheus or VictoriaMetrics) on 127.0.0.1.
pub struct Prometheus {
    pub engine: Engine,
    child: Child,
    port: u16,
    /// Holds the config, TSDB and stderr log; removed on drop.
    dir: tempfile::TempDir,
    http: reqwest::Client,
}

impl Prometheus {
    /// Starts a Prometheus scraping `jobs` every `interval_ms` (see [`Prometheus::start_engine`]).
    pub fn start(jobs: &[Job<'_>], interval_ms: u64) -> Option<Prometheus> {
        Prometheus::start_engine(Engine::Prometheus, jobs, interval_ms)
    }

    /// Starts `engine` scraping `jobs` every `interval_ms` and waits until `/-/ready`
    /// answers. `None` (the test skips) when the binary is missing outside CI; under CI
    /// that panics.
    ///
    /// Panics: the process does not start or is not ready within 30 s (the message holds
    /// its stderr).
    pub fn start_engine(engine: Engine, jobs: &[Job<'_>], interval_ms: u64) -> Option<Prometheus> {
        if !super::require_program(engine.program()) {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir for the engine");
        let config = dir.path().join("prometheus.yml");
        std::fs::write(&config, config_yaml(jobs, interval_ms)).expect("write config");
        let (child, port) = super::ready::start_ready(
            engine.program(),
            dir.path(),
            READY_TIMEOUT,
            |port, attempt| engine.args(dir.path(), &config, port, attempt),
        );
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("test HTTP client");
        Some(Prometheus {
            engine,
            child,
            port,
            dir,
            http,
        })
    }

    /// How many `/api/v1/query` requests the engine has served, once its count has held
    /// still for 2 s (VictoriaMetrics' `/metrics` shows a request up to a second or so
    /// after it answered it).
    ///
    /// Panics: the count still moves after 20 s.
    pub async fn query_requests_settled(&self) -> f64 {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let mut last = self.query_requests().await;
        let mut since = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let now = self.query_requests().await;
            if now != last {
                (last, since) = (now, tokio::time::Instant::now());
            } else if since.elapsed() >= Duration::from_secs(2) {
                return now;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{:?}'s query count never settled",
                self.engine
            );
        }
    }

    /// How many `/api/v1/query` requests the engine has served, from its own `/metrics`
    /// (`prometheus_http_requests_total{handler=...}` or
    /// `vm_http_requests_total{path=...}`).
    pub async fn query_requests(&self) -> f64 {
        let body = self
            .http
            .get(format!("{}/metrics", self.url()))
            .send()
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("body");
        let (name, label) = match self.engine {
            Engine::Prometheus => (
                "prometheus_http_requests_total{",
                "handler=\"/api/v1/query\"",
            ),
            Engine::VictoriaMetrics => ("vm_http_requests_total{", "path=\"/api/v1/query\""),
        };
        body.lines()
            .filter(|l| l.starts_with(name) && l.contains(label))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// GET /api/v1/query at `time_ms`; the answer's `data` (resultType and result).
    ///
    /// Panics: the request fails or the engine answers an error.
    pub async fn query(&self, promql: &str, time_ms: i64) -> Value {
        self.api("query", promql, &[("time", seconds(time_ms))])
            .await
    }

    /// GET /api/v1/query_range over `[start_ms, end_ms]` every `step_ms`: each series'
    /// labels and its `(ms, value)` points, oldest first.
    ///
    /// Panics: as [`Prometheus::query`], or the answer is not a matrix.
    pub async fn range(
        &self,
        promql: &str,
        start_ms: i64,
        end_ms: i64,
        step_ms: i64,
    ) -> Vec<(Labels, Vec<(i64, f64)>)> {
        let params = [
            ("start", seconds(start_ms)),
            ("end", seconds(end_ms)),
            ("step", seconds(step_ms)),
        ];
        let data = self.api("query_range", promql, &params).await;
        assert_eq!(data["resultType"], "matrix", "{promql}: {data}");
        matrix(&data)
    }

    /// GET /api/v1/`endpoint` with `query=promql`, `params` and `nocache=1`; the answer's
    /// `data`.
    async fn api(&self, endpoint: &str, promql: &str, params: &[(&str, String)]) -> Value {
        let mut pairs: Vec<(&str, &str)> = vec![("query", promql), ("nocache", "1")];
        pairs.extend(params.iter().map(|(k, v)| (*k, v.as_str())));
        let url =
            reqwest::Url::parse_with_params(&format!("{}/api/v1/{endpoint}", self.url()), &pairs)
                .expect("query URL");
        let resp = self
            .http
            .get(url)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET /api/v1/{endpoint} {promql}: {e}"));
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        assert!(status.is_success(), "{promql}: {status}: {body}");
        let v: Value =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{promql}: {e}: {body}"));
        assert_eq!(v["status"], "success", "{promql}: {body}");
        v["data"].clone()
    }

    /// An instant vector query: each series' labels and value (`"NaN"` and `"+Inf"` parsed).
    pub async fn vector(&self, promql: &str, time_ms: i64) -> Vec<(Labels, f64)> {
        let data = self.query(promql, time_ms).await;
        assert_eq!(data["resultType"], "vector", "{promql}: {data}");
        data["result"]
            .as_array()
            .expect("result array")
            .iter()
            .map(|s| (labels(&s["metric"]), number(&s["value"][1])))
            .collect()
    }

    /// The single value of an instant query that aggregates to one series; `None` when
    /// Prometheus answers no series.
    pub async fn scalar(&self, promql: &str, time_ms: i64) -> Option<f64> {
        let v = self.vector(promql, time_ms).await;
        assert!(v.len() <= 1, "{promql} gave {} series", v.len());
        v.first().map(|(_, x)| *x)
    }

    /// The raw samples of a range selector (`name{...}[40s]`) at `time_ms`: each series'
    /// labels and its `(ms, value)` samples, oldest first.
    pub async fn samples(&self, selector: &str, time_ms: i64) -> Vec<(Labels, Vec<(i64, f64)>)> {
        let data = self.query(selector, time_ms).await;
        assert_eq!(data["resultType"], "matrix", "{selector}: {data}");
        matrix(&data)
    }

    /// [`Prometheus::samples`] as scrapes, for feeding a model the engine's own samples:
    /// every sample keyed by its series (the `__name__` label as the metric name), with its
    /// own timestamp, grouped by that timestamp, oldest first.
    pub async fn samples_by_time(
        &self,
        selector: &str,
        time_ms: i64,
    ) -> BTreeMap<i64, Vec<mcptop::model::dashboard::ScrapedSample>> {
        let series = self.samples(selector, time_ms).await;
        assert!(!series.is_empty(), "no samples of {selector}");
        let mut by_time: BTreeMap<i64, Vec<mcptop::model::dashboard::ScrapedSample>> =
            BTreeMap::new();
        for (mut labels, points) in series {
            let name = labels.remove("__name__").expect("__name__");
            let key = mcptop::model::series::SeriesKey::new(
                &name,
                labels.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            );
            for (t, v) in points {
                by_time
                    .entry(t)
                    .or_default()
                    .push(mcptop::model::dashboard::ScrapedSample {
                        key: key.clone().into(),
                        value: v,
                        timestamp_ms: Some(t),
                    });
            }
        }
        by_time
    }

    /// Timestamps (ms) of the scrapes of `job` in the last `range` before `time_ms`,
    /// oldest first, read from `up`.
    pub async fn scrape_times(&self, job: &str, range: &str, time_ms: i64) -> Vec<i64> {
        let series = self
            .samples(&format!("up{{job=\"{job}\"}}[{range}]"), time_ms)
            .await;
        series
            .into_iter()
            .next()
            .map(|(_, points)| points.into_iter().map(|(t, _)| t).collect())
            .unwrap_or_default()
    }

    /// Waits until the engine holds at least `n` scrapes of `job` in the last `range`
    /// (polled every 500 ms).
    ///
    /// Panics: not within `within`.
    pub async fn wait_for_scrapes(&self, job: &str, range: &str, n: usize, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self
                .scrape_times(job, range, mcptop::sources::now_ms())
                .await
                .len();
            if got >= n {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{:?} scraped {job} {got} times in {range}, not {n}, within {within:?}",
                self.engine
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// The time (Unix ms) of the oldest scrape of `job` in the last 5 minutes at or after
    /// `after_ms`, once the engine holds one (polled every 200 ms).
    ///
    /// Panics: none within `within`.
    pub async fn scrape_at_or_after(&self, job: &str, after_ms: i64, within: Duration) -> i64 {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let times = self
                .scrape_times(job, "5m", mcptop::sources::now_ms())
                .await;
            if let Some(&t) = times.iter().find(|&&t| t >= after_ms) {
                return t;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{:?} held no scrape of {job} at or after {after_ms} within {within:?}: {}",
                self.engine,
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Its stderr so far, for failure messages.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr-0.log")).unwrap_or_default()
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The config: one job per `jobs` entry, every target scraped every `interval_ms`.
pub fn config_yaml(jobs: &[Job<'_>], interval_ms: u64) -> String {
    let timeout_ms = interval_ms.saturating_sub(100).max(100);
    let mut out = format!(
        "global:\n  scrape_interval: {interval_ms}ms\n  scrape_timeout: {timeout_ms}ms\nscrape_configs:\n"
    );
    for job in jobs {
        let targets: Vec<String> = job.targets.iter().map(|t| format!("\"{t}\"")).collect();
        out.push_str(&format!(
            "  - job_name: \"{}\"\n    static_configs:\n      - targets: [{}]\n",
            job.name,
            targets.join(", ")
        ));
    }
    out
}

/// Unix ms as the API's seconds with millisecond decimals.
fn seconds(ms: i64) -> String {
    format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
}

/// A matrix answer's series: labels and `(ms, value)` points.
fn matrix(data: &Value) -> Vec<(Labels, Vec<(i64, f64)>)> {
    data["result"]
        .as_array()
        .expect("result array")
        .iter()
        .map(|s| {
            let points = s["values"]
                .as_array()
                .expect("values")
                .iter()
                .map(|p| {
                    let secs = p[0].as_f64().expect("timestamp");
                    ((secs * 1000.0).round() as i64, number(&p[1]))
                })
                .collect();
            (labels(&s["metric"]), points)
        })
        .collect()
}

fn labels(metric: &Value) -> Labels {
    metric
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// A sample value as the API writes it: a string, `"NaN"`, `"+Inf"` or `"-Inf"`.
fn number(v: &Value) -> f64 {
    let s = v.as_str().expect("sample value is a string");
    match s {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().unwrap_or(f64::NAN),
    }
}
