//! Alerts and silences: Alertmanager's updates, the local rules' evaluation, the alert
//! detail, and the silence flow (read-only guard -> form -> confirmation showing what it
//! matches -> write -> audit line).

use crossterm::event::{KeyCode, KeyEvent};
use serde_json::{Value, json};

use super::App;
use super::calls::timestamp;
use super::nav::{AlertDetail, Overlay, SilenceFormOverlay};
use crate::action::{Action, Screen};
use crate::audit::{ACTION_SILENCE_CREATE, ACTION_SILENCE_EXPIRE, AuditEntry, OUTCOME_REFUSED};
use crate::input::form::silence_key;
use crate::model::alerts::silence_form::{SilenceForm, SilenceFormEvent};
use crate::model::alerts::{AmCommand, AmUpdate, AmWrite, Labels, Matcher, SilenceState, short_id};
use crate::model::rules::RuleInput;

/// Sends a command to the Alertmanager source; `Err` says why it could not be queued.
pub type AmLink = Box<dyn Fn(AmCommand) -> Result<(), String> + Send>;

impl App {
    /// Applies a poll or a write's end.
    pub(super) fn apply_alertmanager(&mut self, update: AmUpdate, now_ms: i64) {
        match update {
            AmUpdate::Polled {
                instance,
                t_ms,
                result,
            } => {
                self.keep_selection(|a| a.alerts.apply(instance, t_ms, result));
                self.marks
                    .observe(t_ms, false, self.alerts.alertmanager_alerts());
            }
            AmUpdate::Written {
                request: _,
                write,
                endpoint,
                result,
            } => {
                let (text, error) = match (&write, &result) {
                    (AmWrite::CreateSilence(_), Ok(id)) => {
                        (format!("silence {} created", short_id(id)), false)
                    }
                    (AmWrite::ExpireSilence { .. }, Ok(id)) => {
                        (format!("silence {} expired", short_id(id)), false)
                    }
                    (_, Err(e)) => (format!("Alertmanager refused: {e}"), true),
                };
                self.toast(&text, error, now_ms);
                let outcome = if result.is_ok() { "ok" } else { "error" };
                self.audit_silence(
                    &write,
                    &endpoint,
                    outcome,
                    result.as_ref().ok(),
                    result.as_ref().err().map(ToString::to_string),
                    now_ms,
                );
                // The list catches up at the next poll if the source is busy.
                let _ = self.am_send(AmCommand::Refresh);
            }
        }
    }

    /// Evaluates the local rules on the dashboard's numbers at `t_ms`.
    /// A scraped fleet's targets each have their own rules, evaluated as their numbers
    /// arrive ([`App::apply_target`]); here their alerts are gathered.
    pub(super) fn eval_rules(&mut self, t_ms: i64) {
        let local = match self.fleet_local_alerts(t_ms) {
            Some(alerts) => alerts,
            None => {
                let input = RuleInput::from_dashboard(&self.dashboard);
                self.rules.eval(t_ms, &input);
                self.rules.alerts(t_ms)
            }
        };
        self.keep_selection(|a| a.alerts.set_local(local));
        self.marks.observe(t_ms, true, self.alerts.local_alerts());
        let history_ms = i64::try_from(self.cfg.window.history.as_millis()).unwrap_or(i64::MAX);
        self.marks.trim(t_ms.saturating_sub(history_ms));
        self.keep_time_cursor();
    }

    /// Runs `change` on the alert state, then finds the selected alert (by fingerprint) and
    /// silence (by ID) again, so that a list that grows or shrinks under the cursor does not
    /// move the selection to another row's alert. A selected item that is gone leaves the
    /// cursor where it was, within the new list.
    fn keep_selection(&mut self, change: impl FnOnce(&mut App)) {
        let alert = self
            .alerts
            .rows()
            .get(self.nav.alert)
            .map(|r| r.alert.fingerprint.clone());
        let silence = self
            .alerts
            .silences()
            .get(self.nav.silence)
            .map(|s| s.id.clone());
        change(self);
        let rows = self.alerts.rows();
        self.nav.alert = alert
            .and_then(|fp| rows.iter().position(|r| r.alert.fingerprint == fp))
            .unwrap_or(self.nav.alert)
            .min(rows.len().saturating_sub(1));
        let silences = self.alerts.silences();
        self.nav.silence = silence
            .and_then(|id| silences.iter().position(|s| s.id == id))
            .unwrap_or(self.nav.silence)
            .min(silences.len().saturating_sub(1));
    }

