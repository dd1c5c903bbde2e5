"""A tiny loopback server with canned answers, ONLY for responses the emulator cannot produce
(non-JSON bodies, huge or truncated bodies, feature_not_enabled, a non-Auth0 host)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

TOKEN = {"access_token": "canned-access-token-abc", "expires_in": 86400, "token_type": "Bearer"}


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@dataclass
class Canned:
    url: str = ""
    # path -> function(request) -> Response; unknown paths get an HTML 404
    routes: dict[str, Callable[[Request], Response]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)

    def json(self, path: str, body: Any, status: int = 200) -> None:
        self.routes[path] = lambda _r: Response(
            json.dumps(body), status=status, content_type="application/json"
        )

    def raw(self, path: str, data: bytes, status: int = 200, ctype: str = "text/html") -> None:
        self.routes[path] = lambda _r: Response(data, status=status, content_type=ctype)


@contextmanager
def canned_server(*, token: bool = True) -> Iterator[Canned]:
    state = Canned()
    if token:
        state.json("/oauth/token", TOKEN)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        state.seen.append(f"{request.method} {request.path}")
        handler = state.routes.get(request.path)
        if handler is None:
            response = Response(b"<html>Not here</html>", status=404, content_type="text/html")
        else:
            response = handler(request)
        return response(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield state
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
