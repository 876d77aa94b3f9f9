//! Render snapshots of the tools screen's resources and prompts lists and of what a read
//! shows (TestBackend + insta), driven by keys from a fixed state: `v` switches lists,
//! Enter reads or opens the form of a template or prompt.

use crate::support;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mcptop::app::App;
use mcptop::app::nav::Overlay;
use mcptop::model::mcp::catalog::{
    Catalog, FetchId, FetchRequest, Fetched, PromptArg, PromptInfo, PromptMessage, ResourceInfo,
    TemplateInfo,
};
use mcptop::model::mcp::{Content, McpCommand, McpError, McpUpdate};
use mcptop::sources::Update;
use serde_json::json;
use support::drive::{key, keys, render};
use support::mcp_fixture::{self, Sent};

fn resource(uri: &str, name: &str, mime: &str, size: Option<u64>) -> ResourceInfo {
    ResourceInfo {
        uri: uri.into(),
        name: name.into(),
        title: None,
        description: None,
        mime: Some(mime.into()),
        size,
    }
}

/// The demo server of the MCP fixture with resources, a template and prompts.
fn app_with_catalog() -> (App, i64, Sent) {
    catalog_app(false)
}

/// As [`app_with_catalog`], the server offering resource subscriptions when `subscribe`.
fn catalog_app(subscribe: bool) -> (App, i64, Sent) {
    let (mut app, now, sent) = mcp_fixture::mcp_app();
    let mut readme = resource("docs://readme.md", "readme", "text/markdown", Some(2_310));
    readme.description = Some("How to run the demo.\nSecond line.".into());
    let catalog = Catalog {
        offers_resources: true,
        offers_prompts: true,
        can_subscribe: subscribe,
        resources: Some(Ok(vec![
            readme,
            resource("cfg://config.json", "config", "application/json", None),
            resource("img://logo.png", "logo", "image/png", Some(4)),
        ])),
        templates: Some(Ok(vec![TemplateInfo {
            uri_template: "cat://items/{kind}/{id}".into(),
            name: "item".into(),
            title: None,
            description: Some("One item by kind and id".into()),
            mime: Some("text/plain".into()),
        }])),
        prompts: Some(Ok(vec![
            PromptInfo {
                name: "plain".into(),
                title: Some("Plain prompt".into()),
                description: Some("No arguments".into()),
                arguments: Vec::new(),
            },
            PromptInfo {
                name: "greet".into(),
                title: None,
                description: Some("Greets someone".into()),
                arguments: vec![
                    PromptArg {
                        name: "name".into(),
                        description: Some("Who".into()),
                        required: true,
                    },
                    PromptArg {
                        name: "tone".into(),
                        description: None,
                        required: false,
                    },
                ],
            },
        ])),
    };
    app.apply(Update::Mcp(McpUpdate::Catalog { server: 0, catalog }));
    (app, now, sent)
}

/// The last command sent, which must be a read: its id and request.
/// The last read sent (to server 0).
fn last_fetch(sent: &Sent) -> (FetchId, FetchRequest) {
    let sent = sent.lock().expect("sent");
    let last = sent.iter().rev().find_map(|c| match c {
        (0, McpCommand::Fetch { id, request, .. }) => Some((*id, request.clone())),
        _ => None,
    });
    last.unwrap_or_else(|| panic!("no read of server 0 in {sent:?}"))
}

fn done(app: &mut App, id: FetchId, outcome: Result<Fetched, McpError>) {
    app.apply(Update::Mcp(McpUpdate::Fetched {
        server: 0,
        id,
        outcome,
        elapsed: Duration::from_millis(42),
    }));
}

fn submit(app: &mut App, now: i64) {
    app.on_key_at(
        &KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
        now,
    );
}

#[test]
fn resources_list_with_a_template_80x24() {
    let (mut app, now, _) = app_with_catalog();
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('v'));
    let screen = render(&app, now, 80, 24);
    assert!(screen.contains("Resources of demo (4/4)"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn a_server_without_resources_says_so() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    app.apply(Update::Mcp(McpUpdate::Catalog {
        server: 0,
        catalog: Catalog::default(),
    }));
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('v'));
    let screen = render(&app, now, 100, 24);
    assert!(
        screen.contains("the server does not offer resources"),
        "{screen}"
    );
    key(&mut app, now, KeyCode::Char('v'));
    let screen = render(&app, now, 100, 24);
    assert!(screen.contains("Prompts of demo (0/0)"), "{screen}");
}

