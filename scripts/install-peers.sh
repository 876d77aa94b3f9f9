#!/usr/bin/env bash
# Installs the real MCP servers the integration tests (tests/mcp_*.rs) talk to, as pinned in
# tests/peers/: npm @modelcontextprotocol/server-everything (package-lock.json) into
# tests/peers/node_modules, and PyPI mcp (requirements.txt) into the venv tests/peers/.venv.
# Idempotent: a step whose pin file has not changed since its last install is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
peers=tests/peers

have() { command -v "$1" >/dev/null 2>&1; }

if ! have node || ! have npm || ! have python3; then
  if have apt-get; then
    echo "install-peers: installing node, npm and python3 from Debian" >&2
    apt-get install -y -qq --no-install-recommends nodejs npm python3 python3-venv >/dev/null
  else
    echo "install-peers: node, npm and python3 are needed" >&2
    exit 1
  fi
fi

stamp_of() { sha256sum "$1" | cut -d' ' -f1; }

# npm: exactly the locked tree.
npm_stamp="$peers/node_modules/.mcptop-installed"
if [[ ! -f "$npm_stamp" || "$(cat "$npm_stamp")" != "$(stamp_of "$peers/package-lock.json")" ]]; then
  npm ci --prefix "$peers" --no-audit --no-fund --loglevel=error
  stamp_of "$peers/package-lock.json" >"$npm_stamp"
fi

# Python: a venv of its own, so nothing lands in the machine's site-packages.
venv="$peers/.venv"
py_stamp="$venv/.mcptop-installed"
if [[ ! -f "$py_stamp" || "$(cat "$py_stamp")" != "$(stamp_of "$peers/requirements.txt")" ]]; then
  if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv" || {
      # Debian's python3 has venv without ensurepip unless python3-venv is installed.
      if have apt-get; then
        apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
        rm -rf "$venv"
        python3 -m venv "$venv"
      else
        exit 1
      fi
    }
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$peers/requirements.txt"
  stamp_of "$peers/requirements.txt" >"$py_stamp"
fi

# Both peers start and answer (a broken install fails here, not in the middle of the tests).
"$venv/bin/python" -c 'from mcp.server.mcpserver import MCPServer' >/dev/null
test -f "$peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
echo "install-peers: server-everything $(node -p "require('./$peers/node_modules/@modelcontextprotocol/server-everything/package.json').version"), mcp $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mcp"))')"
