//! The time cursor's keys: moving it along the timeline of the dashboard in view, snapping
//! it to alert transitions and the deploy mark, and back to live.

use super::App;
use crate::action::Action;

impl App {
    /// Performs a time-cursor action on the dashboard in view (the overview, or a drilled
    /// fleet member). Returns whether the screen changed. `now_ms` is also the clock that
    /// tells a held key (repeats closer than [`crate::model::cursor::HELD_MS`]).
    pub(super) fn cursor_action(&mut self, action: Action, now_ms: i64) -> bool {
        let before = self.nav.cursor.clone();
        let d = self.shown_dashboard();
        let past = d.past();
        let reach = past.reach();
        let step_ms = d.timeline.step_ms;
        let marks = self.mark_times();
        let mut cursor = before.clone();
        match action {
            Action::CursorBack => {
                cursor.step(-1, step_ms, now_ms, reach, |t, dir| past.settle(t, dir))
            }
            Action::CursorForward => {
                cursor.step(1, step_ms, now_ms, reach, |t, dir| past.settle(t, dir))
            }
            Action::CursorOldest => cursor.go_earliest(reach),
            Action::CursorLive => cursor.go_live(),
            Action::CursorPrevMark => cursor.snap(-1, &marks, reach),
            Action::CursorNextMark => cursor.snap(1, &marks, reach),
            _ => return false,
        }
        self.nav.cursor = cursor;
        if reach.is_none() && matches!(action, Action::CursorBack | Action::CursorOldest) {
            let why = "the time cursor needs one whole rate window of data first";
            self.toast(why, false, now_ms);
            return true;
        }
        self.nav.cursor != before
    }

    /// The instants the cursor snaps to: alert transitions and the deploy mark of the
    /// target in view, oldest first.
    fn mark_times(&self) -> Vec<i64> {
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

    /// Keeps a past cursor within what the dashboard in view still holds.
    pub(super) fn keep_time_cursor(&mut self) {
        let reach = self.shown_dashboard().past().reach();
        self.nav.cursor.keep_within(reach);
    }
}
