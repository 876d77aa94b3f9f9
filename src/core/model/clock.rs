//! The wall clock, read in one place: the time the sources stamp their updates with and
//! the app and the plain-text outputs measure ages against.

/// Unix time now, ms (the system clock through `chrono`; not monotonic: it follows clock
/// changes, as the timestamps of every scraped and queried sample do).
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
