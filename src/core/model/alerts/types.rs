//! The alert model's plain data: alerts (from Alertmanager or mcptop's own rules),
//! silences, and what one poll of an Alertmanager brings.

use std::collections::BTreeMap;

use super::matcher::Matcher;

/// Label or annotation names to values, sorted by name.
pub type Labels = BTreeMap<String, String>;

/// Incident priority of the operations manual: P0 (whole service down, respond within
/// 15 min) to P3 (minor, within 24 h). Ordered most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    P0,
    P1,
    P2,
    P3,
}

impl Priority {
    /// All four, most urgent first.
    pub const ALL: [Priority; 4] = [Priority::P0, Priority::P1, Priority::P2, Priority::P3];

    /// `P0` .. `P3`.
    pub fn label(self) -> &'static str {
        match self {
            Priority::P0 => "P0",
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
        }
    }

    /// The manual's name: Critical, High, Medium, Low.
    pub fn name(self) -> &'static str {
        match self {
            Priority::P0 => "Critical",
            Priority::P1 => "High",
            Priority::P2 => "Medium",
            Priority::P3 => "Low",
        }
    }

    /// Position in [`Priority::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// `P0`..`P3`, case-insensitive; anything else is `None`.
    pub fn parse(text: &str) -> Option<Priority> {
        match text.trim().to_ascii_uppercase().as_str() {
            "P0" => Some(Priority::P0),
            "P1" => Some(Priority::P1),
            "P2" => Some(Priority::P2),
            "P3" => Some(Priority::P3),
            _ => None,
        }
    }
}

/// Where an alert is in its life. Alertmanager reports `active` (firing), `suppressed`
/// (split here into silenced and inhibited) and `unprocessed`; mcptop's own rules add
/// pending and resolved, as Prometheus rules have them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlertState {
    /// Firing and not suppressed (Alertmanager `active`, or `unprocessed`).
    Firing,
    /// The condition holds but not yet for the rule's `for` duration (local rules only).
    Pending,
    /// Suppressed by at least one silence (`silencedBy` not empty).
    Silenced,
    /// Suppressed by an inhibition rule only (`inhibitedBy` not empty).
    Inhibited,
    /// Was firing, no longer is (local rules; kept on screen for a while).
    Resolved,
}

impl AlertState {
    /// The word shown on screen.
    pub fn label(self) -> &'static str {
        match self {
            AlertState::Firing => "firing",
            AlertState::Pending => "pending",
            AlertState::Silenced => "silenced",
            AlertState::Inhibited => "inhibited",
            AlertState::Resolved => "resolved",
        }
    }

    /// A one-cell symbol shown with the word, so that state never relies on colour alone.
    pub fn symbol(self) -> &'static str {
        match self {
            AlertState::Firing => "●",
            AlertState::Pending => "◐",
            AlertState::Silenced => "◌",
            AlertState::Inhibited => "◇",
            AlertState::Resolved => "✓",
        }
    }
}

/// Who raised an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertOrigin {
    /// Reported by Alertmanager; the indices of the configured URLs that reported it.
    Alertmanager { instances: Vec<usize> },
    /// Raised by one of mcptop's built-in or configured rules.
    Local,
}

/// One alert, whatever raised it.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Alertmanager's fingerprint (hash of the label set); for local alerts, the rule's
    /// name prefixed with `local:`. Equal fingerprints across instances are one alert.
    pub fingerprint: String,
    pub labels: Labels,
    /// `summary`, `description`, `runbook_url`, ...
    pub annotations: Labels,
    pub state: AlertState,
    /// When the alert started firing (local: when it became pending), Unix ms.
    pub starts_at_ms: i64,
    /// Alertmanager's `updatedAt`, Unix ms; dedupe keeps the newest.
    pub updated_at_ms: Option<i64>,
    /// Alertmanager's `endsAt`, or when a local alert resolved, Unix ms.
    pub ends_at_ms: Option<i64>,
    /// Link to the expression that raised it (Prometheus' graph URL).
    pub generator_url: Option<String>,
    /// IDs of the silences that mute it.
    pub silenced_by: Vec<String>,
    /// Fingerprints of the alerts that inhibit it.
    pub inhibited_by: Vec<String>,
    /// Names of the receivers it is routed to.
    pub receivers: Vec<String>,
    pub origin: AlertOrigin,
}

