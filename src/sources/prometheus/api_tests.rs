use super::*;

#[test]
fn vector_values_are_strings_with_nan_and_inf() {
    let body = br#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"instance":"a:1"},"value":[1700000000.123,"1.5"]},
        {"metric":{"instance":"b:1"},"value":[1700000000,"NaN"]},
        {"metric":{},"value":[1700000000,"+Inf"]}]}}"#;
    let a = query(200, body).expect("decodes");
    let Data::Vector(v) = a.data else {
        panic!("vector")
    };
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].0.get("instance").map(String::as_str), Some("a:1"));
    assert_eq!(v[0].1, 1.5);
    assert!(v[1].1.is_nan());
    assert_eq!(v[2].1, f64::INFINITY);
    assert!(a.warnings.is_empty());
}

#[test]
fn matrix_timestamps_may_be_integers_or_floats() {
    let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"job":"mcp"},"values":[[1700000000,"1"],[1700000015.5,"2"]]}]},
        "warnings":["PromQL warning: x"],"infos":["PromQL info: y"]}"#;
    let a = query(200, body).expect("decodes");
    assert_eq!(
        a.data,
        Data::Matrix(vec![(
            [("job".to_string(), "mcp".to_string())].into(),
            vec![(1_700_000_000_000, 1.0), (1_700_000_015_500, 2.0)]
        )])
    );
    assert_eq!(a.warnings, ["PromQL warning: x", "PromQL info: y"]);
}

#[test]
fn scalar_results_decode() {
    let a = query(
        200,
        br#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"4"]}}"#,
    )
    .expect("decodes");
    assert_eq!(a.data, Data::Scalar(1_700_000_000_000, 4.0));
}

#[test]
fn api_errors_keep_type_message_and_status() {
    let body = br#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected \")\""}"#;
    assert_eq!(
        query(400, body).expect_err("an error").to_string(),
        "bad_data: 1:5: parse error: unexpected \")\" (HTTP 400)"
    );
    let body = br#"{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}"#;
    assert_eq!(
        query(503, body).expect_err("an error").to_string(),
        "timeout: query timed out in expression evaluation (HTTP 503)"
    );
}

#[test]
fn proxy_bodies_are_named_not_dumped() {
    let html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    assert_eq!(
        query(502, html).expect_err("an error").to_string(),
        "HTTP 502: an HTML page (502 Bad Gateway)"
    );
    assert_eq!(
        query(401, b"no org id\n")
            .expect_err("an error")
            .to_string(),
        "HTTP 401: no org id"
    );
    assert!(matches!(
        query(401, b"no org id\n"),
        Err(SourceError::NotJson { http: 401, body: NotJson::Line(l) }) if l == "no org id"
    ));
    assert_eq!(
        query(500, b"").expect_err("an error").to_string(),
        "HTTP 500 with an empty body"
    );
    let long = "x".repeat(500);
    let err = query(403, long.as_bytes())
        .expect_err("an error")
        .to_string();
    assert!(err.len() < 260 && err.ends_with('…'), "{err}");
}

#[test]
fn wrong_shapes_are_errors_not_panics() {
    for body in [
        &br#"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,2]}]}}"#[..],
        br#"{"status":"success","data":{"resultType":"string","result":[1,"x"]}}"#,
        br#"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"abc"]}]}}"#,
        br#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[["x","1"]]}]}}"#,
        br#"{"status":"success"}"#,
        br#"[1,2,3]"#,
    ] {
        assert!(
            query(200, body).is_err(),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn targets_keep_labels_health_and_last_error() {
    let body = br#"{"status":"success","data":{"activeTargets":[
        {"labels":{"instance":"127.0.0.1:9464","job":"mcp"},"health":"down",
         "lastError":"Get \"http://127.0.0.1:9464/metrics\": connection refused",
         "scrapeUrl":"http://127.0.0.1:9464/metrics","lastScrape":"2026-11-30T09:00:00Z"}],
        "droppedTargets":[]}}"#;
    let a = targets(200, body).expect("decodes");
    assert_eq!(a.data.len(), 1);
    assert_eq!(a.data[0].health, "down");
    assert!(a.data[0].last_error.contains("connection refused"));
    assert_eq!(a.data[0].labels.get("job").map(String::as_str), Some("mcp"));
}

