//! The recording file (`--record FILE`): one zstd frame per record, appended as records
//! come, on a thread of its own (the event loop hands records over and never waits on the
//! disk); and the reader of such a file, which stops cleanly at the last whole frame of a
//! file cut off by a crash or `kill -9`.
//!
//! Why a frame per record: a frame is complete or it is not, so a cut-off file loses only
//! the frame being written, and the reader knows exactly how many bytes it dropped. The
//! records' JSON lines are [`crate::model::recording`]'s.

use std::io::Write;
use std::path::{Path, PathBuf};

use tokio::sync::mpsc;

use super::FileError;
use crate::Update;
use crate::model::recording::{Decoder, Encoder, Event, Header, Item};

/// zstd's level: 3 is its default, fast enough for a scrape of 100,000 samples a second.
const LEVEL: i32 = 3;
/// Room kept under the size limit for the last record, which says why recording stopped.
const END_RESERVE: u64 = 512;
/// Records waiting for the disk; past this the recording stops rather than hold the
/// event loop or grow without bound.
const QUEUE: usize = 1024;
/// The smallest `record_max_bytes` accepted (the header and a few records).
pub const MIN_MAX_BYTES: u64 = 64 * 1024;

/// What the recording thread tells the app ([`super::FileDone::Recording`]).
#[derive(Debug, Clone, PartialEq)]
pub enum RecordingNote {
    /// The file holds `bytes` now (sent at most once a second).
    Written { bytes: u64 },
    /// Recording stopped for good: the size limit, a write that failed. The file stays
    /// readable up to its last record.
    Stopped { bytes: u64, reason: String },
}

/// Appends compressed records to a file, within a size limit.
pub struct Writer<W: Write> {
    out: W,
    encoder: Encoder,
    compressor: zstd::bulk::Compressor<'static>,
    written: u64,
    max_bytes: u64,
    stopped: Option<String>,
}

impl<W: Write> Writer<W> {
    /// Writes `header`'s frame to `out`.
    ///
    /// Errors: the write, or a compressor that cannot be made.
    pub fn new(out: W, header: &Header, max_bytes: u64) -> std::io::Result<Writer<W>> {
        let mut compressor = zstd::bulk::Compressor::new(LEVEL)?;
        compressor.set_parameter(zstd::zstd_safe::CParameter::ChecksumFlag(true))?;
        let mut w = Writer {
            out,
            encoder: Encoder::new(header.t),
            compressor,
            written: 0,
            max_bytes,
            stopped: None,
        };
        let frame = w.compressor.compress(Encoder::header(header).as_bytes())?;
        w.put(&frame)?;
        Ok(w)
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Why recording stopped, once it has.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// Appends `event`'s frame and flushes it. At the size limit, writes the last record
    /// (why it stopped) instead and takes nothing more; the reason is returned once.
    ///
    /// Errors: a write that failed (recording stops; the file keeps what was written).
    pub fn write(&mut self, event: &Event) -> Result<Option<String>, std::io::Error> {
        if self.stopped.is_some() {
            return Ok(None);
        }
        let frame = self
            .compressor
            .compress(self.encoder.encode(event).as_bytes())?;
        let room = self.max_bytes.saturating_sub(END_RESERVE);
        if self.written + frame.len() as u64 > room {
            let reason = format!(
                "the size limit (record_max_bytes = {}) was reached",
                self.max_bytes
            );
            let end = Event::End {
                t_ms: event.t_ms(),
                reason: reason.clone(),
            };
            let frame = self
                .compressor
                .compress(self.encoder.encode(&end).as_bytes())?;
            self.stopped = Some(reason.clone());
            self.put(&frame)?;
            return Ok(Some(reason));
        }
        self.put(&frame)?;
        Ok(None)
    }

    fn put(&mut self, frame: &[u8]) -> std::io::Result<()> {
        let done = self.out.write_all(frame).and_then(|()| self.out.flush());
        if let Err(e) = done {
            self.stopped = Some(format!("cannot write: {e}"));
            return Err(e);
        }
        self.written += frame.len() as u64;
        Ok(())
    }
}

/// Hands records to the recording thread.
pub struct RecordLink {
    tx: mpsc::Sender<Event>,
    path: PathBuf,
    thread: std::thread::JoinHandle<()>,
}

impl RecordLink {
    /// Ends the recording: the thread writes what is queued and stops; the handle says
    /// when it has (`is_finished`), for a caller that may wait a moment before exiting.
    pub fn close(self) -> std::thread::JoinHandle<()> {
        drop(self.tx);
        self.thread
    }

    /// The file recorded into.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Queues `event`. `Err`: not queued, and why (the disk has not kept up, or the thread
    /// stopped); recording is then over.
    pub fn record(&self, event: Event) -> Result<(), String> {
        self.tx.try_send(event).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => {
                format!("the disk did not keep up ({QUEUE} records waiting)")
            }
            mpsc::error::TrySendError::Closed(_) => "the recording thread stopped".to_string(),
        })
    }
}

