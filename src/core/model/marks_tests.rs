use super::*;
use crate::model::alerts::Labels;

fn alert(fp: &str, name: &str, state: AlertState, starts: i64, local: bool) -> Alert {
    let labels: Labels = [("alertname", name), ("severity", "critical")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Alert {
        fingerprint: fp.into(),
        labels,
        annotations: Labels::new(),
        state,
        starts_at_ms: starts,
        updated_at_ms: None,
        ends_at_ms: None,
        generator_url: None,
        silenced_by: Vec::new(),
        inhibited_by: Vec::new(),
        receivers: Vec::new(),
        origin: if local {
            AlertOrigin::Local
        } else {
            AlertOrigin::Alertmanager { instances: vec![0] }
        },
    }
}

fn seen(log: &MarkLog) -> Vec<(i64, Transition, &str)> {
    log.marks()
        .iter()
        .map(|m| (m.t_ms, m.transition, m.alert.as_str()))
        .collect()
}

#[test]
fn alertmanager_alert_fires_at_its_starts_at_and_resolves_when_it_leaves_the_list() {
    let mut log = MarkLog::default();
    let a = alert("f1", "HighErrorRate", AlertState::Firing, 5_000, false);
    log.observe(10_000, false, std::slice::from_ref(&a));
    log.observe(12_000, false, std::slice::from_ref(&a));
    log.observe(14_000, false, &[]);
    assert_eq!(
        seen(&log),
        vec![
            (5_000, Transition::Firing, "HighErrorRate"),
            (14_000, Transition::Resolved, "HighErrorRate"),
        ]
    );
    assert_eq!(log.marks()[0].severity, "critical");
    assert!(!log.marks()[0].local);
}

#[test]
fn a_starts_at_in_the_future_is_not_believed() {
    let mut log = MarkLog::default();
    let a = alert("f1", "X", AlertState::Firing, 99_000, false);
    log.observe(10_000, false, &[a]);
    assert_eq!(seen(&log), vec![(10_000, Transition::Firing, "X")]);
}

#[test]
fn local_alert_fires_when_seen_firing_not_when_pending_and_resolves_at_its_end() {
    let mut log = MarkLog::default();
    let pending = alert("local:P95", "P95", AlertState::Pending, 1_000, true);
    log.observe(2_000, true, &[pending]);
    assert!(log.marks().is_empty(), "pending is not a transition");
    let firing = alert("local:P95", "P95", AlertState::Firing, 1_000, true);
    log.observe(4_000, true, &[firing]);
    let mut resolved = alert("local:P95", "P95", AlertState::Resolved, 1_000, true);
    resolved.ends_at_ms = Some(5_000);
    log.observe(6_000, true, &[resolved]);
    assert_eq!(
        seen(&log),
        vec![
            (4_000, Transition::Firing, "P95"),
            (5_000, Transition::Resolved, "P95")
        ]
    );
}

#[test]
fn silenced_alert_still_fires_and_one_source_does_not_resolve_the_others() {
    let mut log = MarkLog::default();
    let am = alert("f1", "Down", AlertState::Silenced, 1_000, false);
    log.observe(2_000, false, &[am]);
    let local = alert("local:E", "E", AlertState::Firing, 1_000, true);
    log.observe(3_000, true, &[local]);
    // Alertmanager's next list still has its alert; the local list empties.
    log.observe(4_000, true, &[]);
    assert_eq!(
        seen(&log),
        vec![
            (1_000, Transition::Firing, "Down"),
            (3_000, Transition::Firing, "E"),
            (4_000, Transition::Resolved, "E"),
        ]
    );
}

#[test]
fn refiring_adds_a_new_mark_and_marks_stay_in_time_order() {
    let mut log = MarkLog::default();
    let a = alert("f1", "A", AlertState::Firing, 9_000, false);
    log.observe(10_000, false, std::slice::from_ref(&a));
    log.observe(11_000, false, &[]);
    let b = alert("f2", "B", AlertState::Firing, 2_000, false);
    let a2 = alert("f1", "A", AlertState::Firing, 12_000, false);
    log.observe(12_500, false, &[b, a2]);
    assert_eq!(
        seen(&log),
        vec![
            (2_000, Transition::Firing, "B"),
            (9_000, Transition::Firing, "A"),
            (11_000, Transition::Resolved, "A"),
            (12_000, Transition::Firing, "A"),
        ]
    );
    assert_eq!(log.times(), vec![2_000, 9_000, 11_000, 12_000]);
    assert_eq!(log.between(9_000, 11_000).len(), 2);
    assert!(log.between(13_000, 12_000).is_empty());
}

#[test]
fn trim_and_the_cap_bound_the_log() {
    let mut log = MarkLog::default();
    for i in 0..(MAX_MARKS as i64 + 10) {
        let a = alert(&format!("f{i}"), "A", AlertState::Firing, i, false);
        log.observe(i, false, &[a]);
    }
    // Each observation resolves the previous alert and fires the next: 2 marks each.
    assert_eq!(log.marks().len(), MAX_MARKS);
    let newest = log.marks().last().map(|m| m.t_ms);
    assert_eq!(newest, Some(MAX_MARKS as i64 + 9));
    log.trim(MAX_MARKS as i64);
    assert!(log.marks().iter().all(|m| m.t_ms >= MAX_MARKS as i64));
}
