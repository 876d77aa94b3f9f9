//! The silence form: matchers, duration, comment and author, the focused field with a
//! cursor, the error of a field that failed, and a live preview of the alerts the matchers
//! catch now.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::Scene;
use super::alert_text::compact_rows;
use crate::model::alerts::silence_form::SilenceField;
use crate::screen::nav::SilenceFormOverlay;

pub fn render(view: &Scene, f: &SilenceFormOverlay, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let popup = super::centered(area, 90, 90);
    Clear.render(popup, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(Style::new().fg(t.warn))
        .title(Span::styled(" New silence ", t.title()))
        .title_bottom(Span::styled(
            " Enter review · Tab next field · Esc cancel ",
            t.muted(),
        ));
    let inner = block.inner(popup);
    block.render(popup, buf);
    let w = inner.width as usize;
    let form = &f.form;
    let mut lines = Vec::new();
    for field in SilenceField::ALL {
        let focused = form.focus == field;
        let input = form.input(field);
        let label_style = if focused { t.title() } else { t.muted() };
        let marker = if focused { "▶ " } else { "  " };
        let label_w = 12;
        let avail = w.saturating_sub(label_w + 3).max(1);
        // Scroll the text so that the cursor stays visible.
        let scroll = if focused {
            input.visual_scroll(avail.saturating_sub(1))
        } else {
            0
        };
        let value: String = input.value().chars().skip(scroll).take(avail).collect();
        let mut spans = vec![
            Span::styled(marker, label_style),
            Span::styled(format!("{:<w$}", field.label(), w = label_w), label_style),
        ];
        if focused {
            let cursor = input.visual_cursor().saturating_sub(scroll);
            let (before, rest): (String, String) = {
                let chars: Vec<char> = value.chars().collect();
                let at = cursor.min(chars.len());
                (chars[..at].iter().collect(), chars[at..].iter().collect())
            };
            let mut rest = rest.chars();
            let under = rest.next().map_or(" ".to_string(), |c| c.to_string());
            spans.push(Span::styled(before, t.text().add_modifier(Modifier::BOLD)));
            spans.push(Span::styled(
                under,
                Style::new().add_modifier(Modifier::REVERSED),
            ));
            spans.push(Span::styled(
                rest.collect::<String>(),
                t.text().add_modifier(Modifier::BOLD),
            ));
        } else {
            spans.push(Span::styled(
                super::fit::fit(input.value(), avail).into_owned(),
                t.text(),
            ));
        }
        lines.push(Line::from(spans));
        if let Some((bad, why)) = &form.error
            && *bad == field
        {
            lines.push(Line::styled(
                format!("{:14}✖ {why}", ""),
                Style::new().fg(t.crit),
            ));
        }
    }
    lines.push(Line::styled(
        format!(
            "{:14}matchers as amtool writes them: name=\"v\" name!=\"v\" name=~\"re\" name!~\"re\"",
            ""
        ),
        t.muted(),
    ));
    lines.push(Line::styled(
        format!("{:14}duration like 2h, 90m or 1h30m", ""),
        t.muted(),
    ));
    lines.push(Line::raw(""));
    match form.matchers() {
        Ok(m) => {
            let rows = view.alerts.matching(&m);
            let head = match rows.len() {
                0 => Line::styled(
                    "matches no alert now (it will still silence alerts that match later)",
                    Style::new().fg(t.warn),
                ),
                1 => Line::styled("matches 1 alert now:", t.text()),
                n => Line::styled(format!("matches {n} alerts now:"), t.text()),
            };
            lines.push(head);
            let room = (inner.height as usize)
                .saturating_sub(lines.len() + 1)
                .max(1);
            lines.extend(compact_rows(&rows, t, w, room));
        }
        Err(e) => lines.push(Line::styled(
            format!("matchers: {e}"),
            Style::new().fg(t.crit),
        )),
    }
    Paragraph::new(lines).render(inner, buf);
}
