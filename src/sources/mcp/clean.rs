//! Every MCP update cleaned before it leaves the source ([`crate::inbound`]): the server's
//! name, instructions, tools and their schemas, results, progress messages, log lines and
//! errors, so no secret the server echoes and no control sequence it sends reaches a sink.

use crate::inbound::Cleaner;
use crate::model::mcp::{
    CallOutcome, CallResult, CallRetry, ConnState, Content, LogLine, LogOrigin, McpError,
    McpUpdate, ServerInfo, TaskState, ToolInfo,
};

/// `e` with every text from outside in it cleaned by `c`.
pub(super) fn error(c: &Cleaner, e: McpError) -> McpError {
    e.map_text(&|s| c.string(s))
}

/// `u` with every string in it cleaned by `c`.
pub(super) fn update(c: &Cleaner, u: McpUpdate) -> McpUpdate {
    match u {
        McpUpdate::State { server, state } => McpUpdate::State {
            server,
            state: conn_state(c, state),
        },
        McpUpdate::Initialized { server, info } => McpUpdate::Initialized {
            server,
            info: server_info(c, info),
        },
        McpUpdate::Tools { server, tools } => McpUpdate::Tools {
            server,
            tools: match tools {
                Ok(list) => Ok(list.into_iter().map(|t| tool(c, t)).collect()),
                Err(e) => Err(error(c, e)),
            },
        },
        McpUpdate::Ping { server, rtt } => McpUpdate::Ping {
            server,
            rtt: rtt.map_err(|e| error(c, e)),
        },
        McpUpdate::Progress {
            server,
            call,
            progress,
            total,
            message,
        } => McpUpdate::Progress {
            server,
            call,
            progress,
            total,
            message: message.map(|m| c.string(m)),
        },
        McpUpdate::CallDone {
            server,
            call,
            outcome,
            elapsed,
        } => McpUpdate::CallDone {
            server,
            call,
            outcome: outcome_of(c, outcome),
            elapsed,
        },
        McpUpdate::Task { server, call, task } => McpUpdate::Task {
            server,
            call,
            task: TaskState {
                id: c.string(task.id),
                status: c.string(task.status),
                message: task.message.map(|m| c.string(m)),
            },
        },
        McpUpdate::CallRetry {
            server,
            call,
            retry,
        } => McpUpdate::CallRetry {
            server,
            call,
            retry: match retry {
                CallRetry::Waiting { error: e } => CallRetry::Waiting { error: error(c, e) },
                CallRetry::Resent { error: e } => CallRetry::Resent { error: error(c, e) },
            },
        },
        McpUpdate::Log { server, line } => McpUpdate::Log {
            server,
            line: log_line(c, line),
        },
        McpUpdate::Elicit {
            server,
            id,
            message,
            mut schema,
            timeout,
        } => {
            c.value(&mut schema);
            McpUpdate::Elicit {
                server,
                id,
                message: c.string(message),
                schema,
                timeout,
            }
        }
        McpUpdate::LogLevel {
            server,
            level,
            result,
        } => McpUpdate::LogLevel {
            server,
            level: c.string(level),
            result: result.map_err(|e| error(c, e)),
        },
        McpUpdate::ElicitClosed {
            server,
            id,
            why,
            withdrawn,
        } => McpUpdate::ElicitClosed {
            server,
            id,
            why: c.string(why),
            withdrawn,
        },
        McpUpdate::Subscription {
            server,
            uri,
            on,
            result,
        } => McpUpdate::Subscription {
            server,
            uri: c.string(uri),
            on,
            result: result.map_err(|e| error(c, e)),
        },
        McpUpdate::ResourceUpdated { server, uri } => McpUpdate::ResourceUpdated {
            server,
            uri: c.string(uri),
        },
        McpUpdate::Catalog { server, catalog } => McpUpdate::Catalog {
            server,
            catalog: super::clean_catalog::catalog(c, catalog),
        },
        McpUpdate::Fetched {
            server,
            id,
            outcome,
            elapsed,
        } => McpUpdate::Fetched {
            server,
            id,
            outcome: super::clean_catalog::fetched(c, outcome, content),
            elapsed,
        },
    }
}

fn conn_state(c: &Cleaner, state: ConnState) -> ConnState {
    match state {
        ConnState::Reconnecting {
            attempt,
            retry_in,
            error: e,
        } => ConnState::Reconnecting {
            attempt,
            retry_in,
            error: error(c, e),
        },
        ConnState::Failed(e) => ConnState::Failed(error(c, e)),
        ConnState::Authorizing {
            url,
            callback,
            error,
        } => ConnState::Authorizing {
            url,
            callback,
            error: error.map(|e| c.string(e)),
        },
        other => other,
    }
}

