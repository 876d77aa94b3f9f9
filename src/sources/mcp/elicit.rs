//! `elicitation/create` in form mode: the question goes to the app as
//! [`McpUpdate::Elicit`], the operator's answer comes back as
//! [`McpCommand::Elicited`](crate::model::mcp::McpCommand::Elicited) through the session,
//! and the handler's request waits for it (its own task: rmcp serves each request in one)
//! at most the timeout, then answers `cancel`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rmcp::model::{ElicitResult, ElicitationAction};
use serde_json::Value;
use tokio::sync::oneshot;

use super::emit::Emitter;
use crate::model::mcp::{ElicitAnswer, ElicitId, McpUpdate};

type Waiting = HashMap<ElicitId, oneshot::Sender<ElicitAnswer>>;

/// Elicitations waiting for the operator, shared by the handlers of every session of one
/// source and by the source, which delivers the answers.
#[derive(Clone, Default)]
pub(super) struct Elicits {
    waiting: Arc<Mutex<Waiting>>,
    next: Arc<AtomicU64>,
}

impl Elicits {
    /// Hands the operator's answer to the elicitation `id`; nothing if it has ended.
    pub fn answer(&self, id: ElicitId, answer: ElicitAnswer) {
        if let Some(tx) = self.lock().remove(&id) {
            let _ = tx.send(answer);
        }
    }

    /// Puts `message` and its form `schema` to the operator and waits for the answer, at
    /// most `timeout` and no longer than the server wants it (`withdrawn`: the request was
    /// cancelled). Without an answer the server gets `cancel` and the app an
    /// [`McpUpdate::ElicitClosed`] saying why.
    pub async fn ask(
        &self,
        emit: &Emitter,
        message: String,
        schema: Value,
        timeout: Duration,
        withdrawn: impl std::future::Future<Output = ()>,
    ) -> ElicitResult {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (tx, rx) = oneshot::channel();
        self.lock().insert(id, tx);
        let server = emit.server;
        let asked = McpUpdate::Elicit {
            server,
            id,
            message,
            schema,
            timeout,
        };
        if !emit.send(asked).await {
            self.lock().remove(&id);
            return ElicitResult::new(ElicitationAction::Cancel);
        }
        let (why, withdrawn) = tokio::select! {
            answer = rx => match answer {
                Ok(answer) => return result(answer),
                Err(_) => ("the connection ended".to_string(), false),
            },
            _ = tokio::time::sleep(timeout) => {
                (format!("no answer in {}", span(timeout)), false)
            }
            _ = withdrawn => ("the server withdrew the question".to_string(), true),
        };
        self.lock().remove(&id);
        if withdrawn {
            // rmcp sends no response to a request its peer cancelled.
            emit.client_log(format!("elicitation: {why}"));
        } else {
            emit.client_log(format!("elicitation: {why}; answered cancel"));
        }
        let closed = McpUpdate::ElicitClosed {
            server,
            id,
            why,
            withdrawn,
        };
        emit.send(closed).await;
        ElicitResult::new(ElicitationAction::Cancel)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `30 s`, or `250 ms` under a second.
fn span(d: Duration) -> String {
    if d.as_secs() > 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The result sent for `answer`: `accept` carries the values as `content`.
fn result(answer: ElicitAnswer) -> ElicitResult {
    match answer {
        ElicitAnswer::Accept(values) => {
            ElicitResult::new(ElicitationAction::Accept).with_content(Value::Object(values))
        }
        ElicitAnswer::Decline => ElicitResult::new(ElicitationAction::Decline),
        ElicitAnswer::Cancel => ElicitResult::new(ElicitationAction::Cancel),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Update;
    use tokio::sync::mpsc;

    async fn asked(rx: &mut mpsc::Receiver<Update>) -> ElicitId {
        match rx.recv().await {
            Some(Update::Mcp(McpUpdate::Elicit { id, .. })) => id,
            other => panic!("not an elicitation: {other:?}"),
        }
    }

    #[tokio::test]
    async fn the_operators_answer_becomes_the_result() {
        let (tx, mut rx) = mpsc::channel(8);
        let emit = Emitter::new(0, tx);
        let e = Elicits::default();
        let e2 = e.clone();
        let ask = tokio::spawn(async move {
            e2.ask(
                &emit,
                "name?".into(),
                Value::Null,
                Duration::from_secs(60),
                std::future::pending(),
            )
            .await
        });
        let id = asked(&mut rx).await;
        let mut values = serde_json::Map::new();
        values.insert("name".into(), Value::String("Ada".into()));
        e.answer(id, ElicitAnswer::Accept(values));
        let r = ask.await.expect("task");
        assert_eq!(r.action, ElicitationAction::Accept);
        assert_eq!(r.content, Some(serde_json::json!({"name": "Ada"})));
    }

    #[tokio::test]
    async fn no_answer_in_time_is_cancel_and_the_app_is_told() {
        let (tx, mut rx) = mpsc::channel(8);
        let emit = Emitter::new(0, tx);
        let e = Elicits::default();
        let r = e
            .ask(
                &emit,
                "name?".into(),
                Value::Null,
                Duration::from_millis(20),
                std::future::pending(),
            )
            .await;
        assert_eq!(r.action, ElicitationAction::Cancel);
        let id = asked(&mut rx).await;
        let mut closed = None;
        while let Ok(u) = rx.try_recv() {
            if let Update::Mcp(McpUpdate::ElicitClosed { id: i, why, .. }) = u {
                closed = Some((i, why));
            }
        }
        assert_eq!(closed, Some((id, "no answer in 20 ms".to_string())));
        e.answer(id, ElicitAnswer::Decline); // too late: nothing waits
    }
}
