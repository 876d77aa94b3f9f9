//! The silence form: matchers (amtool syntax, prefilled from the selected alert's labels),
//! duration, comment and author. Validated into a [`SilenceDraft`].

use std::time::Duration;

use tui_input::Input;

use super::matcher::Matcher;
use super::types::{Labels, SilenceDraft};
use crate::action::{Key, KeyCode, KeyPress, Mods};

/// The fields, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SilenceField {
    Matchers,
    Duration,
    Comment,
    Author,
}

impl SilenceField {
    pub const ALL: [SilenceField; 4] = [
        SilenceField::Matchers,
        SilenceField::Duration,
        SilenceField::Comment,
        SilenceField::Author,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SilenceField::Matchers => "Matchers",
            SilenceField::Duration => "Duration",
            SilenceField::Comment => "Comment",
            SilenceField::Author => "Author",
        }
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum SilenceFormEvent {
    /// The key means nothing here.
    Ignored,
    /// Text, focus or error changed: redraw.
    Changed,
    /// Enter with every field valid: ask for confirmation of this draft.
    Submit(SilenceDraft),
    /// Esc: close without writing.
    Cancel,
}

/// The form's state.
#[derive(Debug, Clone)]
pub struct SilenceForm {
    pub matchers: Input,
    pub duration: Input,
    pub comment: Input,
    pub author: Input,
    pub focus: SilenceField,
    /// The field that failed validation at the last Enter, and why.
    pub error: Option<(SilenceField, String)>,
}

impl SilenceForm {
    /// A form whose matchers are `labels`, each as `name="value"` (as Alertmanager's UI
    /// prefills a silence from an alert), lasting `duration`, by `author`. The focus starts
    /// on the comment, the one field always to be written.
    pub fn new(labels: &Labels, duration: Duration, author: &str) -> SilenceForm {
        let matchers: Vec<Matcher> = labels
            .iter()
            .filter_map(|(k, v)| Matcher::equal(k, v).ok())
            .collect();
        SilenceForm {
            matchers: Input::new(Matcher::format_list(&matchers)),
            duration: Input::new(humantime::format_duration(duration).to_string()),
            comment: Input::default(),
            author: Input::new(author.to_string()),
            focus: SilenceField::Comment,
            error: None,
        }
    }

    /// The input of `field`.
    pub fn input(&self, field: SilenceField) -> &Input {
        match field {
            SilenceField::Matchers => &self.matchers,
            SilenceField::Duration => &self.duration,
            SilenceField::Comment => &self.comment,
            SilenceField::Author => &self.author,
        }
    }

    fn input_mut(&mut self, field: SilenceField) -> &mut Input {
        match field {
            SilenceField::Matchers => &mut self.matchers,
            SilenceField::Duration => &mut self.duration,
            SilenceField::Comment => &mut self.comment,
            SilenceField::Author => &mut self.author,
        }
    }

    /// The matchers as typed so far, for the live "matches N alerts" preview.
    ///
    /// Errors: the first matcher that does not parse.
    pub fn matchers(&self) -> Result<Vec<Matcher>, String> {
        Matcher::parse_list(self.matchers.value())
    }

    /// Tab/Down and BackTab/Up move between fields, Enter (or Ctrl-S) submits, Esc
    /// cancels, other keys edit the focused field by their text edit ([`KeyPress::edit`]).
    pub fn on_key(&mut self, press: KeyPress, now_ms: i64) -> SilenceFormEvent {
        let key = press.key;
        let at = SilenceField::ALL
            .iter()
            .position(|f| *f == self.focus)
            .unwrap_or(0);
        let n = SilenceField::ALL.len();
        match key.code {
            KeyCode::Esc => SilenceFormEvent::Cancel,
            KeyCode::Tab | KeyCode::Down => {
                self.focus = SilenceField::ALL[(at + 1) % n];
                SilenceFormEvent::Changed
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = SilenceField::ALL[(at + n - 1) % n];
                SilenceFormEvent::Changed
            }
            KeyCode::Enter => match self.draft(now_ms) {
                Ok(d) => {
                    self.error = None;
                    SilenceFormEvent::Submit(d)
                }
                Err((field, why)) => {
                    self.focus = field;
                    self.error = Some((field, why));
                    SilenceFormEvent::Changed
                }
            },
            KeyCode::Char('s') if key.modifiers.contains(Mods::CONTROL) => {
                let enter = KeyPress {
                    key: Key::plain(KeyCode::Enter),
                    edit: None,
                };
                self.on_key(enter, now_ms)
            }
            _ => {
                let focus = self.focus;
                let changed = press
                    .edit
                    .and_then(|req| self.input_mut(focus).handle(req))
                    .is_some();
                if changed {
                    if self.error.as_ref().is_some_and(|(f, _)| *f == focus) {
                        self.error = None;
                    }
                    SilenceFormEvent::Changed
                } else {
                    SilenceFormEvent::Ignored
                }
            }
        }
    }

