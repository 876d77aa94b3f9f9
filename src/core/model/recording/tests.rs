use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::model::dashboard::{Scrape, ScrapedSample};
use crate::model::logs::{Labels, Level, LogEntry};
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

fn sample(key: &Arc<SeriesKey>, value: f64, timestamp_ms: Option<i64>) -> ScrapedSample {
    ScrapedSample {
        key: Arc::clone(key),
        value,
        timestamp_ms,
    }
}

fn scrape(t_ms: i64, samples: Vec<ScrapedSample>) -> Event {
    Event::Scrape {
        target: 7,
        t_ms,
        result: Ok(Scrape {
            t_ms,
            duration: Duration::from_millis(3),
            bytes: 1234,
            samples,
        }),
    }
}

/// Every line of every frame, decoded in order.
fn round_trip(h: &Header, events: &[Event]) -> (Vec<String>, Vec<Item>) {
    let mut enc = Encoder::new(h.t);
    let mut frames = vec![Encoder::header(h)];
    frames.extend(events.iter().map(|e| enc.encode(e)));
    let mut dec = Decoder::new();
    let items = frames
        .iter()
        .flat_map(|f| dec.frame(f).expect("decodes"))
        .collect();
    (frames, items)
}

#[test]
fn records_read_back_as_written_with_series_once_and_times_as_deltas() {
    let t0 = 1_796_687_400_000;
    let a = Arc::new(SeriesKey::new(
        "mcp_server_operation_duration_seconds_count",
        [("gen_ai_tool_name", "notion.search"), ("error_type", "")],
    ));
    let b = Arc::new(SeriesKey::new(
        "process_cpu_seconds_total",
        Vec::<(String, String)>::new(),
    ));
    let events = vec![
        Event::Targets {
            t_ms: t0,
            targets: vec![RecTarget {
                id: 7,
                name: "demo".into(),
                url: "http://127.0.0.1:9/metrics".into(),
                health_url: Some("http://127.0.0.1:9/health".into()),
                profile: "auto".into(),
            }],
        },
        scrape(
            t0 + 2000,
            vec![sample(&a, 12.0, None), sample(&b, f64::NAN, None)],
        ),
        scrape(
            t0 + 4000,
            vec![
                sample(&a, 0.1 + 0.2, Some(t0 + 3999)),
                sample(&b, f64::INFINITY, None),
            ],
        ),
        Event::Scrape {
            target: 7,
            t_ms: t0 + 6000,
            result: Err("timed out".into()),
        },
        Event::Health {
            target: 7,
            t_ms: t0 + 6001,
            result: Ok(crate::model::status::HealthInfo {
                status: "ok".into(),
                version: Some("1.2.3".into()),
            }),
        },
        Event::Alerts {
            t_ms: t0 + 7000,
            instance: 0,
            alerts: vec![RecAlert {
                fingerprint: "f1".into(),
                labels: [("alertname".to_string(), "McpDown".to_string())].into(),
                annotations: Default::default(),
                state: "firing".into(),
                starts: t0 + 6500,
                ends: None,
            }],
        },
        Event::Deploy {
            t_ms: t0 + 8000,
            target: "demo".into(),
            set: true,
        },
    ];
    let h = header(t0);
    let (frames, items) = round_trip(&h, &events);
    // The first scrape's frame defines both series, the second none.
    assert_eq!(frames[2].lines().count(), 3, "{}", frames[2]);
    assert!(
        frames[2].starts_with("{\"k\":\"series\",\"id\":0,"),
        "{}",
        frames[2]
    );
    assert_eq!(frames[3].lines().count(), 1, "{}", frames[3]);
    assert!(frames[3].contains("\"dt\":2000"), "{}", frames[3]);
    assert!(frames[3].contains("[1,\"+Inf\"]"), "{}", frames[3]);
    assert!(frames[2].contains("[1,\"NaN\"]"), "{}", frames[2]);
    assert_eq!(items[0], Item::Header(Box::new(h)));
    let got: Vec<&Event> = items[1..]
        .iter()
        .map(|i| match i {
            Item::Event(e) => e,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got.len(), events.len());
    for (g, want) in got.iter().zip(&events) {
        match (g, want) {
            // NaN is never equal to itself: compared by its bits below.
            (Event::Scrape { result: Ok(g), .. }, Event::Scrape { result: Ok(w), .. }) => {
                assert_eq!(g.t_ms, w.t_ms);
                assert_eq!(g.bytes, w.bytes);
                assert_eq!(g.duration, w.duration);
                for (gs, ws) in g.samples.iter().zip(&w.samples) {
                    assert_eq!(gs.key, ws.key);
                    assert_eq!(gs.value.to_bits(), ws.value.to_bits());
                    assert_eq!(gs.timestamp_ms, ws.timestamp_ms);
                }
                assert_eq!(g.samples.len(), w.samples.len());
            }
            _ => assert_eq!(*g, want),
        }
    }
}

#[test]
fn a_record_older_than_its_predecessor_keeps_its_own_time() {
    let h = header(10_000);
    let events = vec![
        Event::Deploy {
            t_ms: 12_000,
            target: "a".into(),
            set: true,
        },
        Event::Deploy {
            t_ms: 11_000,
            target: "a".into(),
            set: false,
        },
    ];
    let (_, items) = round_trip(&h, &events);
    let times: Vec<i64> = items
        .iter()
        .filter_map(|i| match i {
            Item::Event(e) => Some(e.t_ms()),
            Item::Header(_) => None,
        })
        .collect();
    assert_eq!(times, vec![12_000, 11_000]);
}

#[test]
fn what_is_not_a_recording_is_refused_and_says_why() {
    let mut dec = Decoder::new();
    let e = dec
        .frame("{\"k\":\"deploy\",\"dt\":0,\"target\":\"a\",\"set\":true}\n")
        .expect_err("no header");
    assert_eq!(e, DecodeError::NoHeader);
    let mut newer = header(0);
    newer.version = VERSION + 1;
    newer.mcptop = "9.9.9".into();
    let e = Decoder::new()
        .frame(&Encoder::header(&newer))
        .expect_err("newer");
    assert!(e.to_string().contains("use mcptop 9.9.9 or newer"), "{e}");
    let mut dec = Decoder::new();
    dec.frame(&Encoder::header(&header(0))).expect("header");
    let e = dec
        .frame("{\"k\":\"scrape\",\"dt\":0,\"target\":1,\"v\":[[3,1.0]]}\n")
        .expect_err("undefined series");
    assert_eq!(e, DecodeError::Series(3));
    let e = dec.frame("{\"k\":\"scrape\"").expect_err("cut line");
    assert!(matches!(e, DecodeError::Json { line: 1, .. }), "{e:?}");
}

#[test]
fn the_config_kept_holds_the_numbers_and_no_secret_url_or_file() {
    let file = r#"
[target]
url = "http://ops:hunter2-in-url@mcp:8080"
name = "prod"
profile = "otel-mcp"
headers = { "X-Api-Key" = "s3cret-header-value" }
bearer_token_file = "/etc/mcptop/token"

[scrape]
interval = "5s"

[thresholds]
error_rate_warn = 0.02

[mcp.servers.gw]
url = "https://gw/mcp"
headers = { Authorization = "Bearer s3cret-mcp-token" }

[alertmanager]
urls = ["http://am:9093"]
basic_auth_user = "ops"
basic_auth_password_env = "AM_PASSWORD"

[alerts]
runbooks = "/srv/runbooks"
keep_resolved = "30m"

[[rules]]
alert = "McpErrorRateHigh"
threshold = 0.2
"#;
    let kept = config_text::numbers_only(file).expect("TOML");
    for secret in [
        "hunter2",
        "s3cret",
        "/etc/mcptop",
        "AM_PASSWORD",
        "http",
        "/srv/runbooks",
        "ops",
    ] {
        assert!(!kept.contains(secret), "{secret} kept in:\n{kept}");
    }
    for setting in [
        "interval = \"5s\"",
        "error_rate_warn = 0.02",
        "keep_resolved = \"30m\"",
        "McpErrorRateHigh",
        "profile = \"otel-mcp\"",
        "name = \"prod\"",
    ] {
        assert!(kept.contains(setting), "{setting} missing in:\n{kept}");
    }
    // What is kept still loads as a config.
    let cfg = crate::config::Config::from_toml(&kept, std::path::Path::new("kept.toml"))
        .expect("kept config loads");
    assert_eq!(cfg.scrape.interval, Duration::from_secs(5));
    assert!(cfg.alertmanager.urls.is_empty() && cfg.mcp.servers.is_empty());
}

fn entry(ts_ns: i64, line: &str, stream: &Arc<Labels>, level: Level) -> LogEntry {
    LogEntry {
        level,
        ..LogEntry::new(ts_ns, line.to_string(), Arc::clone(stream), Vec::new())
    }
}

#[test]
fn log_lines_read_back_as_written_with_each_stream_once() {
    use crate::model::logs::FollowMode;
    let t0 = 1_796_687_400_000;
    let api: Arc<Labels> = Arc::new(vec![("app".into(), "mcp-api".into())]);
    let stderr: Arc<Labels> = Arc::new(vec![("origin".into(), "stderr".into())]);
    let mut with_meta = entry(t0 * 1_000_000 + 7, "upstream timed out", &api, Level::Error);
    with_meta.metadata = vec![("trace_id".into(), "abc123".into())];
    with_meta.parsed = vec![("status".into(), "504".into())];
    let events = vec![
        Event::Loki {
            t_ms: t0,
            change: LokiChange::Connected(FollowMode::Tail),
        },
        Event::Logs {
            t_ms: t0 + 100,
            source: LogsSource::Loki,
            entries: vec![
                with_meta,
                entry(t0 * 1_000_000 + 9, "GET /mcp 200", &api, Level::Unknown),
            ],
        },
        Event::Logs {
            t_ms: t0 + 200,
            source: LogsSource::Mcp("gw".into()),
            entries: vec![entry(
                (t0 + 200) * 1_000_000,
                "listening on :8080",
                &stderr,
                Level::Info,
            )],
        },
        Event::Logs {
            t_ms: t0 + 300,
            source: LogsSource::Loki,
            entries: vec![entry(
                t0 * 1_000_000 + 11,
                "GET /mcp 500",
                &api,
                Level::Warn,
            )],
        },
        Event::Loki {
            t_ms: t0 + 400,
            change: LokiChange::Query("{app=\"mcp-api\"} |= \"500\"".into()),
        },
        Event::Loki {
            t_ms: t0 + 500,
            change: LokiChange::Failed("HTTP 502: bad gateway".into()),
        },
    ];
    let mut h = header(t0);
    h.loki_query = Some("{app=\"mcp-api\"}".into());
    h.mcp_servers = vec!["gw".into(), "loki".into()];
    let (frames, items) = round_trip(&h, &events);
    // The first Loki frame defines its stream once for both entries; the last, none.
    assert!(
        frames[2].starts_with("{\"k\":\"stream\",\"id\":0,\"labels\":[[\"app\",\"mcp-api\"]]}\n"),
        "{}",
        frames[2]
    );
    assert_eq!(frames[2].lines().count(), 2, "{}", frames[2]);
    assert!(
        frames[2].contains("\"source\":\"loki\",\"entries\":[{\"ts\":"),
        "{}",
        frames[2]
    );
    assert!(frames[2].contains("\"metadata\":[[\"trace_id\",\"abc123\"]]"));
    // No level, metadata or parsed labels written when there are none.
    assert!(
        frames[2].contains("\"line\":\"GET /mcp 200\",\"stream\":0}"),
        "{}",
        frames[2]
    );
    assert!(
        frames[3].contains("\"source\":\"mcp\",\"server\":\"gw\""),
        "{}",
        frames[3]
    );
    assert_eq!(frames[4].lines().count(), 1, "{}", frames[4]);
    assert!(frames[5].contains("\"query\":"), "{}", frames[5]);
    assert_eq!(items[0], Item::Header(Box::new(h)));
    let got: Vec<Event> = items[1..]
        .iter()
        .map(|i| match i {
            Item::Event(e) => e.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got, events);
}

#[test]
fn a_version_1_file_reads_and_a_stream_used_before_its_line_is_refused() {
    // A version 1 header has neither `loki_query` nor `mcp_servers`.
    let v1 = concat!(
        "{\"k\":\"header\",\"format\":\"mcptop-recording\",\"version\":1,\"mcptop\":\"0.1.0\",",
        "\"t\":1000,\"interval_ms\":2000,\"timeout_ms\":1500,\"range_ms\":300000,",
        "\"history_ms\":3600000,\"profile\":\"auto\",\"name\":\"demo\",\"config\":\"\"}\n"
    );
    let mut dec = Decoder::new();
    let items = dec.frame(v1).expect("a version 1 header reads");
    match &items[..] {
        [Item::Header(h)] => {
            assert_eq!(h.version, 1);
            assert_eq!(h.loki_query, None);
            assert!(h.mcp_servers.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let e = dec
        .frame("{\"k\":\"logs\",\"dt\":0,\"source\":\"loki\",\"entries\":[{\"ts\":1,\"line\":\"x\",\"stream\":0}]}\n")
        .expect_err("undefined stream");
    assert_eq!(e, DecodeError::Stream(0));
    let e = dec
        .frame("{\"k\":\"logs\",\"dt\":0,\"source\":\"mcp\",\"entries\":[]}\n")
        .expect_err("an MCP server's log without its name");
    assert!(matches!(e, DecodeError::Record { line: 1, .. }), "{e:?}");
    let e = dec
        .frame("{\"k\":\"loki\",\"dt\":0}\n")
        .expect_err("a loki record of nothing");
    assert!(
        e.to_string().contains("one of query, follow or error"),
        "{e}"
    );
}
