//! `[alertmanager]`, `[alerts]` and `[[rules]]`: defaults, overrides, and every error with
//! the line and key it names.

use std::time::Duration;

use super::alerts::{HttpAuth, TlsConfig};
use super::mcp::SecretSource;
use super::mcp_tests::{error_at, parse};
use crate::model::alerts::Priority;
use crate::model::rules::{self, Cmp, RuleExpr};

#[test]
fn defaults_have_the_six_builtin_rules_and_no_alertmanager() {
    let cfg = parse("");
    assert_eq!(cfg.rules, rules::builtin());
    assert_eq!(cfg.rules.len(), 6);
    assert!(cfg.alertmanager.urls.is_empty());
    assert_eq!(cfg.alerts.priorities.get("critical"), Some(&Priority::P1));
    assert!(!cfg.alerts.read_only);
}

#[test]
fn a_rule_entry_changes_only_what_it_gives_and_keeps_its_place() {
    let cfg = parse(
        "[[rules]]\nalert = \"McpErrorRateHigh\"\nthreshold = 0.02\nfor = \"10m\"\n\
         [[rules]]\nalert = \"McpMemoryHigh\"\ndisabled = true\n\
         [[rules]]\nalert = \"McpNoTraffic\"\nexpr = \"request_rate\"\nop = \"<\"\nthreshold = 0.01\nseverity = \"P3\"\n",
    );
    let names: Vec<&str> = cfg.rules.iter().map(|r| r.alert.as_str()).collect();
    assert_eq!(
        names,
        [
            "McpTargetDown",
            "McpErrorRateCritical",
            "McpErrorRateHigh",
            "McpLatencyP95High",
            "McpLatencyP99High",
            "McpNoTraffic"
        ]
    );
    let high = &cfg.rules[2];
    assert_eq!(high.threshold, 0.02);
    assert_eq!(high.for_, Duration::from_secs(600));
    assert_eq!(high.expr, RuleExpr::ErrorRatio, "unchanged fields stay");
    assert_eq!(high.severity, "P2");
    let new = &cfg.rules[5];
    assert_eq!(
        (new.expr, new.op, new.severity.as_str()),
        (RuleExpr::RequestRate, Cmp::Lt, "P3")
    );
    assert!(parse("[alerts]\nbuiltin_rules = false\n").rules.is_empty());
}

#[test]
fn rule_errors_name_line_and_key() {
    error_at(
        "[[rules]]\nalert = \"Custom\"\nthreshold = 1.0\n",
        2,
        "rules[0].alert",
    );
    error_at(
        "[[rules]]\nalert = \"McpTargetDown\"\nexpr = \"cpu\"\n",
        3,
        "rules[0].expr",
    );
    error_at(
        "[[rules]]\nalert = \"McpTargetDown\"\nop = \"==\"\n",
        3,
        "rules[0].op",
    );
    error_at(
        "[[rules]]\nalert = \"McpTargetDown\"\nfor = \"soon\"\n",
        3,
        "rules[0].for",
    );
    error_at(
        "[[rules]]\nalert = \"Nope\"\ndisabled = true\n",
        2,
        "rules[0].disabled",
    );
    error_at(
        "[[rules]]\nalert = \"X\"\nthreshold = 1\nexprr = \"p95_seconds\"\n",
        4,
        "rules[0].exprr",
    );
}

#[test]
fn alertmanager_settings_parse_with_secrets_named_only() {
    let cfg = parse(
        "[alertmanager]\nurls = [\"http://am-0:9093/\", \"https://am-1:9093\"]\ninterval = \"10s\"\n\
         basic_auth_user = \"ops\"\nbasic_auth_password_env = \"AM_PASSWORD\"\n\
         headers = { \"X-Scope-OrgID\" = \"team-a\" }\nca_file = \"/etc/ca.pem\"\n",
    );
    let am = &cfg.alertmanager;
    assert_eq!(am.urls, ["http://am-0:9093", "https://am-1:9093"]);
    assert_eq!(am.interval, Duration::from_secs(10));
    assert_eq!(
        am.http.auth,
        Some(HttpAuth::Basic {
            username: "ops".into(),
            password: SecretSource::Env("AM_PASSWORD".into())
        })
    );
    assert_eq!(
        am.http.headers.get("X-Scope-OrgID").map(String::as_str),
        Some("team-a")
    );
    assert_eq!(
        am.http.tls,
        TlsConfig {
            ca_file: Some("/etc/ca.pem".into()),
            ..TlsConfig::default()
        }
    );
}

#[test]
fn alertmanager_errors_name_line_and_key() {
    let e = error_at(
        "[alertmanager]\nbearer_token = \"abc\"\n",
        2,
        "alertmanager.bearer_token",
    );
    assert!(e.contains("bearer_token_env") && !e.contains("abc"), "{e}");
    error_at(
        "[alertmanager]\nurls = [\"ftp://x\"]\n",
        2,
        "alertmanager.urls[0]",
    );
    error_at(
        "[alertmanager]\ncert_file = \"c.pem\"\n",
        2,
        "alertmanager.cert_file",
    );
    error_at(
        "[alertmanager]\nheaders = { Authorization = \"Basic x\" }\n",
        2,
        "alertmanager.headers.Authorization",
    );
    error_at(
        "[alertmanager]\nbasic_auth_user = \"ops\"\n",
        2,
        "alertmanager.basic_auth_user",
    );
    error_at(
        "[alertmanager]\ninterval = \"0s\"\n",
        2,
        "alertmanager.interval",
    );
}

#[test]
fn alerts_settings_and_errors() {
    let cfg = parse(
        "[alerts]\npriorities = { Critical = \"P0\" }\nauthor = \"alice\"\nread_only = true\nsilence_duration = \"2h\"\n",
    );
    assert_eq!(cfg.alerts.priorities.get("critical"), Some(&Priority::P0));
    assert_eq!(
        cfg.alerts.priorities.get("warning"),
        Some(&Priority::P2),
        "merged over the defaults"
    );
    assert_eq!(cfg.alerts.author.as_deref(), Some("alice"));
    assert!(cfg.alerts.read_only);
    assert_eq!(cfg.alerts.silence_duration, Duration::from_secs(7200));
    error_at(
        "[alerts]\npriorities = { critical = \"P9\" }\n",
        2,
        "alerts.priorities.critical",
    );
    error_at("[alerts]\nservice_down = \"(\"\n", 2, "alerts.service_down");
}
