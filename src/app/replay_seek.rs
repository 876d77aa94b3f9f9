//! A replay's time cursor over the whole recording. Within what the model keeps (the
//! instants of [`crate::model::past::PastStats`], up to the playback head) the cursor moves
//! as it does live. Past that, the playback head itself moves there ("seeks") and the
//! replay pauses: forward, the records up to the new instant are applied; back, the model
//! is rebuilt from blank with the records of the window before it. Either way the tiles,
//! alerts, health and marks are those of that instant, as `snapshot --from --at` makes
//! them.
//!
//! A rebuild replays [`LEAD`]s of records before the instant: the rate window, the
//! longest `for` of the local rules, one timeline step and two scrape intervals. Records
//! older than that carry over only as the state they left: the newest target list, each
//! Alertmanager's newest alert list and a deploy mark still set (replayed from one window
//! before it, so that its "before" tiles are right); their log lines are all applied (the
//! log buffers keep lines by count, not time).

use super::{App, Replay};
use crate::action::Action;
use crate::model::alerts::AlertsState;
use crate::model::cursor::Reach;
use crate::model::dashboard::Dashboard;
use crate::model::logs::LokiState;
use crate::model::mcp::state::McpState;
use crate::model::recording::Event;
use crate::model::rules::RuleEngine;

/// The model's blank state of a replay, taken before any record is applied, that a
/// rebuild starts from (the dashboards are made fresh from their settings).
#[derive(Debug, Clone)]
pub(super) struct Blank {
    alerts: AlertsState,
    rules: RuleEngine,
    /// The log sources with no line yet ([`App::replay_log_sources`]).
    loki: Option<LokiState>,
    mcp: McpState,
}

impl Blank {
    pub(super) fn of(app: &App) -> Blank {
        Blank {
            alerts: app.alerts.clone(),
            rules: app.rules.clone(),
            loki: app.loki.clone(),
            mcp: app.mcp.clone(),
        }
    }
}

/// What a rebuild replays before the instant it rebuilds, ms: the rate window, the
/// longest local rule's `for`, one timeline step and two scrape intervals.
fn lead_ms(app: &App) -> i64 {
    let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    let longest_for = app.cfg.rules.iter().map(|r| ms(r.for_)).max().unwrap_or(0);
    let d = &app.dashboard;
    d.range_ms()
        .saturating_add(longest_for)
        .saturating_add(d.timeline.step_ms.max(0))
        .saturating_add(ms(app.cfg.scrape.interval).saturating_mul(2))
}

impl Replay {
    /// The instants of the recording the cursor may take, Unix ms: from one rate window
    /// after its start (the first with a whole window of data) to its end.
    fn whole(&self, range_ms: i64) -> Reach {
        Reach {
            earliest_ms: self.start_ms.saturating_add(range_ms).min(self.end_ms),
            latest_ms: self.end_ms,
        }
    }

    /// The recording's own marks, Unix ms, oldest first: Alertmanager alerts' `startsAt`
    /// and `endsAt` and the deploy marks (the local rules' transitions are known only
    /// once replayed; those come from [`crate::model::marks::MarkLog`]).
    fn recorded_marks(&self) -> Vec<i64> {
        let mut times: Vec<i64> = Vec::new();
        for e in &self.events {
            match e {
                Event::Alerts { alerts, .. } => {
                    times.extend(alerts.iter().map(|a| a.starts));
                    times.extend(alerts.iter().filter_map(|a| a.ends));
                }
                Event::Deploy {
                    t_ms, set: true, ..
                } => times.push(*t_ms),
                _ => {}
            }
        }
        times.sort_unstable();
        times.dedup();
        times
    }
}

impl App {
    /// Plays `rec` back from its start on this app, made with its [`super::replay_config`]
    /// and its log sources ([`App::replay_log_sources`]) and nothing applied yet (the blank
    /// state a seek back starts from is taken now).
    pub fn start_replay(&mut self, rec: crate::sources::files::recording::Recording) {
        let mut replay = Replay::new(rec);
        replay.blank = Some(Box::new(Blank::of(self)));
        self.replay = Some(replay);
    }

    /// A time-cursor action in a replay: as live within what the model keeps, a seek of
    /// the playback head beyond it (see the module's text). Returns whether the screen
    /// changed; `clock_ms` tells a held key (see [`crate::model::cursor::TimeCursor::step`]).
    pub(in crate::app) fn replay_cursor(&mut self, action: Action, clock_ms: i64) -> bool {
        let Some(r) = self.replay.as_ref() else {
            return false;
        };
        let d = self.shown_dashboard();
        let whole = r.whole(d.range_ms());
        let head = r.at_ms();
        let kept = d.past().reach();
        let step_ms = d.timeline.step_ms.max(1);
        let before = (self.nav.cursor.clone(), head);
        let mut cursor = self.nav.cursor.clone();
        // The cursor may go anywhere in the recording; the head moves when it leaves the
        // kept instants, so a live cursor (at the head) starts from the head.
        let reach = whole;
        let inside = |t: i64| kept.is_some_and(|k| (k.earliest_ms..=k.latest_ms).contains(&t));
        let past = d.past();
        let settle = |t: i64, dir: i8| if inside(t) { past.settle(t, dir) } else { None };
        match action {
            Action::CursorBack | Action::CursorForward => {
                let dir = if action == Action::CursorBack { -1 } else { 1 };
                if cursor.is_live() && dir > 0 {
                    // From the head forward: the head moves on by a step.
                    let from = head.max(whole.earliest_ms);
                    cursor.go_earliest(Some(Reach {
                        earliest_ms: from,
                        latest_ms: from,
                    }));
                }
                let from_head = Reach {
                    earliest_ms: reach.earliest_ms,
                    latest_ms: head.clamp(reach.earliest_ms, reach.latest_ms),
                };
                let r = if cursor.is_live() { from_head } else { reach };
                cursor.step(dir, step_ms, clock_ms, Some(r), settle);
            }
            Action::CursorOldest => cursor.go_earliest(Some(reach)),
            Action::CursorLive => cursor.go_live(),
            Action::CursorPrevMark | Action::CursorNextMark => {
                let dir = if action == Action::CursorPrevMark {
                    -1
                } else {
                    1
                };
                let mut marks = self.mark_times();
                marks.extend(r.recorded_marks());
                marks.sort_unstable();
                marks.dedup();
                cursor.snap(dir, &marks, Some(reach));
            }
            _ => return false,
        }
        let Some(at) = cursor.at_ms() else {
            self.nav.cursor = cursor;
            return self.nav.cursor != before.0;
        };
        if at > head {
            // Ahead of the head: play up to there, and show it as the head (live).
            self.seek_forward(at);
            cursor.go_live();
        } else if !inside(at) {
            // Older than what is kept: rebuild there; the cursor is the new head.
            self.seek_back(at);
            cursor.go_live();
        }
        self.nav.cursor = cursor;
        let head_now = self.replay.as_ref().map_or(head, Replay::at_ms);
        (self.nav.cursor.clone(), head_now) != before
    }

