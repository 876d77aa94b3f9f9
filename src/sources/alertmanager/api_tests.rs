//! The conversion of Alertmanager 0.25's JSON, on answers recorded from the real binary
//! (Debian's prometheus-alertmanager 0.25.0, clustering off, one inhibition rule
//! McpServerDown/critical -> warning on equal `service`, one silence on SlowTool).

use super::*;

/// `GET /api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true`.
const ALERTS: &str = r##"[{"annotations":{},"endsAt":"2026-11-22T08:58:08.344Z","fingerprint":"09615cecb6bd95c9","receivers":[{"name":"null"}],"startsAt":"2026-11-22T08:53:08.344Z","status":{"inhibitedBy":["f5a76622ea981827"],"silencedBy":[],"state":"suppressed"},"updatedAt":"2026-11-22T08:53:08.344Z","labels":{"alertname":"HighLatency","service":"github","severity":"warning"}},{"annotations":{},"endsAt":"2026-11-22T08:58:08.344Z","fingerprint":"152ae6c6dcea16e9","receivers":[{"name":"null"}],"startsAt":"2026-11-22T08:53:08.344Z","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-22T08:53:08.344Z","labels":{"alertname":"HighErrorRate","service":"jira","severity":"critical"}},{"annotations":{},"endsAt":"2026-11-22T08:58:08.344Z","fingerprint":"2e745e1f09ffe9f7","receivers":[{"name":"null"}],"startsAt":"2026-11-22T08:53:08.344Z","status":{"inhibitedBy":[],"silencedBy":["14b1c7bd-942f-44d3-808b-541883827778"],"state":"suppressed"},"updatedAt":"2026-11-22T08:53:08.344Z","labels":{"alertname":"SlowTool","service":"jira","severity":"info"}},{"annotations":{},"endsAt":"2026-11-22T08:58:08.344Z","fingerprint":"3d860b982f6eeabe","receivers":[{"name":"null"}],"startsAt":"2026-11-22T08:53:08.344Z","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-22T08:53:08.344Z","labels":{"alertname":"HighLatency","service":"jira","severity":"warning"}},{"annotations":{"summary":"down"},"endsAt":"2026-11-22T08:58:08.344Z","fingerprint":"f5a76622ea981827","receivers":[{"name":"null"}],"startsAt":"2026-11-22T08:53:08.344Z","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-22T08:53:08.344Z","generatorURL":"http://prom/graph?g0.expr=up","labels":{"alertname":"McpServerDown","service":"github","severity":"critical"}}]"##;

/// `GET /api/v2/alerts/groups` with the same flags, the same moment.
const GROUPS: &str = r##"[{"alerts":[{"annotations":{},"endsAt":"2026-11-22T08:58:08.344Z","fingerprint":"152ae6c6dcea16e9","receivers":[{"name":"null"}],"startsAt":"2026-11-22T08:53:08.344Z","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-22T08:53:08.344Z","labels":{"alertname":"HighErrorRate","service":"jira","severity":"critical"}}],"labels":{"alertname":"HighErrorRate","service":"jira"},"receiver":{"name":"null"}},{"alerts":[{"annotations":{},"endsAt":"2026-11-22T08:58:08.344Z","fingerprint":"09615cecb6bd95c9","receivers":[{"name":"null"}],"startsAt":"2026-11-22T08:53:08.344Z","status":{"inhibitedBy":["f5a76622ea981827"],"silencedBy":[],"state":"suppressed"},"updatedAt":"2026-11-22T08:53:08.344Z","labels":{"alertname":"HighLatency","service":"github","severity":"warning"}}],"labels":{"alertname":"HighLatency","service":"github"},"receiver":{"name":"null"}},{"alerts":[{"annotations":{},"endsAt":"2026-11-22T08:58:08.344Z","fingerprint":"3d860b982f6eeabe","receivers":[{"name":"null"}],"startsAt":"2026-11-22T08:53:08.344Z","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-22T08:53:08.344Z","labels":{"alertname":"HighLatency","service":"jira","severity":"warning"}}],"labels":{"alertname":"HighLatency","service":"jira"},"receiver":{"name":"null"}},{"alerts":[{"annotations":{"summary":"down"},"endsAt":"2026-11-22T08:58:08.344Z","fingerprint":"f5a76622ea981827","receivers":[{"name":"null"}],"startsAt":"2026-11-22T08:53:08.344Z","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-22T08:53:08.344Z","generatorURL":"http://prom/graph?g0.expr=up","labels":{"alertname":"McpServerDown","service":"github","severity":"critical"}}],"labels":{"alertname":"McpServerDown","service":"github"},"receiver":{"name":"null"}},{"alerts":[{"annotations":{},"endsAt":"2026-11-22T08:58:08.344Z","fingerprint":"2e745e1f09ffe9f7","receivers":[{"name":"null"}],"startsAt":"2026-11-22T08:53:08.344Z","status":{"inhibitedBy":[],"silencedBy":["14b1c7bd-942f-44d3-808b-541883827778"],"state":"suppressed"},"updatedAt":"2026-11-22T08:53:08.344Z","labels":{"alertname":"SlowTool","service":"jira","severity":"info"}}],"labels":{"alertname":"SlowTool","service":"jira"},"receiver":{"name":"null"}}]"##;

