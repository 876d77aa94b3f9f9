//! The Streamable HTTP client with answers nested too deep cut (see [`super::depth`]).
//!
//! rmcp's reqwest client does the HTTP; this wrapper passes every SSE event's data through
//! [`cut_text`] before rmcp decodes it. A JSON (non-SSE) answer is decoded inside rmcp's
//! client, which reports a too-deep one as "recursion limit exceeded": a `tools/list` is then
//! asked again here (it changes nothing on the server) and its raw answer cut and decoded;
//! any other request gets a JSON-RPC error saying why, instead of a bare decoding error.
//!
//! It also tells the session at once what went wrong under rmcp ([`Trouble`]): a request
//! that could not reach the server (refused, reset, no route), and a response stream that
//! broke, which rmcp would otherwise retry quietly for seconds while the panel says
//! connected.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use rmcp::model::{
    ClientJsonRpcMessage, ClientRequest, ErrorData, RequestId, ServerJsonRpcMessage,
};
use rmcp::transport::streamable_http_client::{
    SseError, StreamableHttpClient, StreamableHttpError, StreamableHttpPostResponse,
};
use sse_stream::Sse;
use tokio::sync::mpsc;

use super::depth::{MAX_DEPTH, cut_text};
use super::task_tap::TaskTap;

type Error = StreamableHttpError<reqwest::Error>;
type PostResult = Result<StreamableHttpPostResponse, Error>;

/// Longest JSON answer read when a `tools/list` is asked again, in bytes.
const MAX_JSON_ANSWER: usize = 16 * 1024 * 1024;

/// Why a JSON answer could not be decoded (rmcp's text for serde_json's limit).
const TOO_DEEP: &str = "recursion limit exceeded";

/// Called with the number of values cut from one answer.
pub(super) type OnCut = Arc<dyn Fn(usize) + Send + Sync>;

/// What the HTTP client saw go wrong under rmcp, sent to the session as it happens.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Trouble {
    /// A request did not reach the server or got no answer (connection refused or reset,
    /// no route, TLS failure): the server is unreachable, with the HTTP client's reason.
    Unreachable(crate::model::source_error::SourceError),
    /// A response stream broke off: the server may be gone; worth a ping at once.
    StreamBroke(String),
}

/// Troubles held before the session reads them; more are dropped (one is enough to act).
pub(super) const TROUBLE_QUEUE: usize = 8;

/// A reqwest client whose answers are cut at [`MAX_DEPTH`] levels, and which reports
/// [`Trouble`].
#[derive(Clone)]
pub(super) struct CutClient {
    inner: reqwest::Client,
    on_cut: OnCut,
    trouble: mpsc::Sender<Trouble>,
    /// Sees each SSE event's (cut) data: which tools must be called as tasks.
    tasks: TaskTap,
}

impl CutClient {
    pub fn new(inner: reqwest::Client, on_cut: OnCut, trouble: mpsc::Sender<Trouble>) -> Self {
        Self {
            inner,
            on_cut,
            trouble,
            tasks: TaskTap::default(),
        }
    }

    /// The same client, showing every SSE event's data (after the cut) to `tasks`.
    pub fn with_tasks(mut self, tasks: TaskTap) -> Self {
        self.tasks = tasks;
        self
    }

