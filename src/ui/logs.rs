//! The logs screen: the log pane (Loki's lines, or an MCP server's own log) beside the
//! error summary. Newest at the bottom; a status line says the source, its health, follow
//! or pause and the filter.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::Scene;
use super::fit::{chunks, fit, fit_pad, width};
use super::format;
use super::theme::Theme;
use crate::model::logs::fields::{LineFields, parse};
use crate::model::logs::{FollowMode, Level, LogEntry, LokiStatus};
use crate::screen::logs::LogSource;

/// Width from which the summary sits beside the pane (else below it).
const SIDE_BY_SIDE: u16 = 120;
/// Least width of the summary beside the pane (a third of the body, up to 64); its height
/// below it.
const SUMMARY_WIDTH: u16 = 46;
const SUMMARY_HEIGHT: u16 = 8;
/// Widest field column, cells.
const FIELD_WIDTH: usize = 16;
/// Rows of the pane that are not log lines: borders, status, column header, filter.
const CHROME_ROWS: u16 = 5;

/// Splits the body into the pane and the summary.
pub fn layout(body: Rect) -> (Rect, Rect) {
    if body.width >= SIDE_BY_SIDE {
        let [pane, summary] = Layout::horizontal([
            Constraint::Min(0),
            Constraint::Length((body.width / 3).clamp(SUMMARY_WIDTH, 64)),
        ])
        .areas(body);
        (pane, summary)
    } else {
        let h = if body.height >= 20 { SUMMARY_HEIGHT } else { 0 };
        let [pane, summary] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(h)]).areas(body);
        (pane, summary)
    }
}

/// Rows of log lines in a terminal of `size` (the page of PageUp/PageDown).
pub fn rows(size: Rect) -> usize {
    // Header, tabs and footer take a row each.
    let body = Rect {
        height: size.height.saturating_sub(3),
        ..size
    };
    let (pane, _) = layout(body);
    usize::from(pane.height.saturating_sub(CHROME_ROWS)).max(1)
}

pub(crate) fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let (Some(source), Some(logs)) = (view.log_source, view.log_buffer) else {
        let text = vec![
            Line::styled("no log source is configured", t.title()),
            Line::styled(
                "Loki: set [loki] url in the config or pass --loki URL (with --logql QUERY)",
                t.text(),
            ),
            Line::styled(
                "MCP servers' own logs (stderr, notifications/message): --mcp URL or [mcp.servers]",
                t.text(),
            ),
        ];
        Paragraph::new(text).render(area, buf);
        return;
    };
    let (pane_area, summary_area) = layout(area);
    super::log_summary::render(view, source, summary_area, buf);
    let title = match source {
        LogSource::Loki => match view.loki {
            Some(l) => match &l.tenant {
                Some(t) => format!(" Logs · Loki {} · tenant {t} ", l.query),
                None => format!(" Logs · Loki {} ", l.query),
            },
            None => " Logs · Loki ".to_string(),
        },
        LogSource::Mcp(i) => format!(
            " Logs · MCP server {} (stderr, notifications/message) ",
            view.mcp.servers.get(i).map_or("?", |s| s.name.as_str())
        ),
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(title, t.title()));
    let inner = block.inner(pane_area);
    block.render(pane_area, buf);
    let pane = &view.nav.logs;
    let filter_row = view.nav.log_filtering || pane.filtered();
    let [status_area, head_area, lines_area, filter_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(u16::from(filter_row)),
    ])
    .areas(inner);
    status_line(view, source, logs.len()).render(status_area, buf);
    if filter_row {
        filter_line(view).render(filter_area, buf);
    }
    let rows = usize::from(lines_area.height);
    let (seqs, selected) = pane.window(rows);
    // Each visible line is parsed once per frame.
    let entries: Vec<Row> = seqs
        .iter()
        .filter_map(|s| pane.entry(logs, *s))
        .map(|entry| Row {
            entry,
            fields: parse(&entry.line),
        })
        .collect();
    if entries.is_empty() {
        let why = if logs.is_empty() {
            match source {
                LogSource::Loki => "no lines yet for this query",
                LogSource::Mcp(_) => {
                    "no log lines yet (stderr of stdio servers, notifications/message after \
                     logging/setLevel)"
                }
            }
        } else {
            "no line matches the filter (Esc clears it)"
        };
        Paragraph::new(Line::styled(why, t.muted())).render(lines_area, buf);
        return;
    }
    let columns = columns(view, source, &entries);
    header_line(view, &columns).render(head_area, buf);
    let pane_w = usize::from(lines_area.width);
    let fixed: usize = 13 + 6 + columns.iter().map(|(_, w)| w + 1).sum::<usize>();
    let msg_width = pane_w.saturating_sub(fixed).max(10);
    // Rows each entry needs (1 unless wrapping), then as many entries as fit, keeping
    // the selected one.
    let heights: Vec<usize> = entries
        .iter()
        .map(|e| {
            if pane.wrap {
                width(&e.message(&columns)).div_ceil(msg_width).max(1)
            } else {
                1
            }
        })
        .collect();
    let mut first = 0;
    let mut used: usize = heights.iter().sum();
    let keep = if pane.follow {
        entries.len() - 1
    } else {
        selected.unwrap_or(0)
    };
    while used > rows && first < keep {
        used -= heights[first];
        first += 1;
    }
    let mut lines: Vec<Line> = Vec::with_capacity(rows);
    for (i, e) in entries.iter().enumerate().skip(first) {
        let is_selected = !pane.follow && selected == Some(i);
        lines.extend(entry_lines(
            view,
            e,
            &columns,
            msg_width,
            pane.wrap,
            is_selected,
        ));
        if lines.len() >= rows {
            break;
        }
    }
    lines.truncate(rows);
    Paragraph::new(lines).render(lines_area, buf);
}

