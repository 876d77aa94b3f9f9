//! A stdio server's transport: newline-delimited JSON-RPC on the child's stdin and stdout
//! (rmcp's reader and writer), with its stdout cut at [`MAX_DEPTH`](super::depth::MAX_DEPTH)
//! levels first ([`CutReader`]), and the process itself.
//!
//! rmcp's own `TokioChildProcess` reads the child's stdout directly and drops a message it
//! cannot decode (one nested deeper than 128 levels) without a word, so the request it
//! answered waits for ever; this transport is the same reader over the cut bytes.

use std::process::Stdio;
use std::time::Duration;

use rmcp::RoleClient;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use rmcp::transport::async_rw::AsyncRwTransport;
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};

use super::depth::CutReader;
use super::task_tap::{TapReader, TaskTap};

/// Time a server has to exit once its stdin is closed, before it is killed.
const EXIT_WAIT: Duration = Duration::from_secs(2);

/// A running stdio server. Dropped, the child is killed (`kill_on_drop`).
pub(super) struct ChildTransport {
    child: Child,
    io: AsyncRwTransport<RoleClient, TapReader<CutReader<ChildStdout>>, ChildStdin>,
}

impl ChildTransport {
    /// Starts `cmd` with piped stdin, stdout and stderr; `on_cut` is told how many values
    /// were cut from its stdout each time some are; `tasks` sees each (cut) message.
    /// Returns the transport and the stderr.
    ///
    /// Errors: the spawn's I/O error (not found, permission denied, …).
    pub fn spawn(
        mut cmd: Command,
        on_cut: impl Fn(usize) + Send + Sync + 'static,
        tasks: TaskTap,
    ) -> std::io::Result<(Self, Option<ChildStderr>)> {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd.spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(std::io::Error::other(
                "the child's stdin or stdout is missing",
            ));
        };
        let stderr = child.stderr.take();
        let io =
            AsyncRwTransport::new(TapReader::new(CutReader::new(stdout, on_cut), tasks), stdin);
        Ok((Self { child, io }, stderr))
    }

    /// The child's pid, while it runs.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }
}

impl Transport<RoleClient> for ChildTransport {
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.io.send(item)
    }

    fn receive(&mut self) -> impl Future<Output = Option<RxJsonRpcMessage<RoleClient>>> + Send {
        self.io.receive()
    }

    /// Closes the child's stdin (the MCP way to ask a stdio server to exit), waits
    /// [`EXIT_WAIT`] for it to exit, then kills it.
    async fn close(&mut self) -> Result<(), Self::Error> {
        self.io.close().await?;
        if tokio::time::timeout(EXIT_WAIT, self.child.wait())
            .await
            .is_err()
        {
            self.child.kill().await?;
        }
        Ok(())
    }
}
