//! Why a source's request failed, as the sources send it to the app: the kind survives the
//! crossing (sources -> app), and `Display` is the one place the operator's text is made.
//!
//! The texts are those the panels, the fleet's error column, `mcptop watch` and the
//! incident report have always shown, e.g. `http://h:9090/metrics: HTTP 503 Service
//! Unavailable: overloaded` or `timed out`. No HTTP client type appears here: a status is
//! an [`http::StatusCode`] (the type the client re-exports), a transport failure is the
//! kind and the text of its root cause.

use http::StatusCode;

use super::exposition::ParseError;

/// A failed fetch, parse or check of a source; `Display` is the operator's one line.
///
/// Text the server chose (an excerpt, an API's message) arrives cleaned of control
/// characters by the producer (`crate::inbound`), so it can be drawn as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The request (or the body) did not finish within the client's timeout.
    #[error("timed out")]
    TimedOut,
    /// No connection: refused, unresolvable name, TLS handshake; the root cause's text.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The connection broke mid-body or the body could not be decoded (gzip).
    #[error("bad response body: {0}")]
    BadBody(String),
    /// Another transport failure; the root cause's text.
    #[error("{0}")]
    Transport(String),
    /// A non-2xx answer, with the first line of its body (at most 120 characters; the
    /// title of an HTML page), empty when the body was.
    #[error("HTTP {status}{}", colon(excerpt))]
    Status { status: StatusCode, excerpt: String },
    /// A non-2xx answer whose body is binary, not shown.
    #[error("HTTP {status} with a binary body")]
    StatusBinary { status: StatusCode },
    /// The body is larger than `cap` bytes: announced as `announced` bytes by
    /// `Content-Length`, or found so while reading.
    #[error("{}", too_large(*announced, *cap))]
    TooLarge { announced: Option<u64>, cap: u64 },
    /// The body is not UTF-8 (the decoder's words).
    #[error("not UTF-8: {0}")]
    NotUtf8(String),
    /// A malformed exposition: its first bad line.
    #[error("bad exposition: {0}")]
    Exposition(ParseError),
    /// More samples than the target's `sample_limit`: `seen` counts every sample.
    #[error("sample limit exceeded ({seen} > {limit})")]
    SampleLimit { seen: usize, limit: usize },
    /// A health endpoint answered 2xx with another `status` than ok/healthy/up/pass (the
    /// server's word, at most 120 characters).
    #[error("says status \"{0}\"")]
    Unhealthy(String),
    /// The API's own error (Prometheus `errorType: error`, cleaned), with the HTTP status.
    #[error("{message} (HTTP {http})")]
    Api { message: String, http: u16 },
    /// An API's error text for a non-2xx answer (Loki's plain-text or JSON `message`,
    /// Alertmanager's), cleaned: `HTTP 400: <text>`.
    #[error("HTTP {http}: {text}")]
    ApiText { http: u16, text: String },
    /// A body that is not the API's JSON: a proxy's page, a plain-text error.
    #[error("HTTP {http}{body}")]
    NotJson { http: u16, body: NotJson },
    /// JSON of another shape than the API's, or a value in it that is not one (the
    /// decoder's or the source's words).
    #[error("{0}")]
    BadAnswer(String),
    /// `error` of the query `query` (abbreviated by the source, on one line).
    #[error("{error} — query: {query}")]
    Query {
        error: Box<SourceError>,
        query: String,
    },
    /// No Alertmanager answered a write: why each could not be reached, each about its
    /// (redacted) URL, in the order tried.
    #[error("no Alertmanager answered: {}", joined(.0))]
    NoneAnswered(Vec<SourceError>),
    /// `error`, then what to do about it (a multi-tenant API without a tenant header).
    #[error("{error}: {hint}")]
    Hinted {
        error: Box<SourceError>,
        hint: String,
    },
    /// Anything else, in its own words.
    #[error("{0}")]
    Other(String),
    /// `error`, about `context`: the (redacted) URL fetched, or what was asked.
    #[error("{context}: {error}")]
    At {
        context: String,
        error: Box<SourceError>,
    },
}

/// What a non-JSON body was, as [`SourceError::NotJson`] says it after `HTTP <code>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotJson {
    /// `n` bytes of binary data.
    Binary(usize),
    /// An HTML page, with its `<title>` when it has one (at most 200 characters).
    Html(Option<String>),
    /// Text: its first line (at most 200 characters).
    Line(String),
    /// Nothing.
    Empty,
}

