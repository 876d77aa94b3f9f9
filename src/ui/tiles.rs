//! The four tiles: Requests/min, Error rate, P95 and P99 latency, each with its level
//! shown as colour, symbol and word.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::View;
use super::format;
use super::level::Level;

/// Rows the tiles take.
pub const HEIGHT: u16 = 4;

struct Tile {
    title: &'static str,
    value: String,
    level: Level,
    /// Whether the value has thresholds (Requests/min has none).
    graded: bool,
    detail: String,
}

pub fn render(view: &View, area: Rect, buf: &mut Buffer) {
    let areas = Layout::horizontal([Constraint::Ratio(1, 4); 4]).split(area);
    for (tile, area) in tiles(view).iter().zip(areas.iter()) {
        render_tile(view, tile, *area, buf);
    }
}

fn tiles(view: &View) -> [Tile; 4] {
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

fn current(view: &View) -> [Tile; 4] {
    let s = &view.dashboard.stats;
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
    };
    let latency = |title, v: Option<f64>, warn: std::time::Duration, crit: std::time::Duration| {
        let level = Level::of(v, warn.as_secs_f64(), crit.as_secs_f64());
        Tile {
            title,
            value: v.map_or_else(|| "–".into(), format::latency),
            level,
            graded: true,
            detail: limit_text(
                level,
                &format::latency(warn.as_secs_f64()),
                &format::latency(crit.as_secs_f64()),
            )
            .unwrap_or_else(waiting),
        }
    };
    [
        requests,
        error,
        latency("P95 latency", s.p95, th.p95_warn, th.p95_crit),
        latency("P99 latency", s.p99, th.p99_warn, th.p99_crit),
    ]
}

/// `ok < 1%`, `warn ≥ 1%`, `CRIT ≥ 5%`.
fn limit_text(level: Level, warn: &str, crit: &str) -> Option<String> {
    match level {
        Level::NoData => None,
        Level::Ok => Some(format!("{} < {warn}", level.word())),
        Level::Warn => Some(format!("{} ≥ {warn}", level.word())),
        Level::Crit => Some(format!("{} ≥ {crit}", level.word())),
    }
}

fn render_tile(view: &View, tile: &Tile, area: Rect, buf: &mut Buffer) {
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
        Line::styled(
            tile.detail.clone(),
            level_style.remove_modifier(Modifier::BOLD),
        )
    };
    Paragraph::new(vec![Line::from(value), detail])
        .alignment(Alignment::Center)
        .block(block)
        .render(area, buf);
}
