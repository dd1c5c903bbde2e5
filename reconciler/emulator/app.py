"""The WSGI application: faults, latency, rate limit, auth, routing, error bodies, request log."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from reconciler.emulator import routes_actions, routes_modules, routes_triggers, routes_versions
from reconciler.emulator.auth import Auth
from reconciler.emulator.faults import Faults
from reconciler.emulator.ratelimit import TokenBucket
from reconciler.emulator.replies import HttpError, empty, json_response
from reconciler.emulator.reqlog import RequestLog, RequestRecord
from reconciler.emulator.routing import Route
from reconciler.emulator.tenant import Tenant

API = "/api/v2"
CONTROL = "/__emulator/"
LOOPBACK = ("127.0.0.1", "::1")
ROUTES: list[Route] = [
    *routes_actions.ROUTES,
    *routes_versions.ROUTES,
    *routes_triggers.ROUTES,
    *routes_modules.ROUTES,
]
FAULT_BODIES = {
    "500": HttpError(500, "An internal server error occurred"),
    "503": HttpError(503, "Service Unavailable"),
    "429": HttpError(429, "Global limit has been reached", "too_many_requests"),
}
StartResponse = Callable[..., Any]


class DroppedConnection(ConnectionError):
    """Raised after closing the socket on purpose; werkzeug then sends nothing."""


class EmulatorApp:
    def __init__(self, tenant: Tenant, auth: Auth, faults: Faults, log: RequestLog) -> None:
        self.tenant = tenant
        self.auth = auth
        self.faults = faults
        self.log = log
        self.bucket = TokenBucket(tenant.cfg.rate_limit, tenant.cfg.burst, tenant.clock)
        self.base_url = ""  # set by the server once the port is known
        self.domain = ""
        self.routes = Map(
            [Rule(API + r.rule, methods=list(r.methods), endpoint=r) for r in ROUTES],
            strict_slashes=False,
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith(CONTROL):
            return self._control(request)(environ, start_response)
        started, ts = time.perf_counter(), self.tenant.now()
        try:
            response = self._serve(request)
        except DroppedConnection:
            # logged before the socket closes: once the client sees the drop, the log has it
            self._record(request, started, ts, 0)
            sock = request.environ.get("werkzeug.socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            raise
        except BaseException:
            self._record(request, started, ts, 0)
            raise
        self._record(request, started, ts, response.status_code)
        return response(environ, start_response)

    def _record(self, request: Request, started: float, ts: float, status: int) -> None:
        ms = round((time.perf_counter() - started) * 1000, 3)
        query = request.query_string.decode("latin-1")
        self.log.add(RequestRecord(request.method, request.path, query, status, ms, ts))

    def _serve(self, request: Request) -> Response:
        cfg = self.tenant.cfg
        if cfg.latency_ms > 0:
            time.sleep(cfg.latency_ms / 1000)
        is_api = request.path.startswith(API + "/") or request.path == API
        fault = self.faults.decide(request.method, request.path, api=is_api)
        if fault == "drop":
            self._drop()
        elif fault in FAULT_BODIES:
            return self._with_limits(self._error(FAULT_BODIES[fault]), None)
        # the bucket counts a request when it arrives, as Auth0's does; a slow one is slow after
        decision = self.bucket.take() if is_api else self.bucket.peek()
        if fault == "slow":
            time.sleep(cfg.slow_ms / 1000)
        if not decision.allowed:
            response = self._error(FAULT_BODIES["429"])
        elif request.path == "/oauth/token" and request.method == "POST":
            response = self.auth.token_endpoint(request, self.base_url, self.domain)
        else:
            response = self._dispatch(request)
        if fault == "drop-after":
            self._drop()
        return self._with_limits(response, decision.headers())

    def _dispatch(self, request: Request) -> Response:
        adapter = self.routes.bind_to_environ(request.environ)
        try:
            route, args = adapter.match(request.path, method=request.method)
        except NotFound:
            return self._error(HttpError(404, "Not Found"))
        except MethodNotAllowed:
            return self._error(HttpError(405, "Method Not Allowed"))
        try:
            self.auth.check(request, route.scope)
            with self.tenant.lock:
                result: Response = route.handler(self.tenant, request, **args)
            return result
        except HttpError as exc:
            return self._error(exc)

    def _error(self, exc: HttpError) -> Response:
        return json_response(exc.body(), exc.status)

    def _with_limits(self, response: Response, headers: dict[str, str] | None) -> Response:
        for key, value in (headers or self.bucket.peek().headers()).items():
            response.headers[key] = value
        if response.status_code == 429 and headers is None:
            response.headers["x-ratelimit-remaining"] = "0"
        return response

    @staticmethod
    def _drop() -> None:
        """No answer: __call__ logs the request, then shuts its socket."""
        raise DroppedConnection("connection dropped by fault injection")

    def _control(self, request: Request) -> Response:
        """`/__emulator/requests`: the request log for other processes (loopback only, no auth)."""
        if request.remote_addr not in LOOPBACK:
            return json_response(HttpError(403, "Loopback only").body(), 403)
        if request.path.rstrip("/") != CONTROL + "requests":
            return json_response(HttpError(404, "Not Found").body(), 404)
        if request.method == "DELETE":
            self.log.clear()
            return empty(204)
        if request.method == "GET":
            body = {"requests": [r.to_json() for r in self.log.snapshot()]}
            return Response(json.dumps(body), content_type="application/json")
        return json_response(HttpError(405, "Method Not Allowed").body(), 405)
