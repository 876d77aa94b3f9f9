//! The four tiles: Requests/min, Error rate, P95 and P99 latency, each with its level
//! shown as colour, symbol and word, and under it what the number cannot show: a quantile
//! above the histogram's top bucket (`> 1.00s`, level unknown), a threshold no quantile of
//! the histogram can reach, a profile blind to tool errors.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::Scene;
use super::fit::{head, width};
use super::format;
use super::level::{Level, LevelStyle};

/// Rows the tiles take without a note.
pub const HEIGHT: u16 = 4;

struct Tile {
    title: &'static str,
    value: String,
    level: Level,
    /// Whether the value has thresholds (Requests/min has none).
    graded: bool,
    detail: String,
    /// What the number cannot show, on a line of its own: in full, and short for a
    /// narrow tile.
    note: Option<(String, String)>,
}

/// Rows the tiles take: one more when a tile has a note.
pub fn height(view: &Scene) -> u16 {
    if current(view).iter().any(|t| t.note.is_some()) {
        HEIGHT + 1
    } else {
        HEIGHT
    }
}

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let areas = Layout::horizontal([Constraint::Ratio(1, 4); 4]).split(area);
    for (tile, area) in tiles(view).iter().zip(areas.iter()) {
        render_tile(view, tile, *area, buf);
    }
}

fn tiles(view: &Scene) -> [Tile; 4] {
    let mut tiles = current(view);
    if let Some(d) = view.deploy {
        let b = &d.before;
        let was = [
            b.req_per_min().map(format::number),
            b.error_ratio.map(format::percent),
            b.p95.map(format::latency),
            b.p99.map(format::latency),
        ];
        let at = chrono::DateTime::from_timestamp_millis(d.t_ms)
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default();
        for (tile, was) in tiles.iter_mut().zip(was) {
            tile.detail = format!("before deploy {at}: {}", was.unwrap_or_else(|| "–".into()));
        }
    }
    tiles
}

fn current(view: &Scene) -> [Tile; 4] {
    let s = &*view.stats;
    let th = view.thresholds;
    let waiting = || "waiting for data".to_string();
    let requests = Tile {
        title: "Requests/min",
        value: s.req_per_min().map_or_else(|| "–".into(), format::number),
        level: if s.req_per_sec.is_some() {
            Level::Ok
        } else {
            Level::NoData
        },
        graded: false,
        detail: s
            .req_per_sec
            .map_or_else(waiting, |r| format!("{} req/s", format::number(r))),
        note: None,
    };
    let err_level = Level::of(s.error_ratio, th.error_rate_warn, th.error_rate_crit);
    let error = Tile {
        title: "Error rate",
        value: s.error_ratio.map_or_else(|| "–".into(), format::percent),
        level: err_level,
        graded: true,
        detail: limit_text(
            err_level,
            &format::percent(th.error_rate_warn),
            &format::percent(th.error_rate_crit),
        )
        .unwrap_or_else(|| {
            if s.req_per_sec.is_some() {
                "no requests".into()
            } else {
                waiting()
            }
        }),
        // A profile that cannot see a tool call answered with isError (HTTP 200 at a
        // gateway) says so; `--profile list` tells why for each. A custom profile's is
        // the operator's own choice, not repeated here.
        // A fleet's note holds when any of its targets' profiles cannot see them.
        note: view
            .dashboard
            .profile()
            .into_iter()
            .chain(view.fleet_profiles())
            .find(|p| !p.sees_tool_errors() && p.kind != crate::model::profile::ProfileKind::Custom)
            .map(|_| {
                (
                    "tool errors (isError) not counted".to_string(),
                    "isError not seen".to_string(),
                )
            }),
    };
    let latency = |title,
                   name: &str,
                   v: Option<f64>,
                   lower_bound: bool,
                   warn: std::time::Duration,
                   crit: std::time::Duration| {
        let (warn, crit) = (warn.as_secs_f64(), crit.as_secs_f64());
        let level = Level::of_bound(v, lower_bound, warn, crit);
        let value = match v {
            Some(x) if lower_bound => format!("> {}", format::latency(x)),
            Some(x) => format::latency(x),
            None => "–".into(),
        };
        let detail = match level {
            Level::Unknown => "level unknown: above the top bucket".to_string(),
            _ => limit_text(level, &format::latency(warn), &format::latency(crit))
                .unwrap_or_else(waiting),
        };
        Tile {
            title,
            value,
            level,
            graded: true,
            detail,
            note: unseen_note(name, s.top_bucket_s, warn, crit),
        }
    };
    [
        requests,
        error,
        latency(
            "P95 latency",
            "P95",
            s.p95,
            s.p95_lower_bound,
            th.p95_warn,
            th.p95_crit,
        ),
        latency(
            "P99 latency",
            "P99",
            s.p99,
            s.p99_lower_bound,
            th.p99_warn,
            th.p99_crit,
        ),
    ]
}

