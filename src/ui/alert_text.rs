//! Words, symbols and colours for alerts and silences, shared by the alert panels. Every
//! state is a symbol and a word, so nothing depends on colour alone.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::fit::{fit, fit_pad, width};
use super::format;
use super::theme::Theme;
use crate::model::alerts::{Alert, AlertRow, AlertState, Priority, Silence, SilenceState};

/// Labels left out of the key labels: they are shown in their own columns.
const SHOWN_ELSEWHERE: [&str; 2] = ["alertname", "severity"];

/// Widest state text, `◇ inhibited`.
pub const STATE_W: usize = 11;

/// P0 and P1 are critical colours, P2 and P3 warning colours.
pub fn priority_style(p: Priority, t: &Theme) -> Style {
    let color = match p {
        Priority::P0 | Priority::P1 => t.crit,
        Priority::P2 | Priority::P3 => t.warn,
    };
    Style::new().fg(color).add_modifier(Modifier::BOLD)
}

/// Firing in the critical colour, pending in the warning colour, suppressed muted,
/// resolved ok.
pub fn state_style(s: AlertState, t: &Theme) -> Style {
    match s {
        AlertState::Firing => Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
        AlertState::Pending => Style::new().fg(t.warn),
        AlertState::Silenced | AlertState::Inhibited => t.muted(),
        AlertState::Resolved => Style::new().fg(t.ok),
    }
}

/// `● firing`, `◌ silenced`, ...
pub fn state_text(s: AlertState) -> String {
    format!("{} {}", s.symbol(), s.label())
}

/// Active silences in the ok colour (they are doing their job), pending in the warning
/// colour, expired muted.
pub fn silence_style(s: SilenceState, t: &Theme) -> Style {
    match s {
        SilenceState::Active => Style::new().fg(t.ok),
        SilenceState::Pending => Style::new().fg(t.warn),
        SilenceState::Expired => t.muted(),
    }
}

/// `local` for mcptop's rules, `am` for Alertmanager's.
pub fn origin_word(a: &Alert) -> &'static str {
    if a.is_local() { "local" } else { "am" }
}

/// Every label but alertname and severity, `k=v` comma-joined.
pub fn key_labels(a: &Alert) -> String {
    a.labels
        .iter()
        .filter(|(k, _)| !SHOWN_ELSEWHERE.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Time from now to `at_ms`: `in 5m` or `3m ago`.
pub fn relative(now_ms: i64, at_ms: i64) -> String {
    let secs = |ms: i64| ms as f64 / 1000.0;
    if at_ms > now_ms {
        format!("in {}", format::age(secs(at_ms - now_ms)))
    } else {
        format!("{} ago", format::age(secs(now_ms - at_ms)))
    }
}

/// How long ago an alert started: `12m`.
pub fn age_of(a: &Alert, now_ms: i64) -> String {
    format::age(now_ms.saturating_sub(a.starts_at_ms).max(0) as f64 / 1000.0)
}

/// A Unix ms time as UTC, `2026-11-22 10:00`.
pub fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map_or_else(|| "?".into(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}

/// Where a silence is in time: `ends in 1h59m`, `starts in 2h00m`, `ended 3m ago`.
pub fn silence_when(s: &Silence, now_ms: i64) -> String {
    let secs = |ms: i64| format::age(ms.max(0) as f64 / 1000.0);
    match s.state {
        SilenceState::Pending => format!("starts in {}", secs(s.starts_at_ms - now_ms)),
        SilenceState::Active => format!("ends in {}", secs(s.ends_at_ms - now_ms)),
        SilenceState::Expired => format!("ended {} ago", secs(now_ms - s.ends_at_ms)),
    }
}

/// A compact alert line for lists inside dialogs: `● firing    P1 HighErrorRate  k=v, …`,
/// cut to `w` columns.
pub fn compact_row(row: &AlertRow, t: &Theme, w: usize) -> Line<'static> {
    let a = row.alert;
    let name_w = width(a.name()).clamp(1, 28);
    let head = STATE_W + 1 + 3 + name_w + 2;
    let labels = fit(&key_labels(a), w.saturating_sub(head)).into_owned();
    Line::from(vec![
        Span::styled(
            fit_pad(&state_text(a.state), STATE_W + 1),
            state_style(a.state, t),
        ),
        Span::styled(
            format!("{} ", row.priority.label()),
            priority_style(row.priority, t),
        ),
        Span::styled(fit_pad(a.name(), name_w + 2), t.text()),
        Span::styled(labels, t.muted()),
    ])
}

/// Up to `max` compact rows, then `… and N more`.
pub fn compact_rows(rows: &[AlertRow], t: &Theme, w: usize, max: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = rows
        .iter()
        .take(max)
        .map(|r| {
            let mut l = compact_row(r, t, w.saturating_sub(2));
            l.spans.insert(0, Span::raw("  "));
            l
        })
        .collect();
    if rows.len() > max {
        lines.push(Line::styled(
            format!("  … and {} more", rows.len() - max),
            t.muted(),
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_times() {
        assert_eq!(state_text(AlertState::Silenced), "◌ silenced");
        assert_eq!(utc(1_795_305_600_000), "2026-11-22 00:00");
        assert_eq!(relative(10_000, 70_000), "in 1m");
        assert_eq!(relative(70_000, 10_000), "1m ago");
    }
}