#[test]
fn reading_a_json_resource_shows_it_pretty_and_masked() {
    let (mut app, now, sent) = app_with_catalog();
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('v'));
    key(&mut app, now, KeyCode::Down);
    key(&mut app, now, KeyCode::Enter);
    let (id, request) = last_fetch(&sent);
    assert_eq!(
        request,
        FetchRequest::Resource {
            uri: "cfg://config.json".into()
        }
    );
    assert!(render(&app, now, 100, 30).contains("reading…"));
    let text = r#"{"port":8080,"password":"PLANTED","hosts":["a","b"]}"#;
    done(
        &mut app,
        id,
        Ok(Fetched::Resource {
            contents: vec![Content::Resource {
                uri: "cfg://config.json".into(),
                mime: Some("application/json".into()),
                text: Some(text.into()),
                bytes: text.len(),
            }],
            blobs: Vec::new(),
        }),
    );
    let screen = render(&app, now, 100, 30);
    assert!(!screen.contains("PLANTED"), "{screen}");
    insta::assert_snapshot!(screen);
    key(&mut app, now, KeyCode::Esc);
    assert!(app.nav.overlay.is_none());
}

#[test]
fn a_blob_is_shown_by_mime_type_and_size() {
    let (mut app, now, sent) = app_with_catalog();
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('v'));
    keys(&mut app, now, "/logo");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Enter);
    let (id, _) = last_fetch(&sent);
    done(
        &mut app,
        id,
        Ok(Fetched::Resource {
            contents: vec![Content::Resource {
                uri: "img://logo.png".into(),
                mime: Some("image/png".into()),
                text: None,
                bytes: 4,
            }],
            blobs: Vec::new(),
        }),
    );
    let screen = render(&app, now, 100, 30);
    assert!(
        screen.contains("[resource <img://logo.png> image/png, 4 B]"),
        "{screen}"
    );
}

#[test]
fn a_template_is_filled_in_then_read() {
    let (mut app, now, sent) = app_with_catalog();
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('v'));
    keys(&mut app, now, "/item");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Enter);
    assert!(matches!(app.nav.overlay, Some(Overlay::FetchForm(_))));
    let screen = render(&app, now, 100, 30);
    assert!(screen.contains("resources/read item on demo"), "{screen}");
    keys(&mut app, now, "a b");
    key(&mut app, now, KeyCode::Tab);
    keys(&mut app, now, "7");
    submit(&mut app, now);
    let (_, request) = last_fetch(&sent);
    assert_eq!(
        request,
        FetchRequest::Resource {
            uri: "cat://items/a%20b/7".into()
        }
    );
    assert!(matches!(app.nav.overlay, Some(Overlay::Fetch { .. })));
}

#[test]
fn a_prompt_with_arguments_shows_its_messages() {
    let (mut app, now, sent) = app_with_catalog();
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('v'));
    key(&mut app, now, KeyCode::Char('v'));
    let screen = render(&app, now, 100, 24);
    assert!(screen.contains("Prompts of demo (2/2)"), "{screen}");
    assert!(screen.contains("name* tone"), "{screen}");
    key(&mut app, now, KeyCode::Down);
    key(&mut app, now, KeyCode::Enter);
    keys(&mut app, now, "Ann");
    submit(&mut app, now);
    let (id, request) = last_fetch(&sent);
    let FetchRequest::Prompt { name, arguments } = request else {
        panic!("a prompts/get");
    };
    assert_eq!(name, "greet");
    assert_eq!(arguments.get("name"), Some(&json!("Ann")));
    assert!(
        arguments.get("tone").is_none_or(|v| v == ""),
        "{arguments:?}"
    );
    done(
        &mut app,
        id,
        Ok(Fetched::Prompt {
            description: Some("prompt greet".into()),
            messages: vec![
                PromptMessage {
                    role: "user".into(),
                    content: Content::Text("Say hello to Ann.\nBe brief.".into()),
                },
                PromptMessage {
                    role: "assistant".into(),
                    content: Content::Image {
                        mime: "image/png".into(),
                        bytes: 3,
                    },
                },
            ],
        }),
    );
    insta::assert_snapshot!(render(&app, now, 100, 30));
}

#[test]
fn a_prompt_without_arguments_is_got_at_once_and_a_failure_is_shown() {
    let (mut app, now, sent) = app_with_catalog();
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('v'));
    key(&mut app, now, KeyCode::Char('v'));
    key(&mut app, now, KeyCode::Enter);
    let (id, request) = last_fetch(&sent);
    assert!(matches!(request, FetchRequest::Prompt { ref name, .. } if name == "plain"));
    done(
        &mut app,
        id,
        Err(McpError::Other("-32602: unknown prompt".into()).of_request("prompts/get")),
    );
    let screen = render(&app, now, 100, 30);
    assert!(screen.contains("✖ failed"), "{screen}");
    assert!(
        screen.contains("✖ prompts/get failed: -32602: unknown prompt"),
        "{screen}"
    );
}

