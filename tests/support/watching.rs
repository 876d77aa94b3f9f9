//! `mcptop watch`'s stdout read as it comes: wait for a line, then read the rest and the
//! exit code.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout};

/// A running watch's stdout, read line by line, each line with the instant it was read.
pub struct Watching {
    child: Child,
    reader: Lines<BufReader<ChildStdout>>,
    lines: Vec<(Instant, String)>,
}

impl Watching {
    pub fn new(mut child: Child) -> Watching {
        let stdout = child.stdout.take().expect("stdout");
        Watching {
            child,
            reader: BufReader::new(stdout).lines(),
            lines: Vec::new(),
        }
    }

    /// Reads lines until one's JSON satisfies `pred`. Panics: the output ends first, or
    /// `limit` passes.
    pub async fn until(&mut self, what: &str, limit: Duration, pred: impl Fn(&Value) -> bool) {
        let read = async {
            loop {
                let line = self
                    .reader
                    .next_line()
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| panic!("the watch ended before {what}"));
                let hit = serde_json::from_str::<Value>(&line).is_ok_and(|v| pred(&v));
                self.lines.push((Instant::now(), line));
                if hit {
                    return;
                }
            }
        };
        if tokio::time::timeout(limit, read).await.is_err() {
            panic!("no {what} within {limit:?}: {:?}", self.lines);
        }
    }

    /// The rest of stdout (after the lines read so far), the exit code and stderr.
    pub async fn finish(mut self, limit: Duration) -> (Vec<(Instant, String)>, i32, String) {
        let lines = &mut self.lines;
        let reader = &mut self.reader;
        let read = async {
            while let Ok(Some(l)) = reader.next_line().await {
                lines.push((Instant::now(), l));
            }
        };
        tokio::time::timeout(limit, read)
            .await
            .unwrap_or_else(|_| panic!("the watch did not end within {limit:?}"));
        let out = self.child.wait_with_output().await.expect("exit");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (self.lines, out.status.code().unwrap_or(-1), stderr)
    }
}

/// Every stdout line, each with the instant it was read; and the exit code.
pub async fn lines_and_exit(
    child: Child,
    limit: Duration,
) -> (Vec<(Instant, String)>, i32, String) {
    Watching::new(child).finish(limit).await
}

/// An interval line judged healthy: past warming up, nothing pending or breached.
pub fn judged_ok(v: &Value) -> bool {
    v["kind"] == "interval" && v["status"] == "ok"
}
