"""A hostile stdio MCP server for mcptop's tests, on the standard library only.

It answers `initialize`, `ping` and `tools/list` (newline-delimited JSON-RPC). The list holds
one ordinary tool, `echo`, and one, `deep`, whose `inputSchema` nests MCPTOP_DEEP_LEVELS
levels (default 3000) of `{"type":"object","properties":{"a": ...}}`: deeper than the 128
levels serde_json decodes. The JSON is written by hand, since `json.dumps` of such a value
would hit Python's own recursion limit.
"""

import json
import os
import sys

LEVELS = int(os.environ.get("MCPTOP_DEEP_LEVELS", "3000"))


def deep_schema(levels):
    # Each step opens two objects: the schema and its "properties".
    steps = max(levels // 2, 1)
    return '{"type":"object","properties":{"a":' * steps + "{}" + "}}" * steps


def tools_result():
    echo = json.dumps(
        {
            "name": "echo",
            "description": "Returns the text unchanged.",
            "inputSchema": {
                "type": "object",
                "properties": {"text": {"type": "string"}},
            },
        }
    )
    deep = (
        '{"name":"deep","description":"A schema nested too deep.","inputSchema":'
        + deep_schema(LEVELS)
        + "}"
    )
    return '{"tools":[' + echo + "," + deep + "]}"


def answer(msg_id, result_json):
    sys.stdout.write(
        '{"jsonrpc":"2.0","id":' + json.dumps(msg_id) + ',"result":' + result_json + "}\n"
    )
    sys.stdout.flush()


def main():
    sys.stderr.write("deep server starting\n")
    sys.stderr.flush()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        msg = json.loads(line)
        method = msg.get("method")
        if "id" not in msg or method is None:
            continue
        if method == "initialize":
            answer(
                msg["id"],
                json.dumps(
                    {
                        "protocolVersion": msg.get("params", {}).get(
                            "protocolVersion", "2025-06-18"
                        ),
                        "capabilities": {"tools": {}},
                        "serverInfo": {"name": "deep-server", "version": "1.0"},
                    }
                ),
            )
        elif method == "tools/list":
            answer(msg["id"], tools_result())
        elif method == "ping":
            answer(msg["id"], "{}")
        else:
            sys.stdout.write(
                json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "id": msg["id"],
                        "error": {"code": -32601, "message": "method not found"},
                    }
                )
                + "\n"
            )
            sys.stdout.flush()


main()