    /// The silence the fields describe, starting at `now_ms`.
    ///
    /// Errors: the field at fault and why: matchers that do not parse or would match every
    /// alert (Alertmanager refuses a silence whose matchers all match the empty string), a
    /// duration that is not like `2h` or `90m` or is zero, an empty comment or author.
    pub fn draft(&self, now_ms: i64) -> Result<SilenceDraft, (SilenceField, String)> {
        let matchers = self.matchers().map_err(|e| (SilenceField::Matchers, e))?;
        let empty = Labels::new();
        if matchers.iter().all(|m| m.matches(&empty)) {
            return Err((
                SilenceField::Matchers,
                "at least one matcher must not match the empty string, or the silence would \
                 mute every alert"
                    .into(),
            ));
        }
        let d = humantime::parse_duration(self.duration.value().trim()).map_err(|e| {
            (
                SilenceField::Duration,
                format!("not a duration like 2h or 90m: {e}"),
            )
        })?;
        if d.is_zero() {
            return Err((SilenceField::Duration, "must be more than 0".into()));
        }
        let comment = self.comment.value().trim();
        if comment.is_empty() {
            return Err((
                SilenceField::Comment,
                "a comment is required: say why (e.g. the ticket or maintenance window)".into(),
            ));
        }
        let author = self.author.value().trim();
        if author.is_empty() {
            return Err((SilenceField::Author, "an author is required".into()));
        }
        let ms = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        Ok(SilenceDraft {
            matchers,
            starts_at_ms: now_ms,
            ends_at_ms: now_ms.saturating_add(ms),
            created_by: author.to_string(),
            comment: comment.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::testing::key;

    fn type_text(f: &mut SilenceForm, text: &str) {
        for c in text.chars() {
            f.on_key(key(KeyCode::Char(c)), 0);
        }
    }

    #[test]
    fn prefilled_from_labels_and_needs_a_comment() {
        let labels: Labels = [("alertname", "HighErrorRate"), ("env", "prod")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut f = SilenceForm::new(&labels, Duration::from_secs(7200), "alice");
        assert_eq!(
            f.matchers.value(),
            r#"alertname="HighErrorRate" env="prod""#
        );
        assert_eq!(f.duration.value(), "2h");
        assert_eq!(f.focus, SilenceField::Comment);
        assert_eq!(
            f.on_key(key(KeyCode::Enter), 1_000),
            SilenceFormEvent::Changed
        );
        assert_eq!(f.error.as_ref().map(|e| e.0), Some(SilenceField::Comment));
        type_text(&mut f, "deploy");
        assert!(
            f.error.is_none(),
            "typing in the faulty field clears its error"
        );
        match f.on_key(key(KeyCode::Enter), 1_000) {
            SilenceFormEvent::Submit(d) => {
                assert_eq!(d.ends_at_ms - d.starts_at_ms, 7_200_000);
                assert_eq!(d.comment, "deploy");
                assert_eq!(d.created_by, "alice");
                assert_eq!(d.matchers.len(), 2);
            }
            other => panic!("expected submit, got {other:?}"),
        }
    }

    #[test]
    fn rejects_bad_duration_and_match_everything() {
        let mut f = SilenceForm::new(&Labels::new(), Duration::from_secs(60), "bob");
        f.comment = Input::new("x".into());
        assert_eq!(f.draft(0).unwrap_err().0, SilenceField::Matchers);
        f.matchers = Input::new("env=~\".*\"".into());
        assert!(f.draft(0).unwrap_err().1.contains("every alert"));
        f.matchers = Input::new("env=prod".into());
        f.duration = Input::new("soon".into());
        assert_eq!(f.draft(0).unwrap_err().0, SilenceField::Duration);
        f.duration = Input::new("90m".into());
        assert_eq!(f.draft(0).expect("valid").ends_at_ms, 5_400_000);
        f.on_key(key(KeyCode::Tab), 0);
        assert_eq!(f.focus, SilenceField::Author);
        f.on_key(key(KeyCode::Tab), 0);
        assert_eq!(f.focus, SilenceField::Matchers);
        assert_eq!(f.on_key(key(KeyCode::Esc), 0), SilenceFormEvent::Cancel);
    }
}
