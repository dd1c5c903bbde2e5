"""HTTP/1.1 keep-alive (emulator/httpd.py): one connection serves request after request, as on
Auth0, stays in step with the byte stream when the app leaves a body unread, honours
`Connection: close`, and is shut by `stop()`."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest

from reconciler.emulator import Emulator, EmulatorConfig, start_emulator


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with start_emulator(EmulatorConfig(build_seconds=0.0)) as running:
        yield running


def _token_body(emu: Emulator) -> bytes:
    return json.dumps(
        {
            "grant_type": "client_credentials",
            "client_id": emu.client_id,
            "client_secret": emu.client_secret,
        }
    ).encode()


def _connect(emu: Emulator) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)


def _token(conn: http.client.HTTPConnection, emu: Emulator) -> str:
    conn.request("POST", "/oauth/token", _token_body(emu), {"Content-Type": "application/json"})
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.getheader("Connection") is None  # kept open, as HTTP/1.1 defaults to
    token: str = json.loads(resp.read())["access_token"]
    return token


def test_one_connection_serves_several_requests(emu: Emulator) -> None:
    conn = _connect(emu)
    try:
        token = _token(conn, emu)
        sock = conn.sock
        for _ in range(3):
            conn.request(
                "GET", "/api/v2/actions/actions", headers={"Authorization": f"Bearer {token}"}
            )
            resp = conn.getresponse()
            assert resp.status == 200
            assert json.loads(resp.read())["actions"] == []
            assert conn.sock is sock  # the same socket: no reconnect
    finally:
        conn.close()


def test_an_unread_body_does_not_become_the_next_request(emu: Emulator) -> None:
    conn = _connect(emu)
    try:
        # no token: the emulator answers 401 without reading the body
        conn.request("POST", "/api/v2/actions/actions", b'{"name": "' + b"x" * 5000 + b'"}')
        first = conn.getresponse()
        assert first.status == 401
        first.read()
        token = _token(conn, emu)  # the next request on the same connection is read whole
        assert token
    finally:
        conn.close()


def test_connection_close_is_honoured(emu: Emulator) -> None:
    conn = _connect(emu)
    try:
        conn.request("GET", "/api/v2/actions/actions", headers={"Connection": "close"})
        resp = conn.getresponse()
        assert resp.getheader("Connection") == "close"
        resp.read()
        assert resp.will_close
    finally:
        conn.close()


def test_stop_closes_kept_alive_connections() -> None:
    emu = start_emulator(EmulatorConfig(build_seconds=0.0))
    conn = _connect(emu)
    try:
        _token(conn, emu)
        emu.stop()
        with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
            _token(conn, emu)
    finally:
        conn.close()
        emu.stop()
