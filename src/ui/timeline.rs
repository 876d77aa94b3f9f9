//! The request timeline: requests and errors per second over the history window.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph, Widget};

use super::Scene;
use super::format;
use crate::model::marks::Transition;
use crate::model::timeline::Gap;

/// Chart points: (Unix seconds, per-second value).
type Points = Vec<(f64, f64)>;

/// Draws the timeline in `area`: the settled points, one a step (the live value between
/// two steps is the tiles'; at an hour of history the line ends at most a step, 10 s,
/// before now). The chart is drawn again only when what it shows changed (its points,
/// marks, gaps, cursor, deploy, theme, area, or its right edge, the next step after now):
/// between steps a frame copies the cells drawn last ([`cached`]). Drawing it was the
/// largest part of a frame.
pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let end_ms = right_edge(view);
    let key = key(view, area, end_ms);
    cached(key, area, buf, |buf| draw(view, area, buf, end_ms));
}

/// The chart's right edge, Unix ms: the first step boundary at or after now, so that it
/// moves once a step, as the points do.
fn right_edge(view: &Scene) -> i64 {
    let step = view.dashboard.timeline.step_ms.max(1);
    let now = view.now_ms;
    now.div_euclid(step) * step + if now.rem_euclid(step) == 0 { 0 } else { step }
}

/// A hash of everything [`draw`] reads.
fn key(view: &Scene, area: Rect, end_ms: i64) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    let tl = &view.dashboard.timeline;
    let t = view.theme;
    (area, end_ms, view.history, tl.range_ms, tl.step_ms).hash(&mut h);
    (
        &t.name, t.text, t.muted, t.border, t.title, t.ok, t.warn, t.crit,
    )
        .hash(&mut h);
    (t.requests, t.errors).hash(&mut h);
    view.deploy.map(|d| d.t_ms).hash(&mut h);
    view.cursor.as_ref().map(|(at, _)| *at).hash(&mut h);
    for g in tl.gaps() {
        (g.from_ms, g.to_ms, &g.reason).hash(&mut h);
    }
    for p in tl.points() {
        (p.t_ms, p.req_per_sec.to_bits(), p.err_per_sec.to_bits()).hash(&mut h);
    }
    for m in view.marks.iter() {
        (m.t_ms, m.transition == Transition::Firing).hash(&mut h);
    }
    h.finish()
}

thread_local! {
    /// The last chart drawn: its key and its cells.
    static LAST: std::cell::RefCell<Option<(u64, Buffer)>> = const { std::cell::RefCell::new(None) };
}

/// Copies the cells kept for `key` into `area` of `buf`, or runs `draw` and keeps what it
/// drew there.
fn cached(key: u64, area: Rect, buf: &mut Buffer, draw: impl FnOnce(&mut Buffer)) {
    // Row by row, as slices of the buffers' cells (a cell at a time, each looked up by its
    // position, was 4 % of scrape mode's CPU).
    let copy = |from: &Buffer, to: &mut Buffer| {
        let r = area.intersection(from.area).intersection(to.area);
        let w = usize::from(r.width);
        let at =
            |b: Rect, y: u16| usize::from(y - b.y) * usize::from(b.width) + usize::from(r.x - b.x);
        for y in r.top()..r.bottom() {
            let (a, b) = (at(from.area, y), at(to.area, y));
            if let (Some(src), Some(dst)) =
                (from.content.get(a..a + w), to.content.get_mut(b..b + w))
            {
                dst.clone_from_slice(src);
            }
        }
    };
    LAST.with_borrow_mut(|last| match last {
        Some((k, cells)) if *k == key && cells.area == area => copy(cells, buf),
        _ => {
            draw(buf);
            let mut cells = Buffer::empty(area);
            copy(buf, &mut cells);
            *last = Some((key, cells));
        }
    });
}