    /// Reports a failed request as [`Trouble::Unreachable`] (an HTTP status is not one: the
    /// server answered) and hands the result back.
    fn watch<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        if let Err(StreamableHttpError::Client(e)) = &result
            && !e.is_status()
        {
            let _ = self
                .trouble
                .try_send(Trouble::Unreachable(crate::http::short_error(e)));
        }
        result
    }

    /// The events of an SSE answer, their data cut.
    fn cut_events(
        &self,
        events: BoxStream<'static, Result<Sse, SseError>>,
    ) -> BoxStream<'static, Result<Sse, SseError>> {
        let on_cut = self.on_cut.clone();
        let trouble = self.trouble.clone();
        let tasks = self.tasks.clone();
        events
            .map(move |item| {
                if let Err(e) = &item {
                    let text = crate::inbound::text(&e.to_string()).into_owned();
                    let _ = trouble.try_send(Trouble::StreamBroke(text));
                }
                item.map(|mut event| {
                    if let Some(data) = event.data.take() {
                        event.data = Some(match cut_text(&data) {
                            (Cow::Owned(cut), n) => {
                                on_cut(n);
                                cut
                            }
                            (Cow::Borrowed(_), _) => data,
                        });
                        if let Some(data) = &event.data {
                            tasks.see(data.as_bytes());
                        }
                    }
                    event
                })
            })
            .boxed()
    }

    /// What the answer to a request becomes: SSE events cut; a too-deep JSON answer asked
    /// again and cut (`tools/list`) or turned into a JSON-RPC error with the reason.
    async fn guard(&self, kept: Kept, result: PostResult) -> PostResult {
        match (result, kept) {
            (Ok(StreamableHttpPostResponse::Sse(events, session)), _) => Ok(
                StreamableHttpPostResponse::Sse(self.cut_events(events), session),
            ),
            // serde_json's recursion limit reaches us only as words in rmcp's text.
            (Err(StreamableHttpError::UnexpectedServerResponse(text)), kept)
                if text.contains(TOO_DEEP) =>
            {
                match kept {
                    Kept::ToolsList(message, sent) => self.post_and_cut(*message, sent).await,
                    Kept::Id(id) => {
                        let reason = format!(
                            "the server's answer is nested deeper than 128 levels (more than can be decoded); values deeper than {MAX_DEPTH} levels are cut only in streamed (SSE) answers"
                        );
                        Ok(StreamableHttpPostResponse::Json(
                            ServerJsonRpcMessage::error(
                                ErrorData::internal_error(reason, None),
                                Some(id),
                            ),
                            None,
                        ))
                    }
                    Kept::Nothing => Err(StreamableHttpError::UnexpectedServerResponse(text)),
                }
            }
            (other, _) => other,
        }
    }

    /// POSTs `message` again, reads the JSON answer itself, cuts and decodes it.
    async fn post_and_cut(&self, message: ClientJsonRpcMessage, sent: Sent) -> PostResult {
        let mut request = self
            .inner
            .post(sent.uri.as_ref())
            .header(ACCEPT, "application/json, text/event-stream")
            .json(&message);
        if let Some(token) = sent.auth_header {
            request = request.bearer_auth(token);
        }
        for (name, value) in sent.headers {
            request = request.header(name, value);
        }
        if let Some(session) = sent.session_id {
            request = request.header("mcp-session-id", session.as_ref());
        }
        let mut response = request.send().await.map_err(StreamableHttpError::Client)?;
        let status = response.status();
        let is_json = response
            .headers()
            .get(CONTENT_TYPE)
            .is_some_and(|ct| ct.as_bytes().starts_with(b"application/json"));
        if !status.is_success() || !is_json {
            return Err(StreamableHttpError::UnexpectedServerResponse(
                format!("asked again, the server answered HTTP {status} without JSON").into(),
            ));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(StreamableHttpError::Client)?
        {
            if body.len() + chunk.len() > MAX_JSON_ANSWER {
                return Err(StreamableHttpError::ResponseBodyTooLarge {
                    max_size: MAX_JSON_ANSWER,
                });
            }
            body.extend_from_slice(&chunk);
        }
        let text = String::from_utf8_lossy(&body);
        let (cut, n) = cut_text(&text);
        if n > 0 {
            (self.on_cut)(n);
        }
        self.tasks.see(cut.as_bytes());
        let parsed = serde_json::from_str::<ServerJsonRpcMessage>(&cut)?;
        Ok(StreamableHttpPostResponse::Json(parsed, None))
    }
}

/// Where and how a `tools/list` was POSTed, kept to ask again.
struct Sent {
    uri: Arc<str>,
    session_id: Option<Arc<str>>,
    auth_header: Option<String>,
    headers: HashMap<HeaderName, HeaderValue>,
}

