use std::path::Path;

use super::*;

const SAMPLE: &str = include_str!("sample.toml");

#[test]
fn shipped_sample_parses_and_equals_defaults() {
    let cfg = Config::from_toml(SAMPLE, Path::new("sample.toml")).expect("sample parses");
    assert_eq!(cfg, Config::default());
}

#[test]
fn unknown_key_names_file_line_and_key() {
    let text = "[target]\nurl = \"http://x\"\n\n[scrape]\ninterval = \"2s\"\nintervall = \"3s\"\n";
    let err = Config::from_toml(text, Path::new("/etc/mcptop.toml")).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("/etc/mcptop.toml:6:1: key `scrape.intervall`"),
        "{shown}"
    );
    assert!(shown.contains("unknown field"), "{shown}");
}

#[test]
fn unknown_table_is_named() {
    let text = "[target]\nurl = \"http://x\"\n[scrap]\ninterval = \"2s\"\n";
    let err = Config::from_toml(text, Path::new("c.toml")).unwrap_err();
    let shown = err.to_string();
    assert!(shown.starts_with("c.toml:3:"), "{shown}");
    assert!(shown.contains("key `scrap`"), "{shown}");
}

#[test]
fn sample_limit_is_read_and_a_bad_one_names_file_line_and_key() {
    assert_eq!(Config::default().scrape.sample_limit, 200_000);
    let cfg =
        Config::from_toml("[scrape]\nsample_limit = 5000\n", Path::new("c.toml")).expect("parses");
    assert_eq!(cfg.scrape.sample_limit, 5000);
    let text = "[scrape]\ninterval = \"2s\"\nsample_limit = -1\n";
    let shown = Config::from_toml(text, Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(shown.starts_with("c.toml:3:"), "{shown}");
    assert!(shown.contains("key `scrape.sample_limit`"), "{shown}");
}

#[test]
fn bad_duration_names_key() {
    let text = "[window]\nrange = \"5 parsecs\"\n";
    let err = Config::from_toml(text, Path::new("c.toml")).unwrap_err();
    let shown = err.to_string();
    assert!(shown.starts_with("c.toml:2:"), "{shown}");
    assert!(shown.contains("key `window.range`"), "{shown}");
}

#[test]
fn flags_override_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[target]\nurl = \"http://a:1\"\n[scrape]\ninterval = \"5s\"\n",
    )
    .expect("write");
    let args = Flags {
        config: Some(path),
        target: vec!["http://b:2".into()],
        interval: Some(Duration::from_secs(1)),
        ..Default::default()
    };
    let cfg = Config::load(&args).expect("loads");
    assert_eq!(cfg.target.url.as_deref(), Some("http://b:2"));
    assert_eq!(cfg.scrape.interval, Duration::from_secs(1));
    assert_eq!(cfg.target_name(), "b:2");
}

#[test]
fn missing_explicit_config_is_an_error() {
    let args = Flags {
        config: Some("/nonexistent/mcptop.toml".into()),
        ..Default::default()
    };
    let err = Config::load(&args).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/nonexistent/mcptop.toml: cannot read config")
    );
}

#[test]
fn window_shorter_than_two_intervals_is_rejected() {
    let text = "[scrape]\ninterval = \"10s\"\n[window]\nrange = \"15s\"\n";
    let err = Config::from_toml(text, Path::new("c.toml")).unwrap_err();
    assert!(err.to_string().contains("window.range"), "{err}");
}

#[test]
fn table_header_with_comment_names_the_key() {
    let text = "[scrape]  # polling\nintervall = \"3s\"\n";
    let err = Config::from_toml(text, Path::new("c.toml")).unwrap_err();
    assert!(err.to_string().contains("key `scrape.intervall`"), "{err}");
}

#[test]
fn thresholds_must_be_ratios_and_ordered() {
    let err =
        Config::from_toml("[thresholds]\nerror_rate_crit = 5\n", Path::new("c.toml")).unwrap_err();
    assert!(err.to_string().contains("ratios between 0 and 1"), "{err}");
    let err =
        Config::from_toml("[thresholds]\np95_warn = \"9s\"\n", Path::new("c.toml")).unwrap_err();
    assert!(err.to_string().contains("thresholds.p95_warn"), "{err}");
}

#[test]
fn timeout_longer_than_interval_is_rejected() {
    let err = Config::from_toml("[scrape]\ntimeout = \"5s\"\n", Path::new("c.toml")).unwrap_err();
    assert!(err.to_string().contains("scrape.timeout"), "{err}");
}

