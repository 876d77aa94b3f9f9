//! Integration: resources, resource templates and prompts through mcptop's MCP client
//! source, against real servers: a Python server on PyPI `mcp` whose `resources/list`
//! comes in pages (`tests/peers/python/catalog_server.py`), and server-everything (npm),
//! whose resources are its docs, two templates (text and blob) and prompts with and
//! without arguments, resource subscriptions with simulated updates, and a tool that adds a
//! resource (`resources/list_changed`). Observed through the `Update`s the source sends, as
//! the app sees them.

use crate::support;

use std::collections::BTreeMap;
use std::time::Duration;

use mcptop::model::mcp::catalog::{
    Catalog, FetchId, FetchRequest, Fetched, entries, expand_template,
};
use mcptop::model::mcp::{Content, McpCommand, McpError, McpUpdate};
use serde_json::{Map, Value, json};
use support::mcp_probe::Probe;
use support::peers;

/// Long enough for a slow CI machine; these are correctness tests, not timing tests.
const WAIT: Duration = Duration::from_secs(30);

impl Probe {
    async fn catalog(&mut self) -> Catalog {
        self.next("a catalog", |u| match u {
            McpUpdate::Catalog { catalog, .. } => Some(catalog),
            _ => None,
        })
        .await
    }

    /// Sends a read and waits for its outcome.
    async fn fetch(&mut self, id: u64, request: FetchRequest) -> Result<Fetched, McpError> {
        self.handle
            .send(McpCommand::Fetch {
                id: FetchId(id),
                request,
                timeout: Duration::from_secs(20),
            })
            .expect("command queued");
        self.next(&format!("read {id}"), |u| match u {
            McpUpdate::Fetched {
                id: got, outcome, ..
            } if got == FetchId(id) => Some(outcome),
            _ => None,
        })
        .await
    }

    async fn read(&mut self, id: u64, uri: &str) -> Vec<Content> {
        let request = FetchRequest::Resource { uri: uri.into() };
        match self.fetch(id, request).await {
            Ok(Fetched::Resource { contents, .. }) => contents,
            other => panic!("resources/read {uri}: {other:?}"),
        }
    }
}

