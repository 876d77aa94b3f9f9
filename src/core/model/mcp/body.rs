//! The text a finished call shows, built once when it ends: content blocks, pretty
//! `structuredContent` or what went wrong, with secrets masked and the size bounded, so a
//! huge result costs neither memory in the history nor time on every frame.

use super::mask::{mask_json, mask_text};
use super::types::{CallOutcome, Content};

/// Most lines kept of one result.
pub const MAX_LINES: usize = 5000;
/// Most bytes of text kept of one result.
pub const MAX_BYTES: usize = 1 << 20;
/// Longest line kept, in characters (longer ones end with `…`).
pub const MAX_LINE_CHARS: usize = 2000;

/// How a line is meant: the UI picks its style from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Text content of the result.
    Text,
    /// The tool's own error (`isError`) or a failure of the call.
    Error,
    /// An explanation from mcptop (muted).
    Note,
    /// An image, audio, resource or resource link, summarised.
    Media,
    /// A section heading (`structuredContent:`).
    Heading,
    /// Pretty-printed JSON.
    Json,
}

/// One line of a call's body.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyLine {
    pub kind: BodyKind,
    pub text: String,
}

/// Collects lines within the bounds and notes what was left out.
pub(super) struct Body {
    lines: Vec<BodyLine>,
    bytes: usize,
    dropped_lines: usize,
}

impl Body {
    pub(super) fn new() -> Body {
        Body {
            lines: Vec::new(),
            bytes: 0,
            dropped_lines: 0,
        }
    }

    pub(super) fn push(&mut self, kind: BodyKind, text: &str) {
        if self.lines.len() >= MAX_LINES || self.bytes >= MAX_BYTES {
            self.dropped_lines += 1;
            return;
        }
        let text = if text.chars().count() > MAX_LINE_CHARS {
            let mut t: String = text.chars().take(MAX_LINE_CHARS - 1).collect();
            t.push('…');
            t
        } else {
            text.to_string()
        };
        self.bytes += text.len();
        self.lines.push(BodyLine { kind, text });
    }

    /// Masks `text` (cut to the bytes still allowed first) and adds its lines.
    pub(super) fn push_text(&mut self, kind: BodyKind, text: &str) {
        let room = MAX_BYTES.saturating_sub(self.bytes);
        let cut = floor_boundary(text, room);
        let masked = mask_text(&text[..cut]);
        for line in masked.lines() {
            self.push(kind, line);
        }
        if cut < text.len() {
            self.dropped_lines += text[cut..].lines().count().max(1);
        }
    }
}

fn floor_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    (0..=max)
        .rev()
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(0)
}

/// The lines of a finished call, masked and bounded ([`MAX_LINES`], [`MAX_BYTES`]).
pub fn build(outcome: &CallOutcome) -> Vec<BodyLine> {
    let mut b = Body::new();
    match outcome {
        CallOutcome::Result(r) => {
            if r.is_error {
                b.push(
                    BodyKind::Error,
                    "✖ the tool ran and reported an error (isError):",
                );
            }
            if r.content.is_empty() && r.structured.is_none() {
                b.push(BodyKind::Note, "(empty result)");
            }
            for block in &r.content {
                content(&mut b, block);
            }
            if let Some(s) = &r.structured {
                b.push(BodyKind::Heading, "structuredContent:");
                let pretty = serde_json::to_string_pretty(&mask_json(s)).unwrap_or_default();
                b.push_text(BodyKind::Json, &pretty);
            }
        }
        CallOutcome::Rpc { code, message } => {
            b.push(
                BodyKind::Error,
                &format!("✖ JSON-RPC error {code}: {}", mask_text(message)),
            );
            b.push(
                BodyKind::Note,
                "The server rejected the request (a protocol error, not a tool result).",
            );
        }
        CallOutcome::Timeout(d) => b.push(
            BodyKind::Error,
            &format!(
                "⏱ no answer within {}s; notifications/cancelled was sent. The server may still have done the work.",
                d.as_secs_f64()
            ),
        ),
        CallOutcome::Cancelled => b.push(
            BodyKind::Note,
            "⊘ cancelled: notifications/cancelled was sent to the server.",
        ),
        CallOutcome::Interrupted { error, retried } => {
            b.push(
                BodyKind::Error,
                &format!(
                    "! the connection was lost during the call: {}",
                    mask_text(&error.to_string())
                ),
            );
            b.push(
                BodyKind::Note,
                if *retried {
                    "It was sent once more after reconnecting (the tool is idempotent) and was interrupted again."
                } else {
                    "The server may or may not have processed it; it was not retried."
                },
            );
        }
        CallOutcome::NotSent(e) => {
            b.push(BodyKind::Error, &format!("✖ not sent: {}", mask_text(&e.to_string())))
        }
    }
    b.finish()
}