/// What is kept of a message while its answer comes, in case it is too deep to decode.
enum Kept {
    /// Not a request: nothing waits for an answer.
    Nothing,
    /// A request other than `tools/list`: its id, to answer it with an error.
    Id(RequestId),
    /// A `tools/list`, to ask again.
    ToolsList(Box<ClientJsonRpcMessage>, Sent),
}

impl Kept {
    fn of(
        message: &ClientJsonRpcMessage,
        uri: &Arc<str>,
        session_id: &Option<Arc<str>>,
        auth_header: &Option<String>,
        headers: &HashMap<HeaderName, HeaderValue>,
    ) -> Kept {
        let ClientJsonRpcMessage::Request(request) = message else {
            return Kept::Nothing;
        };
        if !matches!(request.request, ClientRequest::ListToolsRequest(_)) {
            return Kept::Id(request.id.clone());
        }
        let sent = Sent {
            uri: uri.clone(),
            session_id: session_id.clone(),
            auth_header: auth_header.clone(),
            headers: headers.clone(),
        };
        Kept::ToolsList(Box::new(message.clone()), sent)
    }
}

impl StreamableHttpClient for CutClient {
    type Error = reqwest::Error;

    async fn post_message(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> PostResult {
        let kept = Kept::of(&message, &uri, &session_id, &auth_header, &custom_headers);
        let result = self
            .inner
            .post_message(uri, message, session_id, auth_header, custom_headers)
            .await;
        let result = self.watch(result);
        self.guard(kept, result).await
    }

    async fn post_message_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> PostResult {
        let kept = Kept::of(&message, &uri, &session_id, &auth_header, &custom_headers);
        let result = self
            .inner
            .post_message_with_max_sse_event_size(
                uri,
                message,
                session_id,
                auth_header,
                custom_headers,
                max_sse_event_size,
            )
            .await;
        let result = self.watch(result);
        self.guard(kept, result).await
    }

    async fn delete_session(
        &self,
        uri: Arc<str>,
        session_id: Arc<str>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<(), Error> {
        self.inner
            .delete_session(uri, session_id, auth_header, custom_headers)
            .await
    }

    async fn get_stream(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<BoxStream<'static, Result<Sse, SseError>>, Error> {
        let events = self.watch(
            self.inner
                .get_stream(uri, session_id, last_event_id, auth_header, custom_headers)
                .await,
        )?;
        Ok(self.cut_events(events))
    }

    async fn get_stream_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> Result<BoxStream<'static, Result<Sse, SseError>>, Error> {
        let events = self.watch(
            self.inner
                .get_stream_with_max_sse_event_size(
                    uri,
                    session_id,
                    last_event_id,
                    auth_header,
                    custom_headers,
                    max_sse_event_size,
                )
                .await,
        )?;
        Ok(self.cut_events(events))
    }
}

#[cfg(test)]
mod tests {
    use rmcp::model::{ClientRequest, PingRequest, RequestId};

    use super::*;

    /// A request to a port nobody listens on is reported at once as the server being
    /// unreachable, with the reason; the request itself still fails as before.
    #[tokio::test]
    async fn a_refused_request_is_reported_as_unreachable_at_once() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr").port()
        };
        let (tx, mut rx) = mpsc::channel(TROUBLE_QUEUE);
        let client = CutClient::new(reqwest::Client::new(), Arc::new(|_| {}), tx);
        let message = ClientJsonRpcMessage::request(
            ClientRequest::PingRequest(PingRequest::default()),
            RequestId::Number(1),
        );
        let uri: Arc<str> = format!("http://127.0.0.1:{port}/mcp").into();
        let sent = client
            .post_message(uri.clone(), message, None, None, HashMap::new())
            .await;
        assert!(matches!(sent, Err(StreamableHttpError::Client(_))));
        match rx.try_recv() {
            Ok(Trouble::Unreachable(why)) => {
                assert!(why.to_string().starts_with("cannot connect"), "{why}")
            }
            other => panic!("expected Unreachable, got {other:?}"),
        }
        let stream = client
            .get_stream(uri, Some("s".into()), None, None, HashMap::new())
            .await;
        assert!(stream.is_err());
        assert!(matches!(rx.try_recv(), Ok(Trouble::Unreachable(_))));
    }
}
