"""A small stdio MCP server (PyPI `mcp`) that mcptop's integration tests talk to.

Environment:
  MCPTOP_PEER_PIDFILE     if set, the server writes its pid there at start (tests kill it)
  MCPTOP_PEER_CANCELLED   if set, `slow` appends a line there when it is cancelled
  MCPTOP_PEER_GREETING    written to stderr at start (default: a fixed line)
  MCPTOP_PEER_HTTP_PORT   if set, serves Streamable HTTP at 127.0.0.1:<port>/mcp instead
                          of stdio
  MCPTOP_PEER_BANNER      appended to `whoami`'s answer (the trust tests plant escape
                          sequences there)
  MCPTOP_PEER_ELICIT      if set, adds the tool `ask`, which asks the client for input
                          (elicitation/create) and answers with the action it got back
"""

import os
import sys

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel

mcp = MCPServer("mcptop-test-peer")


class Sum(BaseModel):
    """The result of `add`."""

    sum: int


@mcp.tool(annotations=ToolAnnotations(readOnlyHint=True, idempotentHint=True))
def echo(text: str) -> str:
    """Returns the text unchanged."""
    return text


@mcp.tool(annotations=ToolAnnotations(readOnlyHint=True, idempotentHint=True))
def add(a: int, b: int) -> Sum:
    """Adds two integers; the result is structured content."""
    return Sum(sum=a + b)


@mcp.tool()
def fail() -> CallToolResult:
    """Always reports a tool failure (an isError result, not a protocol error)."""
    return CallToolResult(
        content=[TextContent(type="text", text="the tool failed on purpose")],
        is_error=True,
    )


@mcp.tool(annotations=ToolAnnotations(readOnlyHint=True))
def reject(reason: str) -> str:
    """Refuses with a JSON-RPC error (-32602), unlike `fail`, which is a tool failure."""
    raise MCPError(-32602, f"rejected: {reason}")


@mcp.tool(annotations=ToolAnnotations(readOnlyHint=True))
async def slow(seconds: float, steps: int, ctx: Context) -> str:
    """Sleeps `seconds` in `steps` steps, reporting progress after each one."""
    steps = max(1, steps)
    try:
        for i in range(1, steps + 1):
            await anyio.sleep(seconds / steps)
            await ctx.report_progress(i, steps, f"step {i} of {steps}")
    except anyio.get_cancelled_exc_class():
        marker = os.environ.get("MCPTOP_PEER_CANCELLED")
        if marker:
            with open(marker, "a", encoding="utf-8") as f:
                f.write("slow cancelled\n")
        print("slow: cancelled", file=sys.stderr, flush=True)
        raise
    return f"slept {seconds} s in {steps} steps"


@mcp.tool(
    annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False, idempotentHint=False)
)
async def migrate(seconds: float, steps: int, ctx: Context) -> str:
    """A long write that must not run twice: sleeps like `slow`, reporting progress."""
    steps = max(1, steps)
    for i in range(1, steps + 1):
        await anyio.sleep(seconds / steps)
        await ctx.report_progress(i, steps, f"migrated batch {i} of {steps}")
    return f"migrated {steps} batches"


@mcp.tool(annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=True))
def wipe(target: str) -> str:
    """Pretends to wipe `target` (it does nothing; only its hints matter)."""
    return f"wiped {target} (not really)"


@mcp.tool(annotations=ToolAnnotations(readOnlyHint=True, idempotentHint=True))
def whoami(ctx: Context) -> str:
    """Says which credential the request carried, as a careless server's debug tool does:
    the `Authorization` header over HTTP (a successful answer that echoes a token)."""
    request = ctx.request_context.request
    auth = request.headers.get("authorization", "none") if request is not None else "stdio"
    return f"you are {auth}{os.environ.get('MCPTOP_PEER_BANNER', '')}"


@mcp.tool(annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
def lookup(id: str) -> str:
    """Looks an id up in a fixed table."""
    return {"1": "one", "2": "two"}.get(id, "unknown")


class Name(BaseModel):
    """What `ask` asks for."""

    name: str


async def ask(ctx: Context) -> str:
    """Asks the user for a name (elicitation) and says which action came back."""
    result = await ctx.elicit("What is your name?", schema=Name)
    if result.action == "accept":
        return f"elicitation answered accept: {result.data.name}"
    return f"elicitation answered {result.action}"


if os.environ.get("MCPTOP_PEER_ELICIT"):
    mcp.tool(annotations=ToolAnnotations(readOnlyHint=True))(ask)


def main() -> None:
    pidfile = os.environ.get("MCPTOP_PEER_PIDFILE")
    if pidfile:
        with open(pidfile, "w", encoding="utf-8") as f:
            f.write(str(os.getpid()))
    greeting = os.environ.get("MCPTOP_PEER_GREETING", "mcptop test peer starting")
    print(greeting, file=sys.stderr, flush=True)
    print("a second stderr line", file=sys.stderr, flush=True)
    port = os.environ.get("MCPTOP_PEER_HTTP_PORT")
    if port:
        mcp.run(transport="streamable-http", host="127.0.0.1", port=int(port))
    else:
        mcp.run(transport="stdio")


if __name__ == "__main__":
    main()
