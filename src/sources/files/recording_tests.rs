use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::model::dashboard::{Scrape, ScrapedSample};
use crate::model::recording::{FORMAT, VERSION};
use crate::model::series::SeriesKey;

fn header(t: i64) -> Header {
    Header {
        format: FORMAT.to_string(),
        version: VERSION,
        mcptop: "0.1.0".to_string(),
        t,
        interval_ms: 2000,
        timeout_ms: 1500,
        range_ms: 300_000,
        history_ms: 3_600_000,
        profile: "auto".to_string(),
        name: "demo".to_string(),
        fleet: false,
        alertmanagers: Vec::new(),
        config: String::new(),
        loki_query: None,
        mcp_servers: Vec::new(),
    }
}

/// A scrape of 50 series at `t_ms`, each valued `v`.
fn scrape(t_ms: i64, v: f64) -> Event {
    let samples = (0..50)
        .map(|i| ScrapedSample {
            key: Arc::new(SeriesKey::new(
                "mcp_server_operation_duration_seconds_bucket",
                [("le", format!("{i}"))],
            )),
            value: v,
            timestamp_ms: None,
        })
        .collect();
    Event::Scrape {
        target: 1,
        t_ms,
        result: Ok(Scrape {
            t_ms,
            duration: Duration::from_millis(2),
            bytes: 4000,
            samples,
        }),
    }
}

/// A recording of `n` scrapes, 2 s apart, the n-th valued n; and each frame's end offset.
fn recording(n: usize, max_bytes: u64) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::new();
    let mut ends = Vec::new();
    let mut w = Writer::new(&mut out, &header(0), max_bytes).expect("header");
    ends.push(w.written() as usize);
    for i in 0..n {
        w.write(&scrape(2000 * (i as i64 + 1), i as f64))
            .expect("write");
        ends.push(w.written() as usize);
    }
    drop(w);
    (out, ends)
}

#[test]
fn a_file_reads_back_whole_and_a_cut_off_one_up_to_its_last_whole_record() {
    let (bytes, ends) = recording(5, 1 << 20);
    let whole = decode(&bytes).expect("reads");
    assert_eq!(whole.events.len(), 5);
    assert_eq!(whole.dropped_bytes, 0);
    assert_eq!(whole.series, 50);
    assert_eq!(whole.span_ms(), (0, 10_000));
    // Cut anywhere inside the fourth scrape's frame: three scrapes, the rest dropped.
    for cut in ends[3] + 1..ends[4] {
        let rec = decode(&bytes[..cut]).expect("reads what is whole");
        assert_eq!(rec.events.len(), 3, "cut at {cut}");
        assert_eq!(rec.dropped_bytes, (cut - ends[3]) as u64, "cut at {cut}");
        assert!(rec.dropped_why.is_some());
        match rec.events.last() {
            Some(Event::Scrape { result: Ok(s), .. }) => assert_eq!(s.samples[0].value, 2.0),
            other => panic!("{other:?}"),
        }
    }
    // Cut exactly between frames: nothing dropped.
    let rec = decode(&bytes[..ends[2]]).expect("reads");
    assert_eq!((rec.events.len(), rec.dropped_bytes), (2, 0));
    // Garbage after the last frame is dropped, never read as records.
    let mut damaged = bytes.clone();
    damaged.extend_from_slice(b"not a frame");
    let rec = decode(&damaged).expect("reads");
    assert_eq!((rec.events.len(), rec.dropped_bytes), (5, 11));
}

#[test]
fn what_is_not_a_recording_is_refused() {
    assert!(decode(b"").is_err());
    let e = decode(b"{\"k\":\"header\"}\n").expect_err("not zstd");
    assert!(e.contains("not an mcptop recording"), "{e}");
    let (bytes, ends) = recording(1, 1 << 20);
    // A header cut off is no recording.
    assert!(decode(&bytes[..ends[0] - 1]).is_err());
}

#[test]
fn at_the_size_limit_recording_stops_with_a_last_record_saying_why() {
    let max = 3000;
    let mut out = Vec::new();
    let mut w = Writer::new(&mut out, &header(0), max).expect("header");
    let mut stopped = None;
    for i in 0..100 {
        if let Some(reason) = w.write(&scrape(2000 * (i + 1), i as f64)).expect("write") {
            stopped = Some(reason);
            break;
        }
    }
    let reason = stopped.expect("stops within 100 scrapes");
    assert!(reason.contains("record_max_bytes = 3000"), "{reason}");
    assert!(w.written() <= max, "{} > {max}", w.written());
    // Nothing more is taken.
    let before = w.written();
    assert_eq!(w.write(&scrape(999_999, 1.0)).expect("no-op"), None);
    assert_eq!(w.written(), before);
    drop(w);
    let rec = decode(&out).expect("reads");
    match rec.events.last() {
        Some(Event::End { reason: r, .. }) => assert_eq!(*r, reason),
        other => panic!("{other:?}"),
    }
}

#[test]
fn start_refuses_a_file_with_data_and_writes_a_new_one_private() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let used = tmp.path().join("used.rec");
    std::fs::write(&used, b"x").expect("write");
    let (tx, _rx) = mpsc::channel(8);
    let e = start(&used, &header(0), 1 << 20, tx.clone())
        .err()
        .expect("refused");
    assert!(e.to_string().contains("never overwritten"), "{e}");
    let path = tmp.path().join("new.rec");
    let link = start(&path, &header(0), 1 << 20, tx).expect("starts");
    link.record(scrape(2000, 1.0)).expect("queued");
    drop(link);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rec = read(&path).expect("reads");
        if rec.events.len() == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the record never came"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}
