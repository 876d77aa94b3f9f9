use super::*;
use crate::model::logs::Level;

#[test]
fn loki_2_streams_are_merged_oldest_first() {
    let body = br#"{"status":"success","data":{"resultType":"streams","result":[
        {"stream":{"app":"mcpist","level":"error"},"values":[["1700000000000000003","c"],["1700000000000000001","a"]]},
        {"stream":{"app":"mcpist","level":"info"},"values":[["1700000000000000002","b"]]}
    ],"stats":{"summary":{"bytesProcessedPerSecond":1}}}}"#;
    let e = streams(body).expect("streams");
    let lines: Vec<&str> = e.iter().map(|e| e.line.as_str()).collect();
    assert_eq!(lines, vec!["a", "b", "c"]);
    assert_eq!(e[0].level, Level::Error);
    assert_eq!(e[1].level, Level::Info);
    assert_eq!(e[0].label("app"), Some("mcpist"));
    assert!(e[0].metadata.is_empty());
}

#[test]
fn loki_3_categorized_values_carry_structured_metadata() {
    let body = br#"{"status":"success","data":{"resultType":"streams","encodingFlags":["categorize-labels"],"result":[
        {"stream":{"service_name":"mcpist"},"values":[
            ["1700000000000000001","{\"msg\":\"x\"}",{"structuredMetadata":{"detected_level":"warn","trace_id":"abc"}}],
            ["1700000000000000002","plain",{"structuredMetadata":{},"parsed":{"module":"notion"}}],
            ["1700000000000000003","two elements"]
        ]}
    ]}}"#;
    let e = streams(body).expect("streams");
    assert_eq!(e.len(), 3);
    assert_eq!(e[0].level, Level::Warn);
    assert_eq!(e[0].label("trace_id"), Some("abc"));
    assert_eq!(e[1].label("module"), Some("notion"));
    // What `| json` extracted is kept apart from structured metadata.
    assert!(e[1].metadata.is_empty());
    assert_eq!(
        e[1].parsed,
        vec![("module".to_string(), "notion".to_string())]
    );
    assert!(e[0].parsed.is_empty());
    assert_eq!(e[2].level, Level::Unknown);
}

#[test]
fn tail_frames_list_dropped_entries_with_their_timestamps() {
    let (e, dropped) = tail_frame(
        r#"{"streams":[{"stream":{"app":"x"},"values":[["2","b"],["1","a"]]}],
            "dropped_entries":[{"labels":"{app=\"x\"}","timestamp":"1700000000000000005"},
                {"labels":{"app":"x"},"timestamp":1700000000000000007},
                {"labels":"{app=\"x\"}","timestamp":"2023-11-14T22:13:20.000000009Z"},
                {"labels":"{app=\"x\"}"}]}"#,
    )
    .expect("frame");
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].line, "a");
    assert_eq!(dropped.count, 4);
    assert_eq!(
        dropped.timestamps_ns,
        vec![
            1_700_000_000_000_000_005,
            1_700_000_000_000_000_007,
            1_700_000_000_000_000_009
        ]
    );
    let (e, dropped) = tail_frame(r#"{"streams":[]}"#).expect("frame");
    assert!(e.is_empty());
    assert_eq!(dropped, Dropped::default());
    assert!(tail_frame("not json").is_err());
    let err = tail_frame(r#"{"streams":[{"stream":{},"values":[["x","a"]]}]}"#).unwrap_err();
    assert!(err.contains("bad Loki timestamp"), "{err}");
}

#[test]
fn plain_text_errors_are_shown_as_they_are() {
    let body = b"parse error at line 1, col 1: syntax error: unexpected IDENTIFIER\n";
    assert_eq!(
        error_text(body),
        "parse error at line 1, col 1: syntax error: unexpected IDENTIFIER"
    );
    let err = streams(body).unwrap_err();
    assert!(err.contains("unexpected IDENTIFIER"), "{err}");
    assert_eq!(
        error_text(br#"{"status":"error","error":"too many"}"#),
        "too many"
    );
    assert!(error_text(&[b'x'; 2000]).ends_with('…'));
}

#[test]
fn an_instant_vector_gives_each_series_and_its_value() {
    let body = br#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"level":"info"},"value":[1060,"10"]},
        {"metric":{},"value":[1060.5,"NaN"]}
    ]}}"#;
    let v = vector(body).expect("vector");
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].0.get("level").map(String::as_str), Some("info"));
    assert_eq!(v[0].1, 10.0);
    assert!(v[1].0.is_empty());
    assert_eq!(v[1].1, 0.0);
    let err =
        vector(br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#).unwrap_err();
    assert!(err.contains("vector"), "{err}");
}
