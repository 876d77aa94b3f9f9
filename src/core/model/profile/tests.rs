use super::*;

#[test]
fn every_name_parses_and_prints_back() {
    for kind in ProfileKind::ALL {
        let choice: ProfileChoice = kind.name().parse().expect("known name");
        assert_eq!(choice.kind(), Some(kind));
        assert_eq!(kind.to_string(), kind.name());
    }
    assert_eq!("auto".parse::<ProfileChoice>(), Ok(ProfileChoice::Auto));
    let err = "otel".parse::<ProfileChoice>().expect_err("unknown");
    assert!(
        err.contains("toolhive") && err.contains("--profile list"),
        "{err}"
    );
}

#[test]
fn config_names_deserialize_like_flags() {
    #[derive(Deserialize)]
    struct T {
        profile: ProfileChoice,
    }
    for (text, want) in [
        ("otel-mcp-client", ProfileChoice::OtelMcpClient),
        ("mcp-tool-calls", ProfileChoice::McpToolCalls),
        ("mcpany", ProfileChoice::Mcpany),
        ("toolhive", ProfileChoice::Toolhive),
    ] {
        let t: T = toml::from_str(&format!("profile = \"{text}\"")).expect("parses");
        assert_eq!(t.profile, want);
        assert_eq!(text.parse::<ProfileChoice>(), Ok(want));
    }
}

#[test]
fn error_matching_is_anchored() {
    let http = Profile::http();
    assert!(http.is_error(Some("503")));
    assert!(http.is_error(Some("5xx")));
    assert!(!http.is_error(Some("404")));
    assert!(!http.is_error(Some("5003")));
    let otel = Profile::otel_mcp();
    assert!(otel.is_error(Some("tool_error")));
    assert!(!otel.is_error(Some("")));
    assert!(!otel.is_error(None));
}

#[test]
fn http_profile_ignores_the_polling_paths() {
    let http = Profile::http();
    let own = SeriesKey::new(
        "http_requests_total",
        [("handler", "/metrics"), ("status", "200")],
    );
    let real = SeriesKey::new(
        "http_requests_total",
        [("handler", "/mcp"), ("status", "200")],
    );
    assert!(!http.counts(&own));
    assert!(http.counts(&real));
}

#[test]
fn custom_profile_rejects_bad_regex() {
    let c = CustomProfile {
        requests: "x_total".into(),
        error_label: "status".into(),
        error_match: "(".into(),
        latency_bucket: None,
        tool_label: None,
    };
    assert!(Profile::custom(&c).is_err());
}

#[test]
fn module_label_from_the_config_replaces_the_tool_label_and_splits_by_pattern() {
    let re = Regex::new("^([^._]+)").expect("regex");
    let toolhive =
        Profile::known(ProfileKind::Toolhive, &default_polling_paths()).expect("a known profile");
    assert_eq!(toolhive.module_of("github_tools", &re), "github_tools");
    let relabelled = toolhive.with_module_label(Some("tool"));
    assert_eq!(relabelled.tool_label.as_deref(), Some("tool"));
    assert_eq!(relabelled.module_of("github_tools", &re), "github");
    let unchanged = Profile::otel_mcp().with_module_label(None);
    assert_eq!(unchanged.tool_label.as_deref(), Some("gen_ai_tool_name"));
}

#[test]
fn the_list_names_every_profile_and_what_it_reads() {
    let text = list::describe();
    for kind in ProfileKind::ALL {
        assert!(
            text.contains(&format!("\n{kind}  ")),
            "{kind} missing:\n{text}"
        );
    }
    for needle in [
        "toolhive_mcp_requests_total",
        "mcpany_tools_call_total, only series with status=~\".+\"",
        "mcp_tool_calls_total or mcp_tool_invocations_total",
        "the finer of http_request_duration_seconds_bucket and \
         http_request_duration_highr_seconds_bucket",
        "server of mcp_method=\"tools/call\", its whole value",
        "HTTP status only",
        "counted (an isError result is an error)",
    ] {
        assert!(text.contains(needle), "`{needle}` missing:\n{text}");
    }
    // Preference order: the server-side OTel profile first, plain HTTP last of the detected.
    let at = |k: ProfileKind| text.find(&format!("\n{k}  ")).unwrap_or(usize::MAX);
    assert!(at(ProfileKind::OtelMcp) < at(ProfileKind::Toolhive));
    assert!(at(ProfileKind::OtelMcpClient) < at(ProfileKind::Http));
    assert!(at(ProfileKind::Http) < at(ProfileKind::Custom));
}
