//! Which tools must be called as tasks: `execution.taskSupport` read off the raw
//! `tools/list` answers, because rmcp 3.9's `Tool` has no `execution` field and drops it
//! when it decodes (spec 2025-11-25, `Tool.execution`, SEP-1686).
//!
//! The transports hand every message they pass to rmcp to [`TaskTap::see`] (stdio: each line
//! through [`TapReader`]; Streamable HTTP: each SSE event's data, in `http_cut`), after the
//! depth cut, so what is parsed here nests at most 64 levels. Only a message holding both
//! `"tools"` and `"inputSchema"` is parsed, and only a `result.tools` array is read. A JSON
//! (non-SSE) HTTP answer is decoded inside rmcp's client and never seen: its tools stay
//! ordinary (`Forbidden`).

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};

use serde_json::Value;
use tokio::io::{AsyncRead, ReadBuf};

use crate::model::mcp::TaskSupport;

/// Longest stdio line kept to be looked at, in bytes; a longer one passes unseen.
const MAX_LINE: usize = 16 * 1024 * 1024;

/// A line buffer bigger than this is freed once its line is seen.
const KEEP_CAPACITY: usize = 1024 * 1024;

/// Each tool name's last seen `execution.taskSupport`, shared by a server's transports,
/// its lister and its calls. Cheap to clone.
#[derive(Clone, Default)]
pub(super) struct TaskTap(Arc<Mutex<HashMap<String, TaskSupport>>>);

impl TaskTap {
    /// Records the tools of `message` (one JSON-RPC message) if it answers a `tools/list`;
    /// anything else, including a message that is not JSON, is ignored.
    pub fn see(&self, message: &[u8]) {
        if !contains(message, b"\"tools\"") || !contains(message, b"\"inputSchema\"") {
            return;
        }
        let Ok(value) = serde_json::from_slice::<Value>(message) else {
            return;
        };
        let Some(tools) = value.pointer("/result/tools").and_then(Value::as_array) else {
            return;
        };
        let mut map = self.lock();
        for tool in tools {
            if let Some(name) = tool.get("name").and_then(Value::as_str) {
                let word = tool
                    .pointer("/execution/taskSupport")
                    .and_then(Value::as_str);
                map.insert(name.to_string(), TaskSupport::parse(word));
            }
        }
    }

    /// The tool's task support as last listed; `Forbidden` for a tool never seen.
    pub fn support(&self, tool: &str) -> TaskSupport {
        self.lock().get(tool).copied().unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, TaskSupport>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A reader of newline-delimited JSON-RPC (a stdio server's stdout) that shows each whole
/// line to a [`TaskTap`] as it passes, unchanged.
pub(super) struct TapReader<R> {
    inner: R,
    tap: TaskTap,
    line: Vec<u8>,
    /// The current line outgrew [`MAX_LINE`]: skipped up to its newline.
    skipping: bool,
}

impl<R> TapReader<R> {
    pub fn new(inner: R, tap: TaskTap) -> Self {
        Self {
            inner,
            tap,
            line: Vec::new(),
            skipping: false,
        }
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let (part, ended) = match bytes.iter().position(|&b| b == b'\n') {
                Some(i) => (&bytes[..i], true),
                None => (bytes, false),
            };
            if !self.skipping {
                if self.line.len() + part.len() > MAX_LINE {
                    self.skipping = true;
                    self.line.clear();
                } else {
                    self.line.extend_from_slice(part);
                }
            }
            if ended {
                if !self.skipping {
                    self.tap.see(&self.line);
                }
                self.skipping = false;
                self.line.clear();
                if self.line.capacity() > KEEP_CAPACITY {
                    self.line = Vec::new();
                }
                bytes = &bytes[part.len() + 1..];
            } else {
                bytes = &[];
            }
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for TapReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        this.feed(&buf.filled()[before..]);
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    const LIST: &str = r#"{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"echo","inputSchema":{"type":"object"}},{"name":"simulate-research-query","inputSchema":{"type":"object"},"execution":{"taskSupport":"required"}},{"name":"maybe","inputSchema":{},"execution":{"taskSupport":"optional"}}]}}"#;

    #[test]
    fn a_tools_list_answer_records_each_tools_support() {
        let tap = TaskTap::default();
        tap.see(LIST.as_bytes());
        assert_eq!(
            tap.support("simulate-research-query"),
            TaskSupport::Required
        );
        assert_eq!(tap.support("maybe"), TaskSupport::Optional);
        assert_eq!(tap.support("echo"), TaskSupport::Forbidden);
        assert_eq!(tap.support("never-listed"), TaskSupport::Forbidden);
    }

    #[test]
    fn a_later_list_without_execution_makes_the_tool_ordinary_again() {
        let tap = TaskTap::default();
        tap.see(LIST.as_bytes());
        tap.see(br#"{"jsonrpc":"2.0","id":3,"result":{"tools":[{"name":"simulate-research-query","inputSchema":{}}]}}"#);
        assert_eq!(
            tap.support("simulate-research-query"),
            TaskSupport::Forbidden
        );
    }

    #[test]
    fn other_messages_and_non_json_are_ignored() {
        let tap = TaskTap::default();
        // A call result that merely mentions the words, and broken JSON.
        tap.see(br#"{"jsonrpc":"2.0","id":4,"result":{"content":[{"type":"text","text":"\"tools\" \"inputSchema\""}],"tools":{"name":"x"}}}"#);
        tap.see(br#"{"result":{"tools":[{"name":"x","inputSchema":{},"execution":{"taskSupport":"required"}"#);
        assert_eq!(tap.support("x"), TaskSupport::Forbidden);
    }

    #[tokio::test]
    async fn the_reader_passes_bytes_unchanged_and_sees_lines_split_across_reads() {
        let tap = TaskTap::default();
        let input = format!("{{\"jsonrpc\":\"2.0\",\"method\":\"x\"}}\n{LIST}\n");
        // A reader that hands out 7 bytes at a time.
        let (mut w, r) = tokio::io::duplex(7);
        let bytes = input.clone().into_bytes();
        let writer = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            w.write_all(&bytes).await.expect("write");
        });
        let mut reader = TapReader::new(r, tap.clone());
        let mut out = Vec::new();
        reader.read_to_end(&mut out).await.expect("read");
        writer.await.expect("writer");
        assert_eq!(out, input.as_bytes());
        assert_eq!(
            tap.support("simulate-research-query"),
            TaskSupport::Required
        );
    }
}