/// `GET /api/v2/silences` later: one active (regex and negative matchers), one pending, one expired.
const SILENCES: &str = r##"[{"id":"8c44b9a7-8bb4-447b-b115-572ac94e4050","status":{"state":"active"},"updatedAt":"2026-11-22T08:55:28.037Z","comment":"maintenance","createdBy":"ops","endsAt":"2026-11-22T10:55:27.000Z","matchers":[{"isEqual":true,"isRegex":true,"name":"service","value":"jira|github"},{"isEqual":false,"isRegex":false,"name":"severity","value":"info"}],"startsAt":"2026-11-22T08:55:28.037Z"},{"id":"ea151892-d822-4d9a-95bc-b30320522a96","status":{"state":"pending"},"updatedAt":"2026-11-22T08:55:28.071Z","comment":"tomorrow","createdBy":"ops","endsAt":"2026-11-22T10:55:28.000Z","matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"Later"}],"startsAt":"2026-11-22T09:55:28.000Z"},{"id":"14b1c7bd-942f-44d3-808b-541883827778","status":{"state":"expired"},"updatedAt":"2026-11-22T08:53:22.790Z","comment":"c","createdBy":"me","endsAt":"2026-11-22T08:53:22.790Z","matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"SlowTool"}],"startsAt":"2026-11-22T08:53:08.458Z"}]"##;

/// `GET /api/v2/status`.
const STATUS: &str = r##"{"cluster":{"peers":[],"status":"disabled"},"config":{"original":"global:\n  resolve_timeout: 5m\n  http_config:\n    follow_redirects: true\n    enable_http2: true\n  smtp_hello: localhost\n  smtp_require_tls: true\n  pagerduty_url: https://events.pagerduty.com/v2/enqueue\n  opsgenie_api_url: https://api.opsgenie.com/\n  wechat_api_url: https://qyapi.weixin.qq.com/cgi-bin/\n  victorops_api_url: https://alert.victorops.com/integrations/generic/20131114/alert/\n  telegram_api_url: https://api.telegram.org\n  webex_api_url: https://webexapis.com/v1/messages\nroute:\n  receiver: \"null\"\n  group_by:\n  - alertname\n  - service\n  continue: false\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\ninhibit_rules:\n- source_matchers:\n  - alertname=\"McpServerDown\"\n  - severity=\"critical\"\n  target_matchers:\n  - severity=\"warning\"\n  equal:\n  - service\nreceivers:\n- name: \"null\"\ntemplates: []\n"},"uptime":"2026-11-22T08:53:00.412Z","versionInfo":{"branch":"debian/sid","buildDate":"20230409-09:50:43","buildUser":"team+pkg-go@tracker.debian.org","goVersion":"go1.19.8","revision":"0.25.0-1+b4","version":"0.25.0"}}"##;

fn by_fp<'a>(alerts: &'a [Alert], fp: &str) -> &'a Alert {
    alerts
        .iter()
        .find(|a| a.fingerprint == fp)
        .unwrap_or_else(|| panic!("no alert {fp}"))
}

