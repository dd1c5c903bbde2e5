"""Helpers shared by the suites that drive emulator tenants: a raw HTTP client standing in for
the dashboard (not our client), the demo marketplace action, the example variables, and the
`emu` / `api` fixtures (registered for the whole suite by tests/conftest.py; suites needing
another emulator, like tests/emulator and tests/client, define their own)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler.emulator import Emulator, EmulatorConfig, start_emulator

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "actions"
WRITES = ("POST", "PATCH", "DELETE", "PUT")
FRAUD_SHIELD = {
    "name": "Fraud Shield",
    "supported_triggers": [{"id": "post-login", "version": "v3"}],
    "code": "exports.onExecutePostLogin = async () => {};",
    "integration": {"id": "int-1", "name": "Fraud Shield", "feature_type": "action"},
    "installed_integration_id": "inst-1",
}


def env_values() -> dict[str, str]:
    """The example manifests' ${VAR} values, from examples/actions/.env.example."""
    values = {}
    for line in (EXAMPLES / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def api_writes(emu: Emulator) -> list[str]:
    return [
        f"{r.method} {r.path}"
        for r in emu.request_log
        if r.method in WRITES and r.path.startswith("/api/v2/")
    ]


@dataclass
class Api:
    """Direct HTTP access to the emulator, standing in for the dashboard (not our client)."""

    emu: Emulator

    def _headers(self) -> dict[str, str]:
        body = {
            "grant_type": "client_credentials",
            "client_id": self.emu.client_id,
            "client_secret": self.emu.client_secret,
            "audience": f"https://{self.emu.domain}/api/v2/",
        }
        token = requests.post(f"{self.emu.url}/oauth/token", json=body, timeout=5).json()
        return {"Authorization": f"Bearer {token['access_token']}"}

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        for _ in range(50):  # a test at a low rate limit must wait its turn like anyone
            resp = requests.request(
                method, f"{self.emu.url}/api/v2{path}", headers=self._headers(), timeout=5, **kwargs
            )
            if resp.status_code != 429:
                break
            time.sleep(max(0.05, float(resp.headers["x-ratelimit-reset"]) - time.time()))
        assert resp.status_code < 300, resp.text
        return resp.json() if resp.content else None

    def action_list(self) -> list[dict[str, Any]]:
        return list(self.call("GET", "/actions/actions?per_page=100")["actions"])

    def actions(self) -> dict[str, dict[str, Any]]:
        return {a["name"]: a for a in self.action_list()}

    def bindings(self, trigger: str) -> list[str]:
        found = self.call("GET", f"/actions/triggers/{trigger}/bindings?per_page=100")
        return [b["display_name"] for b in found["bindings"]]

    def wait_built(self, action_id: str) -> None:
        for _ in range(200):
            if self.call("GET", f"/actions/actions/{action_id}")["status"] == "built":
                return
            time.sleep(0.02)
        raise AssertionError(f"action {action_id} never built")

    def create(self, body: dict[str, Any], *, deploy: bool) -> str:
        action_id: str = self.call("POST", "/actions/actions", json=body)["id"]
        if deploy:
            self.wait_built(action_id)
            self.call("POST", f"/actions/actions/{action_id}/deploy")
        return action_id


@pytest.fixture
def emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """An emulator on loopback with the demo marketplace action; options from
    `@pytest.mark.emulator(**config)` override the fast defaults."""
    marker = request.node.get_closest_marker("emulator")
    options: dict[str, Any] = {"build_seconds": 0.05, "rate_limit": 1000.0, "burst": 1000}
    options.update(marker.kwargs if marker else {})
    with start_emulator(EmulatorConfig(**options)) as emulator:
        emulator.seed(actions=[FRAUD_SHIELD])
        yield emulator


@pytest.fixture
def api(emu: Emulator) -> Api:
    return Api(emu)
