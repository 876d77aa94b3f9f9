use tokio::sync::mpsc;

use crate::app::App;
use crate::app::replay::replay_config;
use crate::config::Config;
use crate::model::alerts::{Alert, AlertOrigin, AlertState, AmSnapshot, AmUpdate};
use crate::model::recording::Event;
use crate::sources::Update;
use crate::sources::files::recording;

fn alert() -> Alert {
    Alert {
        fingerprint: "f1".into(),
        labels: [("alertname".to_string(), "McpDown".to_string())].into(),
        annotations: [("summary".to_string(), "the gateway is down".to_string())].into(),
        state: AlertState::Firing,
        starts_at_ms: 900,
        updated_at_ms: Some(950),
        ends_at_ms: None,
        generator_url: None,
        silenced_by: Vec::new(),
        inhibited_by: Vec::new(),
        receivers: vec!["pager".into()],
        origin: AlertOrigin::Alertmanager { instances: vec![0] },
    }
}

fn poll(t_ms: i64, alerts: Vec<Alert>) -> Update {
    Update::Alertmanager(AmUpdate::Polled {
        instance: 0,
        t_ms,
        result: Ok(AmSnapshot {
            alerts,
            ..AmSnapshot::default()
        }),
    })
}

#[test]
fn alertmanager_polls_are_recorded_when_they_change_and_replay_as_alerts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("am.rec");
    let mut cfg = Config::default();
    cfg.target.url = Some("http://127.0.0.1:1".into());
    cfg.alertmanager.urls = vec!["http://ops:s3cret-am@am:9093".into()];
    cfg.record.path = Some(path.clone());
    let mut app = App::new(cfg).expect("app");
    let (tx, _rx) = mpsc::channel(8);
    app.start_recording(&tx).expect("recording starts");
    let target = crate::config::Target::at("http://127.0.0.1:1").expect("a target");
    app.apply_at(
        Update::Targets(crate::sources::targets::TargetSet {
            targets: vec![(0, target)],
            file_error: None,
        }),
        500,
    );
    app.apply_at(poll(1000, vec![alert()]), 1000);
    // The same set again: nothing new to record.
    app.apply_at(poll(2000, vec![alert()]), 2000);
    app.apply_at(poll(3000, Vec::new()), 3000);
    assert!(app.recorder.is_some(), "recording");
    app.close_recording_now();

    let rec = recording::read(&path).expect("reads");
    assert_eq!(rec.header.alertmanagers.len(), 1);
    assert!(!rec.header.alertmanagers[0].contains("s3cret"));
    let polls: Vec<(i64, usize)> = rec
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Alerts { t_ms, alerts, .. } => Some((*t_ms, alerts.len())),
            _ => None,
        })
        .collect();
    assert_eq!(polls, vec![(1000, 1), (3000, 0)]);

    let mut replayed = App::new(replay_config(Config::default(), &rec).expect("cfg")).expect("app");
    replayed.replay_until(&rec.events, 2500);
    let firing: Vec<String> = replayed
        .alerts
        .alertmanager_alerts()
        .iter()
        .filter(|a| a.state == AlertState::Firing)
        .map(|a| format!("{} {}", a.name(), a.annotation("summary").unwrap_or("")))
        .collect();
    assert_eq!(firing, vec!["McpDown the gateway is down".to_string()]);
    let mut at_end = App::new(replay_config(Config::default(), &rec).expect("cfg")).expect("app");
    at_end.replay_until(&rec.events, 3000);
    assert!(at_end.alerts.alertmanager_alerts().is_empty());
}
