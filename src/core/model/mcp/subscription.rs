//! Resource subscriptions (`resources/subscribe`, MCP 2025-11-25 "Subscriptions"): which
//! URIs the operator follows on one server, whether the server took each, and the
//! `notifications/resources/updated` seen for it. Plain data, updated by
//! [`crate::model::mcp::state::McpState::apply`].

use std::collections::BTreeMap;

/// Where one subscription stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SubState {
    /// `resources/subscribe` sent, no answer yet (also after a reconnect, where the source
    /// subscribes again).
    Asking,
    /// The server acknowledged it.
    On,
    /// The server refused it, or it could not be sent: the reason.
    Failed(String),
}

/// One followed resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub state: SubState,
    /// `notifications/resources/updated` received for this URI since it was followed.
    pub updates: u64,
    /// Unix ms of the last of them.
    pub last_update_ms: Option<i64>,
}

/// The subscriptions of one server, by URI.
pub type Subscriptions = BTreeMap<String, Subscription>;

/// The operator asked to follow `uri` (`on`) or to stop: a new subscription starts as
/// [`SubState::Asking`]; stopping forgets it at once (the server's answer changes nothing).
pub fn asked(subs: &mut Subscriptions, uri: &str, on: bool) {
    if on {
        subs.insert(
            uri.to_string(),
            Subscription {
                state: SubState::Asking,
                updates: 0,
                last_update_ms: None,
            },
        );
    } else {
        subs.remove(uri);
    }
}

/// The server answered `resources/subscribe` for `uri`; an answer for a URI no longer
/// followed (the operator stopped meanwhile) is ignored.
pub fn answered(subs: &mut Subscriptions, uri: &str, result: Result<(), String>) {
    if let Some(s) = subs.get_mut(uri) {
        s.state = match result {
            Ok(()) => SubState::On,
            Err(e) => SubState::Failed(e),
        };
    }
}

/// A new session began: it holds no subscription until the source's
/// `resources/subscribe` is answered again, so each followed URI is [`SubState::Asking`].
pub fn new_session(subs: &mut Subscriptions) {
    for s in subs.values_mut() {
        s.state = SubState::Asking;
    }
}

/// `notifications/resources/updated` for `uri` at `now_ms`: counted when followed.
/// Returns whether it was (a server may send updates for URIs nobody follows).
pub fn updated(subs: &mut Subscriptions, uri: &str, now_ms: i64) -> bool {
    match subs.get_mut(uri) {
        Some(s) => {
            s.updates += 1;
            s.last_update_ms = Some(now_ms);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_is_asked_then_acknowledged_and_counts_its_updates() {
        let mut subs = Subscriptions::new();
        asked(&mut subs, "a://x", true);
        assert_eq!(subs["a://x"].state, SubState::Asking);
        answered(&mut subs, "a://x", Ok(()));
        assert_eq!(subs["a://x"].state, SubState::On);
        assert!(updated(&mut subs, "a://x", 5));
        assert!(updated(&mut subs, "a://x", 9));
        assert_eq!(subs["a://x"].updates, 2);
        assert_eq!(subs["a://x"].last_update_ms, Some(9));
    }

    #[test]
    fn updates_and_answers_for_uris_not_followed_change_nothing() {
        let mut subs = Subscriptions::new();
        assert!(!updated(&mut subs, "a://y", 1));
        answered(&mut subs, "a://y", Ok(()));
        assert!(subs.is_empty());
        asked(&mut subs, "a://x", true);
        asked(&mut subs, "a://x", false);
        answered(&mut subs, "a://x", Err("no".into()));
        assert!(subs.is_empty());
    }

    #[test]
    fn a_new_session_asks_again_and_keeps_the_count() {
        let mut subs = Subscriptions::new();
        asked(&mut subs, "a://x", true);
        answered(&mut subs, "a://x", Ok(()));
        updated(&mut subs, "a://x", 3);
        new_session(&mut subs);
        assert_eq!(subs["a://x"].state, SubState::Asking);
        assert_eq!(subs["a://x"].updates, 1);
    }

    #[test]
    fn a_refusal_keeps_the_reason() {
        let mut subs = Subscriptions::new();
        asked(&mut subs, "a://x", true);
        answered(&mut subs, "a://x", Err("Method not found".into()));
        assert_eq!(
            subs["a://x"].state,
            SubState::Failed("Method not found".into())
        );
    }
}
