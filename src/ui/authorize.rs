//! The tools screen of a server that waits for OAuth authorization: the authorization URL
//! in full, cut at the panel's width into lines with nothing else on them (no border, no
//! indent), so the terminal can select it and the lines join back into the URL; where the
//! redirect is caught; and how to paste it when the browser runs elsewhere (over SSH).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::Scene;
use crate::model::mcp::ConnState;
use crate::model::mcp::state::ServerState;

/// Draws the authorization panel of `server`; false (nothing drawn) when it is not waiting
/// for authorization.
pub fn render(view: &Scene, server: &ServerState, area: Rect, buf: &mut Buffer) -> bool {
    let ConnState::Authorizing {
        url,
        callback,
        error,
    } = &server.conn
    else {
        return false;
    };
    let t = view.theme;
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(t.border())
        .title(Span::styled(
            format!(" Authorize {} (OAuth) ", server.name),
            t.title(),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width).max(1);
    let mut lines = vec![Line::styled(
        "The server asks for authorization. Open this URL in a browser:",
        t.text(),
    )];
    lines.extend(url_lines(url, width).into_iter().map(|chunk| {
        Line::styled(
            chunk,
            Style::new().fg(t.accent).add_modifier(Modifier::BOLD),
        )
    }));
    lines.push(Line::raw(""));
    let help = [
        format!("When the browser runs on this host, its redirect is caught on {callback}."),
        "Otherwise (over SSH) copy the address the browser was sent to (it may show an error page) and paste it: Enter opens the paste line, Enter again sends it.".to_string(),
    ];
    let mut help_lines: Vec<Line> = help
        .into_iter()
        .map(|h| Line::styled(h, t.muted()))
        .collect();
    if let Some(e) = error {
        help_lines.push(Line::styled(format!("✖ {e}"), Style::new().fg(t.crit)));
    }
    let url_rows = lines.len() as u16;
    Paragraph::new(lines).render(inner, buf);
    let rest = Rect {
        y: inner.y + url_rows.min(inner.height),
        height: inner.height.saturating_sub(url_rows),
        ..inner
    };
    Paragraph::new(help_lines)
        .wrap(Wrap { trim: false })
        .render(rest, buf);
    true
}

/// `url` cut into pieces of `width` characters (a URL is ASCII: one column each).
fn url_lines(url: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = url.chars().collect();
    chars
        .chunks(width)
        .map(|c| c.iter().collect::<String>())
        .collect()
}

/// What the paste line shows of `text`: the value of a `code=` parameter as dots, or all
/// of it when it holds no `code=` (a bare code may contain `/`, `=` or `+`), so the code is
/// not left on screen.
pub fn masked_paste(text: &str) -> String {
    if !text.contains("code=") {
        return "•".repeat(text.chars().count().min(40));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("code=") {
        let (before, after) = rest.split_at(i + "code=".len());
        out.push_str(before);
        let end = after.find('&').unwrap_or(after.len());
        out.push_str(&"•".repeat(after[..end].chars().count().min(40)));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_lines_join_back_into_the_url() {
        let url = "http://127.0.0.1:9/authorize?response_type=code&client_id=abc&state=xyz";
        let lines = url_lines(url, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(lines.concat(), url);
    }

    #[test]
    fn the_code_is_masked_on_the_paste_line() {
        assert_eq!(
            masked_paste("http://h/callback?code=abc123&state=s"),
            "http://h/callback?code=••••••&state=s"
        );
        assert_eq!(masked_paste("abc123"), "••••••");
        // A bare code with the characters of base64 or a path is hidden whole too.
        assert_eq!(masked_paste("ab/c=="), "••••••");
        assert_eq!(masked_paste("a+b%2F"), "••••••");
    }
}
