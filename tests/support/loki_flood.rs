//! A flood of JSON lines into the test Loki (`support::loki`), for tests of the buffer's
//! caps and of keys under load.

use std::time::Duration;

use super::loki::{Entry, FakeLoki, Push, now_ns, pairs};

impl FakeLoki {
    /// Pushes `per_sec / 10` JSON lines every 100 ms for `secs` seconds (every 10th an
    /// error), timestamps strictly increasing from the wall clock.
    pub fn flood(
        &self,
        per_sec: u64,
        secs: u64,
        stream: &[(&str, &str)],
    ) -> tokio::task::JoinHandle<()> {
        let db = self.db.clone();
        let stream = pairs(stream);
        tokio::spawn(async move {
            let per_tick = (per_sec / 10).max(1);
            let mut n: u64 = 0;
            let mut last_ts = 0i64;
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            for _ in 0..secs * 10 {
                tick.tick().await;
                let base = now_ns().max(last_ts + 1);
                let batch: Vec<Entry> = (0..per_tick)
                    .map(|i| {
                        n += 1;
                        let line = if n.is_multiple_of(10) {
                            format!(
                                r#"{{"level":"error","module":"notion","msg":"upstream timeout after 3000 ms (request {n})","duration_ms":3000}}"#
                            )
                        } else {
                            format!(
                                r#"{{"level":"info","module":"notion","msg":"call {n} done","duration_ms":12}}"#
                            )
                        };
                        Entry {
                            stream: stream.clone(),
                            ts_ns: base + i as i64,
                            line,
                            metadata: Vec::new(),
                        }
                    })
                    .collect();
                last_ts = base + per_tick as i64;
                db.0.lock()
                    .expect("lock")
                    .entries
                    .extend(batch.iter().cloned());
                let _ = db.1.send(Push::Entries(batch));
            }
        })
    }
}
