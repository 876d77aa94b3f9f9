//! Running the Loki source against the test Loki (`support::loki`) and applying what it
//! sends to a [`LokiState`], as the app does.

use std::time::Duration;

use mcptop::config::LokiConfig;
use mcptop::model::logs::summary::LevelCounts;
use mcptop::model::logs::{LokiState, LokiUpdate};
use mcptop::sources::Update;
use mcptop::sources::loki::LokiHandle;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::loki::{Entry, FakeLoki};

pub const APP: &[(&str, &str)] = &[("app", "mcpist")];
pub const QUERY: &str = r#"{app="mcpist"}"#;
/// The longest any condition is waited for.
pub const WAIT: Duration = Duration::from_secs(30);

pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// The source started against a server, and what it sent, applied to a [`LokiState`].
pub struct Run {
    pub state: LokiState,
    pub rx: mpsc::Receiver<Update>,
    pub handle: LokiHandle,
    _tasks: JoinSet<()>,
    /// Every Failed text, in order.
    pub failures: Vec<String>,
    /// Every update but `Entries` and `Counts`, in order.
    pub events: Vec<LokiUpdate>,
}

/// A source for `loki` polling every 200 ms, with a 5 s timeout.
pub fn cfg(loki: &FakeLoki) -> LokiConfig {
    LokiConfig {
        url: Some(loki.url()),
        interval: Duration::from_millis(200),
        counts_interval: Duration::from_secs(3600),
        timeout: Duration::from_secs(5),
        ..LokiConfig::default()
    }
}

pub fn start(cfg: &LokiConfig, query: &str) -> Run {
    let (tx, rx) = mpsc::channel(64);
    let mut tasks = JoinSet::new();
    let handle = mcptop::sources::loki::spawn(cfg, query.to_string(), tx, &mut tasks)
        .expect("source starts");
    Run {
        state: LokiState::new(String::new(), query.into(), cfg.max_lines, cfg.max_bytes),
        rx,
        handle,
        _tasks: tasks,
        failures: Vec::new(),
        events: Vec::new(),
    }
}

impl Run {
    fn apply(&mut self, u: LokiUpdate) {
        if let LokiUpdate::Failed { error, .. } = &u {
            self.failures.push(error.to_string());
        }
        if !matches!(u, LokiUpdate::Entries { .. } | LokiUpdate::Counts(_)) {
            self.events.push(u.clone());
        }
        self.state.apply(u);
    }

    /// Applies updates until `done` holds (fails after [`WAIT`]).
    pub async fn until(&mut self, what: &str, done: impl Fn(&LokiState) -> bool) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done(&self.state) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(Update::Loki(u))) => self.apply(u),
                Ok(Some(_)) => {}
                Ok(None) => panic!("source ended while waiting for {what}"),
                Err(_) => panic!(
                    "timed out waiting for {what}; {} lines, status {:?}, failures {:?}",
                    self.state.buffer.len(),
                    self.state.status,
                    self.failures
                ),
            }
        }
    }

    /// Applies updates as they come until `done()`, a condition outside the state (the
    /// server's counters), holds; fails after [`WAIT`].
    pub async fn until_server(&mut self, what: &str, done: impl Fn() -> bool) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}; {} lines, failures {:?}",
                self.state.buffer.len(),
                self.failures
            );
            if let Ok(Some(Update::Loki(u))) =
                tokio::time::timeout(Duration::from_millis(20), self.rx.recv()).await
            {
                self.apply(u);
            }
        }
    }

    /// Applies updates as they come for `d` (the pace between pushes), so that the source
    /// never waits on a full channel meanwhile.
    pub async fn pump(&mut self, d: Duration) {
        let until = tokio::time::Instant::now() + d;
        while let Ok(Some(u)) = tokio::time::timeout_at(until, self.rx.recv()).await {
            if let Update::Loki(u) = u {
                self.apply(u);
            }
        }
    }

    /// Applies the updates already sent.
    pub fn drain(&mut self) {
        while let Ok(u) = self.rx.try_recv() {
            if let Update::Loki(u) = u {
                self.apply(u);
            }
        }
    }

    /// Applies updates until the next counts arrive, and returns them; fails after
    /// [`WAIT`].
    pub async fn next_counts(
        &mut self,
    ) -> Result<LevelCounts, mcptop::model::source_error::SourceError> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(Update::Loki(LokiUpdate::Counts(c)))) => {
                    self.apply(LokiUpdate::Counts(c.clone()));
                    return c;
                }
                Ok(Some(Update::Loki(u))) => self.apply(u),
                Ok(Some(_)) => {}
                Ok(None) => panic!("source ended while waiting for counts"),
                Err(_) => panic!("timed out waiting for counts"),
            }
        }
    }

    /// The next counts, which must not be an error.
    pub async fn counts_ok(&mut self) -> LevelCounts {
        match self.next_counts().await {
            Ok(c) => c,
            Err(e) => panic!("the counts failed: {e}"),
        }
    }

    pub fn lines(&self) -> Vec<String> {
        self.state.buffer.iter().map(|e| e.line.clone()).collect()
    }

    /// Whether `line` is kept.
    pub fn has(&self, line: &str) -> bool {
        self.state.buffer.iter().any(|e| e.line == line)
    }
}

/// The first request to a path ending in `suffix`.
pub fn requests_to(loki: &FakeLoki, suffix: &str) -> super::loki::Recorded {
    loki.requests()
        .into_iter()
        .find(|r| r.path.ends_with(suffix))
        .expect("a request")
}

/// `line {from..to}`.
pub fn numbered(from: usize, to: usize) -> Vec<String> {
    (from..to).map(|i| format!("line {i}")).collect()
}

/// Pushes `line {from..to}` in one batch with increasing wall-clock timestamps.
pub fn push(loki: &FakeLoki, from: usize, to: usize) {
    let base = now_ns();
    loki.push(
        (from..to)
            .map(|i| Entry::new(APP, base + i as i64, &format!("line {i}")))
            .collect(),
    );
}
