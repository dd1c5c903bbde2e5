"""Fixtures: emulators on loopback (always stopped) and a small authenticated HTTP helper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from reconciler.emulator import Emulator, EmulatorConfig, FakeClock, start_emulator

CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"


class Api:
    """Talks to one emulator over real HTTP with a token of the given client."""

    def __init__(self, emu: Emulator, client_id: str = "", secret: str = "") -> None:
        self.emu = emu
        self.base = emu.url + "/api/v2"
        self.session = requests.Session()
        self.session.verify = emu.ca_file or True
        self.token = self.fetch_token(client_id or emu.client_id, secret or emu.client_secret)

    def fetch_token(self, client_id: str, secret: str) -> str:
        r = self.session.post(
            self.emu.url + "/oauth/token",
            json={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
                "audience": f"https://{self.emu.domain}/api/v2/",
            },
            timeout=10,
        )
        assert r.status_code == 200, r.text
        token: str = r.json()["access_token"]
        return token

    def call(self, method: str, path: str, **kw: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kw.pop("headers", {})}
        kw.setdefault("timeout", 10)
        return self.session.request(method, self.base + path, headers=headers, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.call("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.call("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.call("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.call("DELETE", path, **kw)

    def create(self, name: str = "a1", **fields: Any) -> dict[str, Any]:
        body = {"name": name, "supported_triggers": [{"id": "post-login", "version": "v3"}]}
        body.setdefault("code", CODE)
        body.update(fields)
        r = self.post("/actions/actions", json=body)
        assert r.status_code == 201, r.text
        out: dict[str, Any] = r.json()
        return out

    def deployed(self, clock: FakeClock, name: str = "a1", **fields: Any) -> str:
        """Create an action, let its build finish (fake clock), deploy it; return its id."""
        action_id: str = self.create(name, **fields)["id"]
        clock.advance(self.emu.cfg.build_seconds)
        r = self.post(f"/actions/actions/{action_id}/deploy")
        assert r.status_code == 200, r.text
        return action_id

    def bind(self, trigger: str, *action_ids: str) -> requests.Response:
        refs = [{"ref": {"type": "action_id", "value": a}} for a in action_ids]
        return self.patch(f"/actions/triggers/{trigger}/bindings", json={"bindings": refs})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emu(clock: FakeClock) -> Iterator[Emulator]:
    """A fake-clock emulator: builds finish only when the test advances the clock by 1 s."""
    server = start_emulator(EmulatorConfig(build_seconds=1.0, clock=clock, burst=10_000))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def api(emu: Emulator) -> Api:
    return Api(emu)


@pytest.fixture
def make_api() -> type[Api]:
    """The Api class, for tests that start their own emulator."""
    return Api


@pytest.fixture
def code() -> str:
    return CODE