fn server_info(c: &Cleaner, info: ServerInfo) -> ServerInfo {
    ServerInfo {
        name: c.string(info.name),
        version: c.string(info.version),
        title: info.title.map(|t| c.string(t)),
        protocol_version: c.string(info.protocol_version),
        capabilities: info.capabilities.into_iter().map(|s| c.string(s)).collect(),
        instructions: info.instructions.map(|t| c.string(t)),
    }
}

fn tool(c: &Cleaner, mut t: ToolInfo) -> ToolInfo {
    t.name = c.string(t.name);
    t.title = t.title.map(|s| c.string(s));
    t.description = t.description.map(|s| c.string(s));
    c.value(&mut t.input_schema);
    if let Some(schema) = t.output_schema.as_mut() {
        c.value(schema);
    }
    t
}

fn outcome_of(c: &Cleaner, outcome: CallOutcome) -> CallOutcome {
    match outcome {
        CallOutcome::Result(r) => CallOutcome::Result(result(c, r)),
        CallOutcome::Rpc { code, message } => CallOutcome::Rpc {
            code,
            message: c.string(message),
        },
        CallOutcome::Interrupted { error: e, retried } => CallOutcome::Interrupted {
            error: error(c, e),
            retried,
        },
        CallOutcome::NotSent(e) => CallOutcome::NotSent(error(c, e)),
        other => other,
    }
}

fn result(c: &Cleaner, mut r: CallResult) -> CallResult {
    r.content = r.content.into_iter().map(|b| content(c, b)).collect();
    if let Some(v) = r.structured.as_mut() {
        c.value(v);
    }
    r
}

fn content(c: &Cleaner, block: Content) -> Content {
    match block {
        Content::Text(t) => Content::Text(c.string(t)),
        Content::Image { mime, bytes } => Content::Image {
            mime: c.string(mime),
            bytes,
        },
        Content::Audio { mime, bytes } => Content::Audio {
            mime: c.string(mime),
            bytes,
        },
        Content::ResourceLink { uri, name, mime } => Content::ResourceLink {
            uri: c.string(uri),
            name: name.map(|s| c.string(s)),
            mime: mime.map(|s| c.string(s)),
        },
        Content::Resource {
            uri,
            mime,
            text,
            bytes,
        } => Content::Resource {
            uri: c.string(uri),
            mime: mime.map(|s| c.string(s)),
            text: text.map(|s| c.string(s)),
            bytes,
        },
        Content::Other(mut v) => {
            c.value(&mut v);
            Content::Other(v)
        }
    }
}

fn log_line(c: &Cleaner, line: LogLine) -> LogLine {
    LogLine {
        t_ms: line.t_ms,
        origin: match line.origin {
            LogOrigin::Notification { level, logger } => LogOrigin::Notification {
                level: c.string(level),
                logger: logger.map(|s| c.string(s)),
            },
            other => other,
        },
        text: c.string(line.text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_echoing_a_secret_and_an_escape_is_cleaned() {
        crate::secrets::remember("mcp-clean-test-token-77");
        let u = McpUpdate::CallDone {
            server: 0,
            call: crate::model::mcp::CallId(1),
            outcome: CallOutcome::Result(CallResult {
                content: vec![Content::Text(
                    "Bearer mcp-clean-test-token-77\u{1b}]52;c;eA==\u{7}".into(),
                )],
                structured: Some(serde_json::json!({"auth": "mcp-clean-test-token-77"})),
                is_error: false,
            }),
            elapsed: std::time::Duration::ZERO,
        };
        let McpUpdate::CallDone {
            outcome: CallOutcome::Result(r),
            ..
        } = update(&Cleaner::new(), u)
        else {
            panic!("not a result");
        };
        assert_eq!(
            r.content,
            vec![Content::Text("Bearer ***]52;c;eA==".into())]
        );
        assert_eq!(r.structured, Some(serde_json::json!({"auth": "***"})));
    }

    #[test]
    fn an_error_echoing_a_secret_and_an_escape_is_cleaned_and_keeps_its_kind() {
        crate::secrets::remember("mcp-clean-test-token-78");
        let u = McpUpdate::Tools {
            server: 0,
            tools: Err(McpError::Rpc {
                code: -32000,
                message: "bad token mcp-clean-test-token-78\u{1b}[2J".into(),
            }
            .of_request("tools/list")),
        };
        let McpUpdate::Tools { tools: Err(e), .. } = update(&Cleaner::new(), u) else {
            panic!("not an error");
        };
        assert!(
            matches!(e.kind(), McpError::Rpc { code: -32000, .. }),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "tools/list failed: bad token ***[2J (-32000)"
        );
    }
}