#[test]
fn history_longer_than_a_day_is_rejected() {
    let ok = Config::from_toml("[window]\nhistory = \"24h\"\n", Path::new("c.toml"));
    assert_eq!(ok.map(|c| c.window.history).ok(), Some(MAX_HISTORY));
    let err = Config::from_toml("[window]\nhistory = \"24h 1s\"\n", Path::new("c.toml"))
        .expect_err("a history over 24h");
    let shown = err.to_string();
    assert!(shown.contains("window.history (--history)"), "{shown}");
    assert!(shown.contains("at most 24h"), "{shown}");
}

#[test]
fn a_duration_key_longer_than_a_year_names_file_line_and_key() {
    let text = "[alerts]\nsilence_duration = \"2h\"\n\n[alertmanager]\ninterval = \"366d\"\n";
    let err = Config::from_toml(text, Path::new("c.toml")).expect_err("a 366-day interval");
    let shown = err.to_string();
    assert!(shown.starts_with("c.toml:5:"), "{shown}");
    assert!(shown.contains("key `alertmanager.interval`"), "{shown}");
    assert!(shown.contains("at most 365d"), "{shown}");
    let text = "[thresholds]\np99_crit = \"400d\"\n";
    let err = Config::from_toml(text, Path::new("c.toml")).expect_err("a 400-day P99 level");
    assert!(err.to_string().contains("thresholds.p99_crit"), "{err}");
    // A silence of 10,000 years would end past what RFC 3339 can write.
    let text = "[alerts]\nsilence_duration = \"10000years\"\n";
    let err = Config::from_toml(text, Path::new("c.toml")).expect_err("a silence of 10,000 years");
    assert!(
        err.to_string().contains("key `alerts.silence_duration`"),
        "{err}"
    );
}

// ---- [target], [[targets]], --target ----

#[test]
fn a_target_is_an_endpoint_with_paths_auth_and_tls() {
    let text = "[target]\nurl = \"https://gw.example:8443\"\nmetrics_path = \"/metrics/prometheus\"\n\
                health_path = \"\"\nbearer_token_env = \"GW_TOKEN\"\nca_file = \"/etc/ca.pem\"\n\
                headers = { X-Tenant = \"ops\" }\n";
    let cfg = Config::from_toml(text, Path::new("c.toml")).expect("loads");
    let t = &cfg.scrape_targets().expect("targets")[0];
    assert_eq!(
        t.metrics_url.as_str(),
        "https://gw.example:8443/metrics/prometheus"
    );
    assert_eq!(t.health_url, None);
    assert_eq!(t.name, "gw.example:8443");
    assert!(t.http.auth.is_some());
    assert_eq!(
        t.http.tls.ca_file.as_deref(),
        Some(Path::new("/etc/ca.pem"))
    );
    assert_eq!(
        t.http.headers.get("X-Tenant").map(String::as_str),
        Some("ops")
    );
    assert!(!cfg.scrape_fleet());
}

#[test]
fn target_errors_name_the_line_and_key_and_never_a_password() {
    let err = |text: &str| {
        Config::from_toml(text, Path::new("c.toml"))
            .expect_err("refused")
            .to_string()
    };
    let e = err("[target]\nurl = \"https://ops:pw-planted@gw/metrics\"\n");
    assert!(
        e.starts_with("c.toml:2:") && e.contains("key `target.url`"),
        "{e}"
    );
    assert!(
        e.contains("basic_auth_user") && !e.contains("pw-planted"),
        "{e}"
    );
    let e = err("[target]\nmetrics_path = \"metrics\"\n");
    assert!(
        e.contains("key `target.metrics_path`") && e.contains("start with /"),
        "{e}"
    );
    let e = err("[target]\nbearer_token = \"abc\"\n");
    assert!(e.contains("bearer_token_env"), "{e}");
    let e = err("[[targets]]\nname = \"a\"\n");
    assert!(e.contains("key `targets[0].url`"), "{e}");
    let e = err("[[targets]]\nurl = \"a:1\"\ntargets_file = \"x.json\"\n");
    assert!(e.contains("key `targets[0].targets_file`"), "{e}");
    let e = err("[target]\nprofile = \"nope\"\n");
    assert!(e.contains("key `target.profile`"), "{e}");
}