impl Body {
    /// The lines, with a note of how many were left out, if any.
    pub(super) fn finish(mut self) -> Vec<BodyLine> {
        let b = &mut self;
        if b.dropped_lines > 0 {
            let n = b.dropped_lines;
            b.lines.push(BodyLine {
                kind: BodyKind::Note,
                text: format!(
                    "… {n} more line{} not shown (results are kept up to {} lines / {} KiB)",
                    if n == 1 { "" } else { "s" },
                    MAX_LINES,
                    MAX_BYTES / 1024
                ),
            });
        }
        self.lines
    }
}

pub(super) fn content(b: &mut Body, block: &Content) {
    let kib = |n: usize| {
        if n < 1024 {
            format!("{n} B")
        } else {
            format!("{:.1} KiB", n as f64 / 1024.0)
        }
    };
    match block {
        Content::Text(s) => b.push_text(BodyKind::Text, s),
        Content::Image { mime, bytes } => {
            b.push(BodyKind::Media, &format!("[image {mime}, {}]", kib(*bytes)))
        }
        Content::Audio { mime, bytes } => {
            b.push(BodyKind::Media, &format!("[audio {mime}, {}]", kib(*bytes)))
        }
        Content::ResourceLink { uri, name, mime } => b.push(
            BodyKind::Media,
            &format!(
                "→ resource link {}<{}>{}",
                name.as_deref().map(|n| format!("{n} ")).unwrap_or_default(),
                mask_text(&crate::text::url::redact(uri)),
                mime.as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            ),
        ),
        Content::Resource {
            uri,
            mime,
            text,
            bytes,
        } => {
            b.push(
                BodyKind::Media,
                &format!(
                    "[resource <{}>{}, {}]",
                    mask_text(&crate::text::url::redact(uri)),
                    mime.as_deref().map(|m| format!(" {m}")).unwrap_or_default(),
                    kib(*bytes)
                ),
            );
            if let Some(text) = text {
                b.push_text(BodyKind::Text, text);
            }
        }
        Content::Other(v) => b.push(BodyKind::Note, &mask_json(v).to_string()),
    }
}

/// `outcome` without the content that [`build`] turned into lines (kept for its kind).
pub fn strip(outcome: &mut CallOutcome) {
    if let CallOutcome::Result(r) = outcome {
        r.content = Vec::new();
        r.structured = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::mcp::types::CallResult;
    use serde_json::Value;

    fn result(content: Vec<Content>, structured: Option<Value>) -> CallOutcome {
        CallOutcome::Result(CallResult {
            content,
            structured,
            is_error: false,
        })
    }

    #[test]
    fn a_huge_result_is_bounded_and_says_so() {
        let big = "x".repeat(100) + "\n";
        let text = big.repeat(50_000); // about 5 MB
        let lines = build(&result(vec![Content::Text(text)], None));
        let bytes: usize = lines.iter().map(|l| l.text.len()).sum();
        assert!(lines.len() <= MAX_LINES + 1, "{}", lines.len());
        assert!(bytes <= MAX_BYTES + 200, "{bytes}");
        let last = lines.last().expect("a note");
        assert_eq!(last.kind, BodyKind::Note);
        assert!(last.text.contains("more lines not shown"), "{}", last.text);
    }

    #[test]
    fn a_long_line_is_cut() {
        let lines = build(&result(vec![Content::Text("y".repeat(10_000))], None));
        assert_eq!(lines[0].text.chars().count(), MAX_LINE_CHARS);
        assert!(lines[0].text.ends_with('…'));
    }

    #[test]
    fn secrets_are_masked_in_text_json_and_uris() {
        let lines = build(&result(
            vec![
                Content::Text("Authorization: Bearer abc.def.ghi".into()),
                Content::ResourceLink {
                    uri: "https://files.example/x?access_token=PLANTED".into(),
                    name: None,
                    mime: None,
                },
            ],
            Some(serde_json::json!({"password": "PLANTED", "ok": true})),
        ));
        let all: String = lines.iter().map(|l| l.text.as_str()).collect();
        assert!(
            !all.contains("PLANTED") && !all.contains("abc.def.ghi"),
            "{all}"
        );
        assert!(all.contains("\"ok\": true"), "{all}");
    }

    #[test]
    fn stripping_keeps_the_kind_of_outcome() {
        let mut o = CallOutcome::Result(CallResult {
            content: vec![Content::Text("t".into())],
            structured: Some(serde_json::json!({"a": 1})),
            is_error: true,
        });
        strip(&mut o);
        assert!(matches!(&o, CallOutcome::Result(r) if r.is_error && r.content.is_empty()));
        assert!(!o.is_success());
    }
}
