"""Hostile or broken servers end `plan` with exit 1 and one clear line within a stated bound.

Each test starts its own small server on 127.0.0.1 and stops it (also when the test fails):
- a server that drips its reply one byte at a time: the per-request deadline ends it
  (RECONCILER_HTTP_DEADLINE=2 here; the default is 30 s);
- a server whose pages never advance: paging stops on the second page;
- an address where nothing listens, or where connections are never accepted.
"""

from __future__ import annotations

import json
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.token import Credentials
from reconciler.cli import run
from reconciler.core.errors import ApiError
from reconciler.emulator.tls import make_certificate, server_context

Runner = Callable[..., tuple[int, str, str, float]]


@pytest.fixture
def plan_cli(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Runner:
    """`reconciler plan ROOT --tenant URL` -> (exit code, stdout, stderr, seconds)."""
    monkeypatch.setenv("AUTH0_CLIENT_ID", "hostile-client")
    monkeypatch.setenv("AUTH0_CLIENT_SECRET", "hostile-secret-value")

    def invoke(url: str) -> tuple[int, str, str, float]:
        capsys.readouterr()
        started = time.monotonic()
        code = run(["plan", str(root), "--tenant", url, "--var-file", str(root / ".env.example")])
        seconds = time.monotonic() - started
        out, err = capsys.readouterr()
        return code, out, err, seconds

    return invoke


# --------------------------------------------------------------------------- drip


class _Drip(socketserver.BaseRequestHandler):
    stop: threading.Event
    burst: int  # leading bytes sent at once (0: drip the status line; > 0: the body only)

    def handle(self) -> None:
        self.request.recv(65536)  # the request (small); then a reply that never ends
        reply = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9999\r\n\r\n"
        reply += b"{" * 9999
        self.request.sendall(reply[: self.burst])
        for byte in reply[self.burst :]:
            if self.stop.wait(0.05):
                return
            try:
                self.request.sendall(bytes([byte]))
            except OSError:
                return


@pytest.fixture(params=["headers", "body"])
def drip_server(request: pytest.FixtureRequest) -> Iterator[str]:
    stop = threading.Event()
    burst = 0 if request.param == "headers" else 80  # the header block and 7 bytes
    handler = type("Drip", (_Drip,), {"stop": stop, "burst": burst})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.slow
def test_a_dripping_server_fails_plan_within_the_deadline(
    plan_cli: Runner, drip_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILER_HTTP_DEADLINE", "2")
    code, out, err, seconds = plan_cli(drip_server)
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("reconciler: error: POST /oauth/token -> no response: ")
    assert "no complete response within 2 s (deadline)" in lines[0]
    assert "answered too slowly" in lines[0]
    # one attempt (a deadline is not retried): 2 s plus start-up, far from the 9 minutes the
    # status line alone would take at this rate
    assert 1.9 < seconds < 6, seconds


def test_the_deadline_setting_is_checked(plan_cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_HTTP_DEADLINE", "soon")
    code, _, err, _ = plan_cli("http://127.0.0.1:9")
    assert code == 1
    assert err == (
        "reconciler: error: RECONCILER_HTTP_DEADLINE='soon': expected seconds, 0.1 to 3600\n"
    )


# --------------------------------------------------------------------------- page loop


class _Looping(BaseHTTPRequestHandler):
    pages: list[str]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def _send(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._send({"access_token": "loop-token", "expires_in": 86400, "token_type": "Bearer"})

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if "/triggers" in self.path and "/bindings" not in self.path:
            self._send({"triggers": []})
        elif self.path.startswith("/api/v2/actions/actions"):
            self.pages.append(self.path)
            actions = [
                {"id": f"id-{i}", "name": f"loop-{i}", "supported_triggers": []} for i in range(100)
            ]
            self._send({"actions": actions, "total": 1_000_000, "per_page": 100})
        else:
            self._send({"bindings": []})


@pytest.fixture
def loop_server() -> Iterator[tuple[str, list[str]]]:
    pages: list[str] = []
    handler = type("Looping", (_Looping,), {"pages": pages})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_page_that_repeats_stops_plan_at_once(
    plan_cli: Runner, loop_server: tuple[str, list[str]]
) -> None:
    url, pages = loop_server
    code, out, err, seconds = plan_cli(url)
    assert code == 1
    assert out == ""
    assert err == (
        "reconciler: error: GET /api/v2/actions/actions -> 200: malformed response: the API "
        "returned the same page twice; hint: is --tenant an Auth0 tenant (or a proxy in between)?\n"
    )
    assert [p.split("?")[1] for p in pages] == ["page=0&per_page=100", "page=1&per_page=100"]
    assert seconds < 5, seconds


# --------------------------------------------------------------------------- dead addresses


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_nothing_listening_fails_plan_in_seconds(plan_cli: Runner) -> None:
    port = _free_port()
    code, out, err, seconds = plan_cli(f"http://127.0.0.1:{port}")
    assert code == 1
    assert out == ""
    assert err == (
        "reconciler: error: POST /oauth/token -> no response: connection refused; "
        f"hint: nothing answers at 127.0.0.1:{port}: check --tenant / AUTH0_DOMAIN\n"
    )
    assert seconds < 3, seconds


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A port whose accept queue is full: a new connection is never answered (no SYN-ACK),
    as with an unroutable address."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    filler = socket.create_connection(("127.0.0.1", port), timeout=1)
    try:
        yield port
    finally:
        filler.close()
        listener.close()


@pytest.mark.slow
def test_an_address_that_never_answers_is_tried_twice_then_fails(unanswered_port: int) -> None:
    """Connect timeout T (default 5 s): two attempts and one backoff of at most 0.5 s, so at
    most 2 T + 0.5 s (10.5 s with the defaults; here T = 1 s)."""
    client = Auth0Client(
        f"http://127.0.0.1:{unanswered_port}", Credentials("cid", "csecret"), timeout=(1.0, 30.0)
    )
    started = time.monotonic()
    with pytest.raises(ApiError) as caught, client:
        client.list_triggers()
    seconds = time.monotonic() - started
    err = caught.value
    assert str(err) == (
        "POST /oauth/token -> no response: connect timed out; "
        f"hint: nothing answers at 127.0.0.1:{unanswered_port}: check --tenant / AUTH0_DOMAIN"
    )
    assert client.stats.requests == 2
    assert 1.9 < seconds < 3.5, seconds


# --------------------------------------------------------------------------- TLS


class _TlsDrip(socketserver.BaseRequestHandler):
    stop: threading.Event
    context: ssl.SSLContext | None  # None: accept TCP and never start the handshake

    def handle(self) -> None:
        if self.context is None:
            self.stop.wait(30)
            return
        with self.context.wrap_socket(self.request, server_side=True) as tls:
            tls.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" + b"{" * 1000:
                if self.stop.wait(0.05):
                    return
                try:
                    tls.sendall(bytes([byte]))
                except OSError:
                    return


@pytest.fixture(params=["handshake", "body"])
def tls_drip(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    cert, key = make_certificate(tmp_path)
    stop = threading.Event()
    context = server_context(cert, key) if request.param == "body" else None
    handler = type("TlsDrip", (_TlsDrip,), {"stop": stop, "context": context})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", str(cert)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_deadline_also_bounds_tls(tls_drip: tuple[str, str]) -> None:
    """A stalled handshake and a dripping TLS body both end at the 1 s deadline (the connect
    and read timeouts, 5 s and 30 s, would not have fired yet)."""
    url, ca = tls_drip
    client = Auth0Client(url, Credentials("cid", "csecret"), ca_bundle=ca, deadline=1.0)
    started = time.monotonic()
    with pytest.raises(ApiError) as caught, client:
        client.list_triggers()
    seconds = time.monotonic() - started
    assert "no complete response within 1 s (deadline)" in str(caught.value)
    assert client.stats.requests == 1
    assert 0.9 < seconds < 2.5, seconds


# --------------------------------------------------------------------------- long text


class _Verbose(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = {"error": "E" * 5000, "error_description": "x" * 10_000}
        data = json.dumps(body).encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def verbose_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Verbose)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_long_server_message_is_quoted_200_characters_at_most(
    plan_cli: Runner, verbose_server: str
) -> None:
    code, _, err, _ = plan_cli(f"http://{verbose_server}")
    assert code == 1
    assert err == (
        f"reconciler: error: POST /oauth/token -> 403: {'x' * 197}... ({'E' * 57}...); "
        f"hint: the client is not authorized for the Management API of {verbose_server} "
        f"(audience https://{verbose_server}/api/v2/)\n"
    )


def test_a_long_tenant_argument_is_quoted_200_characters_at_most(plan_cli: Runner) -> None:
    code, _, err, _ = plan_cli("not a domain " + "z" * 5000)
    assert code == 1
    quoted = "not a domain " + "z" * 184 + "..."
    assert err == (
        f"reconciler: error: --tenant {quoted!r} is not a domain (e.g. acme.eu.auth0.com), "
        "a URL, or 'local'\n"
    )
