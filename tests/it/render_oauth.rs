//! The tools screen of a server waiting for OAuth authorization (TestBackend + insta): the
//! URL whole, on lines of their own; Enter opens the paste line, which hides the code, and
//! Enter sends what was pasted to the server's source as `McpCommand::Authorize`.

use crate::support;

use crossterm::event::KeyCode;
use mcptop::model::mcp::{ConnState, McpCommand, McpUpdate};
use support::drive::{key, keys, render};
use support::mcp_fixture;

const URL: &str = "http://127.0.0.1:8000/authorize?response_type=code&client_id=0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0&state=Q2xhdWRlIHdhcyBoZXJl&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%3A40123%2Fcallback&resource=http%3A%2F%2F127.0.0.1%3A8000%2Fmcp";

fn authorizing(error: Option<&str>) -> (mcptop::app::App, i64, mcp_fixture::Sent) {
    let (mut app, now, sent) = mcp_fixture::mcp_app();
    app.mcp.apply(
        McpUpdate::State {
            server: 0,
            state: ConnState::Authorizing {
                url: URL.into(),
                callback: "http://127.0.0.1:40123/callback".into(),
                error: error.map(str::to_string),
            },
        },
        now,
    );
    key(&mut app, now, KeyCode::Char('2'));
    (app, now, sent)
}

#[test]
fn the_authorization_url_is_shown_whole_100x30() {
    let (app, now, _) = authorizing(None);
    let screen = render(&app, now, 100, 30);
    // The URL's lines hold nothing else and join back into it (TestBackend quotes each
    // line).
    let joined: String = screen
        .lines()
        .map(|l| l.trim_matches('"').trim())
        .skip_while(|l| !l.contains("Open this URL in a browser"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(joined, URL);
    insta::assert_snapshot!(screen);
}

#[test]
fn a_refused_paste_says_why() {
    let (app, now, _) = authorizing(Some("the pasted URL belongs to another authorization"));
    let screen = render(&app, now, 100, 30);
    assert!(
        screen.contains("✖ the pasted URL belongs to another authorization"),
        "{screen}"
    );
}

#[test]
fn enter_opens_the_paste_line_and_enter_sends_it_with_the_code_hidden() {
    let (mut app, now, sent) = authorizing(None);
    key(&mut app, now, KeyCode::Enter);
    let pasted = "http://127.0.0.1:40123/callback?code=s3cret-c0de&state=Q2xhdWRlIHdhcyBoZXJl";
    keys(&mut app, now, pasted);
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("paste the redirected URL"), "{screen}");
    assert!(screen.contains("code=•••••••••••&state="), "{screen}");
    assert!(!screen.contains("s3cret-c0de"), "{screen}");
    key(&mut app, now, KeyCode::Enter);
    let sent = sent.lock().expect("sent").clone();
    match sent.as_slice() {
        [(0, McpCommand::Authorize { pasted: p })] => assert_eq!(p.0, pasted),
        other => panic!("expected one Authorize to server 0, got {other:?}"),
    }
    // The Debug of the command hides what was pasted.
    assert!(!format!("{sent:?}").contains("s3cret-c0de"));
    let screen = render(&app, now, 120, 30);
    assert!(!screen.contains("paste the redirected URL"), "{screen}");
}

#[test]
fn a_paste_after_the_server_connected_is_not_sent() {
    let (mut app, now, sent) = authorizing(None);
    key(&mut app, now, KeyCode::Enter);
    keys(&mut app, now, "late-code");
    app.mcp.apply(
        McpUpdate::State {
            server: 0,
            state: ConnState::Connected,
        },
        now,
    );
    key(&mut app, now, KeyCode::Enter);
    assert!(sent.lock().expect("sent").is_empty());
    let screen = render(&app, now, 120, 30);
    assert!(
        screen.contains("demo is not waiting for authorization"),
        "{screen}"
    );
}