/// `loki tail ✓ 3s ago · following · 1,234 lines (2.1 MB of 16 MB)`.
fn status_line<'a>(view: &Scene<'a>, source: LogSource, len: usize) -> Line<'a> {
    let t = view.theme;
    let mut spans = Vec::new();
    if let (LogSource::Loki, Some(loki)) = (source, view.loki) {
        let mode = match loki.status.mode {
            // Loki ended the tail as it does every hour: caught up and tailed again.
            Some(FollowMode::Tail) if loki.status.retailing => "re-tailing",
            Some(FollowMode::Tail) => "tail",
            Some(FollowMode::Poll) => "poll",
            None => "connecting",
        };
        let age = loki
            .status
            .last_ok_ms
            .map(|ms| format::age((view.now_ms - ms) as f64 / 1000.0));
        match (&loki.status.error, age) {
            (Some(e), age) => {
                spans.push(Span::styled(
                    format!("✗ Loki {}: {e}", loki.url),
                    Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
                ));
                spans.push(Span::styled(
                    match age {
                        Some(a) => format!(" · last good {a} ago"),
                        None => " · no data yet".to_string(),
                    },
                    t.muted(),
                ));
            }
            (None, Some(_)) => {
                spans.push(Span::styled(format!("✓ {mode}"), Style::new().fg(t.ok)));
            }
            (None, None) => spans.push(Span::styled(format!("… {mode}"), t.muted())),
        }
        if loki.status.dropped_by_loki > 0 {
            spans.push(dropped_by_loki(&loki.status, t));
        }
        if let Some((from, to)) = loki.status.skipped {
            let at = |ns: i64| {
                chrono::DateTime::from_timestamp_nanos(ns)
                    .format("%H:%M:%S")
                    .to_string()
            };
            spans.push(Span::styled(
                format!(
                    " · lines of {}–{} UTC skipped: too many to fetch",
                    at(from),
                    at(to)
                ),
                Style::new().fg(t.warn),
            ));
        }
        spans.push(Span::styled(" · ", t.muted()));
    }
    // Why it polls goes last: long, and less urgent than pause or follow.
    let fallback = match (source, view.loki) {
        (LogSource::Loki, Some(loki)) => loki.status.fallback.as_ref(),
        _ => None,
    };
    let pane = &view.nav.logs;
    match pane.paused_at {
        Some(_) => spans.push(Span::styled(
            format!("PAUSED +{} new (Space resumes)", pane.new_since_pause()),
            Style::new()
                .fg(t.warn)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        )),
        None if pane.follow => spans.push(Span::styled("following", Style::new().fg(t.ok))),
        None => spans.push(Span::styled("scrolled (End follows)", t.text())),
    }
    let (cap_lines, cap_bytes) = view.log_buffer.map_or((0, 0), |b| b.caps());
    let bytes = view.log_buffer.map_or(0, |b| b.bytes());
    spans.push(Span::styled(
        format!(
            " · {} lines ({} of {}, cap {} lines)",
            group(len),
            format::bytes(bytes as f64),
            format::bytes(cap_bytes as f64),
            group(cap_lines)
        ),
        t.muted(),
    ));
    if pane.wrap {
        spans.push(Span::styled(" · wrap", t.muted()));
    }
    if let Some(f) = fallback {
        spans.push(Span::styled(format!(" · {f}"), Style::new().fg(t.warn)));
    }
    Line::from(spans)
}

