"""A read-only HTTP server on 127.0.0.1 that serves recorded real Auth0 replies
(tests/fixtures/replay/tenant.json, derived from public go-vcr cassettes by derive.py).

It pages the recorded action list and binding lists itself, at most `page_cap` items a page
(real Auth0 honours per_page up to 100; a smaller cap stands in for a server that returns short
pages while more are to come), and answers every write with 405 and records it, so a test fails
when the tool tries to write. Every request is logged (method, path, query) for assertions.
Every answer carries the `x-ratelimit-*` headers real Auth0 sends (the cassettes kept none): a
bucket of 50 never drained. Without them the client keeps its cautious 8/s for a tenant that
never said its limit, and each export here waited ~0.5 s on its own pacing.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "replay" / "tenant.json"
CLIENT_ID, CLIENT_SECRET = "replay-client", "replay-secret-value-0001"
TOKEN = "replay-access-token-0001"


def load_fixture(path: Path = FIXTURE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass
class Tenant:
    """What the server serves: action bodies, the triggers body, binding items per trigger."""

    actions: list[dict[str, Any]]
    triggers: dict[str, Any]
    bindings: dict[str, list[dict[str, Any]]]
    page_cap: int = 100
    with_total: bool = True  # list replies carry `total` (the recorded action lists do)
    log: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)

    @classmethod
    def recorded(cls, **kw: Any) -> Tenant:
        data = load_fixture()
        return cls(
            actions=[a["body"] for a in data["actions"]],
            triggers=data["triggers"]["body"],
            bindings={t: b["items"] for t, b in data["bindings"].items()},
            **kw,
        )

    def page(self, key: str, items: list[dict[str, Any]], query: dict[str, str]) -> Any:
        per_page = min(int(query.get("per_page", "50")), self.page_cap)
        page = int(query.get("page", "0"))
        chunk = items[page * per_page : (page + 1) * per_page]
        body: dict[str, Any] = {key: chunk, "per_page": per_page}
        if page:
            body["page"] = page
        if self.with_total and items:  # a recorded empty bindings page has no total
            body["total"] = len(items)
        return body

    def reply(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        parts = [unquote(p) for p in path.split("/") if p]
        if parts[:3] != ["api", "v2", "actions"]:
            return 404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"}
        rest = parts[3:]
        if rest == ["actions"]:
            return 200, self.page("actions", self.actions, query)
        if len(rest) == 2 and rest[0] == "actions":
            for action in self.actions:
                if action["id"] == rest[1]:
                    return 200, action
            return 404, {
                "statusCode": 404,
                "error": "Not Found",
                "message": "That action does not exist.",
            }
        if rest == ["triggers"]:
            return 200, self.triggers
        if len(rest) == 3 and rest[0] == "triggers" and rest[2] == "bindings":
            return 200, self.page("bindings", self.bindings.get(rest[1], []), query)
        return 404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"}


def _handler(tenant: Tenant) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            self.send_header("x-ratelimit-limit", "50")
            self.send_header("x-ratelimit-remaining", "49")
            self.send_header("x-ratelimit-reset", str(int(time.time()) + 1))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            tenant.log.append(("GET", url.path, query))
            if self.headers.get("authorization") != f"Bearer {TOKEN}":
                self._send(
                    401, {"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"}
                )
                return
            self._send(*tenant.reply(url.path, query))

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            tenant.log.append(("POST", url.path, {}))
            if url.path == "/oauth/token":
                form = (
                    json.loads(raw or b"{}")
                    if raw.startswith(b"{")
                    else {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
                )
                if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                    self._send(401, {"error": "access_denied", "error_description": "Unauthorized"})
                    return
                scope = "read:actions create:actions update:actions delete:actions"
                self._send(
                    200,
                    {
                        "access_token": TOKEN,
                        "token_type": "Bearer",
                        "expires_in": 86400,
                        "scope": scope,
                    },
                )
                return
            self._write()

        def _write(self) -> None:
            tenant.writes.append(f"{self.command} {self.path}")
            self._send(
                405,
                {
                    "statusCode": 405,
                    "error": "Method Not Allowed",
                    "message": "the replay tenant is read-only",
                },
            )

        do_PATCH = do_PUT = do_DELETE = _write

    return Handler


@contextmanager
def serve(tenant: Tenant) -> Iterator[str]:
    """Serve `tenant` on a free loopback port; yields the base URL; always shuts down."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(tenant))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
