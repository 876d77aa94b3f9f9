//! Records into JSON lines: each series key and each log stream's label set is written
//! once, with the ID its samples or entries use from then on, and each record's time is the
//! `dt` after the previous one's.

use std::collections::HashMap;
use std::sync::Arc;

use super::logs::{EntryLine, LokiChange, follow_word, source_fields};
use super::value::Point;
use super::{Event, Header, Line};
use crate::model::logs::Labels;
use crate::model::series::SeriesKey;

/// Turns [`Event`]s into the lines of one frame each, remembering the series IDs given so
/// far and the time of the last record. One encoder per file, fed in time order.
#[derive(Debug)]
pub struct Encoder {
    ids: HashMap<Arc<SeriesKey>, u32>,
    streams: HashMap<Labels, u32>,
    last_t_ms: i64,
}

impl Encoder {
    /// An encoder for a file whose header says recording started at `start_ms`.
    pub fn new(start_ms: i64) -> Encoder {
        Encoder {
            ids: HashMap::new(),
            streams: HashMap::new(),
            last_t_ms: start_ms,
        }
    }

    /// The header's line.
    pub fn header(header: &Header) -> String {
        line(&Line::Header(header.clone()))
    }

    /// Series keys given an ID so far.
    pub fn series(&self) -> usize {
        self.ids.len()
    }

    /// The lines of `event`'s frame: the series and log streams it is the first to name,
    /// then its record; each line ends with `\n`. A record a few ms older than the previous
    /// one (the scrape and health tasks read the clock each on its own) keeps its own time:
    /// its `dt` is negative.
    pub fn encode(&mut self, event: &Event) -> String {
        let t = event.t_ms();
        let dt = t.saturating_sub(self.last_t_ms);
        self.last_t_ms = t;
        let mut out = String::new();
        let record = match event {
            Event::Targets { targets, .. } => Line::Targets {
                dt,
                targets: targets.clone(),
            },
            Event::Scrape { target, result, .. } => match result {
                Ok(scrape) => {
                    let mut v = Vec::with_capacity(scrape.samples.len());
                    for s in &scrape.samples {
                        let id = self.id(&s.key, &mut out);
                        v.push(Point(id, s.value, s.timestamp_ms));
                    }
                    Line::Scrape {
                        dt,
                        target: *target,
                        ms: Some(u64::try_from(scrape.duration.as_millis()).unwrap_or(u64::MAX)),
                        bytes: Some(scrape.bytes as u64),
                        v,
                        error: None,
                    }
                }
                Err(e) => Line::Scrape {
                    dt,
                    target: *target,
                    ms: None,
                    bytes: None,
                    v: Vec::new(),
                    error: Some(e.clone()),
                },
            },
            Event::Health { target, result, .. } => match result {
                Ok(info) => Line::Health {
                    dt,
                    target: *target,
                    status: Some(info.status.clone()),
                    version: info.version.clone(),
                    error: None,
                },
                Err(e) => Line::Health {
                    dt,
                    target: *target,
                    status: None,
                    version: None,
                    error: Some(e.clone()),
                },
            },
            Event::Alerts {
                instance, alerts, ..
            } => Line::Alerts {
                dt,
                instance: *instance,
                alerts: alerts.clone(),
            },
            Event::Deploy { target, set, .. } => Line::Deploy {
                dt,
                target: target.clone(),
                set: *set,
            },
            Event::Logs {
                source, entries, ..
            } => {
                let (source, server) = source_fields(source);
                let entries = entries
                    .iter()
                    .map(|e| EntryLine::of(e, self.stream(&e.stream, &mut out)))
                    .collect();
                Line::Logs {
                    dt,
                    source,
                    server,
                    entries,
                }
            }
            Event::Loki { change, .. } => {
                let (mut query, mut follow, mut error) = (None, None, None);
                match change {
                    LokiChange::Query(q) => query = Some(q.clone()),
                    LokiChange::Connected(m) => follow = Some(follow_word(*m).to_string()),
                    LokiChange::Failed(e) => error = Some(e.clone()),
                }
                Line::Loki {
                    dt,
                    query,
                    follow,
                    error,
                }
            }
            Event::End { reason, .. } => Line::End {
                dt,
                reason: reason.clone(),
            },
        };
        out.push_str(&line(&record));
        out
    }

    /// The ID of `key`, writing its series line into `out` the first time.
    fn id(&mut self, key: &Arc<SeriesKey>, out: &mut String) -> u32 {
        if let Some(id) = self.ids.get(key) {
            return *id;
        }
        let id = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        out.push_str(&line(&Line::Series {
            id,
            name: key.name.to_string(),
            labels: key
                .labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }));
        self.ids.insert(Arc::clone(key), id);
        id
    }

    /// The ID of the log stream `labels`, writing its stream line into `out` the first
    /// time.
    fn stream(&mut self, labels: &Labels, out: &mut String) -> u32 {
        if let Some(id) = self.streams.get(labels) {
            return *id;
        }
        let id = u32::try_from(self.streams.len()).unwrap_or(u32::MAX);
        out.push_str(&line(&Line::Stream {
            id,
            labels: labels.clone(),
        }));
        self.streams.insert(labels.clone(), id);
        id
    }
}

/// `record` as one JSON line ending with `\n`.
fn line(record: &Line) -> String {
    // Serializing these types cannot fail: every map key is a string.
    let mut text = serde_json::to_string(record).unwrap_or_default();
    text.push('\n');
    text
}
