use super::*;
use crate::model::alerts::types::{AmStatus, Labels};

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn alert(fp: &str, name: &str, severity: &str, state: AlertState, updated: i64) -> Alert {
    Alert {
        fingerprint: fp.into(),
        labels: labels(&[("alertname", name), ("severity", severity)]),
        annotations: Labels::new(),
        state,
        starts_at_ms: 1_000,
        updated_at_ms: Some(updated),
        ends_at_ms: None,
        generator_url: None,
        silenced_by: Vec::new(),
        inhibited_by: Vec::new(),
        receivers: vec!["team".into()],
        origin: AlertOrigin::Alertmanager { instances: vec![] },
    }
}

fn snapshot(alerts: Vec<Alert>) -> AmSnapshot {
    AmSnapshot {
        alerts,
        silences: Vec::new(),
        groups: Vec::new(),
        status: AmStatus::default(),
    }
}

fn two() -> AlertsState {
    AlertsState::new(
        vec!["http://a:9093".into(), "http://b:9093".into()],
        PriorityMap::default(),
    )
}

#[test]
fn dedupes_by_fingerprint_keeping_the_newest() {
    let mut s = two();
    s.apply(
        0,
        10,
        Ok(snapshot(vec![alert(
            "f1",
            "HighErrorRate",
            "critical",
            AlertState::Firing,
            5,
        )])),
    );
    s.apply(
        1,
        10,
        Ok(snapshot(vec![
            alert("f1", "HighErrorRate", "critical", AlertState::Silenced, 7),
            alert("f2", "SlowP95", "warning", AlertState::Firing, 7),
        ])),
    );
    let rows = s.rows();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].alert.fingerprint, "f1");
    assert_eq!(rows[0].priority, Priority::P1);
    assert_eq!(
        rows[0].alert.state,
        AlertState::Silenced,
        "newest updatedAt wins"
    );
    assert_eq!(
        rows[0].alert.origin,
        AlertOrigin::Alertmanager {
            instances: vec![0, 1]
        }
    );
    assert_eq!(s.counts(), [0, 0, 1, 0], "silenced alerts are not counted");
}

#[test]
fn a_failing_instance_is_left_out_while_another_is_current() {
    let mut s = two();
    s.apply(
        0,
        10,
        Ok(snapshot(vec![alert(
            "f1",
            "A",
            "critical",
            AlertState::Firing,
            5,
        )])),
    );
    s.apply(
        1,
        10,
        Ok(snapshot(vec![alert(
            "f1",
            "A",
            "critical",
            AlertState::Firing,
            5,
        )])),
    );
    // Instance 1 goes down; instance 0 says the alert resolved.
    s.apply(1, 20, Err("cannot connect".into()));
    s.apply(0, 20, Ok(snapshot(vec![])));
    assert!(s.rows().is_empty());
    assert_eq!(s.instances[1].status.consecutive_failures, 1);
    // Both down: the newest data is kept, with its age visible in the panel.
    s.apply(0, 30, Err("cannot connect".into()));
    assert!(s.rows().is_empty());
    assert_eq!(s.instances[0].status.last_ok_ms, Some(20));
}

#[test]
fn rows_group_by_priority_then_name_and_local_alerts_can_be_silenced() {
    let mut s = AlertsState::new(vec!["http://a".into()], PriorityMap::default());
    let mut silence_labels = Silence {
        id: "s1".into(),
        matchers: vec![Matcher::equal("alertname", "McpErrorRateHigh").expect("ok")],
        starts_at_ms: 0,
        ends_at_ms: 10_000,
        updated_at_ms: Some(1),
        created_by: "ops".into(),
        comment: "deploy".into(),
        state: SilenceState::Active,
    };
    let mut snap = snapshot(vec![
        alert("f3", "Zeta", "warning", AlertState::Firing, 1),
        alert("f4", "Alpha", "warning", AlertState::Firing, 1),
        alert("f5", "McpServerDown", "critical", AlertState::Firing, 1),
    ]);
    snap.silences.push(silence_labels.clone());
    s.apply(0, 10, Ok(snap.clone()));
    let mut local = alert(
        "local:McpErrorRateHigh",
        "McpErrorRateHigh",
        "P2",
        AlertState::Firing,
        1,
    );
    local.origin = AlertOrigin::Local;
    s.set_local(vec![local]);
    let names: Vec<&str> = s.rows().iter().map(|r| r.alert.name()).collect();
    assert_eq!(
        names,
        ["McpServerDown", "Alpha", "McpErrorRateHigh", "Zeta"]
    );
    assert_eq!(s.rows()[0].priority, Priority::P0);
    assert_eq!(s.local_alerts()[0].state, AlertState::Silenced);
    assert_eq!(s.counts(), [1, 0, 2, 0]);
    // The silence expires: the local alert fires again.
    silence_labels.state = SilenceState::Expired;
    silence_labels.updated_at_ms = Some(2);
    snap.silences = vec![silence_labels];
    s.apply(0, 20, Ok(snap));
    assert_eq!(s.local_alerts()[0].state, AlertState::Firing);
    let m = Matcher::parse_list("severity=warning").expect("ok");
    assert_eq!(s.matching(&m).len(), 2);
}
