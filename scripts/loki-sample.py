#!/usr/bin/env python3
"""A stand-in for Grafana Loki for scripts/screenshots.sh: answers GET
/loki/api/v1/query_range in Loki's documented shapes with lines of an MCP server
({app="mcpist", env="prod"}), computed from their timestamps so that repeated polls agree.
Log queries give `streams`; metric queries (`sum by (level) (count_over_time(...))`) give
a `matrix`. No tail WebSocket: use `[loki] mode = "poll"` with it.

Usage: scripts/loki-sample.py PORT
"""
import json
import random
import sys
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


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, body, ctype="application/json"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
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


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