/// The commands sent to server 0 of kind `pick`.
fn sent_of<T>(sent: &Sent, pick: impl Fn(&McpCommand) -> Option<T>) -> Vec<T> {
    let sent = sent.lock().expect("sent");
    sent.iter()
        .filter(|(s, _)| *s == 0)
        .filter_map(|(_, c)| pick(c))
        .collect()
}

fn text_read(uri: &str, text: &str) -> Result<Fetched, McpError> {
    Ok(Fetched::Resource {
        contents: vec![Content::Resource {
            uri: uri.into(),
            mime: Some("text/markdown".into()),
            text: Some(text.into()),
            bytes: text.len(),
        }],
        blobs: Vec::new(),
    })
}

#[test]
fn a_followed_resource_is_read_again_on_each_update_80x24() {
    let (mut app, now, sent) = catalog_app(true);
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('v'));
    key(&mut app, now, KeyCode::Enter);
    let (first, _) = last_fetch(&sent);
    done(&mut app, first, text_read("docs://readme.md", "version 1"));
    assert!(render(&app, now, 80, 24).contains("s follow"));

    key(&mut app, now, KeyCode::Char('s'));
    let asked = sent_of(&sent, |c| match c {
        McpCommand::Subscribe { uri, on } => Some((uri.clone(), *on)),
        _ => None,
    });
    assert_eq!(asked, [("docs://readme.md".to_string(), true)]);
    assert!(render(&app, now, 80, 24).contains("subscribing…"));
    app.apply(Update::Mcp(McpUpdate::Subscription {
        server: 0,
        uri: "docs://readme.md".into(),
        on: true,
        result: Ok(()),
    }));
    // An update for another resource changes nothing; one for this one reads it again.
    app.apply(Update::Mcp(McpUpdate::ResourceUpdated {
        server: 0,
        uri: "cfg://config.json".into(),
    }));
    assert_eq!(last_fetch(&sent).0, first);
    app.apply(Update::Mcp(McpUpdate::ResourceUpdated {
        server: 0,
        uri: "docs://readme.md".into(),
    }));
    let (second, request) = last_fetch(&sent);
    assert_ne!(second, first);
    assert_eq!(
        request,
        FetchRequest::Resource {
            uri: "docs://readme.md".into()
        }
    );
    assert!(matches!(app.nav.overlay, Some(Overlay::Fetch { id, .. }) if id == second));
    done(&mut app, second, text_read("docs://readme.md", "version 2"));
    let screen = render(&app, now, 80, 24);
    assert!(
        screen.contains("version 2") && !screen.contains("version 1"),
        "{screen}"
    );
    let clock = regex::Regex::new(r"\d\d:\d\d:\d\d UTC").expect("regex");
    insta::assert_snapshot!(clock.replace_all(&screen, "hh:mm:ss UTC"));

    // The list marks it; `s` again stops following.
    key(&mut app, now, KeyCode::Char('s'));
    let asked = sent_of(&sent, |c| match c {
        McpCommand::Subscribe { on, .. } => Some(*on),
        _ => None,
    });
    assert_eq!(asked, [true, false]);
    app.apply(Update::Mcp(McpUpdate::ResourceUpdated {
        server: 0,
        uri: "docs://readme.md".into(),
    }));
    assert_eq!(
        last_fetch(&sent).0,
        second,
        "not followed any more: not read again"
    );
}

#[test]
fn a_server_without_subscriptions_is_not_asked_and_the_list_marks_followed_ones() {
    let (mut app, now, sent) = app_with_catalog();
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('v'));
    key(&mut app, now, KeyCode::Enter);
    let (id, _) = last_fetch(&sent);
    done(&mut app, id, text_read("docs://readme.md", "v"));
    assert!(!render(&app, now, 80, 24).contains("s follow"));
    key(&mut app, now, KeyCode::Char('s'));
    let screen = render(&app, now, 100, 30);
    assert!(
        screen.contains("does not offer resource subscriptions"),
        "{screen}"
    );
    assert!(
        sent_of(&sent, |c| matches!(c, McpCommand::Subscribe { .. })
            .then_some(()))
        .is_empty()
    );
    key(&mut app, now, KeyCode::Char('w'));
    let screen = render(&app, now, 100, 30);
    assert!(screen.contains("nothing to save"), "{screen}");

    let (mut app, now, sent) = catalog_app(true);
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('v'));
    key(&mut app, now, KeyCode::Enter);
    let (id, _) = last_fetch(&sent);
    done(&mut app, id, text_read("docs://readme.md", "v"));
    key(&mut app, now, KeyCode::Char('s'));
    key(&mut app, now, KeyCode::Esc);
    let screen = render(&app, now, 100, 30);
    assert!(screen.contains("◉ followed"), "{screen}");
}
