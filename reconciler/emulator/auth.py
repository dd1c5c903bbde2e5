"""Clients, `/oauth/token` and bearer-token checks with scopes (auth0-actions-api.md §6)."""

from __future__ import annotations

import secrets
import threading
from typing import Any

from werkzeug.wrappers import Request, Response

from reconciler.emulator.config import ClientSpec
from reconciler.emulator.replies import HttpError, json_response
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.util import digest

EXPIRED = "Expired token received for JSON Web Token validation"


def _oauth_error(status: int, error: str, description: str) -> Response:
    return json_response({"error": error, "error_description": description}, status)


class Auth:
    """Known clients and the tokens issued to them (stored as digests in the tenant state)."""

    def __init__(self, tenant: Tenant, clients: tuple[ClientSpec, ...]) -> None:
        self.tenant = tenant
        self._clients = {c.client_id: c for c in clients}
        self._lock = threading.Lock()

    def add_client(self, client_id: str, secret: str, scopes: tuple[str, ...] | list[str]) -> None:
        with self._lock:
            self._clients[client_id] = ClientSpec(client_id, secret, tuple(scopes))

    def _client(self, client_id: str) -> ClientSpec | None:
        with self._lock:
            return self._clients.get(client_id)

    def token_endpoint(self, request: Request, base_url: str, domain: str) -> Response:
        params: dict[str, Any]
        if request.mimetype == "application/json":
            body = request.get_json(silent=True)
            params = body if isinstance(body, dict) else {}
        else:
            params = request.form.to_dict()
        basic = request.authorization
        if basic is not None and basic.type == "basic":
            params.setdefault("client_id", basic.username or "")
            params.setdefault("client_secret", basic.password or "")
        grant = params.get("grant_type")
        if not grant:
            return _oauth_error(400, "invalid_request", "Missing required parameter: grant_type")
        if grant != "client_credentials":
            return _oauth_error(403, "unauthorized_client", f"Grant type '{grant}' not allowed.")
        client = self._client(str(params.get("client_id", "")))
        given = str(params.get("client_secret", ""))
        if client is None or not secrets.compare_digest(client.secret, given):
            return _oauth_error(401, "invalid_client", "Client authentication failed.")
        audience = params.get("audience")
        accepted = {f"https://{domain}/api/v2/", f"{base_url}/api/v2/"}
        if audience is not None and audience not in accepted:
            return _oauth_error(403, "access_denied", f"Service not found: {audience}")
        token = secrets.token_urlsafe(32)
        ttl = self.tenant.cfg.token_ttl
        with self.tenant.lock:
            now = self.tenant.now()
            self.tenant.data.tokens = {
                k: v for k, v in self.tenant.data.tokens.items() if v["expires_at"] > now
            }
            self.tenant.data.tokens[digest(token)] = {
                "client_id": client.client_id,
                "scopes": list(client.scopes),
                "expires_at": now + ttl,
            }
            self.tenant.persist()
        return json_response(
            {
                "access_token": token,
                "scope": " ".join(client.scopes),
                "expires_in": ttl,
                "token_type": "Bearer",
            }
        )

    def check(self, request: Request, scope: str) -> None:
        """Raise the real 401/403 unless the bearer token is valid and carries `scope`."""
        header = request.headers.get("Authorization", "")
        kind, _, token = header.partition(" ")
        if not header:
            raise HttpError(401, "Missing authentication")
        if kind.lower() != "bearer" or not token.strip():
            raise HttpError(401, "Bad HTTP authentication header format")
        with self.tenant.lock:
            grant = self.tenant.data.tokens.get(digest(token.strip()))
        if grant is None:
            raise HttpError(401, "Invalid token", attributes={"error": "Invalid token"})
        if grant["expires_at"] <= self.tenant.now():
            raise HttpError(401, EXPIRED, attributes={"error": EXPIRED})
        if scope not in grant["scopes"]:
            raise HttpError(
                403, f"Insufficient scope, expected any of: {scope}", "insufficient_scope"
            )
