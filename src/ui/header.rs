//! The header line (target, up/down, version, profile, scrape age) and the error banner.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::Scene;
use super::fit::fit_spans;
use super::format;
use crate::model::status::Up;

/// Draws the header; segments that do not fit the width are left out from the least
/// important (the profile's latency note and why, URL, scrape duration, window) up.
pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let status = &view.dashboard.status;
    // (priority: lower is kept first, spans)
    let mut segments: Vec<(u8, Vec<Span>)> = Vec::new();
    segments.push((
        0,
        vec![
            Span::styled(" mcptop ", t.title()),
            Span::styled(
                view.target_name.to_string(),
                t.text().add_modifier(Modifier::BOLD),
            ),
        ],
    ));
    if let Some((_, label)) = &view.cursor {
        // The numbers are not live: said first and never left out.
        segments.push((
            0,
            vec![Span::styled(
                format!("◷ {label} · End live"),
                Style::new().fg(t.warn).add_modifier(Modifier::BOLD),
            )],
        ));
    }
    if !view.target_url.is_empty() {
        segments.push((
            6,
            vec![Span::styled(view.target_url.to_string(), t.muted())],
        ));
    }
    let scraped_fleet = view
        .fleet
        .filter(|f| f.scrape().is_some() && f.drilled.is_none());
    if view.no_target {
        // An MCP client alone: no scrape state, profile, age or window to speak of.
        segments.push((
            0,
            vec![Span::styled("○ no target: MCP client only", t.muted())],
        ));
    } else if scraped_fleet.is_none() {
        segments.push((
            0,
            vec![match status.up() {
                Up::Up => Span::styled("● UP", Style::new().fg(t.ok).add_modifier(Modifier::BOLD)),
                Up::Down => Span::styled(
                    format!("✖ DOWN ({} failed)", status.consecutive_failures()),
                    Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
                ),
                Up::Unknown => Span::styled("… connecting", t.muted()),
            }],
        ));
    }
    if let Some(f) = view.fleet.filter(|f| f.drilled.is_none()) {
        // The fleet in one segment: how many of its members are up.
        let n = f.rows.len();
        let up = f.rows.iter().filter(|r| r.up == Some(true)).count();
        let down = f.rows.iter().filter(|r| r.up == Some(false)).count();
        let word = f.member_word();
        let span = if down > 0 {
            Span::styled(
                format!("✖ {down}/{n} {word}s DOWN"),
                Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
            )
        } else if up > 0 {
            Span::styled(
                format!("● {up}/{n} {word}s up"),
                Style::new().fg(t.ok).add_modifier(Modifier::BOLD),
            )
        } else {
            Span::styled(format!("… {n} {word}s"), t.muted())
        };
        segments.push((0, vec![span]));
    }
    // Query mode: the last answer was partial (a store behind a Thanos Querier did not
    // answer), on every screen, so its numbers never pass as complete.
    if view
        .fleet
        .filter(|f| f.query().is_some())
        .is_some_and(|f| crate::model::partial::first_partial(&f.warnings).is_some())
    {
        segments.push((
            0,
            vec![Span::styled(
                "▲ PARTIAL answer",
                Style::new().fg(t.warn).add_modifier(Modifier::BOLD),
            )],
        ));
    }
    let counts = view.alerts.counts();
    let any_firing = counts.iter().any(|n| *n > 0);
    let mut alert_spans = Vec::new();
    for (p, n) in crate::model::alerts::Priority::ALL.iter().zip(counts) {
        let style = match (n, p.index()) {
            (0, _) => t.muted(),
            (_, 0 | 1) => Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
            _ => Style::new().fg(t.warn).add_modifier(Modifier::BOLD),
        };
        if !alert_spans.is_empty() {
            alert_spans.push(Span::raw(" "));
        }
        alert_spans.push(Span::styled(format!("{} {n}", p.label()), style));
    }
    // Firing alerts are kept to the last, counted per priority; with none, a short note
    // that yields early on narrow terminals.
    if any_firing {
        segments.push((0, alert_spans));
    } else {
        segments.push((3, vec![Span::styled("0 firing", t.muted())]));
    }
    if let Some(v) = status
        .health_info
        .as_ref()
        .and_then(|h| h.version.as_deref())
    {
        segments.push((2, vec![Span::styled(format!("v{v}"), t.text())]));
    }
    // An MCP client alone has no profile, sample age or window to show.
    if !view.no_target {
        // A fleet whose targets have different profiles says so, naming them.
        let kinds = view.fleet_profiles();
        let mixed = kinds.len() > 1;
        let profile = view.dashboard.profile().filter(|_| !mixed);
        let name = if mixed {
            let names: Vec<String> = kinds.iter().map(|p| p.kind.to_string()).collect();
            format!("mixed ({})", names.join(", "))
        } else {
            profile.map_or_else(|| "detecting".to_string(), |p| p.kind.to_string())
        };
        segments.push((
            3,
            vec![
                Span::styled("profile ", t.muted()),
                Span::styled(name, t.text()),
            ],
        ));
        // Why it matched, and what to know about its latency histogram: the first to go on a
        // narrow terminal (the note, then the why, then the URL), so they never cost the
        // header a shorter segment.
        if let Some(p) = profile {
            segments.push((6, vec![Span::styled(format!("({})", p.why), t.muted())]));
            if let Some(caveat) = p.latency_caveat() {
                segments.push((6, vec![Span::styled(caveat, Style::new().fg(t.warn))]));
            }
        }
        // Query mode: the age of the newest sample the last good answer held (from its own
        // timestamp), which an engine answering "now" as of a while ago puts well before the
        // request; drilled into an instance, that instance's own sample; the request's age only
        // when the answer held no sample time.
        let query = view.fleet.and_then(|f| f.query());
        let drilled = view.fleet.and_then(|f| f.drilled.as_deref());
        let sampled = query
            .and_then(|q| q.sampled_ms(drilled))
            .map(|t| (view.now_ms.saturating_sub(t)).max(0) as f64 / 1000.0);
        match sampled.or(status.scrape.age_secs(view.now_ms)) {
            Some(age) => {
                let label = if status.scrape.is_ok() && sampled.is_some() {
                    "sampled "
                } else if status.scrape.is_ok() && query.is_some() {
                    "queried "
                } else if status.scrape.is_ok() {
                    "scraped "
                } else {
                    "last good "
                };
                segments.push((
                    1,
                    vec![
                        Span::styled(label, t.muted()),
                        Span::styled(format!("{} ago", format::age(age)), t.text()),
                    ],
                ));
            }
            None => segments.push((1, vec![Span::styled("no data yet", t.muted())])),
        }
        if let Some(d) = status
            .scrape_duration_secs
            .filter(|_| status.scrape.is_ok())
        {
            segments.push((
                5,
                vec![Span::styled(
                    match status.scrape_bytes {
                        Some(b) => format!("({}, {})", format::latency(d), format::bytes(b as f64)),
                        None => format!("({})", format::latency(d)),
                    },
                    t.muted(),
                )],
            ));
        }
        segments.push((
            4,
            vec![
                Span::styled("window ", t.muted()),
                Span::styled(format::span(view.window), t.text()),
            ],
        ));
        let window_ms = view.window.as_millis() as i64;
        let used_ms = view.stats.range_ms;
        if used_ms > 0 && used_ms < window_ms {
            segments.push((
                1,
                vec![Span::styled(
                    format!("warming up: rate[{}]", format::age(used_ms as f64 / 1000.0)),
                    Style::new().fg(t.warn),
                )],
            ));
        }
    }
    let width = |segs: &[(u8, Vec<Span>)]| -> usize {
        segs.iter()
            .map(|(_, s)| s.iter().map(Span::width).sum::<usize>() + 2)
            .sum()
    };
    while width(&segments) > area.width as usize {
        let Some(drop) = segments
            .iter()
            .enumerate()
            .max_by_key(|(i, (p, _))| (*p, *i))
            .map(|(i, _)| i)
        else {
            break;
        };
        if segments[drop].0 == 0 {
            break;
        }
        segments.remove(drop);
    }
    let mut spans = Vec::new();
    for (i, (_, seg)) in segments.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("  ", t.muted()));
        }
        spans.extend(seg);
    }
    // What must stay (name, state, firing alerts) may still be too wide: cut with `…`.
    fit_spans(&mut spans, usize::from(area.width));
    Line::from(spans).render(area, buf);
}

/// The error line under the header, when a source is failing or no profile matches.
pub fn banner(view: &Scene) -> Option<Line<'static>> {
    let t = view.theme;
    let status = &view.dashboard.status;
    if let Some(err) = status.error() {
        let tail = match status.scrape.age_secs(view.now_ms) {
            Some(age) => format!("  (numbers are from {} ago)", format::age(age)),
            None => "  (no good data yet)".into(),
        };
        return Some(Line::from(vec![
            Span::styled(" ✖ ", Style::new().fg(t.crit).add_modifier(Modifier::BOLD)),
            Span::styled(err.to_string(), Style::new().fg(t.crit)),
            Span::styled(tail, t.muted()),
        ]));
    }
    view.dashboard.profile_problem.as_ref().map(|p| {
        Line::from(vec![
            Span::styled(" ! ", Style::new().fg(t.warn).add_modifier(Modifier::BOLD)),
            Span::styled(p.clone(), Style::new().fg(t.warn)),
        ])
    })
}
