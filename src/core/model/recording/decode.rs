//! JSON lines back into records: series and stream IDs into the keys and label sets they
//! stand for, `dt`s into Unix ms.

use std::sync::Arc;
use std::time::Duration;

use super::logs::{LokiChange, follow_of, source_of};
use super::{Event, FORMAT, Header, Line, VERSION};
use crate::model::dashboard::{Scrape, ScrapedSample};
use crate::model::logs::Labels;
use crate::model::series::SeriesKey;
use crate::model::status::HealthInfo;

/// What a frame's lines held, besides series definitions.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Header(Box<Header>),
    Event(Event),
}

/// Why a frame could not be read; `Display` says it for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A line that is not one of the format's records.
    #[error("line {line} of the frame is not a record: {message}")]
    Json { line: usize, message: String },
    /// A record before the header.
    #[error("no header: not an mcptop recording")]
    NoHeader,
    /// A header of another format.
    #[error("format `{0}` is not an mcptop recording")]
    Format(String),
    /// A header of a newer format version than this mcptop reads.
    #[error(
        "recording format version {found} is newer than this mcptop reads ({reads}): use \
         mcptop {mcptop} or newer"
    )]
    Newer {
        found: u32,
        reads: u32,
        mcptop: String,
    },
    /// A sample naming a series no line defined, or a definition out of turn.
    #[error("series {0} is not defined before its use")]
    Series(u32),
    /// A log entry naming a stream no line defined, or a definition out of turn.
    #[error("log stream {0} is not defined before its use")]
    Stream(u32),
    /// A `logs` or `loki` record whose fields do not go together (line `line` of the frame).
    #[error("line {line} of the frame: {message}")]
    Record { line: usize, message: String },
}

/// Reads the frames of one file in order ([`Decoder::frame`]).
#[derive(Debug, Default)]
pub struct Decoder {
    series: Vec<Arc<SeriesKey>>,
    streams: Vec<Arc<Labels>>,
    header: Option<Header>,
    last_t_ms: i64,
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// The header, once read.
    pub fn header(&self) -> Option<&Header> {
        self.header.as_ref()
    }

    /// Series defined so far.
    pub fn series(&self) -> usize {
        self.series.len()
    }

    /// The records of one frame's text (JSON lines; an empty line is skipped).
    ///
    /// Errors: a line that is not a record, a record before the header, a header of another
    /// format or of a newer version, a series used before it is defined.
    pub fn frame(&mut self, text: &str) -> Result<Vec<Item>, DecodeError> {
        let mut out = Vec::new();
        for (n, text) in text.lines().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            let line: Line = serde_json::from_str(text).map_err(|e| DecodeError::Json {
                line: n + 1,
                message: e.to_string(),
            })?;
            let record = |message: String| DecodeError::Record {
                line: n + 1,
                message,
            };
            if let Some(item) = self.line(line, record)? {
                out.push(item);
            }
        }
        Ok(out)
    }

    fn line(
        &mut self,
        line: Line,
        record: impl Fn(String) -> DecodeError,
    ) -> Result<Option<Item>, DecodeError> {
        if let Line::Header(h) = line {
            if h.format != FORMAT {
                return Err(DecodeError::Format(h.format));
            }
            if h.version > VERSION {
                return Err(DecodeError::Newer {
                    found: h.version,
                    reads: VERSION,
                    mcptop: h.mcptop,
                });
            }
            self.last_t_ms = h.t;
            self.header = Some(h.clone());
            return Ok(Some(Item::Header(Box::new(h))));
        }
        if self.header.is_none() {
            return Err(DecodeError::NoHeader);
        }
        let mut at = |dt: i64| {
            self.last_t_ms = self.last_t_ms.saturating_add(dt);
            self.last_t_ms
        };
        let event = match line {
            Line::Header(_) => return Ok(None),
            Line::Series { id, name, labels } => {
                if id as usize != self.series.len() {
                    return Err(DecodeError::Series(id));
                }
                self.series.push(Arc::new(SeriesKey::new(&name, labels)));
                return Ok(None);
            }
            Line::Targets { dt, targets } => Event::Targets {
                t_ms: at(dt),
                targets,
            },
            Line::Scrape {
                dt,
                target,
                ms,
                bytes,
                v,
                error,
            } => {
                let t_ms = at(dt);
                let result = match error {
                    Some(e) => Err(e),
                    None => {
                        let mut samples = Vec::with_capacity(v.len());
                        for p in v {
                            let key = self
                                .series
                                .get(p.0 as usize)
                                .ok_or(DecodeError::Series(p.0))?;
                            samples.push(ScrapedSample {
                                key: Arc::clone(key),
                                value: p.1,
                                timestamp_ms: p.2,
                            });
                        }
                        Ok(Scrape {
                            t_ms,
                            duration: Duration::from_millis(ms.unwrap_or(0)),
                            bytes: usize::try_from(bytes.unwrap_or(0)).unwrap_or(usize::MAX),
                            samples,
                        })
                    }
                };
                Event::Scrape {
                    target,
                    t_ms,
                    result,
                }
            }
            Line::Health {
                dt,
                target,
                status,
                version,
                error,
            } => Event::Health {
                target,
                t_ms: at(dt),
                result: match error {
                    Some(e) => Err(e),
                    None => Ok(HealthInfo {
                        status: status.unwrap_or_default(),
                        version,
                    }),
                },
            },
            Line::Alerts {
                dt,
                instance,
                alerts,
            } => Event::Alerts {
                t_ms: at(dt),
                instance,
                alerts,
            },
            Line::Deploy { dt, target, set } => Event::Deploy {
                t_ms: at(dt),
                target,
                set,
            },
            Line::Stream { id, labels } => {
                if id as usize != self.streams.len() {
                    return Err(DecodeError::Stream(id));
                }
                self.streams.push(Arc::new(labels));
                return Ok(None);
            }
            Line::Logs {
                dt,
                source,
                server,
                entries,
            } => {
                let source = source_of(&source, server).map_err(&record)?;
                let mut out = Vec::with_capacity(entries.len());
                for e in entries {
                    let stream = self
                        .streams
                        .get(e.stream as usize)
                        .ok_or(DecodeError::Stream(e.stream))?;
                    out.push(e.entry(Arc::clone(stream)));
                }
                Event::Logs {
                    t_ms: at(dt),
                    source,
                    entries: out,
                }
            }
            Line::Loki {
                dt,
                query,
                follow,
                error,
            } => {
                let change = match (query, follow, error) {
                    (Some(q), None, None) => LokiChange::Query(q),
                    (None, Some(f), None) => LokiChange::Connected(follow_of(&f).map_err(&record)?),
                    (None, None, Some(e)) => LokiChange::Failed(e),
                    _ => {
                        return Err(record(
                            "a loki record has one of query, follow or error".to_string(),
                        ));
                    }
                };
                Event::Loki {
                    t_ms: at(dt),
                    change,
                }
            }
            Line::End { dt, reason } => Event::End {
                t_ms: at(dt),
                reason,
            },
        };
        Ok(Some(Item::Event(event)))
    }
}