fn args(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// The one `Content::Resource` of a read: (uri, mime, text, bytes).
fn single(contents: Vec<Content>) -> (String, Option<String>, Option<String>, usize) {
    match <[Content; 1]>::try_from(contents) {
        Ok(
            [
                Content::Resource {
                    uri,
                    mime,
                    text,
                    bytes,
                },
            ],
        ) => (uri, mime, text, bytes),
        other => panic!("expected one resource content, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_pages_resources_reads_text_json_blob_templates_and_prompts() {
    let Some((python, _)) = peers::python_server() else {
        return;
    };
    let script = peers::peers_dir().join("python/catalog_server.py");
    assert!(
        script.is_file(),
        "{} is part of the checkout",
        script.display()
    );
    let mut p = Probe::start(peers::python_stdio(&python, &script, BTreeMap::new()), WAIT);
    let cat = p.catalog().await;
    assert!(cat.offers_resources && cat.offers_prompts, "{cat:?}");

    // 25 resources in three pages of at most 10, in the server's order.
    let resources = entries(&cat.resources);
    assert_eq!(resources.len(), 25, "{:?}", cat.resources);
    assert_eq!(resources[0].uri, "cat://text/1");
    assert_eq!(resources[22].name, "text-23");
    let logo = &resources[24];
    assert_eq!(
        (logo.uri.as_str(), logo.mime.as_deref(), logo.size),
        ("cat://logo.png", Some("image/png"), Some(4))
    );
    let templates = entries(&cat.templates);
    assert_eq!(templates.len(), 1);
    assert_eq!(templates[0].uri_template, "cat://items/{kind}/{id}");

    let (_, mime, text, _) = single(p.read(1, "cat://text/7").await);
    assert_eq!(mime.as_deref(), Some("text/plain"));
    assert_eq!(text.as_deref(), Some("text number 7"));

    let (_, mime, text, _) = single(p.read(2, "cat://config.json").await);
    assert_eq!(mime.as_deref(), Some("application/json"));
    assert!(text.is_some_and(|t| t.contains("8080")));

    // A blob shows as its decoded size; its bytes are kept to be saved.
    let logo = FetchRequest::Resource {
        uri: "cat://logo.png".into(),
    };
    let Ok(Fetched::Resource { contents, blobs }) = p.fetch(3, logo).await else {
        panic!("resources/read cat://logo.png failed");
    };
    let (uri, mime, text, bytes) = single(contents);
    assert_eq!(
        (uri.as_str(), mime.as_deref(), text, bytes),
        ("cat://logo.png", Some("image/png"), None, 4)
    );
    assert_eq!(blobs.len(), 1);
    assert_eq!(blobs[0].data, b"\x89PNG");

    // A template filled in: the values are percent-encoded into the URI.
    let uri = expand_template(
        &templates[0].uri_template,
        &args(json!({"kind": "a b", "id": "7"})),
    );
    assert_eq!(uri, "cat://items/a%20b/7");
    let (_, _, text, _) = single(p.read(4, &uri).await);
    assert_eq!(text.as_deref(), Some("item kind=a%20b id=7"));

    let missing = p
        .fetch(
            5,
            FetchRequest::Resource {
                uri: "cat://nothing".into(),
            },
        )
        .await;
    let err = missing.expect_err("an unknown resource is an error");
    assert!(matches!(err.kind(), McpError::Rpc { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with("resources/read failed"),
        "{err}"
    );

    // Prompts: arguments with their required flags, then prompts/get with arguments.
    let prompts = entries(&cat.prompts);
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["plain", "greet"]);
    let greet = &prompts[1];
    let flags: Vec<(&str, bool)> = greet
        .arguments
        .iter()
        .map(|a| (a.name.as_str(), a.required))
        .collect();
    assert_eq!(flags, [("name", true), ("tone", false)]);
    let got = p
        .fetch(
            6,
            FetchRequest::Prompt {
                name: "greet".into(),
                arguments: args(json!({"name": "Ann", "tone": "warm"})),
            },
        )
        .await;
    let Ok(Fetched::Prompt {
        description,
        messages,
    }) = got
    else {
        panic!("prompts/get greet: {got:?}");
    };
    assert_eq!(description.as_deref(), Some("prompt greet"));
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].role, "user");
    assert_eq!(
        messages[0].content,
        Content::Text("Say hello to Ann in a warm tone.".into())
    );
    assert_eq!(messages[1].role, "assistant");
    assert_eq!(
        messages[1].content,
        Content::Image {
            mime: "image/png".into(),
            bytes: 3
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_lists_docs_templates_and_prompts_and_reads_them() {
    let Some(script) = peers::everything_script() else {
        return;
    };
    let mut p = Probe::start(peers::everything_stdio(&script), WAIT);
    let cat = p.catalog().await;
    let resources = entries(&cat.resources);
    let doc = resources
        .iter()
        .find(|r| r.name == "features.md")
        .unwrap_or_else(|| panic!("features.md in {resources:?}"));
    assert_eq!(doc.mime.as_deref(), Some("text/markdown"));
    let (_, _, text, _) = single(p.read(1, &doc.uri.clone()).await);
    assert!(text.is_some_and(|t| !t.trim().is_empty()));

    let templates = entries(&cat.templates);
    let blob = templates
        .iter()
        .find(|t| t.uri_template.contains("/blob/"))
        .unwrap_or_else(|| panic!("a blob template in {templates:?}"));
    let text_template = templates
        .iter()
        .find(|t| t.uri_template.contains("/text/"))
        .unwrap_or_else(|| panic!("a text template in {templates:?}"));
    let vars = mcptop::model::mcp::catalog::template_vars(&blob.uri_template);
    assert_eq!(vars, ["resourceId"]);
    let id = args(json!({"resourceId": "3"}));
    let (uri, _, text, bytes) = single(p.read(2, &expand_template(&blob.uri_template, &id)).await);
    assert_eq!(uri, "demo://resource/dynamic/blob/3");
    assert!(text.is_none() && bytes > 20, "{bytes}");
    let (_, _, text, _) = single(
        p.read(3, &expand_template(&text_template.uri_template, &id))
            .await,
    );
    assert!(text.is_some_and(|t| t.starts_with("Resource 3:")));

    let prompts = entries(&cat.prompts);
    let args_prompt = prompts
        .iter()
        .find(|p| p.name == "args-prompt")
        .unwrap_or_else(|| panic!("args-prompt in {prompts:?}"));
    let flags: Vec<(&str, bool)> = args_prompt
        .arguments
        .iter()
        .map(|a| (a.name.as_str(), a.required))
        .collect();
    assert_eq!(flags, [("city", true), ("state", false)]);
    let got = p
        .fetch(
            4,
            FetchRequest::Prompt {
                name: "args-prompt".into(),
                arguments: args(json!({"city": "Paris"})),
            },
        )
        .await;
    match got {
        Ok(Fetched::Prompt { messages, .. }) => {
            assert_eq!(messages.len(), 1);
            assert_eq!(messages[0].role, "user");
            assert_eq!(
                messages[0].content,
                Content::Text("What's weather in Paris?".into())
            );
        }
        other => panic!("prompts/get args-prompt: {other:?}"),
    }
    let simple = p
        .fetch(
            5,
            FetchRequest::Prompt {
                name: "simple-prompt".into(),
                arguments: Map::new(),
            },
        )
        .await;
    assert!(
        matches!(&simple, Ok(Fetched::Prompt { messages, .. }) if messages.len() == 1),
        "{simple:?}"
    );
}

/// A call on the probe's server, waiting for it to end; the outcome as text.
async fn call(p: &mut Probe, id: u64, tool: &str, arguments: Value) -> String {
    let call = mcptop::model::mcp::CallId(id);
    p.handle
        .send(McpCommand::Call {
            call,
            tool: tool.into(),
            arguments: args(arguments),
            timeout: Duration::from_secs(20),
            idempotent: false,
        })
        .expect("command queued");
    p.next(&format!("the end of {tool}"), |u| match u {
        McpUpdate::CallDone {
            call: c, outcome, ..
        } if c == call => Some(format!("{outcome:?}")),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_lists_again_on_list_changed_and_sends_updates_to_a_followed_resource() {
    let Some(script) = peers::everything_script() else {
        return;
    };
    let mut p = Probe::start(peers::everything_stdio(&script), WAIT);
    let cat = p.catalog().await;
    assert!(
        cat.can_subscribe,
        "server-everything declares resources.subscribe"
    );
    let name = "hello.txt.gz";
    assert!(!entries(&cat.resources).iter().any(|r| r.name == name));

    // The tool registers a session resource; the server sends resources/list_changed and
    // the source lists again unasked (no RefreshTools is sent).
    let data = "data:text/plain;base64,aGVsbG8gbWNwdG9w"; // "hello mcptop"
    p.handle
        .send(McpCommand::Call {
            call: mcptop::model::mcp::CallId(1),
            tool: "gzip-file-as-resource".into(),
            arguments: args(json!({"name": name, "data": data, "outputType": "resourceLink"})),
            timeout: Duration::from_secs(20),
            idempotent: false,
        })
        .expect("command queued");
    // The notification itself is seen (server-everything also changes its tool list right
    // after initialize, which lists everything again: a new catalog alone proves nothing),
    // then a catalog with the resource; the call's end may come before or between them.
    let mut heard = false;
    let uri = p
        .next(
            "resources/list_changed, then the new resource listed",
            |u| match u {
                McpUpdate::Log { line, .. } if line.text.contains("resources/list_changed") => {
                    heard = true;
                    None
                }
                McpUpdate::CallDone { outcome, .. } => {
                    let done = format!("{outcome:?}");
                    assert!(done.contains("is_error: false"), "{done}");
                    None
                }
                McpUpdate::Catalog { catalog, .. } if heard => entries(&catalog.resources)
                    .iter()
                    .find(|r| r.name == name)
                    .map(|r| r.uri.clone()),
                _ => None,
            },
        )
        .await;

    // Its gzip bytes are kept whole, to be saved.
    let Ok(Fetched::Resource { blobs, .. }) = p
        .fetch(2, FetchRequest::Resource { uri: uri.clone() })
        .await
    else {
        panic!("resources/read {uri} failed");
    };
    assert_eq!(blobs.len(), 1, "{blobs:?}");
    assert_eq!(&blobs[0].data[..2], [0x1f, 0x8b], "gzip magic");

    // Followed: acknowledged, then each simulated update arrives for that URI.
    let subscribe = |on| McpCommand::Subscribe {
        uri: uri.clone(),
        on,
    };
    p.handle.send(subscribe(true)).expect("command queued");
    let acked = p
        .next("the subscription's answer", |u| match u {
            McpUpdate::Subscription {
                uri: u,
                on: true,
                result,
                ..
            } if u == uri => Some(result),
            _ => None,
        })
        .await;
    assert_eq!(acked, Ok(()));
    let toggled = call(&mut p, 3, "toggle-subscriber-updates", json!({})).await;
    assert!(
        toggled.starts_with("Result") && toggled.contains("is_error: false"),
        "{toggled}"
    );
    let updated = p
        .next("resources/updated", |u| match u {
            McpUpdate::ResourceUpdated { uri: u, .. } => Some(u),
            _ => None,
        })
        .await;
    assert_eq!(updated, uri);

    p.handle.send(subscribe(false)).expect("command queued");
    let stopped = p
        .next("the unsubscription's answer", |u| match u {
            McpUpdate::Subscription {
                uri: u,
                on: false,
                result,
                ..
            } if u == uri => Some(result),
            _ => None,
        })
        .await;
    assert_eq!(stopped, Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_subscriptions_is_not_asked() {
    let Some((python, _)) = peers::python_server() else {
        return;
    };
    let script = peers::peers_dir().join("python/catalog_server.py");
    let mut p = Probe::start(peers::python_stdio(&python, &script, BTreeMap::new()), WAIT);
    let cat = p.catalog().await;
    assert!(!cat.can_subscribe, "{cat:?}");
    p.handle
        .send(McpCommand::Subscribe {
            uri: "cat://text/1".into(),
            on: true,
        })
        .expect("command queued");
    let refused = p
        .next("the subscription's answer", |u| match u {
            McpUpdate::Subscription { result, .. } => Some(result),
            _ => None,
        })
        .await;
    let err = refused.expect_err("not offered");
    assert!(matches!(err, McpError::NoSubscriptions(_)), "{err:?}");
    let err = err.to_string();
    assert!(
        err.contains("does not offer resource subscriptions"),
        "{err}"
    );
}

/// `logging/setLevel` on a server written with the Python SDK: asked at connect (the
/// configured level), then again with the key's command; the server says the new level
/// back in a log message at that level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_acknowledges_set_level_at_connect_and_at_runtime() {
    let Some((python, _)) = peers::python_server() else {
        return;
    };
    let script = peers::peers_dir().join("python/catalog_server.py");
    let mut p = Probe::start(peers::python_stdio(&python, &script, BTreeMap::new()), WAIT);
    let level_set = |u: McpUpdate| match u {
        McpUpdate::LogLevel { level, result, .. } => Some((level, result)),
        _ => None,
    };
    let at_connect = p.next("the level asked at connect", level_set).await;
    assert_eq!(at_connect, ("info".to_string(), Ok(())));
    p.handle
        .send(McpCommand::SetLogLevel {
            level: "error".into(),
        })
        .expect("command queued");
    // Both, in either order: the server's message and its acknowledgement.
    let (mut said, mut set) = (None, None);
    p.next("the new level acknowledged and said back", |u| {
        match u {
            McpUpdate::Log { line, .. } if line.text.contains("log level now error") => {
                said = Some(line.origin)
            }
            McpUpdate::LogLevel { level, result, .. } => set = Some((level, result)),
            _ => {}
        }
        (said.is_some() && set.is_some()).then_some(())
    })
    .await;
    let set = set.expect("acknowledged");
    assert_eq!(set, ("error".to_string(), Ok(())));
    assert!(
        matches!(&said, Some(mcptop::model::mcp::LogOrigin::Notification { level, .. }) if level == "error"),
        "{said:?}"
    );
}
