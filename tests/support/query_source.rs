//! Query mode's source as the tests run it: its settings, an environment, and waiting for
//! a refresh that satisfies a condition.

use std::time::Duration;

use mcptop::config::PromEnv;
use mcptop::model::fleet::InstanceRow;
use mcptop::model::profile::ProfileChoice;
use mcptop::model::query_mode::{PromUpdate, Refresh};
use mcptop::sources::{Update, prometheus};
use tokio::sync::mpsc;

/// Settings of the tests: refresh every second over a 20 s rate window.
pub fn settings() -> prometheus::Settings {
    prometheus::Settings {
        profile: ProfileChoice::Auto,
        custom_profile: None,
        interval: Duration::from_secs(1),
        range: Duration::from_secs(20),
        history: Duration::from_secs(120),
        module_pattern: regex::Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: mcptop::model::profile::default_polling_paths(),
    }
}

/// The part of the `http` profile's errors expression that its requests expression lacks
/// (`status=~`): how a loopback stand-in tells the two apart.
pub fn error_marker() -> String {
    let profile = mcptop::model::profile::Profile::detect(
        &ProfileChoice::Http,
        None,
        [],
        &mcptop::model::profile::default_polling_paths(),
    )
    .expect("profile")
    .expect("a named profile");
    format!("{}=~", profile.error_label)
}

/// Environment `name` at `url` reading the targets `selector` picks.
pub fn env(name: &str, url: &str, selector: &str) -> PromEnv {
    let mut e = PromEnv::new(name, url);
    e.selector = mcptop::config::prometheus::parse_selector(selector).expect("selector");
    e
}

/// Waits up to `secs` for a refresh whose rows satisfy `pred`.
pub async fn refresh_where(
    rx: &mut mpsc::Receiver<Update>,
    secs: u64,
    what: &str,
    pred: impl Fn(&Refresh) -> bool,
) -> Refresh {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    let mut last = String::from("nothing");
    loop {
        let u = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what}; last: {last}"))
            .expect("the source runs");
        if let Update::Prometheus(PromUpdate::Refresh { result, .. }) = u {
            match result {
                Ok(r) if pred(&r) => return *r,
                Ok(r) => last = format!("{:?}", r.rows),
                Err(e) => last = e.to_string(),
            }
        }
    }
}

/// The row of `addr`.
///
/// Panics: it is not in the fleet.
pub fn row<'a>(r: &'a Refresh, addr: &str) -> &'a InstanceRow {
    r.rows
        .iter()
        .find(|x| x.instance == addr)
        .unwrap_or_else(|| panic!("{addr} not in the fleet: {:?}", r.rows))
}
