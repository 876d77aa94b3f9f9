//! Cutting JSON-RPC messages nested too deep, before rmcp decodes them.
//!
//! serde_json refuses input nested deeper than 128 levels ("recursion limit exceeded"), and
//! rmcp 3.9 drops such a message (stdio, SSE event) or fails the request (a JSON body): one
//! tool whose `inputSchema` nests 3,000 levels loses the whole `tools/list` answer. The
//! [`Cutter`] rewrites the bytes of each message so that any array or object that would sit
//! deeper than [`MAX_DEPTH`] is replaced by [`CUT_VALUE`], an object carrying
//! [`CUT_KEY`](crate::model::mcp::state::CUT_KEY); everything shallower passes unchanged,
//! byte for byte. The rest of the answer (the other tools) then decodes normally, and the
//! app never holds a value deep enough to overflow a stack when it is walked or dropped.
//!
//! The scan keeps a counter, not a stack: 100,000 levels cost no more than 100. It knows
//! JSON only as far as strings (quotes and backslash escapes) and brackets; a message that is
//! not JSON stays not JSON. A raw newline never occurs inside a JSON text's strings, so it
//! ends a stdio message and resets the scan.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, ReadBuf};

/// Deepest array or object kept, counting the message itself as level 1. Leaves room under
/// serde_json's 128 for the marker and for code that walks values recursively.
pub const MAX_DEPTH: usize = crate::model::mcp::state::CUT_DEPTH;

/// What stands in for a cut value: an empty schema (accepts anything) with a note.
pub const CUT_VALUE: &str = concat!(
    r#"{"x-mcptop-cut":"nested deeper than 64 levels","#,
    r#""description":"cut by mcptop: nested deeper than 64 levels"}"#
);

/// What becomes of one byte.
enum Byte {
    Keep,
    Drop,
    /// The first bracket of a value too deep: the marker goes where the value was.
    Cut,
}

/// The scan state across chunks of one stream.
#[derive(Debug, Default)]
pub struct Cutter {
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Open brackets inside the value being skipped; 0 when not skipping.
    skipping: usize,
    /// Values cut since the last [`Cutter::take_cuts`].
    cuts: usize,
    /// Each line is a message of its own (stdio): a newline starts afresh. Otherwise (an
    /// HTTP body, an SSE event's data, whose lines are joined by newlines) a newline is
    /// whitespace inside the one message.
    per_line: bool,
}

impl Cutter {
    /// A cutter for newline-delimited messages (stdio).
    pub fn per_line() -> Self {
        Self {
            per_line: true,
            ..Self::default()
        }
    }

    /// Appends to `out` what `input` becomes: the same bytes, minus the insides of values
    /// deeper than [`MAX_DEPTH`], each replaced by [`CUT_VALUE`].
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &b in input {
            if b == b'\n' && self.per_line {
                *self = Self {
                    cuts: self.cuts,
                    ..Self::per_line()
                };
                out.push(b);
                continue;
            }
            match self.step(b) {
                Byte::Keep => out.push(b),
                Byte::Drop => {}
                Byte::Cut => out.extend_from_slice(CUT_VALUE.as_bytes()),
            }
        }
    }

    /// Advances over one byte (not a newline between messages).
    fn step(&mut self, b: u8) -> Byte {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return self.keep();
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' if self.skipping > 0 => self.skipping += 1,
            b'{' | b'[' if self.depth >= MAX_DEPTH => {
                self.skipping = 1;
                self.cuts += 1;
                return Byte::Cut;
            }
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' if self.skipping > 0 => {
                self.skipping -= 1;
                return Byte::Drop;
            }
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        self.keep()
    }

    fn keep(&self) -> Byte {
        if self.skipping == 0 {
            Byte::Keep
        } else {
            Byte::Drop
        }
    }

    /// How many values were cut since the last call.
    pub fn take_cuts(&mut self) -> usize {
        std::mem::take(&mut self.cuts)
    }
}

/// `text` (one message, which may span lines) with values deeper than [`MAX_DEPTH`] cut,
/// and how many were cut.
/// Unchanged (and not copied) when nothing is that deep.
pub fn cut_text(text: &str) -> (std::borrow::Cow<'_, str>, usize) {
    let mut cutter = Cutter::default();
    let mut out = Vec::new();
    cutter.feed(text.as_bytes(), &mut out);
    match cutter.take_cuts() {
        0 => (text.into(), 0),
        // Only whole values between ASCII brackets were removed: still UTF-8.
        n => (String::from_utf8_lossy(&out).into_owned().into(), n),
    }
}

/// Size of the reads from the wrapped reader.
const CHUNK: usize = 16 * 1024;

/// A reader whose bytes (newline-delimited JSON-RPC messages) pass through a [`Cutter`].
pub struct CutReader<R> {
    inner: R,
    cutter: Cutter,
    raw: Box<[u8]>,
    out: Vec<u8>,
    pos: usize,
    /// Called with the number of values cut in each chunk that had any.
    on_cut: Box<dyn Fn(usize) + Send + Sync>,
}

