#!/usr/bin/env python3
"""A stand-in for Grafana Loki for scripts/screenshots.sh: answers GET
/loki/api/v1/query_range in Loki's documented shapes with lines of an MCP server
({app="mcpist", env="prod"}), computed from their timestamps so that repeated polls agree.
Log queries give `streams`; metric queries (`sum by (level) (count_over_time(...))`) give
a `matrix`, and GET /loki/api/v1/query answers the instant
`sum by (<label>) (count_over_time(<query> [5m]))` (or `[1h]`) with a `vector`, lines
without the label in one series with an empty metric, as Loki does. GET /loki/api/v1/tail is Loki's tail WebSocket (RFC 6455, text frames only): a
first frame with the lines since `start`, then every 250 ms a frame
`{"streams":[...]}` with the new line, until the client goes away.

Usage: scripts/loki-sample.py PORT
"""
import base64
import hashlib
import json
import random
import re
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

STEP_NS = 250_000_000  # one line every 250 ms
MODULES = ["notion", "github", "jira", "calendar", "cache"]


def line_at(ts):
    r = random.Random(ts)
    module = r.choice(MODULES)
    roll = r.random()
    if roll < 0.06:
        req = r.randint(1000, 9999)
        ms = r.randint(3000, 3200)
        return "error", module, f"upstream timeout after {ms} ms (request {req})", ms
    if roll < 0.09:
        return "error", "github", "rate limited by upstream (HTTP 429)", r.randint(5, 40)
    if roll < 0.18:
        ms = r.randint(2000, 2900)
        return "warn", module, f"slow tools/call {module}.search", ms
    if roll < 0.25:
        return "debug", "cache", "cache hit for tools/list", r.randint(0, 2)
    ms = r.randint(20, 600)
    return "info", module, f"tools/call {module}.search done", ms


def entries(start, end):
    ts = (start + STEP_NS - 1) // STEP_NS * STEP_NS
    while ts < end:
        level, module, msg, ms = line_at(ts)
        yield ts, json.dumps(
            {"level": level, "module": module, "msg": msg, "duration_ms": ms},
            separators=(",", ":"),
        )
        ts += STEP_NS


WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def ws_text_frame(text):
    """One unmasked, final text frame (server to client, RFC 6455 section 5.2)."""
    data = text.encode()
    n = len(data)
    if n < 126:
        head = struct.pack("!BB", 0x81, n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, n)
    else:
        head = struct.pack("!BBQ", 0x81, 127, n)
    return head + data


def tail_frame(picked):
    values = [[str(ts), text] for ts, text in picked]
    return json.dumps({"streams": [{"stream": {"app": "mcpist", "env": "prod"}, "values": values}]})


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1: a WebSocket upgrade is refused in an HTTP/1.0 answer.
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, code, body, ctype="application/json"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def tail(self, q):
        key = self.headers.get("Sec-WebSocket-Key")
        if self.headers.get("Upgrade", "").lower() != "websocket" or not key:
            self.answer(400, "tail needs a WebSocket upgrade\n", "text/plain")
            return
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.close_connection = True
        sent = int(q.get("start", str(time.time_ns())))
        limit = int(q.get("limit", "100"))
        try:
            while True:
                now = time.time_ns()
                # The first frame is the backlog since start, at most `limit` lines.
                values = list(entries(sent, now))[-limit:]
                limit = 1 << 30
                if values:
                    self.wfile.write(ws_text_frame(tail_frame(values)))
                    self.wfile.flush()
                sent = now
                time.sleep(STEP_NS / 1e9)
        except OSError:
            return

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/loki/api/v1/tail":
            self.tail({k: v[0] for k, v in parse_qs(url.query).items()})
            return
        if url.path == "/loki/api/v1/query":
            self.instant({k: v[0] for k, v in parse_qs(url.query).items()})
            return
        if url.path != "/loki/api/v1/query_range":
            self.answer(404, "404 page not found\n", "text/plain")
            return
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        query = q.get("query", "")
        try:
            end = int(q["end"])
            start = int(q["start"])
        except (KeyError, ValueError):
            self.answer(400, "invalid start or end\n")
            return
        if query.startswith("sum"):
            # start/end in seconds here (mcptop sends seconds with a step).
            step = int(q.get("step", "60"))
            series = {}
            for t in range(start, end + 1, step):
                for ts, text in entries((t - 60) * 10**9, t * 10**9):
                    level = json.loads(text)["level"]
                    series.setdefault(level, {}).setdefault(t, 0)
                    series[level][t] += 1
            result = [
                {"metric": {"level": lvl}, "values": [[t, str(n)] for t, n in sorted(pts.items())]}
                for lvl, pts in series.items()
            ]
            self.answer(200, json.dumps({"status": "success", "data": {"resultType": "matrix", "result": result}}))
            return
        limit = int(q.get("limit", "100"))
        picked = list(entries(start, end))
        if q.get("direction", "backward") == "backward":
            picked = picked[::-1][:limit]
        else:
            picked = picked[:limit]
        values = [[str(ts), text] for ts, text in picked]
        result = [{"stream": {"app": "mcpist", "env": "prod"}, "values": values}] if values else []
        self.answer(200, json.dumps({"status": "success", "data": {"resultType": "streams", "result": result, "stats": {}}}))

    def instant(self, q):
        query = q.get("query", "")
        rng = re.search(r"\[(\d+)([smh])\]", query)
        if rng is None or "count_over_time" not in query:
            self.answer(400, "parse error: only count_over_time is answered here\n")
            return
        secs = int(rng.group(1)) * {"s": 1, "m": 60, "h": 3600}[rng.group(2)]
        by = re.search(r"by\s*\((\w*)\)", query)
        label = by.group(1) if by else ""
        try:
            at = float(q.get("time", time.time()))
        except ValueError:
            self.answer(400, "invalid parameter \"time\"\n")
            return
        end = int(at * 1e9)
        counts = {}
        for _, text in entries(end - secs * 10**9 + 1, end + 1):
            key = json.loads(text)["level"] if label == "level" else ""
            counts[key] = counts.get(key, 0) + 1
        result = [
            {"metric": {label: k} if k else {}, "value": [at, str(n)]}
            for k, n in sorted(counts.items())
        ]
        self.answer(200, json.dumps({"status": "success", "data": {"resultType": "vector", "result": result}}))


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
