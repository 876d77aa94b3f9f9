//! Bodies judged before they are shown: binary ones are described by size, HTML error
//! pages by their title.

/// Whether a body is binary rather than text: not UTF-8, or holding control characters
/// other than tab, CR and LF. Such a body is described by its size, never shown.
pub fn is_binary(body: &[u8]) -> bool {
    match std::str::from_utf8(body) {
        Ok(text) => text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')),
        Err(_) => true,
    }
}

/// What an HTML page is, for an error line: `an HTML page (<its title>)`, or without a
/// title `an HTML page: <its text, tags removed>`; `None` for a body that is not HTML.
/// Proxies and load balancers answer errors with such pages.
pub fn html_page(text: &str) -> Option<String> {
    html_page_raw(text).map(|page| crate::inbound::text(&page).into_owned())
}

fn html_page_raw(text: &str) -> Option<String> {
    let t = text.trim_start();
    let lower: String = t.chars().take(15).collect::<String>().to_ascii_lowercase();
    if !(lower.starts_with("<html") || lower.starts_with("<!doctype html")) {
        return None;
    }
    let title = t
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map(|(title, _)| title.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|title| !title.is_empty());
    if let Some(title) = title {
        return Some(format!(
            "an HTML page ({})",
            title.chars().take(120).collect::<String>()
        ));
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in t.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(120)
        .collect();
    Some(if text.is_empty() {
        "an HTML page".to_string()
    } else {
        format!("an HTML page: {text}")
    })
}