    /// Moves the playback head forward to `at_ms` (Unix ms), applying the records up to
    /// it, and pauses.
    fn seek_forward(&mut self, at_ms: i64) {
        let Some(r) = self.replay.as_mut() else {
            return;
        };
        r.paused = true;
        r.at_ms = at_ms.min(r.end_ms) as f64;
        let at = r.at_ms();
        let mut due = Vec::new();
        while let Some(e) = r.events.get(r.next).filter(|e| e.t_ms() <= at) {
            due.push(e.clone());
            r.next += 1;
        }
        for e in due {
            self.apply_recorded(e);
        }
    }

    /// Moves the playback head back to `at_ms` (Unix ms) and pauses: the model is made
    /// blank and the records from [`lead_ms`] before it replayed (older ones as the state
    /// they left).
    pub(in crate::app) fn seek_back(&mut self, at_ms: i64) {
        let lead = lead_ms(self);
        let Some(r) = self.replay.as_mut() else {
            return;
        };
        r.paused = true;
        let at_ms = at_ms.clamp(r.start_ms, r.end_ms);
        let events = std::mem::take(&mut r.events);
        let blank = r.blank.clone();
        let mut from = at_ms.saturating_sub(lead);
        // A deploy mark still set at `from`: replay from a window before it.
        let first = events.partition_point(|e| e.t_ms() < from);
        if let Some(t) = events[..first].iter().rev().find_map(|e| match e {
            Event::Deploy { t_ms, set, .. } => Some((*t_ms, *set)),
            _ => None,
        }) && t.1
        {
            from = t.0.saturating_sub(lead);
        }
        let first = events.partition_point(|e| e.t_ms() < from);
        let carried = carried_state(&events[..first]);
        self.blank_model(blank.as_deref());
        // Log lines are kept by count, not time: all of them, as a play from the start.
        for e in events[..first]
            .iter()
            .filter(|e| matches!(e, Event::Logs { .. } | Event::Loki { .. }))
        {
            self.apply_recorded(e.clone());
        }
        for e in carried {
            self.apply_recorded(e);
        }
        let mut next = first;
        while let Some(e) = events.get(next).filter(|e| e.t_ms() <= at_ms) {
            self.apply_recorded(e.clone());
            next += 1;
        }
        if let Some(r) = self.replay.as_mut() {
            r.events = events;
            r.next = next;
            r.at_ms = at_ms as f64;
        }
    }

    /// The model as before any record: fresh dashboards, no alert, mark, deploy or log line.
    fn blank_model(&mut self, blank: Option<&Blank>) {
        self.dashboard = Dashboard::new(self.dashboard.model().clone());
        self.sync_tool_columns();
        if let Some(f) = self.fleet.as_mut() {
            f.instances.clear();
            f.rows.clear();
            if let Some(s) = f.scrape_mut() {
                s.targets.clear();
                s.rules.clear();
            }
        }
        if let Some(b) = blank {
            self.alerts = b.alerts.clone();
            self.rules = b.rules.clone();
            self.loki = b.loki.clone();
            self.mcp = b.mcp.clone();
            // The log pane follows its buffer by sequence numbers, which start again.
            self.nav.logs_synced = None;
            self.log_summary = crate::screen::logs::LogSummary::default();
        }
        self.marks = crate::model::marks::MarkLog::default();
        self.deploy = None;
    }
}

/// What the records before a rebuild's start left, to apply first, in time order: the
/// newest target list, each Alertmanager instance's newest alert list, and the newest
/// deploy record.
fn carried_state(older: &[Event]) -> Vec<Event> {
    let mut targets = None;
    let mut deploy = None;
    let mut alerts: Vec<&Event> = Vec::new();
    for e in older.iter().rev() {
        match e {
            Event::Targets { .. } if targets.is_none() => targets = Some(e),
            Event::Deploy { .. } if deploy.is_none() => deploy = Some(e),
            Event::Alerts { instance, .. }
                if !alerts
                    .iter()
                    .any(|a| matches!(a, Event::Alerts { instance: i, .. } if i == instance)) =>
            {
                alerts.push(e)
            }
            _ => {}
        }
    }
    let mut out: Vec<Event> = targets
        .into_iter()
        .chain(deploy)
        .chain(alerts)
        .cloned()
        .collect();
    out.sort_by_key(Event::t_ms);
    out
}