#[test]
fn alerts_convert_with_states_times_and_origin() {
    let alerts = parse_alerts(ALERTS.as_bytes(), 1).expect("alerts parse");
    assert_eq!(alerts.len(), 5);

    let down = by_fp(&alerts, "f5a76622ea981827");
    assert_eq!(down.name(), "McpServerDown");
    assert_eq!(down.state, AlertState::Firing);
    assert_eq!(
        down.labels.get("severity").map(String::as_str),
        Some("critical")
    );
    assert_eq!(down.annotation("summary"), Some("down"));
    assert_eq!(down.starts_at_ms, 1_795_337_588_344);
    assert_eq!(down.updated_at_ms, Some(1_795_337_588_344));
    assert_eq!(down.ends_at_ms, Some(1_795_337_888_344));
    assert_eq!(
        down.generator_url.as_deref(),
        Some("http://prom/graph?g0.expr=up")
    );
    assert_eq!(down.receivers, vec!["null".to_string()]);
    assert_eq!(
        down.origin,
        AlertOrigin::Alertmanager { instances: vec![1] }
    );

    let inhibited = by_fp(&alerts, "09615cecb6bd95c9");
    assert_eq!(inhibited.state, AlertState::Inhibited);
    assert_eq!(inhibited.inhibited_by, vec!["f5a76622ea981827".to_string()]);
    assert!(inhibited.silenced_by.is_empty());
    assert_eq!(inhibited.generator_url, None);

    let silenced = by_fp(&alerts, "2e745e1f09ffe9f7");
    assert_eq!(silenced.state, AlertState::Silenced);
    assert_eq!(
        silenced.silenced_by,
        vec!["14b1c7bd-942f-44d3-808b-541883827778".to_string()]
    );

    assert_eq!(by_fp(&alerts, "152ae6c6dcea16e9").state, AlertState::Firing);
    assert_eq!(by_fp(&alerts, "3d860b982f6eeabe").state, AlertState::Firing);
}

#[test]
fn states_follow_the_api() {
    let status = |state: &str, silenced: &[&str], inhibited: &[&str]| ApiAlertStatus {
        state: state.into(),
        silenced_by: Some(silenced.iter().map(|s| s.to_string()).collect()),
        inhibited_by: Some(inhibited.iter().map(|s| s.to_string()).collect()),
    };
    assert_eq!(alert_state(&status("active", &[], &[])), AlertState::Firing);
    assert_eq!(
        alert_state(&status("unprocessed", &[], &[])),
        AlertState::Firing
    );
    assert_eq!(
        alert_state(&status("suppressed", &["s"], &["f"])),
        AlertState::Silenced
    );
    assert_eq!(
        alert_state(&status("suppressed", &[], &["f"])),
        AlertState::Inhibited
    );
    let nulls = ApiAlertStatus {
        state: "suppressed".into(),
        silenced_by: None,
        inhibited_by: None,
    };
    assert_eq!(alert_state(&nulls), AlertState::Inhibited);
    assert_eq!(
        alert_state(&status("new-state", &[], &[])),
        AlertState::Firing
    );
}

#[test]
fn groups_keep_labels_receiver_and_fingerprints() {
    let groups = parse_groups(GROUPS.as_bytes()).expect("groups parse");
    assert_eq!(groups.len(), 5);
    let down = groups
        .iter()
        .find(|g| g.labels.get("alertname").map(String::as_str) == Some("McpServerDown"))
        .expect("McpServerDown group");
    assert_eq!(down.receiver, "null");
    assert_eq!(down.fingerprints, vec!["f5a76622ea981827".to_string()]);
    assert_eq!(
        down.labels.get("service").map(String::as_str),
        Some("github")
    );
    assert_eq!(down.labels.len(), 2);
}

#[test]
fn silences_convert_in_every_state() {
    let (silences, skipped) = parse_silences(SILENCES.as_bytes()).expect("silences parse");
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(silences.len(), 3);
    let active = &silences[0];
    assert_eq!(active.id, "8c44b9a7-8bb4-447b-b115-572ac94e4050");
    assert_eq!(active.state, SilenceState::Active);
    assert_eq!(active.created_by, "ops");
    assert_eq!(active.comment, "maintenance");
    assert_eq!(active.starts_at_ms, 1_795_337_728_037);
    assert_eq!(active.ends_at_ms, 1_795_344_927_000);
    assert_eq!(
        active.matchers,
        vec![
            Matcher::new("service", MatchOp::Re, "jira|github").expect("matcher"),
            Matcher::new("severity", MatchOp::Ne, "info").expect("matcher"),
        ]
    );
    assert_eq!(silences[1].state, SilenceState::Pending);
    assert_eq!(silences[2].state, SilenceState::Expired);
    assert_eq!(
        silences[2].matchers,
        vec![Matcher::equal("alertname", "SlowTool").expect("matcher")]
    );
}