/// `Loki dropped 46, fetched again`: lines Loki left out of the tail, fetched again with
/// `query_range` (warning colour until they are, or when some could not be).
fn dropped_by_loki<'a>(status: &LokiStatus, t: &Theme) -> Span<'a> {
    let n = group(status.dropped_by_loki as usize);
    let (text, style) = if status.refetch_pending {
        (
            format!(" · Loki dropped {n}, fetching again"),
            Style::new().fg(t.warn),
        )
    } else if status.not_refetched > 0 {
        let lost = group(status.not_refetched as usize);
        (
            format!(" · Loki dropped {n}, {lost} could not be fetched again"),
            Style::new().fg(t.warn),
        )
    } else {
        (format!(" · Loki dropped {n}, fetched again"), t.muted())
    };
    Span::styled(text, style)
}

/// The filter as typed, with the match count or the regex error.
fn filter_line<'a>(view: &Scene<'a>) -> Line<'a> {
    let t = view.theme;
    let pane = &view.nav.logs;
    let text = if view.nav.log_filtering {
        format!("/{}▏", view.nav.log_filter.value())
    } else {
        format!("/{}", pane.filter_text)
    };
    let kind = if pane.filter_text.starts_with('~') {
        "regex"
    } else {
        "substring"
    };
    let mut spans = vec![
        Span::styled(text, Style::new().fg(t.accent).add_modifier(Modifier::BOLD)),
        Span::styled(
            format!(
                "  {kind} · {} of {} lines match",
                group(pane.matched()),
                group(view.log_buffer.map_or(0, |b| b.len()))
            ),
            t.muted(),
        ),
    ];
    if let Some(e) = &view.nav.log_filter_error {
        spans.push(Span::styled(format!("  {e}"), Style::new().fg(t.crit)));
    }
    if view.nav.log_filtering {
        spans.push(Span::styled("  Enter keeps · Esc clears", t.muted()));
    }
    Line::from(spans)
}

/// The field columns to show and their widths: for Loki the configured fields, for MCP
/// servers the origin; each only when a visible line has it.
fn columns(view: &Scene, source: LogSource, entries: &[Row]) -> Vec<(String, usize)> {
    let names: Vec<String> = match source {
        LogSource::Loki => view.log_fields.to_vec(),
        LogSource::Mcp(_) => vec!["origin".to_string()],
    };
    names
        .into_iter()
        .filter_map(|name| {
            let width = entries
                .iter()
                .filter_map(|e| e.value(&name))
                .map(|v| width(&v))
                .max()?;
            let width = width.max(name.chars().count()).min(FIELD_WIDTH);
            Some((name, width))
        })
        .collect()
}

