//! The time cursor's keys: moving it along the timeline of the dashboard in view, snapping
//! it to alert transitions and the deploy mark, and back to live; in query mode, asking
//! the engine for the cursor's instant.

use std::borrow::Cow;
use std::sync::LazyLock;

use super::App;
use crate::action::Action;
use crate::model::cursor::Reach;
use crate::model::query_mode::Refresh;
use crate::model::source_error::SourceError;
use crate::model::stats::Stats;

/// Asks the query-mode source for the tiles at the time cursor's instant (`None`: live).
pub type AtLink = Box<dyn Fn(Option<i64>) -> Result<(), String> + Send>;

/// Query mode's answer for the time cursor's instant: the tiles of the whole selector and
/// of each instance at `t_ms`, or why the API could not say.
#[derive(Debug)]
pub struct AtAnswer {
    /// Unix ms.
    pub t_ms: i64,
    pub result: Result<Box<Refresh>, SourceError>,
}

/// The tiles while an instant's numbers are not there: every tile says no data.
static NO_NUMBERS: LazyLock<Stats> = LazyLock::new(Stats::default);

impl App {
    /// Performs a time-cursor action on the dashboard in view (the overview, or a drilled
    /// fleet member). Returns whether the screen changed. `now_ms` is also the clock that
    /// tells a held key (repeats closer than [`crate::model::cursor::HELD_MS`]).
    ///
    /// Scrape mode moves over the instants whose numbers the model kept
    /// ([`crate::model::past::PastStats`]); query mode over the timeline's steps, from its
    /// oldest point to now, and asks the engine for each instant it stops on.
    pub(super) fn cursor_action(&mut self, action: Action, now_ms: i64) -> bool {
        if self.replay.is_some() {
            // A replay's clock stands still while paused: a held key is told by the wall's.
            return self.replay_cursor(action, crate::model::clock::now_ms());
        }
        let before = self.nav.cursor.clone();
        let query = self.query_mode();
        let d = self.shown_dashboard();
        let past = d.past();
        let step_ms = d.timeline.step_ms.max(1);
        let reach = if query {
            d.timeline.points().next().map(|p| Reach {
                earliest_ms: p.t_ms,
                latest_ms: now_ms,
            })
        } else {
            past.reach()
        };
        let settle = |t: i64, dir: i8| {
            if query {
                let down = t.div_euclid(step_ms) * step_ms;
                Some(if dir > 0 && down < t {
                    down + step_ms
                } else {
                    down
                })
            } else {
                past.settle(t, dir)
            }
        };
        let marks = self.mark_times();
        let mut cursor = before.clone();
        match action {
            Action::CursorBack => cursor.step(-1, step_ms, now_ms, reach, settle),
            Action::CursorForward => cursor.step(1, step_ms, now_ms, reach, settle),
            Action::CursorOldest => cursor.go_earliest(reach),
            Action::CursorLive => cursor.go_live(),
            Action::CursorPrevMark => cursor.snap(-1, &marks, reach),
            Action::CursorNextMark => cursor.snap(1, &marks, reach),
            _ => return false,
        }
        self.nav.cursor = cursor;
        if reach.is_none() && matches!(action, Action::CursorBack | Action::CursorOldest) {
            let why = if query {
                "the time cursor moves along the timeline: no points yet"
            } else {
                "the time cursor needs one whole rate window of data first"
            };
            self.toast(why, false, now_ms);
            return true;
        }
        if query && self.nav.cursor != before {
            self.ask_at(now_ms);
        }
        self.nav.cursor != before
    }

    /// Whether the numbers come from a query API.
    pub(super) fn query_mode(&self) -> bool {
        self.fleet.as_ref().is_some_and(|f| f.query().is_some())
    }

    /// Query mode: asks the source for the cursor's instant, unless its answer is here.
    fn ask_at(&mut self, now_ms: i64) {
        let at = self.nav.cursor.at_ms();
        if at.is_some() && self.at_answer.as_ref().map(|a| a.t_ms) == at {
            return;
        }
        if let Some(Err(e)) = self.at_link.as_ref().map(|link| link(at)) {
            self.toast(&e, true, now_ms);
        }
    }

    /// The numbers the tiles show and the header's words for the cursor: the live ones
    /// and `None` when live. In the past: scrape mode's kept numbers of that instant;
    /// query mode's answer for it (the whole selector's, or the drilled instance's), with
    /// `· asking…` until it is here and the API's error when it failed (every tile then
    /// says no data: the live numbers are never shown under a past time).
    /// A past instant's numbers are unpacked from what was kept ([`crate::model::past::PastStats::at`]), so
    /// they come owned; live ones and query mode's answers are borrowed.
    pub(super) fn cursor_view(&self, now_ms: i64) -> (Cow<'_, Stats>, Option<(i64, String)>) {
        let d = self.shown_dashboard();
        let (Some(t), Some(label)) = (
            self.nav.cursor.at_ms(),
            self.nav.cursor.label(now_ms, self.local_offset),
        ) else {
            return (Cow::Borrowed(&d.stats), None);
        };
        if !self.query_mode() {
            return match d.past().at(t) {
                Some(s) => {
                    let at = s.eval_ms;
                    (Cow::Owned(s), Some((at, label)))
                }
                None => (Cow::Borrowed(&d.stats), None),
            };
        }
        let drilled = self.fleet.as_ref().and_then(|f| f.drilled.as_deref());
        match self.at_answer.as_ref().filter(|a| a.t_ms == t) {
            Some(AtAnswer { result: Ok(r), .. }) => {
                let stats = match drilled {
                    Some(name) => r.per_instance.get(name),
                    None => Some(&r.total),
                };
                match stats {
                    Some(s) => (Cow::Borrowed(s), Some((t, label))),
                    None => (
                        Cow::Borrowed(&*NO_NUMBERS),
                        Some((t, format!("{label} · no data for it"))),
                    ),
                }
            }
            Some(AtAnswer { result: Err(e), .. }) => (
                Cow::Borrowed(&*NO_NUMBERS),
                Some((t, format!("{label} · ✖ {e}"))),
            ),
            None => (
                Cow::Borrowed(&*NO_NUMBERS),
                Some((t, format!("{label} · asking…"))),
            ),
        }
    }

    /// The numbers in view ([`App::cursor_view`] without the header's words).
    pub(super) fn cursor_stats(&self) -> Cow<'_, Stats> {
        self.cursor_view(0).0
    }

    /// The instants the cursor snaps to: alert transitions and the deploy mark of the
    /// target in view, oldest first.
    pub(super) fn mark_times(&self) -> Vec<i64> {
        let mut times = self.marks.times();
        if let Some(d) = self
            .deploy
            .as_ref()
            .filter(|d| d.target == self.target_name)
        {
            times.push(d.t_ms);
        }
        times.sort_unstable();
        times
    }

    /// Scrape mode: keeps a past cursor within what the dashboard in view still holds.
    /// (Query mode's reach is the engine's, not what was kept.)
    pub(super) fn keep_time_cursor(&mut self) {
        if self.query_mode() {
            return;
        }
        let reach = self.shown_dashboard().past().reach();
        self.nav.cursor.keep_within(reach);
    }
}
