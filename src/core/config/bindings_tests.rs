//! `[[bindings]]`: keys that call MCP tools, every rule and every error with the line and
//! key the error names.

use std::time::Duration;

use crate::action::{KeyCode, Mods};

use super::mcp_tests::{error_at, parse};

const TWO_SERVERS: &str =
    "[mcp.servers.prod]\nurl = \"http://h:1\"\n[mcp.servers.local]\ncommand = \"x\"\n";

#[test]
fn binding_is_read_with_json_args() {
    let cfg = parse(&format!(
        "{TWO_SERVERS}\n[[bindings]]\nkey = \"F5\"\nserver = \"prod\"\ntool = \"cache.flush\"\n\
         args = {{ region = \"ap\", n = 3, f = 0.5, on = true, at = 2026-01-02T03:04:05Z, \
         list = [1, \"a\"], nested = {{ k = \"v\" }} }}\nconfirm = true\ntimeout = \"2m\"\n\
         [[bindings]]\nkey = \"Ctrl-R\"\nserver = \"local\"\ntool = \"reload\"\n"
    ));
    let b = &cfg.bindings[0];
    assert_eq!(b.key.code, KeyCode::F(5));
    assert_eq!(
        (b.server.as_str(), b.tool.as_str()),
        ("prod", "cache.flush")
    );
    assert_eq!(
        serde_json::Value::Object(b.args.clone()),
        serde_json::json!({
            "region": "ap", "n": 3, "f": 0.5, "on": true, "at": "2026-01-02T03:04:05Z",
            "list": [1, "a"], "nested": {"k": "v"}
        })
    );
    assert_eq!(b.confirm, Some(true));
    assert_eq!(b.timeout, Some(Duration::from_secs(120)));
    let b = &cfg.bindings[1];
    assert_eq!(
        (b.key.code, b.key.modifiers),
        (KeyCode::Char('r'), Mods::CONTROL)
    );
    assert!(b.args.is_empty() && b.confirm.is_none() && b.timeout.is_none());
}

#[test]
fn bad_key_names_line_and_binding() {
    let shown = error_at(
        &format!(
            "{TWO_SERVERS}[[bindings]]\nkey = \"F5\"\nserver = \"prod\"\ntool = \"a\"\n\
             [[bindings]]\nkey = \"Hyper-Q\"\nserver = \"prod\"\ntool = \"b\"\n"
        ),
        10,
        "bindings[1].key",
    );
    assert!(shown.contains("is not a key"), "{shown}");
}

#[test]
fn binding_to_an_unknown_server_lists_the_known_ones() {
    let shown = error_at(
        &format!("{TWO_SERVERS}[[bindings]]\nkey = \"x\"\nserver = \"prdo\"\ntool = \"a\"\n"),
        7,
        "bindings[0].server",
    );
    assert!(shown.contains("known: `prod`, `local`"), "{shown}");
    let shown = error_at(
        "[[bindings]]\nkey = \"x\"\nserver = \"prod\"\ntool = \"a\"\n",
        3,
        "bindings[0].server",
    );
    assert!(shown.contains("none are configured"), "{shown}");
}

#[test]
fn binding_needs_a_tool_name() {
    error_at(
        &format!("{TWO_SERVERS}[[bindings]]\nkey = \"x\"\nserver = \"prod\"\ntool = \" \"\n"),
        8,
        "bindings[0].tool",
    );
    let shown = error_at(
        &format!("{TWO_SERVERS}[[bindings]]\nkey = \"x\"\nserver = \"prod\"\n"),
        5,
        "bindings[0]",
    );
    assert!(shown.contains("missing field `tool`"), "{shown}");
}

#[test]
fn one_key_bound_twice_is_refused() {
    let shown = error_at(
        &format!(
            "{TWO_SERVERS}[[bindings]]\nkey = \"F5\"\nserver = \"prod\"\ntool = \"a\"\n\
             [[bindings]]\nkey = \"f5\"\nserver = \"local\"\ntool = \"b\"\n"
        ),
        10,
        "bindings[1].key",
    );
    assert!(
        shown.contains("already bound by bindings[0] (line 6)"),
        "{shown}"
    );
}

#[test]
fn nan_args_and_unknown_binding_keys_are_refused() {
    error_at(
        &format!(
            "{TWO_SERVERS}[[bindings]]\nkey = \"x\"\nserver = \"prod\"\ntool = \"a\"\n\
             args = {{ deep = {{ x = nan }} }}\n"
        ),
        9,
        "bindings[0].args.deep.x",
    );
    let shown = error_at(
        &format!(
            "[mcp]\nread_only = true\n{TWO_SERVERS}[[bindings]]\nkey = \"x\"\nserver = \"prod\"\n\
             tool = \"a\"\n[[bindings]]\nkey = \"y\"\nserver = \"prod\"\ntool = \"a\"\nconfrim = true\n"
        ),
        15,
        "bindings[1].confrim",
    );
    assert!(shown.contains("unknown field"), "{shown}");
    error_at(
        &format!(
            "{TWO_SERVERS}[[bindings]]\nkey = \"x\"\nserver = \"prod\"\ntool = \"a\"\ntimeout = \"0s\"\n"
        ),
        9,
        "bindings[0].timeout",
    );
}