impl std::fmt::Display for NotJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotJson::Binary(n) => write!(f, ": {n} bytes of binary data, not JSON"),
            NotJson::Html(Some(title)) => write!(f, ": an HTML page ({title})"),
            NotJson::Html(None) => write!(f, ": an HTML page, not the Prometheus API"),
            NotJson::Line(line) => write!(f, ": {line}"),
            NotJson::Empty => write!(f, " with an empty body"),
        }
    }
}

fn joined(errors: &[SourceError]) -> String {
    let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    texts.join("; ")
}

fn colon(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!(": {excerpt}")
    }
}

fn too_large(announced: Option<u64>, cap: u64) -> String {
    match announced {
        Some(len) => format!("body of {len} bytes exceeds the cap of {cap} bytes"),
        None => format!("body exceeds the cap of {cap} bytes"),
    }
}

impl SourceError {
    /// This error about `context` (`context: error`).
    pub fn at(self, context: impl Into<String>) -> Self {
        SourceError::At {
            context: context.into(),
            error: Box::new(self),
        }
    }

    /// `self` about the query `query` (`error — query: query`).
    pub fn of_query(self, query: impl Into<String>) -> Self {
        SourceError::Query {
            error: Box::new(self),
            query: query.into(),
        }
    }

    /// `self`, then `hint` (`error: hint`).
    pub fn hinted(self, hint: impl Into<String>) -> Self {
        SourceError::Hinted {
            error: Box::new(self),
            hint: hint.into(),
        }
    }

    /// The error itself, through any context ([`SourceError::At`], [`SourceError::Query`],
    /// [`SourceError::Hinted`]).
    pub fn kind(&self) -> &SourceError {
        match self {
            SourceError::At { error, .. }
            | SourceError::Query { error, .. }
            | SourceError::Hinted { error, .. } => error.kind(),
            other => other,
        }
    }

    /// The HTTP status code of an answer the error is about (a non-2xx status, an API's
    /// error), through any context.
    pub fn http_code(&self) -> Option<u16> {
        match self.kind() {
            SourceError::Status { status, .. } | SourceError::StatusBinary { status } => {
                Some(status.as_u16())
            }
            SourceError::Api { http, .. }
            | SourceError::ApiText { http, .. }
            | SourceError::NotJson { http, .. } => Some(*http),
            _ => None,
        }
    }
}

impl From<ParseError> for SourceError {
    fn from(e: ParseError) -> Self {
        SourceError::Exposition(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_the_operators() {
        let cases = [
            (SourceError::TimedOut, "timed out"),
            (
                SourceError::Connect("Connection refused (os error 111)".into()),
                "cannot connect: Connection refused (os error 111)",
            ),
            (
                SourceError::Status {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    excerpt: "overloaded".into(),
                },
                "HTTP 503 Service Unavailable: overloaded",
            ),
            (
                SourceError::Status {
                    status: StatusCode::NOT_FOUND,
                    excerpt: String::new(),
                },
                "HTTP 404 Not Found",
            ),
            (
                SourceError::StatusBinary {
                    status: StatusCode::BAD_GATEWAY,
                },
                "HTTP 502 Bad Gateway with a binary body",
            ),
            (
                SourceError::TooLarge {
                    announced: Some(10),
                    cap: 4,
                },
                "body of 10 bytes exceeds the cap of 4 bytes",
            ),
            (
                SourceError::TooLarge {
                    announced: None,
                    cap: 4,
                },
                "body exceeds the cap of 4 bytes",
            ),
            (
                SourceError::SampleLimit { seen: 7, limit: 5 },
                "sample limit exceeded (7 > 5)",
            ),
            (
                SourceError::Exposition(ParseError {
                    line: 2,
                    message: "bad value".into(),
                }),
                "bad exposition: line 2: bad value",
            ),
            (
                SourceError::Unhealthy("degraded".into()),
                "says status \"degraded\"",
            ),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
        }
    }

    #[test]
    fn context_leads_and_the_kind_shows_through() {
        let e = SourceError::TimedOut.at("http://h/metrics");
        assert_eq!(e.to_string(), "http://h/metrics: timed out");
        assert_eq!(e.kind(), &SourceError::TimedOut);
        let e = SourceError::StatusBinary {
            status: StatusCode::FORBIDDEN,
        }
        .at("alerts");
        assert_eq!(e.http_code(), Some(403));
        let e = SourceError::NotJson {
            http: 404,
            body: NotJson::Line("404 page not found".into()),
        }
        .of_query("up");
        assert_eq!(e.to_string(), "HTTP 404: 404 page not found — query: up");
        assert_eq!(e.http_code(), Some(404));
        let e = SourceError::Api {
            message: "bad_data: parse error".into(),
            http: 400,
        };
        assert_eq!(e.to_string(), "bad_data: parse error (HTTP 400)");
    }
}