    /// Enter on the alerts screen: the selected alert's detail; its runbook is read by the
    /// files task and shows when read.
    pub(super) fn open_alert(&mut self) -> bool {
        let Some(row) = self.alerts.rows().get(self.nav.alert).copied() else {
            return false;
        };
        self.nav.overlay = Some(Overlay::AlertDetail(Box::new(AlertDetail {
            fingerprint: row.alert.fingerprint.clone(),
            scroll: 0,
            runbook: None,
        })));
        if let Some(dir) = self.cfg.alerts.runbooks.clone() {
            let (name, fingerprint) = (row.alert.name().to_string(), row.alert.fingerprint.clone());
            self.ask_runbook(dir, &name, &fingerprint);
        }
        true
    }

    /// `s`: a silence form, prefilled from the selected alert (alerts screen or detail) or
    /// from the selected silence (silences screen: to extend or repeat it).
    pub(super) fn begin_silence(&mut self, from_alert: Option<String>, now_ms: i64) {
        if !self.writes_allowed(ACTION_SILENCE_CREATE, None, now_ms) {
            return;
        }
        let (labels, from_alert) = match (self.nav.screen, from_alert) {
            (_, Some(fp)) => (self.alert_labels(&fp), Some(fp)),
            (Screen::Alerts, None) => match self.alerts.rows().get(self.nav.alert) {
                Some(r) => (r.alert.labels.clone(), Some(r.alert.fingerprint.clone())),
                None => {
                    self.toast("no alert selected", true, now_ms);
                    return;
                }
            },
            _ => (Labels::new(), None),
        };
        let mut form = SilenceForm::new(
            &labels,
            self.cfg.alerts.silence_duration,
            &self.silence_author(),
        );
        if from_alert.is_none()
            && let Some(s) = self.alerts.silences().get(self.nav.silence)
        {
            form.matchers = tui_input::Input::new(Matcher::format_list(&s.matchers));
        }
        self.nav.overlay = Some(Overlay::SilenceForm(Box::new(SilenceFormOverlay {
            form,
            from_alert,
        })));
    }

    /// `x` on the silences screen: expire the selected silence, after confirmation.
    pub(super) fn begin_expire(&mut self, now_ms: i64) {
        let Some(s) = self
            .alerts
            .silences()
            .get(self.nav.silence)
            .map(|s| (*s).clone())
        else {
            self.toast("no silence selected", true, now_ms);
            return;
        };
        if s.state == SilenceState::Expired {
            self.toast(
                &format!("silence {} has already expired", short_id(&s.id)),
                true,
                now_ms,
            );
            return;
        }
        let write = AmWrite::ExpireSilence { id: s.id.clone() };
        if !self.writes_allowed(ACTION_SILENCE_EXPIRE, Some(&write), now_ms) {
            return;
        }
        self.nav.overlay = Some(Overlay::SilenceConfirm(Box::new(write)));
    }