/// `P95 > 3.00s cannot be seen: top bucket 1.00s` when the histogram's highest finite
/// bound is below a threshold: histogram_quantile never answers above that bound, so the
/// tile could never show the level.
fn unseen_note(name: &str, top: Option<f64>, warn: f64, crit: f64) -> Option<(String, String)> {
    let top = top?;
    let limit = if top < warn {
        warn
    } else if top < crit {
        crit
    } else {
        return None;
    };
    Some((
        format!(
            "{name} > {} cannot be seen: top bucket {}",
            format::latency(limit),
            format::latency(top)
        ),
        format!("top bucket {}", format::latency(top)),
    ))
}

/// `ok < 1%`, `warn ≥ 1%`, `CRIT ≥ 5%`.
fn limit_text(level: Level, warn: &str, crit: &str) -> Option<String> {
    match level {
        Level::NoData | Level::Unknown => None,
        Level::Ok => Some(format!("{} < {warn}", level.word())),
        Level::Warn => Some(format!("{} ≥ {warn}", level.word())),
        Level::Crit => Some(format!("{} ≥ {crit}", level.word())),
    }
}

fn render_tile(view: &Scene, tile: &Tile, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let stale = view.stale() && tile.level != Level::NoData;
    let border = if stale { t.muted() } else { t.border() };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(format!(" {} ", tile.title), t.title()));
    let level_style = if tile.graded {
        tile.level.style(t)
    } else if tile.level == Level::NoData {
        t.muted()
    } else {
        Style::new().fg(t.accent)
    };
    let value_style = if stale {
        t.muted()
    } else {
        level_style.add_modifier(Modifier::BOLD)
    };
    let mut value = vec![];
    if tile.graded && tile.level != Level::NoData {
        value.push(Span::styled(
            format!("{} ", tile.level.symbol()),
            value_style,
        ));
    }
    value.push(Span::styled(tile.value.clone(), value_style));
    let detail = if stale {
        let age = view
            .dashboard
            .status
            .scrape
            .age_secs(view.now_ms)
            .unwrap_or(0.0);
        Line::styled(format!("stale: {} old", format::age(age)), t.muted())
    } else {
        // A detail wider than the tile keeps its first words and ends with `…`.
        let room = usize::from(area.width.saturating_sub(2));
        let detail = if width(&tile.detail) > room {
            let cut = head(&tile.detail, room.saturating_sub(1));
            let cut = cut.rsplit_once(' ').map_or(cut, |(head, _)| head);
            format!("{}…", cut.trim_end_matches([':', ',']))
        } else {
            tile.detail.clone()
        };
        Line::styled(detail, level_style.remove_modifier(Modifier::BOLD))
    };
    let mut lines = vec![Line::from(value), detail];
    if let Some((full, short)) = &tile.note {
        let fits = usize::from(area.width.saturating_sub(4)) >= width(full);
        let text = if fits { full } else { short };
        lines.push(Line::styled(format!("▲ {text}"), Style::new().fg(t.warn)));
    }
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .block(block)
        .render(area, buf);
}
