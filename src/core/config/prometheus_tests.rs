//! `[prometheus]` and `[[environments]]`: every key, flags, and errors that name the file,
//! line and key.

use std::time::Duration;

use super::mcp::SecretSource;
use super::mcp_tests::{error_at, parse};
use crate::config::alerts::HttpAuth;

#[test]
fn prometheus_and_environments_are_read_in_order() {
    let cfg = parse(
        "[prometheus]\nurl = \"http://127.0.0.1:9090/\"\nselector = 'job=\"mcp\"'\n\
         timeout = \"3s\"\n\n\
         [[environments]]\nname = \"production\"\n\
         url = \"https://mimir.example/prometheus\"\n\
         selector = '{job=\"mcp\", env=~\"prod.*\"}'\n\
         headers = { \"X-Scope-OrgID\" = \"prod\" }\nbearer_token_env = \"MIMIR_TOKEN\"\n\n\
         [[environments]]\nname = \"staging\"\nurl = \"http://prom.staging:9090\"\n",
    );
    let envs = &cfg.prometheus.environments;
    assert!(cfg.prometheus.enabled());
    let names: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["default", "production", "staging"]);
    assert_eq!(envs[0].url, "http://127.0.0.1:9090");
    assert_eq!(envs[0].selector_text(), "job=\"mcp\"");
    assert_eq!(envs[0].timeout, Duration::from_secs(3));
    assert_eq!(envs[1].selector_text(), "job=\"mcp\", env=~\"prod.*\"");
    assert_eq!(
        envs[1]
            .http
            .headers
            .get("X-Scope-OrgID")
            .map(String::as_str),
        Some("prod")
    );
    assert_eq!(
        envs[1].http.auth,
        Some(HttpAuth::Bearer(SecretSource::Env("MIMIR_TOKEN".into())))
    );
    assert!(envs[2].selector.is_empty());
    assert_eq!(envs[2].timeout, super::prometheus::DEFAULT_TIMEOUT);
    assert_eq!(cfg.prometheus.start_index(), 0);
}

#[test]
fn no_table_means_scrape_mode() {
    assert!(!parse("").prometheus.enabled());
}

#[test]
fn errors_name_the_line_and_key() {
    error_at(
        "[prometheus]\nselector = 'job=\"mcp\"'\n",
        1,
        "prometheus.url",
    );
    error_at("[prometheus]\nurl = \"ftp://x\"\n", 2, "prometheus.url");
    let e = error_at(
        "[prometheus]\nurl = \"http://p:9090\"\nselector = 'job'\n",
        3,
        "prometheus.selector",
    );
    assert!(e.contains("label matchers"), "{e}");
    error_at(
        "[prometheus]\nurl = \"http://p:9090\"\nbearer_token = \"s3cr3t\"\n",
        3,
        "prometheus.bearer_token",
    );
    error_at(
        "[[environments]]\nname = \"a\"\nurl = \"http://p:9090\"\n\
         [[environments]]\nname = \"a\"\nurl = \"http://q:9090\"\n",
        5,
        "environments[1].name",
    );
    error_at(
        "[[environments]]\nname = \"two words\"\nurl = \"http://p:9090\"\n",
        2,
        "environments[0].name",
    );
    error_at(
        "[[environments]]\nname = \"a\"\nurl = \"http://p:9090\"\ntimeout = \"soon\"\n",
        4,
        "environments[0].timeout",
    );
    let e = error_at(
        "[prometheus]\nurl = \"http://p:9090\"\nselectr = 'job=\"mcp\"'\n",
        3,
        "prometheus.selectr",
    );
    assert!(e.contains("unknown field"), "{e}");
}

#[test]
fn selector_accepts_braces_or_none_and_refuses_garbage() {
    use super::prometheus::parse_selector;
    assert_eq!(parse_selector("").expect("empty"), vec![]);
    assert_eq!(parse_selector("{}").expect("braces"), vec![]);
    assert_eq!(
        parse_selector("{job=\"mcp\"}").expect("one").len(),
        parse_selector("job=\"mcp\"").expect("one").len()
    );
    assert!(parse_selector("job=~\"(\"").is_err());
    assert!(parse_selector("1abc=\"x\"").is_err());
}

#[test]
fn the_sample_configs_commented_query_mode_parses_when_uncommented() {
    let sample = include_str!("sample.toml");
    let from = sample
        .find("# [prometheus]")
        .expect("query mode in the sample");
    let text: String = sample[from..]
        .lines()
        .filter(|l| !l.trim_start_matches('#').trim_start().starts_with('#'))
        .map(|l| l.strip_prefix("# ").unwrap_or(l))
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    let cfg = parse(&text);
    let names: Vec<&str> = cfg
        .prometheus
        .environments
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(names, ["default", "staging"], "{text}");
    assert_eq!(
        cfg.prometheus.environments[0]
            .http
            .headers
            .get("X-Scope-OrgID")
            .map(String::as_str),
        Some("tenant")
    );
    assert_eq!(cfg.prometheus.environments[0].partial_response, Some(false));
    assert_eq!(cfg.prometheus.environments[1].partial_response, None);
}

#[test]
fn nocache_is_auto_unless_set_and_refuses_other_values_at_its_line() {
    use super::prometheus::NoCache;
    let cfg = parse(
        "[prometheus]\nurl = \"http://p:9090\"\n\n\
         [[environments]]\nname = \"vm\"\nurl = \"http://vm:8428\"\nnocache = true\n\n\
         [[environments]]\nname = \"shared\"\nurl = \"http://vm:8428\"\nnocache = false\n\n\
         [[environments]]\nname = \"auto\"\nurl = \"http://vm:8428\"\nnocache = \"auto\"\n",
    );
    let got: Vec<NoCache> = cfg
        .prometheus
        .environments
        .iter()
        .map(|e| e.nocache)
        .collect();
    assert_eq!(
        got,
        [NoCache::Auto, NoCache::On, NoCache::Off, NoCache::Auto]
    );
    for bad in ["\"yes\"", "1"] {
        let e = error_at(
            &format!("[[environments]]\nname = \"a\"\nurl = \"http://p:9090\"\nnocache = {bad}\n"),
            4,
            "environments[0].nocache",
        );
        assert!(e.contains("true, false or \"auto\""), "{e}");
    }
}