    /// Keys of the alert detail; `action` is the key's in [`OverlayKind::AlertDetail`].
    ///
    /// [`OverlayKind::AlertDetail`]: crate::input::mode::OverlayKind::AlertDetail
    pub(super) fn detail_key(
        &mut self,
        mut d: Box<AlertDetail>,
        ev: &KeyEvent,
        action: Option<Action>,
        now_ms: i64,
    ) -> bool {
        match (ev.code, action) {
            (KeyCode::Esc, _) | (_, Some(Action::Back)) => return true,
            (_, Some(Action::Quit)) => {
                self.quit = true;
                return true;
            }
            (_, Some(Action::Silence)) => {
                self.begin_silence(Some(d.fingerprint.clone()), now_ms);
                return true;
            }
            (_, Some(Action::Up)) => d.scroll = d.scroll.saturating_sub(1),
            (_, Some(Action::Down)) => d.scroll = d.scroll.saturating_add(1),
            (_, Some(Action::PageUp)) => d.scroll = d.scroll.saturating_sub(10),
            (_, Some(Action::PageDown)) => d.scroll = d.scroll.saturating_add(10),
            (_, Some(Action::Top)) => d.scroll = 0,
            _ => {
                self.nav.overlay = Some(Overlay::AlertDetail(d));
                return false;
            }
        }
        self.nav.overlay = Some(Overlay::AlertDetail(d));
        true
    }

    /// Keys of the silence form.
    pub(super) fn silence_form_key(
        &mut self,
        mut f: Box<SilenceFormOverlay>,
        ev: &KeyEvent,
        now_ms: i64,
    ) -> bool {
        match silence_key(&mut f.form, ev, now_ms) {
            SilenceFormEvent::Cancel => {
                self.toast("no silence created", false, now_ms);
            }
            SilenceFormEvent::Submit(draft) => {
                self.nav.overlay = Some(Overlay::SilenceConfirm(Box::new(AmWrite::CreateSilence(
                    draft,
                ))));
            }
            SilenceFormEvent::Changed => self.nav.overlay = Some(Overlay::SilenceForm(f)),
            SilenceFormEvent::Ignored => {
                self.nav.overlay = Some(Overlay::SilenceForm(f));
                return false;
            }
        }
        true
    }