/// A visible entry with the fields of its line (JSON, logfmt, or pairs inside a plain
/// line), parsed once.
struct Row<'e> {
    entry: &'e LogEntry,
    fields: LineFields,
}

impl Row<'_> {
    /// A column's value: a label, metadata or parsed label of the entry, else a field of
    /// its line.
    fn value(&self, name: &str) -> Option<String> {
        self.entry
            .label(name)
            .or_else(|| self.fields.get(name))
            .map(str::to_string)
    }

    /// What the message column shows: a structured line's message field, or (when its
    /// fields are shown as columns) the line without them; a plain line whole, even with
    /// pairs inside it (`ERROR timeout after 3000 ms request_id=abc`).
    fn message(&self, columns: &[(String, usize)]) -> String {
        if let Some(m) = self.fields.message() {
            return m.to_string();
        }
        if self.fields.structured() && !columns.is_empty() {
            let rest: Vec<String> = self
                .fields
                .fields
                .iter()
                .filter(|(k, _)| !columns.iter().any(|(c, _)| c == k))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            return rest.join(" ");
        }
        self.entry.line.clone()
    }
}

fn header_line<'a>(view: &Scene<'a>, columns: &[(String, usize)]) -> Line<'a> {
    let mut text = format!("{:<12} {:<5} ", "TIME (UTC)", "LEVEL");
    for (name, w) in columns {
        text.push_str(&fit_pad(&name.to_uppercase(), *w));
        text.push(' ');
    }
    text.push_str("MESSAGE");
    Line::styled(text, view.theme.muted().add_modifier(Modifier::BOLD))
}

fn entry_lines<'a>(
    view: &Scene<'a>,
    row: &Row,
    columns: &[(String, usize)],
    msg_width: usize,
    wrap: bool,
    selected: bool,
) -> Vec<Line<'a>> {
    let t = view.theme;
    let e = row.entry;
    let level_style = match e.level {
        Level::Critical => Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
        Level::Error => Style::new().fg(t.crit),
        Level::Warn => Style::new().fg(t.warn),
        Level::Info => Style::new().fg(t.ok),
        Level::Debug | Level::Trace | Level::Unknown => t.muted(),
    };
    let text_style = match e.level {
        Level::Critical | Level::Error => Style::new().fg(t.crit),
        Level::Warn => Style::new().fg(t.warn),
        Level::Debug | Level::Trace => t.muted(),
        Level::Info | Level::Unknown => t.text(),
    };
    let time = chrono::DateTime::from_timestamp_nanos(e.ts_ns)
        .format("%H:%M:%S%.3f")
        .to_string();
    let mut head = vec![
        Span::styled(format!("{time:<12} "), t.muted()),
        Span::styled(format!("{:<5} ", e.level.word()), level_style),
    ];
    for (name, w) in columns {
        let v = row.value(name).unwrap_or_default();
        head.push(Span::styled(fit_pad(&v, *w) + " ", t.text()));
    }
    let msg = row.message(columns);
    let chunks: Vec<String> = if wrap {
        chunks(&msg, msg_width)
    } else {
        let line: String = msg.chars().filter(|c| !c.is_control()).collect();
        vec![fit(&line, msg_width).into_owned()]
    };
    let indent: usize = head.iter().map(|s| width(&s.content)).sum();
    let mut out = Vec::new();
    for (i, chunk) in chunks.into_iter().enumerate() {
        let mut spans = if i == 0 {
            head.clone()
        } else {
            vec![Span::raw(" ".repeat(indent))]
        };
        spans.push(Span::styled(chunk, text_style));
        let mut line = Line::from(spans);
        if selected {
            line = line.style(t.selected());
        }
        out.push(line);
    }
    if out.is_empty() {
        out.push(Line::from(head));
    }
    out
}

/// `12,345`.
pub fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