fn draw(view: &Scene, area: Rect, buf: &mut Buffer, end_ms: i64) {
    let t = view.theme;
    let tl = &view.dashboard.timeline;
    let title = Line::from(vec![
        Span::styled(
            format!(" Request timeline ({}) ", format::span(view.history)),
            t.title(),
        ),
        Span::styled("━ req/s ", Style::new().fg(t.requests)),
        Span::styled("━ errors/s ", Style::new().fg(t.errors)),
        Span::styled(
            format!(
                "rate[{}] ",
                format::span(std::time::Duration::from_millis(tl.range_ms.max(0) as u64))
            ),
            t.muted(),
        ),
    ]);
    let mut title = title;
    if let Some(d) = view.deploy {
        let at = chrono::DateTime::from_timestamp_millis(d.t_ms)
            .map(|t| t.format("%H:%M:%S").to_string())
            .unwrap_or_default();
        title.spans.push(Span::styled(
            format!("┃ deploy {at} "),
            Style::new().fg(t.warn),
        ));
    }
    if let Some((at_ms, _)) = view.cursor {
        title.spans.push(Span::styled(
            format!("◷ {} ", hms(at_ms)),
            Style::new().fg(t.warn),
        ));
    }
    let end = end_ms as f64 / 1000.0;
    let start = end - view.history.as_secs_f64();
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(title);
    if let Some(note) = gap_note(tl.gaps(), (start * 1000.0) as i64) {
        block = block.title_bottom(Line::styled(note, Style::new().fg(t.warn)));
    }
    // One run of points per stretch without gaps, so an outage is not drawn as traffic.
    let gap_s = tl.step_ms as f64 * 1.5 / 1000.0;
    let mut runs: Vec<(Points, Points)> = Vec::new();
    let mut last_x = f64::NEG_INFINITY;
    let mut max: f64 = 0.0;
    for p in tl.points() {
        let x = p.t_ms as f64 / 1000.0;
        if x < start {
            continue;
        }
        if x - last_x > gap_s || runs.is_empty() {
            runs.push((Vec::new(), Vec::new()));
        }
        last_x = x;
        if let Some((req, err)) = runs.last_mut() {
            req.push((x, p.req_per_sec));
            err.push((x, p.err_per_sec));
        }
        max = max.max(p.req_per_sec).max(p.err_per_sec);
    }
    if runs.is_empty() {
        let step = std::time::Duration::from_millis(tl.step_ms.max(0) as u64);
        Paragraph::new(Line::styled(
            format!(
                "no points yet: one every {} once rate() has two scrapes",
                format::span(step)
            ),
            t.muted(),
        ))
        .block(block)
        .render(area, buf);
        return;
    }
    let top = nice_ceiling(max);
    let history = format::span(view.history);
    let half = format::span(view.history / 2);
    let line = |data, color| {
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(color))
            .data(data)
    };
    // Requests drawn last so they stay on top where the two lines meet.
    let mark: Points = view
        .deploy
        .map(|d| d.t_ms as f64 / 1000.0)
        .filter(|x| *x >= start && *x <= end)
        .map(|x| vec![(x, 0.0), (x, top)])
        .unwrap_or_default();
    let cursor: Points = view
        .cursor
        .as_ref()
        .map(|(at, _)| *at as f64 / 1000.0)
        .filter(|x| *x >= start && *x <= end)
        .map(|x| vec![(x, 0.0), (x, top)])
        .unwrap_or_default();
    // Alert transitions along the top edge: firing in the critical colour, resolved in
    // the ok one.
    let edge = |want: Transition| -> Points {
        view.marks
            .iter()
            .filter(|m| m.transition == want)
            .map(|m| m.t_ms as f64 / 1000.0)
            .filter(|x| *x >= start && *x <= end)
            .map(|x| (x, top))
            .collect()
    };
    let (fired, resolved) = (edge(Transition::Firing), edge(Transition::Resolved));
    let dots = |data, color| {
        Dataset::default()
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(Style::new().fg(color))
            .data(data)
    };
    let datasets: Vec<Dataset> = std::iter::once(line(&mark, t.warn))
        .chain(runs.iter().map(|(_, err)| line(err, t.errors)))
        .chain(runs.iter().map(|(req, _)| line(req, t.requests)))
        // The cursor in the text colour, the header's "not live" in warn: neither can be
        // taken for a spike of the requests' line.
        .chain(std::iter::once(line(&cursor, t.text)))
        .chain(std::iter::once(dots(&resolved, t.ok)))
        .chain(std::iter::once(dots(&fired, t.crit)))
        .collect();
    Chart::new(datasets)
        .block(block)
        .x_axis(
            Axis::default()
                .bounds([start, end])
                .style(t.muted())
                .labels([format!("-{history}"), format!("-{half}"), "now".into()]),
        )
        .y_axis(Axis::default().bounds([0.0, top]).style(t.muted()).labels([
            "0".to_string(),
            format::number(top / 2.0),
            format::number(top),
        ]))
        .render(area, buf);
}

/// The newest gap in view with its reason, ` ▲ no data from the API for 10:01:00–10:03:00 `,
/// and how many more there are; `None` without a gap newer than `start_ms`.
fn gap_note(gaps: &[Gap], start_ms: i64) -> Option<String> {
    let shown: Vec<&Gap> = gaps.iter().filter(|g| g.to_ms >= start_ms).collect();
    let newest = shown.last()?;
    let at = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.format("%H:%M:%S").to_string())
            .unwrap_or_default()
    };
    let span = if newest.from_ms == newest.to_ms {
        format!("at {}", at(newest.from_ms))
    } else {
        format!("for {}–{}", at(newest.from_ms), at(newest.to_ms))
    };
    let more = match shown.len() - 1 {
        0 => String::new(),
        n => format!(" (+{n} earlier)"),
    };
    Some(format!(" ▲ {} {span}{more} ", newest.reason))
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten that is >= `v` (axis top).
fn nice_ceiling(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * mag)
}

/// `03:12:40` of a Unix ms instant, UTC as the rest of the timeline.
fn hms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%H:%M:%S").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::nice_ceiling;

    #[test]
    fn axis_top_is_round() {
        assert_eq!(nice_ceiling(7.3), 10.0);
        assert_eq!(nice_ceiling(0.42), 0.5);
        assert_eq!(nice_ceiling(120.0), 200.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }
}
