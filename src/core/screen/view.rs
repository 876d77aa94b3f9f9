//! The view a frame is drawn from: everything on screen, borrowed from the app's state.

use std::borrow::Cow;

use std::time::Duration;

use crate::action::{Keymap, Mode};
use crate::config::Thresholds;
use crate::model::alerts::AlertsState;
use crate::model::dashboard::Dashboard;
use crate::model::logs::{LogBuffer, LokiState};
use crate::model::marks::Mark;
use crate::model::mcp::state::McpState;
use crate::model::stats::Stats;
use crate::screen::fleet::FleetState;
use crate::screen::logs::{LogSource, LogSummary};
use crate::screen::nav::Nav;
use crate::screen::{DeployMark, ToolKey};

/// Everything a frame shows, borrowed from the app. The colours are not in it: the panels
/// get the theme beside it (`ui::draw`).
pub struct View<'a> {
    /// Target name and URL.
    pub target_name: &'a str,
    pub target_url: &'a str,
    /// No target configured: the metric screens say so instead of waiting for data.
    pub no_target: bool,
    pub dashboard: &'a Dashboard,
    /// The numbers the tiles, the modules and the header show: the dashboard's live ones,
    /// or, with the time cursor in the past, those kept for its instant
    /// ([`Dashboard::past`]), unpacked for this frame.
    pub stats: Cow<'a, Stats>,
    /// The time cursor's instant (Unix ms) and the header's words for it
    /// (`at 03:12:40 (-14m) · 02:12:40 UTC`); `None` when live.
    pub cursor: Option<(i64, String)>,
    /// Alert transitions to mark on the timeline, oldest first.
    pub marks: &'a [Mark],
    pub thresholds: &'a Thresholds,
    pub keymap: &'a Keymap,
    /// The input mode beneath the help and the overlays (a screen, the drilled overview,
    /// a filter line): the footer hints and the help list its keys.
    pub mode: Mode,
    /// Wall clock of this frame, Unix ms (ages are measured against it).
    pub now_ms: i64,
    /// Rate window and timeline history.
    pub window: Duration,
    pub history: Duration,
    /// Data older than this is stale even if the last scrape has not failed yet (a scrape
    /// hanging until its timeout): two intervals plus the timeout.
    pub stale_after: Duration,
    pub show_help: bool,
    /// MCP servers, tools, calls and logs.
    pub mcp: &'a McpState,
    /// Screen, selections, overlay and toast.
    pub nav: &'a Nav,
    /// Keys bound to tool calls, for help.
    pub bindings: &'a [ToolKey],
    /// `--read-only` (or `mcp.read_only`) is on: no tool that is not read-only is called.
    pub read_only: bool,
    /// Alertmanager's and local alerts, silences, and each Alertmanager's state.
    pub alerts: &'a AlertsState,
    /// Silences cannot be written (`--read-only` or `alerts.read_only`).
    pub silences_read_only: bool,
    /// Number of local rules evaluated.
    pub rules: usize,
    /// The Loki source's state, when configured.
    pub loki: Option<&'a LokiState>,
    /// The log source in view and its buffer.
    pub log_source: Option<LogSource>,
    pub log_buffer: Option<&'a LogBuffer>,
    /// The error summary of the log source in view.
    pub log_summary: &'a LogSummary,
    /// Fields of structured lines shown as columns (`loki.fields`).
    pub log_fields: &'a [String],
    /// The fleet (query mode, or several scraped targets); `None` for one target.
    pub fleet: Option<&'a FleetState>,
    /// Endpoints whose TLS certificates are not verified ([`Config::unverified_tls`]).
    ///
    /// [`Config::unverified_tls`]: crate::config::Config::unverified_tls
    pub unverified_tls: &'a [String],
    /// The audit log is behind (lines waiting a second or more, or given up): the footer
    /// says so.
    pub audit_stall: Option<crate::audit::Stall>,
    /// The deploy marked with `D`, if any.
    pub deploy: Option<&'a DeployMark>,
    /// A recording written or replayed: the footer says so.
    pub tape: Option<crate::screen::Tape>,
}

impl View<'_> {
    /// The profiles of the members of a scraped fleet in view as a whole (none when one
    /// target, a drilled one or query mode is in view), each once, in name order.
    pub fn fleet_profiles(&self) -> Vec<&crate::model::profile::Profile> {
        let Some(f) = self
            .fleet
            .filter(|f| f.scrape().is_some() && f.drilled.is_none())
        else {
            return Vec::new();
        };
        let mut out: Vec<&crate::model::profile::Profile> = Vec::new();
        for p in f.instances.values().filter_map(|d| d.profile()) {
            if !out.iter().any(|o| o.kind == p.kind) {
                out.push(p);
            }
        }
        out.sort_by_key(|p| p.kind.to_string());
        out
    }

    /// Whether the numbers on screen are not current: the last scrape failed, or the last
    /// good one is older than [`View::stale_after`].
    pub fn stale(&self) -> bool {
        let scrape = &self.dashboard.status.scrape;
        !scrape.is_ok()
            || scrape
                .age_secs(self.now_ms)
                .is_some_and(|age| age > self.stale_after.as_secs_f64())
    }
}