    /// Keys of the confirmation: `y` writes, `n` or Esc does not.
    pub(super) fn silence_confirm_key(
        &mut self,
        w: Box<AmWrite>,
        ev: &KeyEvent,
        now_ms: i64,
    ) -> bool {
        match ev.code {
            KeyCode::Char('y' | 'Y') => self.write(*w, now_ms),
            KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                self.toast("not sent: Alertmanager was not changed", false, now_ms);
            }
            _ => {
                self.nav.overlay = Some(Overlay::SilenceConfirm(w));
                return false;
            }
        }
        true
    }

    /// Sends a confirmed write. A new silence starts now, at the confirmation, and keeps
    /// the duration chosen in the form (Alertmanager moves a start in the past to its own
    /// now, which would shorten the silence by the time the dialog stayed open).
    fn write(&mut self, mut write: AmWrite, now_ms: i64) {
        if let AmWrite::CreateSilence(d) = &mut write {
            let length = d.ends_at_ms.saturating_sub(d.starts_at_ms);
            d.starts_at_ms = now_ms;
            d.ends_at_ms = now_ms.saturating_add(length);
        }
        if !self.writes_allowed(action_of(&write), Some(&write), now_ms) {
            return;
        }
        self.next_request += 1;
        let request = self.next_request;
        let what = match &write {
            AmWrite::CreateSilence(_) => "creating the silence…".to_string(),
            AmWrite::ExpireSilence { id } => format!("expiring silence {}…", short_id(id)),
        };
        match self.am_send(AmCommand::Write {
            request,
            write: write.clone(),
        }) {
            Ok(()) => self.toast(&what, false, now_ms),
            Err(e) => {
                let endpoint = self
                    .alerts
                    .instances
                    .first()
                    .map(|i| i.url.clone())
                    .unwrap_or_default();
                self.toast(&format!("not sent: {e}"), true, now_ms);
                self.audit_silence(&write, &endpoint, "not_sent", None, Some(e), now_ms);
            }
        }
    }

    /// Whether a silence write may go ahead; when not, says why and (for read-only mode)
    /// writes a `refused` audit line.
    fn writes_allowed(&mut self, action: &str, write: Option<&AmWrite>, now_ms: i64) -> bool {
        if self.cfg.alerts.read_only {
            let why = "read-only mode (--read-only or alerts.read_only): silences cannot be created or expired";
            self.toast(why, true, now_ms);
            let endpoint = self
                .alerts
                .instances
                .first()
                .map(|i| i.url.clone())
                .unwrap_or_default();
            let entry = AuditEntry {
                time: timestamp(now_ms),
                user: self.user.clone(),
                action: action.to_string(),
                endpoint,
                target: match write {
                    Some(AmWrite::ExpireSilence { id }) => id.clone(),
                    _ => self.selected_alertname(),
                },
                arguments: Value::Null,
                outcome: OUTCOME_REFUSED.into(),
                detail: Some(why.into()),
                duration_ms: None,
                matchers: write.map(matchers_of),
            };
            self.write_audit(&entry, now_ms);
            return false;
        }
        if !self.alerts.has_alertmanager() {
            self.toast(
                "no Alertmanager configured: silences live in Alertmanager (--alertmanager URL or [alertmanager] urls)",
                true,
                now_ms,
            );
            return false;
        }
        true
    }

    fn audit_silence(
        &mut self,
        write: &AmWrite,
        endpoint: &str,
        outcome: &str,
        id: Option<&String>,
        error: Option<String>,
        now_ms: i64,
    ) {
        let (target, arguments) = match write {
            AmWrite::CreateSilence(d) => (
                id.cloned().unwrap_or_else(|| alertname_of(&d.matchers)),
                json!({
                    "startsAt": timestamp(d.starts_at_ms),
                    "endsAt": timestamp(d.ends_at_ms),
                    "createdBy": d.created_by,
                    "comment": d.comment,
                }),
            ),
            AmWrite::ExpireSilence { id } => (id.clone(), Value::Null),
        };
        let entry = AuditEntry {
            time: timestamp(now_ms),
            user: self.user.clone(),
            action: action_of(write).to_string(),
            endpoint: endpoint.to_string(),
            target,
            arguments,
            outcome: outcome.to_string(),
            detail: error,
            duration_ms: None,
            matchers: Some(matchers_of(write)),
        };
        self.write_audit(&entry, now_ms);
    }

    fn am_send(&self, cmd: AmCommand) -> Result<(), String> {
        match &self.am {
            Some(link) => link(cmd),
            None => Err("the Alertmanager source is not running".into()),
        }
    }

    /// `alerts.author`, else the audit log's user.
    fn silence_author(&self) -> String {
        self.cfg
            .alerts
            .author
            .clone()
            .unwrap_or_else(|| self.user.clone())
    }

    fn alert_labels(&self, fingerprint: &str) -> Labels {
        self.alerts
            .rows()
            .iter()
            .find(|r| r.alert.fingerprint == fingerprint)
            .map(|r| r.alert.labels.clone())
            .unwrap_or_default()
    }

    fn selected_alertname(&self) -> String {
        match self.nav.screen {
            Screen::Alerts => self
                .alerts
                .rows()
                .get(self.nav.alert)
                .map(|r| r.alert.name().to_string())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }
}

fn action_of(write: &AmWrite) -> &'static str {
    match write {
        AmWrite::CreateSilence(_) => ACTION_SILENCE_CREATE,
        AmWrite::ExpireSilence { .. } => ACTION_SILENCE_EXPIRE,
    }
}

fn matchers_of(write: &AmWrite) -> Vec<String> {
    match write {
        AmWrite::CreateSilence(d) => d.matchers.iter().map(ToString::to_string).collect(),
        AmWrite::ExpireSilence { .. } => Vec::new(),
    }
}

/// The value of an `alertname="X"` matcher, or "".
fn alertname_of(matchers: &[Matcher]) -> String {
    matchers
        .iter()
        .find(|m| m.name == "alertname" && m.op == crate::model::alerts::MatchOp::Eq)
        .map(|m| m.value.clone())
        .unwrap_or_default()
}
