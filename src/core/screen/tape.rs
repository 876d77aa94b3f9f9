//! A recording being written (`--record FILE`) or replayed (`mcptop replay FILE`), as the
//! footer says it: `● rec 1.2 MiB`, `replay 10x paused at 03:12:40`.

/// The replay speeds, slowest first: recorded time per wall-clock time.
pub const SPEEDS: [u32; 3] = [1, 10, 60];

/// What the footer says about a recording.
#[derive(Debug, Clone, PartialEq)]
pub enum Tape {
    /// Recording into a file of `bytes`; `stopped` once it stopped (the size limit, a
    /// write that failed), and why.
    Recording { bytes: u64, stopped: Option<String> },
    /// Replaying: `speed` (one of [`SPEEDS`]), `paused`, the replay's instant `at_ms` (Unix
    /// ms), whether it reached the recording's end, and the bytes a cut-off file dropped.
    Replay {
        speed: u32,
        paused: bool,
        at_ms: i64,
        ended: bool,
        dropped_bytes: u64,
    },
}

impl Tape {
    /// The footer's words; the replay's instant in the local time zone (`HH:MM:SS`).
    pub fn text(&self) -> String {
        match self {
            Tape::Recording {
                bytes,
                stopped: None,
            } => format!("● rec {}", crate::text::format::bytes(*bytes as f64)),
            Tape::Recording {
                bytes,
                stopped: Some(_),
            } => format!(
                "rec stopped at {}",
                crate::text::format::bytes(*bytes as f64)
            ),
            Tape::Replay {
                speed,
                paused,
                at_ms,
                ended,
                dropped_bytes,
            } => {
                let at = chrono::DateTime::from_timestamp_millis(*at_ms)
                    .map(|t| {
                        t.with_timezone(&chrono::Local)
                            .format("%H:%M:%S")
                            .to_string()
                    })
                    .unwrap_or_default();
                let state = if *ended {
                    "ended"
                } else if *paused {
                    "paused"
                } else {
                    ""
                };
                let mut text = format!("replay {speed}x ");
                if !state.is_empty() {
                    text.push_str(state);
                    text.push(' ');
                }
                text.push_str("at ");
                text.push_str(&at);
                if *dropped_bytes > 0 {
                    text.push_str(&format!(" · {dropped_bytes} B cut off"));
                }
                text
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_footer_says_speed_pause_and_what_a_cut_off_file_lost() {
        let replay = |paused, ended, dropped_bytes| Tape::Replay {
            speed: 10,
            paused,
            at_ms: 0,
            ended,
            dropped_bytes,
        };
        let at = chrono::DateTime::from_timestamp_millis(0)
            .expect("epoch")
            .with_timezone(&chrono::Local)
            .format("%H:%M:%S")
            .to_string();
        assert_eq!(
            replay(true, false, 0).text(),
            format!("replay 10x paused at {at}")
        );
        assert_eq!(
            replay(false, false, 0).text(),
            format!("replay 10x at {at}")
        );
        assert_eq!(
            replay(false, true, 17).text(),
            format!("replay 10x ended at {at} · 17 B cut off")
        );
        let rec = Tape::Recording {
            bytes: 2048,
            stopped: None,
        };
        assert_eq!(rec.text(), "● rec 2.0 KiB");
    }
}