/// Creates `path` (`0600`; refused when it exists and is not empty: a recording is never
/// overwritten nor continued), writes `header`, and starts the thread that appends each
/// record given to the link; what happens to the file comes back to `tx` as
/// [`super::FileDone::Recording`].
///
/// Errors: the file exists with data, cannot be created or written, or the thread cannot
/// start.
pub fn start(
    path: &Path,
    header: &Header,
    max_bytes: u64,
    tx: mpsc::Sender<Update>,
) -> Result<RecordLink, FileError> {
    let io = |e: &std::io::Error| FileError::io(path, e);
    if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        return Err(FileError::Io {
            path: path.to_path_buf(),
            kind: std::io::ErrorKind::AlreadyExists,
            message: "exists: a recording is never overwritten nor continued, name another file"
                .to_string(),
        });
    }
    let file = crate::private::append(path).map_err(|e| io(&e))?;
    let mut writer = Writer::new(file, header, max_bytes).map_err(|e| io(&e))?;
    let (etx, mut erx) = mpsc::channel::<Event>(QUEUE);
    let shown = path.to_path_buf();
    let thread = std::thread::Builder::new()
        .name("mcptop-record".to_string())
        .spawn(move || {
            let mut noted = std::time::Instant::now();
            while let Some(event) = erx.blocking_recv() {
                let note = match writer.write(&event) {
                    Ok(Some(reason)) => Some(RecordingNote::Stopped {
                        bytes: writer.written(),
                        reason,
                    }),
                    Ok(None) => None,
                    Err(e) => Some(RecordingNote::Stopped {
                        bytes: writer.written(),
                        reason: FileError::io(&shown, &e).to_string(),
                    }),
                };
                if let Some(note) = note {
                    let _ = tx.blocking_send(Update::File(super::FileDone::Recording(note)));
                    return;
                }
                if noted.elapsed() >= std::time::Duration::from_secs(1) {
                    noted = std::time::Instant::now();
                    let bytes = writer.written();
                    // Never wait on the app for a progress note.
                    let _ = tx.try_send(Update::File(super::FileDone::Recording(
                        RecordingNote::Written { bytes },
                    )));
                }
            }
        })
        .map_err(|e| io(&e))?;
    Ok(RecordLink {
        tx: etx,
        path: path.to_path_buf(),
        thread,
    })
}

/// A recording read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub header: Header,
    /// Every record after the header, in the order written (time order, but for a few ms
    /// between the scrape's and the health check's clocks).
    pub events: Vec<Event>,
    /// Size of the file, bytes.
    pub file_bytes: u64,
    /// Bytes at the end that were not a whole, readable frame (a file cut off while a
    /// record was written), left out; 0 for a file that ends cleanly.
    pub dropped_bytes: u64,
    /// Why those bytes were dropped (the decoder's words), when some were.
    pub dropped_why: Option<String>,
    /// Series keys the file defines.
    pub series: usize,
}

impl Recording {
    /// When the recording starts and ends (its latest record), Unix ms.
    pub fn span_ms(&self) -> (i64, i64) {
        let start = self.header.t;
        let end = self
            .events
            .iter()
            .map(Event::t_ms)
            .max()
            .unwrap_or(start)
            .max(start);
        (start, end)
    }
}

/// Reads the recording at `path` ([`decode`]).
///
/// Errors: the file cannot be read, or its first frame is not a recording's header.
pub fn read(path: &Path) -> Result<Recording, String> {
    let bytes = std::fs::read(path).map_err(|e| FileError::io(path, &e).to_string())?;
    decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads a recording's bytes frame by frame, up to the last whole, readable frame: a
/// frame cut off (or damaged) ends the reading there, and the bytes from its start are
/// counted in [`Recording::dropped_bytes`].
///
/// Errors: the first frame is not a whole zstd frame holding a recording's header.
pub fn decode(bytes: &[u8]) -> Result<Recording, String> {
    let mut decoder = Decoder::new();
    let mut header = None;
    let mut events = Vec::new();
    let mut pos = 0;
    let mut dropped_why = None;
    while pos < bytes.len() {
        match frame(&bytes[pos..], &mut decoder) {
            Ok((len, items)) => {
                for item in items {
                    match item {
                        Item::Header(h) if header.is_none() => header = Some(*h),
                        Item::Header(_) => {}
                        Item::Event(e) => events.push(e),
                    }
                }
                pos += len;
            }
            Err(why) if header.is_none() => {
                return Err(format!("not an mcptop recording: {why}"));
            }
            Err(why) => {
                dropped_why = Some(why);
                break;
            }
        }
    }
    let header = header.ok_or("empty: not an mcptop recording")?;
    Ok(Recording {
        header,
        events,
        file_bytes: bytes.len() as u64,
        dropped_bytes: (bytes.len() - pos) as u64,
        dropped_why,
        series: decoder.series(),
    })
}

/// The frame at the start of `bytes`: its length and records.
fn frame(bytes: &[u8], decoder: &mut Decoder) -> Result<(usize, Vec<Item>), String> {
    let len = zstd::zstd_safe::find_frame_compressed_size(bytes).map_err(|code| {
        format!(
            "cut off or damaged frame ({})",
            zstd::zstd_safe::get_error_name(code)
        )
    })?;
    let whole = bytes.get(..len).ok_or("cut off frame")?;
    let text = zstd::stream::decode_all(whole).map_err(|e| format!("damaged frame: {e}"))?;
    let text = String::from_utf8(text).map_err(|e| format!("damaged frame: {e}"))?;
    let items = decoder.frame(&text).map_err(|e| e.to_string())?;
    Ok((len, items))
}

#[cfg(test)]
#[path = "recording_tests.rs"]
mod tests;