impl<R> CutReader<R> {
    pub fn new(inner: R, on_cut: impl Fn(usize) + Send + Sync + 'static) -> Self {
        Self {
            inner,
            cutter: Cutter::per_line(),
            raw: vec![0; CHUNK].into_boxed_slice(),
            out: Vec::with_capacity(CHUNK),
            pos: 0,
            on_cut: Box::new(on_cut),
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for CutReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.pos < this.out.len() {
                let n = buf.remaining().min(this.out.len() - this.pos);
                buf.put_slice(&this.out[this.pos..this.pos + n]);
                this.pos += n;
                if this.pos == this.out.len() {
                    this.out.clear();
                    this.pos = 0;
                }
                return Poll::Ready(Ok(()));
            }
            let mut raw = ReadBuf::new(&mut this.raw);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut raw))?;
            let read = raw.filled();
            if read.is_empty() {
                return Poll::Ready(Ok(()));
            }
            this.cutter.feed(read, &mut this.out);
            let cuts = this.cutter.take_cuts();
            if cuts > 0 {
                (this.on_cut)(cuts);
            }
            // A chunk wholly inside a cut value gives nothing: read on.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::mcp::state::CUT_KEY;
    use serde_json::Value;
    use tokio::io::AsyncReadExt;

    fn nested(levels: usize) -> String {
        format!("{}{}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn shallow_messages_pass_unchanged() {
        let msg = r#"{"a":[1,{"b":"x]}\"{["}],"c":"é"}"#;
        let (out, cuts) = cut_text(msg);
        assert_eq!(out, msg);
        assert_eq!(cuts, 0);
        let deepest_kept = nested(MAX_DEPTH);
        let (out, _) = cut_text(&deepest_kept);
        assert_eq!(out, deepest_kept);
    }

    #[test]
    fn one_level_too_deep_is_replaced_by_the_marker() {
        let too_deep = nested(MAX_DEPTH + 1);
        let (out, cuts) = cut_text(&too_deep);
        assert_eq!(cuts, 1);
        let expected = format!(
            "{}{CUT_VALUE}{}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert_eq!(out, expected);
        let v: Value = serde_json::from_str(&out).expect("the cut text is JSON");
        let mut inner = &v;
        for _ in 1..MAX_DEPTH {
            inner = &inner[0];
        }
        assert!(inner[0].get(CUT_KEY).is_some(), "{inner}");
    }

    #[test]
    fn the_marker_names_the_key_and_the_depth() {
        assert!(CUT_VALUE.contains(CUT_KEY));
        assert!(CUT_VALUE.contains(&format!("deeper than {MAX_DEPTH} levels")));
    }

    #[test]
    fn a_tools_list_with_one_deep_schema_keeps_its_other_tools() {
        let deep = "{\"type\":\"object\",\"properties\":{\"a\":".repeat(50_000)
            + "{}"
            + &"}}".repeat(50_000);
        let msg = format!(
            r#"{{"jsonrpc":"2.0","id":1,"result":{{"tools":[{{"name":"deep","inputSchema":{deep}}},{{"name":"echo","inputSchema":{{"type":"object","properties":{{"text":{{"type":"string","pattern":"[{{"}}}}}}}}]}}}}"#
        );
        assert!(
            serde_json::from_str::<Value>(&msg).is_err(),
            "too deep as sent"
        );
        let (out, cuts) = cut_text(&msg);
        assert_eq!(cuts, 1);
        let v: Value = serde_json::from_str(&out).expect("decodes once cut");
        let tools = v["result"]["tools"].as_array().expect("tools");
        assert_eq!(tools.len(), 2);
        assert_eq!(
            tools[1]["inputSchema"]["properties"]["text"]["pattern"],
            "[{"
        );
        assert!(out.contains(CUT_KEY));
    }

    #[test]
    fn strings_with_brackets_and_escapes_do_not_count() {
        let msg = format!(r#"{{"s":"{}\"\\","t":{}}}"#, "[".repeat(200), nested(3));
        let (out, cuts) = cut_text(&msg);
        assert_eq!((out.as_ref(), cuts), (msg.as_str(), 0));
    }

    #[test]
    fn a_newline_ends_a_message_and_resets_the_scan() {
        let mut c = Cutter::per_line();
        let mut out = Vec::new();
        // An unterminated deep message, then a good one.
        c.feed(b"\"unclosed [[[", &mut out);
        c.feed("[".repeat(MAX_DEPTH + 5).as_bytes(), &mut out);
        c.feed(b"\n[1]\n", &mut out);
        assert!(out.ends_with(b"\n[1]\n"));
        assert_eq!(c.take_cuts(), 0, "the brackets were inside a string");
    }

    #[test]
    fn a_message_spanning_lines_is_cut_as_one() {
        // An SSE event whose data lines sse-stream joins with newlines, and a pretty-printed
        // body: the newlines are whitespace inside the one message.
        let levels = MAX_DEPTH + 6;
        let text = format!(
            "{{\"id\":2,\"result\":{}\n{}}}",
            "[".repeat(levels),
            "]\n".repeat(levels)
        );
        let (cut, n) = cut_text(&text);
        assert_eq!(n, 1);
        let v: Value = serde_json::from_str(&cut).expect("still one JSON message");
        assert_eq!(v["id"], 2);
    }

    #[tokio::test]
    async fn the_reader_cuts_across_chunk_boundaries() {
        let deep = nested(100_000);
        let input = format!("{}\n{}\n", deep, r#"{"ok":true}"#);
        let counted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = counted.clone();
        let mut reader = CutReader::new(input.as_bytes(), move |n| {
            seen.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        });
        let mut out = String::new();
        reader.read_to_string(&mut out).await.expect("reads");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(serde_json::from_str::<Value>(lines[0]).is_ok());
        assert_eq!(lines[1], r#"{"ok":true}"#);
        assert_eq!(counted.load(std::sync::atomic::Ordering::Relaxed), 1);
    }
}
