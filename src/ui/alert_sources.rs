//! Where alerts come from, above the alerts and silences lists: each Alertmanager with its
//! state (or its error and the age of its last good data), and the local rules.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::Scene;
use super::format;
use crate::model::alerts::state::InstanceState;

/// One line per Alertmanager (or one saying there is none), with `local rules: N` at the
/// right of the first line when it fits in `w` columns, else on a line of its own.
pub fn lines(view: &Scene, w: usize) -> Vec<Line<'static>> {
    let t = view.theme;
    let mut lines: Vec<Line> = if view.alerts.has_alertmanager() {
        view.alerts
            .instances
            .iter()
            .map(|i| instance_line(view, i))
            .collect()
    } else {
        vec![Line::from(vec![
            Span::styled(" ○ ", t.muted()),
            Span::styled(
                "no Alertmanager configured — local rules only (--alertmanager URL)",
                t.text(),
            ),
        ])]
    };
    let rules = Line::from(vec![
        Span::styled("local rules: ", t.muted()),
        Span::styled(format!("{} ", view.rules), t.text()),
    ]);
    let first_w = lines.first().map_or(0, Line::width);
    match lines.first_mut() {
        Some(first) if first_w + 3 + rules.width() <= w => {
            let gap = w - first_w - rules.width();
            first.spans.push(Span::raw(" ".repeat(gap)));
            first.spans.extend(rules.spans);
        }
        _ => {
            let mut l = rules;
            l.spans.insert(0, Span::raw(" "));
            lines.push(l);
        }
    }
    lines
}

/// `● Alertmanager URL  ok · version 0.25.0 · cluster ready · polled 4s ago`, or
/// `✖ Alertmanager URL  failing · last good data 2m ago · <error>`.
fn instance_line(view: &Scene, i: &InstanceState) -> Line<'static> {
    let t = view.theme;
    let s = &i.status;
    let mut spans = Vec::new();
    let sep = || Span::styled(" · ", t.muted());
    let age = s.age_secs(view.now_ms).map(format::age);
    if s.is_ok() {
        spans.push(Span::styled(" ● ", Style::new().fg(t.ok)));
        spans.push(Span::styled(format!("Alertmanager {}  ", i.url), t.text()));
        spans.push(Span::styled("ok", Style::new().fg(t.ok)));
        let status = i.last.as_ref().map(|l| &l.status);
        if let Some(v) = status.and_then(|st| st.version.as_deref()) {
            spans.push(sep());
            spans.push(Span::styled(format!("version {v}"), t.text()));
        }
        if let Some(c) = status.and_then(|st| st.cluster_status.as_deref()) {
            spans.push(sep());
            spans.push(Span::styled(format!("cluster {c}"), t.text()));
        }
        if let Some(a) = age {
            spans.push(sep());
            spans.push(Span::styled(format!("polled {a} ago"), t.muted()));
        }
    } else if s.last_attempt_ms.is_none() {
        spans.push(Span::styled(" … ", t.muted()));
        spans.push(Span::styled(format!("Alertmanager {}  ", i.url), t.text()));
        spans.push(Span::styled("connecting", t.muted()));
    } else {
        let crit = Style::new().fg(t.crit);
        spans.push(Span::styled(" ✖ ", crit.add_modifier(Modifier::BOLD)));
        spans.push(Span::styled(format!("Alertmanager {}  ", i.url), t.text()));
        spans.push(Span::styled(
            format!("failing ({}×)", s.consecutive_failures),
            crit.add_modifier(Modifier::BOLD),
        ));
        spans.push(sep());
        spans.push(Span::styled(
            match age {
                Some(a) => format!("last good data {a} ago"),
                None => "never reached".into(),
            },
            Style::new().fg(t.warn),
        ));
        if let Some(e) = &s.last_error {
            spans.push(sep());
            spans.push(Span::styled(e.clone(), crit));
        }
    }
    Line::from(spans)
}

/// Whether no Alertmanager has failed its last poll: each answered it, or has not been
/// polled yet (still connecting).
pub fn none_failed(view: &Scene) -> bool {
    view.alerts
        .instances
        .iter()
        .all(|i| i.status.is_ok() || i.status.last_attempt_ms.is_none())
}

/// Whether every Alertmanager answered its last poll (true when none is configured).
pub fn all_ok(view: &Scene) -> bool {
    view.alerts.instances.iter().all(|i| i.status.is_ok())
}