#[test]
fn a_silence_the_model_cannot_hold_is_left_out_and_named() {
    let body = r#"[{"id":"x1","status":{"state":"active"},"comment":"","createdBy":"a",
        "startsAt":"2026-11-22T08:53:08.458Z","endsAt":"2026-11-22T09:53:08Z",
        "matchers":[{"name":"a","value":"(","isRegex":true}]},
        {"id":"x2","status":{"state":"active"},"comment":"","createdBy":"a",
        "startsAt":"2026-11-22T08:53:08.458Z","endsAt":"2026-11-22T09:53:08Z",
        "matchers":[{"name":"a","value":"b","isRegex":false}]}]"#;
    let (silences, skipped) = parse_silences(body.as_bytes()).expect("parse");
    assert_eq!(silences.len(), 1);
    assert_eq!(silences[0].id, "x2");
    // isEqual absent (Alertmanager before 0.22) means equal.
    assert_eq!(silences[0].matchers[0].op, MatchOp::Eq);
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].starts_with("silence x1:"), "{}", skipped[0]);
}

#[test]
fn status_keeps_version_cluster_and_start() {
    let status = parse_status(STATUS.as_bytes()).expect("status parse");
    assert_eq!(
        status,
        AmStatus {
            version: Some("0.25.0".into()),
            cluster_status: Some("disabled".into()),
            peers: 0,
            uptime_ms: Some(1_795_337_580_412),
        }
    );
    let clustered = r#"{"cluster":{"name":"01H","peers":[{"address":"10.0.0.1:9094","name":"01H"},
        {"address":"10.0.0.2:9094","name":"01J"}],"status":"ready"},"uptime":"bad",
        "versionInfo":{"version":"0.27.0"}}"#;
    let status = parse_status(clustered.as_bytes()).expect("status parse");
    assert_eq!(status.peers, 2);
    assert_eq!(status.cluster_status.as_deref(), Some("ready"));
    assert_eq!(status.uptime_ms, None);
}

#[test]
fn bad_json_and_bad_times_are_errors() {
    let e = parse_alerts(b"{\"not\":\"a list\"}", 0).unwrap_err();
    assert!(e.starts_with("unexpected JSON"), "{e}");
    let e = parse_alerts(
        br#"[{"fingerprint":"f","startsAt":"yesterday","status":{"state":"active"}}]"#,
        0,
    )
    .unwrap_err();
    assert!(e.contains("startsAt `yesterday`"), "{e}");
}

#[test]
fn silence_body_is_postable_silence() {
    let draft = SilenceDraft {
        matchers: vec![
            Matcher::equal("alertname", "HighLatency").expect("matcher"),
            Matcher::new("service", MatchOp::NotRe, "jira|x").expect("matcher"),
        ],
        starts_at_ms: 1_795_337_588_344,
        ends_at_ms: 1_795_341_188_344,
        created_by: "ops".into(),
        comment: "deploy".into(),
    };
    assert_eq!(
        silence_body(&draft).expect("body"),
        json!({
            "matchers": [
                {"name": "alertname", "value": "HighLatency", "isRegex": false, "isEqual": true},
                {"name": "service", "value": "jira|x", "isRegex": true, "isEqual": false},
            ],
            "startsAt": "2026-11-22T08:53:08.344Z",
            "endsAt": "2026-11-22T09:53:08.344Z",
            "createdBy": "ops",
            "comment": "deploy",
        })
    );
    assert_eq!(
        parse_created(br#"{"silenceID":"14b1c7bd-942f-44d3-808b-541883827778"}"#).as_deref(),
        Ok("14b1c7bd-942f-44d3-808b-541883827778")
    );
}

#[test]
fn error_texts_as_alertmanager_sends_them() {
    // Recorded from 0.25: a JSON string (400, 500) or go-swagger's {code, message} (422).
    assert_eq!(
        error_text(b"\"Failed to create silence: start time must be before end time\"\n"),
        "Failed to create silence: start time must be before end time"
    );
    assert_eq!(error_text(b"\"silence not found\"\n"), "silence not found");
    assert_eq!(
        error_text(br#"{"code":612,"message":"matchers in body should have at least 1 items"}"#),
        "matchers in body should have at least 1 items"
    );
    assert_eq!(
        error_text(
            br#""silence invalid: invalid label matcher 0: invalid regular expression \"(\": error parsing regexp: missing closing ): `(`""#
        ),
        "silence invalid: invalid label matcher 0: invalid regular expression \"(\": error parsing regexp: missing closing ): `(`"
    );
    assert_eq!(error_text(b"  404 page not found\n"), "404 page not found");
    assert_eq!(
        error_text(b"<html>\n<b>Bad\n gateway</b>"),
        "an HTML page: Bad gateway"
    );
    assert_eq!(error_text(b""), "");
    let long = "x".repeat(500);
    assert_eq!(error_text(long.as_bytes()).chars().count(), 201);
}
