"""An MCP server behind OAuth 2.1 (PyPI `mcp`'s own authorization-server routes) that
mcptop's OAuth tests talk to over Streamable HTTP at 127.0.0.1:<port>/mcp.

One process is both the resource server (401 with `WWW-Authenticate` and
`/.well-known/oauth-protected-resource/mcp`) and the authorization server
(`/.well-known/oauth-authorization-server`, `/register`, `/authorize`, `/token`,
`/revoke`). Its provider keeps everything in memory, and `authorize` approves at once: it
redirects to the client's redirect_uri with the code, which stands for the user clicking
"allow" in a browser.

Environment:
  MCPTOP_PEER_HTTP_PORT     the port (required)
  MCPTOP_OAUTH_TOKENS       a file every access and refresh token issued is appended to,
                            one per line as `access <token>` or `refresh <token>` (tests grep
                            logs, screens and files for them)
  MCPTOP_OAUTH_REGISTERED   a file a line is appended to for each client registered
  MCPTOP_OAUTH_TTL          lifetime of an access token in seconds (default 3600), as
                            `expires_in` says; the server refuses an older one
  MCPTOP_OAUTH_PREREGISTERED if set, a client id known in advance: dynamic registration is
                            off, and that client may use any loopback port for its
                            redirect URI (RFC 8252 §7.3)
  MCPTOP_OAUTH_REVOKE_AFTER if set, the server refuses an access token this many seconds
                            old already, before the expiry it announced (as a revocation
                            would): the client learns it from a 401
"""

import os
import secrets
import time

from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    RefreshToken,
    TokenError,
    construct_redirect_uri,
)
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.mcpserver import MCPServer
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from mcp.types import ToolAnnotations

PORT = int(os.environ["MCPTOP_PEER_HTTP_PORT"])
BASE = f"http://127.0.0.1:{PORT}"
TTL = int(os.environ.get("MCPTOP_OAUTH_TTL", "3600"))
REVOKE_AFTER = os.environ.get("MCPTOP_OAUTH_REVOKE_AFTER")
PREREGISTERED = os.environ.get("MCPTOP_OAUTH_PREREGISTERED")


class LoopbackClient(OAuthClientInformationFull):
    """A native client registered in advance: any port of 127.0.0.1/callback will do."""

    def validate_redirect_uri(self, redirect_uri):
        if redirect_uri is not None and redirect_uri.host == "127.0.0.1" and redirect_uri.path == "/callback":
            return redirect_uri
        return super().validate_redirect_uri(redirect_uri)


def note(var: str, line: str) -> None:
    path = os.environ.get(var)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


class Provider:
    """In-memory clients, codes and tokens; every authorization is approved."""

    def __init__(self) -> None:
        self.clients: dict[str, OAuthClientInformationFull] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}
        if PREREGISTERED:
            self.clients[PREREGISTERED] = LoopbackClient(
                client_id=PREREGISTERED,
                redirect_uris=["http://127.0.0.1/callback"],
                token_endpoint_auth_method="none",
                grant_types=["authorization_code", "refresh_token"],
                response_types=["code"],
            )

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        return self.clients.get(client_id)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        self.clients[client_info.client_id] = client_info
        note("MCPTOP_OAUTH_REGISTERED", client_info.client_id)

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        code = secrets.token_urlsafe(32)
        self.codes[code] = AuthorizationCode(
            code=code,
            scopes=params.scopes or [],
            expires_at=time.time() + 300,
            client_id=client.client_id,
            code_challenge=params.code_challenge,
            redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            resource=params.resource,
        )
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state)

    async def load_authorization_code(self, client: OAuthClientInformationFull, authorization_code: str):
        code = self.codes.get(authorization_code)
        return code if code and code.client_id == client.client_id else None

    def issue(self, client_id: str, scopes: list[str], resource: str | None) -> OAuthToken:
        access = "at-" + secrets.token_urlsafe(24)
        refresh = "rt-" + secrets.token_urlsafe(24)
        self.access[access] = AccessToken(
            token=access,
            client_id=client_id,
            scopes=scopes,
            expires_at=int(time.time()) + TTL,
            resource=resource,
        )
        self.refresh[refresh] = RefreshToken(token=refresh, client_id=client_id, scopes=scopes, resource=resource)
        note("MCPTOP_OAUTH_TOKENS", f"access {access}")
        note("MCPTOP_OAUTH_TOKENS", f"refresh {refresh}")
        return OAuthToken(
            access_token=access,
            expires_in=TTL,
            scope=" ".join(scopes) or None,
            refresh_token=refresh,
        )

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode
    ) -> OAuthToken:
        if self.codes.pop(authorization_code.code, None) is None:
            raise TokenError(error="invalid_grant", error_description="code already used")
        return self.issue(client.client_id, authorization_code.scopes, authorization_code.resource)

    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str):
        token = self.refresh.get(refresh_token)
        return token if token and token.client_id == client.client_id else None

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: RefreshToken, scopes: list[str]
    ) -> OAuthToken:
        # Rotated: the old refresh token is spent.
        if self.refresh.pop(refresh_token.token, None) is None:
            raise TokenError(error="invalid_grant", error_description="refresh token already used")
        return self.issue(client.client_id, scopes or refresh_token.scopes, refresh_token.resource)

    async def load_access_token(self, token: str) -> AccessToken | None:
        found = self.access.get(token)
        if found is None or (found.expires_at is not None and found.expires_at < time.time()):
            return None
        if REVOKE_AFTER is not None and found.expires_at is not None:
            issued = found.expires_at - TTL
            if time.time() - issued > float(REVOKE_AFTER):
                return None
        return found

    async def revoke_token(self, token) -> None:
        self.access.pop(token.token, None)
        self.refresh.pop(token.token, None)


mcp = MCPServer(
    "mcptop-oauth-peer",
    auth_server_provider=Provider(),
    auth=AuthSettings(
        issuer_url=BASE,
        resource_server_url=f"{BASE}/mcp",
        validate_token_resource=False,
        client_registration_options=ClientRegistrationOptions(enabled=not PREREGISTERED),
        revocation_options=RevocationOptions(enabled=True),
    ),
)


@mcp.tool(annotations=ToolAnnotations(readOnlyHint=True, idempotentHint=True))
def echo(text: str) -> str:
    """Returns the text unchanged."""
    return text


if __name__ == "__main__":
    mcp.run(transport="streamable-http", host="127.0.0.1", port=PORT)