impl Alert {
    /// The `alertname` label, or "" when it has none.
    pub fn name(&self) -> &str {
        self.labels.get("alertname").map_or("", String::as_str)
    }

    /// An annotation, e.g. `summary`.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }

    /// Whether mcptop's own rules raised it.
    pub fn is_local(&self) -> bool {
        self.origin == AlertOrigin::Local
    }
}

/// Where a silence is in its life, as Alertmanager reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SilenceState {
    Active,
    /// Starts in the future.
    Pending,
    Expired,
}

impl SilenceState {
    pub fn label(self) -> &'static str {
        match self {
            SilenceState::Active => "active",
            SilenceState::Pending => "pending",
            SilenceState::Expired => "expired",
        }
    }
}

/// A silence as Alertmanager lists it (`GET /api/v2/silences`).
#[derive(Debug, Clone, PartialEq)]
pub struct Silence {
    pub id: String,
    pub matchers: Vec<Matcher>,
    /// Unix ms.
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub updated_at_ms: Option<i64>,
    pub created_by: String,
    pub comment: String,
    pub state: SilenceState,
}

/// The first 8 characters of a silence ID (a UUID), as Alertmanager's UI abbreviates it.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// A silence to create (`POST /api/v2/silences`).
#[derive(Debug, Clone, PartialEq)]
pub struct SilenceDraft {
    pub matchers: Vec<Matcher>,
    /// Unix ms.
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub created_by: String,
    pub comment: String,
}

/// An aggregation group (`GET /api/v2/alerts/groups`): the route's group labels, its
/// receiver and the fingerprints of its alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertGroup {
    pub labels: Labels,
    pub receiver: String,
    pub fingerprints: Vec<String>,
}

/// `GET /api/v2/status`, the parts worth showing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AmStatus {
    /// `versionInfo.version`, e.g. "0.25.0".
    pub version: Option<String>,
    /// `cluster.status`: "ready", "settling" or "disabled".
    pub cluster_status: Option<String>,
    /// Number of `cluster.peers`.
    pub peers: usize,
    /// `uptime`, Unix ms.
    pub uptime_ms: Option<i64>,
}

/// What one poll of one Alertmanager brought.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AmSnapshot {
    /// Active, silenced, inhibited and unprocessed alerts; `origin` holds this instance.
    pub alerts: Vec<Alert>,
    pub silences: Vec<Silence>,
    pub groups: Vec<AlertGroup>,
    pub status: AmStatus,
}

/// A write mcptop may send to Alertmanager.
#[derive(Debug, Clone, PartialEq)]
pub enum AmWrite {
    CreateSilence(SilenceDraft),
    /// `DELETE /api/v2/silence/{id}`.
    ExpireSilence {
        id: String,
    },
}

/// What the app asks of the Alertmanager source.
#[derive(Debug, Clone, PartialEq)]
pub enum AmCommand {
    /// Send a write; the answer comes back as [`AmUpdate::Written`] with this `request`.
    Write { request: u64, write: AmWrite },
    /// Poll every instance now (e.g. after a write).
    Refresh,
}

/// What the Alertmanager source reports.
#[derive(Debug, Clone, PartialEq)]
pub enum AmUpdate {
    /// One instance was polled at `t_ms` (Unix ms of the poll's start).
    Polled {
        instance: usize,
        t_ms: i64,
        result: Result<AmSnapshot, String>,
    },
    /// A write ended.
    Written {
        request: u64,
        write: AmWrite,
        /// The instance that answered, as [`crate::text::url::redact`] shows it (the
        /// first one tried when none answered).
        endpoint: String,
        /// The silence ID (created, or expired); or the error, with Alertmanager's own
        /// text when it rejected the write.
        result: Result<String, String>,
    },
}