#[test]
fn a_targets_last_scrape_is_read_in_any_offset_and_the_zero_time_is_none() {
    let body = br#"{"status":"success","data":{"activeTargets":[
        {"labels":{"instance":"a"},"health":"down","lastError":"x","lastScrape":"2026-12-06T22:18:08.429Z"},
        {"labels":{"instance":"b"},"health":"up","lastError":"","lastScrape":"2026-12-06T23:18:08.429512345+01:00"},
        {"labels":{"instance":"c"},"health":"unknown","lastError":"","lastScrape":"0001-01-01T00:00:00Z"},
        {"labels":{"instance":"d"},"health":"unknown"}]}}"#;
    let a = targets(200, body).expect("decodes");
    let got: Vec<Option<i64>> = a.data.iter().map(|t| t.last_scrape_ms).collect();
    assert_eq!(
        got,
        [Some(1_796_595_488_429), Some(1_796_595_488_429), None, None]
    );
}

#[test]
fn a_success_answers_labels_and_warnings_are_cleaned_on_the_fast_path() {
    // Escape sequences in a label name, a label value and a warning of a 200 answer, in a
    // vector and in a matrix: what reaches the model is terminal-safe.
    let vector = br#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"instance":"a:1\u001b]52;c;Zm9v\u0007","x\u001b[2J":"v"},"value":[1700000000,"1"]},
        {"metric":{"instance":"b:1"},"value":[1700000000,"2"]}]},
        "warnings":["stores down \u001b[31mred"]}"#;
    let a = query(200, vector).expect("decodes");
    let Data::Vector(v) = &a.data else {
        panic!("vector")
    };
    assert_eq!(v.len(), 2);
    for (labels, _) in v {
        for (k, val) in labels {
            assert!(
                !k.contains('\u{1b}') && !val.contains('\u{1b}'),
                "{k}={val}"
            );
            assert!(!val.contains('\u{7}'), "{val}");
        }
    }
    assert_eq!(v[1].0.get("instance").map(String::as_str), Some("b:1"));
    assert!(
        a.warnings.iter().all(|w| !w.contains('\u{1b}')),
        "{:?}",
        a.warnings
    );
    let matrix = br#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"job":"\u001b[1mmcp"},"values":[[1700000000,"1"]]}]}}"#;
    let Data::Matrix(m) = query(200, matrix).expect("decodes").data else {
        panic!("matrix")
    };
    assert!(m[0].0.values().all(|v| !v.contains('\u{1b}')), "{m:?}");
    // A bad number still gets the general path's error.
    let bad = br#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{},"value":[1700000000,"twelve"]}]}}"#;
    assert!(matches!(query(200, bad), Err(SourceError::BadAnswer(_))));
}

#[test]
fn a_known_secret_echoed_in_a_success_answer_is_masked_on_the_fast_path() {
    crate::secrets::remember("prom-api-test-secret-77");
    let body = br#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"instance":"a:1","token":"Bearer prom-api-test-secret-77"},"value":[1700000000,"1"]}]},
        "warnings":["query by prom-api-test-secret-77 was slow"]}"#;
    let a = query(200, body).expect("decodes");
    let Data::Vector(v) = &a.data else {
        panic!("vector")
    };
    assert_eq!(v[0].0.get("token").map(String::as_str), Some("Bearer ***"));
    assert_eq!(v[0].0.get("instance").map(String::as_str), Some("a:1"));
    assert!(
        a.warnings
            .iter()
            .all(|w| !w.contains("prom-api-test-secret-77")),
        "{:?}",
        a.warnings
    );
}