#[test]
fn targets_inherit_target_and_make_a_fleet() {
    let text = "[target]\nmetrics_path = \"/m\"\nbearer_token_file = \"/run/t\"\n\
                [[targets]]\nurl = \"10.0.0.1:9464\"\nlabels = { job = \"mcp\" }\n\
                [[targets]]\nurl = \"10.0.0.2:9464\"\nname = \"b\"\nca_file = \"/ca.pem\"\n";
    let cfg = Config::from_toml(text, Path::new("c.toml")).expect("loads");
    assert!(cfg.scrape_fleet());
    let ts = cfg.scrape_targets().expect("targets");
    assert_eq!(ts[0].metrics_url.as_str(), "http://10.0.0.1:9464/m");
    assert!(ts[0].http.auth.is_some(), "inherited from [target]");
    assert_eq!(ts[0].labels.get("job").map(String::as_str), Some("mcp"));
    assert_eq!(ts[1].name, "b");
    assert!(
        ts[1].http.auth.is_none(),
        "its own HTTP settings, as a whole"
    );
}

#[test]
fn target_flags_replace_the_file_and_keep_credentials_on_their_origin_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[target]\nurl = \"https://a.example\"\nbearer_token_env = \"A_TOKEN\"\n\
         targets_file = \"/etc/t.json\"\n",
    )
    .expect("write");
    let load = |targets: &[&str]| load_with_targets(&path, targets);
    let cfg = load(&["https://a.example/metrics/x"]);
    assert!(cfg.target.targets_file.is_none());
    let ts = cfg.scrape_targets().expect("targets");
    assert_eq!(ts.len(), 1);
    assert!(ts[0].http.auth.is_some(), "same origin keeps the token");
    let cfg = load(&["127.0.0.1:8080", "https://a.example"]);
    let ts = cfg.scrape_targets().expect("targets");
    assert_eq!(ts[0].metrics_url.as_str(), "http://127.0.0.1:8080/metrics");
    assert!(ts[0].http.auth.is_none(), "another origin gets no token");
    assert!(
        ts[1].http.auth.is_some(),
        "the configured origin keeps its token"
    );
    assert!(cfg.scrape_fleet());
    let err = Config::load(&Flags {
        target: vec!["http://u:pw-planted@h:1".into()],
        ..Default::default()
    })
    .expect_err("refused")
    .to_string();
    assert!(
        err.contains("--target") && !err.contains("pw-planted"),
        "{err}"
    );
}

#[test]
fn a_flag_target_on_an_origin_the_config_does_not_name_gets_no_credential() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.toml");
    // [target] holds the defaults of two configured targets, and no url.
    std::fs::write(
        &path,
        "[target]\nbearer_token_env = \"PROD_TOKEN\"\n\
         [[targets]]\nurl = \"https://prod-a.example\"\n\
         [[targets]]\nurl = \"https://prod-b.example\"\n",
    )
    .expect("write");
    let load = |targets: &[&str]| load_with_targets(&path, targets);
    let ts = load(&["http://some-demo:8080"])
        .scrape_targets()
        .expect("targets");
    assert!(ts[0].http.auth.is_none(), "PROD_TOKEN sent to another host");
    let ts = load(&["https://prod-b.example/metrics"])
        .scrape_targets()
        .expect("targets");
    assert!(
        ts[0].http.auth.is_some(),
        "a configured origin keeps its token"
    );
    // The name given to [target].url stays with its origin.
    std::fs::write(
        &path,
        "[target]\nurl = \"https://prod.example\"\nname = \"prod\"\n",
    )
    .expect("write");
    let cfg = load(&["http://localhost:8080"]);
    assert_eq!(cfg.target_name(), "localhost:8080");
    let cfg = load(&["https://prod.example/metrics"]);
    assert_eq!(cfg.target_name(), "prod");
}

/// The config at `path` with `--target` flags.
fn load_with_targets(path: &Path, targets: &[&str]) -> Config {
    Config::load(&Flags {
        config: Some(path.to_path_buf()),
        target: targets.iter().map(|t| t.to_string()).collect(),
        ..Default::default()
    })
    .expect("loads")
}

#[test]
fn record_and_its_limit_name_the_line_and_key() {
    let cfg = Config::from_toml(
        "record = \"/var/tmp/incident.rec\"\nrecord_max_bytes = 200000\n",
        Path::new("c.toml"),
    )
    .expect("loads");
    assert_eq!(
        cfg.record.path.as_deref(),
        Some(Path::new("/var/tmp/incident.rec"))
    );
    assert_eq!(cfg.record.max_bytes, 200_000);
    assert_eq!(Config::default().record.max_bytes, 100_000_000);
    let err = Config::from_toml(
        "record = \"/r.rec\"\nrecord_max_bytes = 1000\n",
        Path::new("c.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("c.toml:2:") && err.contains("record_max_bytes") && err.contains("65536"),
        "{err}"
    );
    let err = Config::from_toml("record = \" \"\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("c.toml:1:") && err.contains("`record`"),
        "{err}"
    );
}
