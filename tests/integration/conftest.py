"""Fixtures for applier scenarios: an emulator per test on loopback, a copy of the examples,
and a CLI runner that returns (exit code, stdout, stderr)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler.cli import run
from reconciler.emulator import Emulator, EmulatorConfig, start_emulator

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "actions"
WRITES = ("POST", "PATCH", "DELETE", "PUT")
FRAUD_SHIELD = {
    "name": "Fraud Shield",
    "supported_triggers": [{"id": "post-login", "version": "v3"}],
    "code": "exports.onExecutePostLogin = async () => {};",
    "integration": {"id": "int-1", "name": "Fraud Shield", "feature_type": "action"},
    "installed_integration_id": "inst-1",
}


def env_values() -> dict[str, str]:
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

    def actions(self) -> dict[str, dict[str, Any]]:
        return {a["name"]: a for a in self.call("GET", "/actions/actions?per_page=100")["actions"]}

    def bindings(self, trigger: str) -> list[str]:
        found = self.call("GET", f"/actions/triggers/{trigger}/bindings?per_page=100")
        return [b["display_name"] for b in found["bindings"]]


@pytest.fixture
def emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """Options from `@pytest.mark.emulator(**config)` override the fast defaults."""
    marker = request.node.get_closest_marker("emulator")
    options: dict[str, Any] = {"build_seconds": 0.05, "rate_limit": 1000.0, "burst": 1000}
    options.update(marker.kwargs if marker else {})
    config = EmulatorConfig(**options)
    with start_emulator(config) as emulator:
        emulator.seed(actions=[FRAUD_SHIELD])
        yield emulator


@pytest.fixture
def api(emu: Emulator) -> Api:
    return Api(emu)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of examples/actions; the cwd is tmp_path so .reconciler/ lands there."""
    dest = tmp_path / "actions"
    shutil.copytree(EXAMPLES, dest)
    monkeypatch.chdir(tmp_path)
    return dest


@pytest.fixture
def cli(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    monkeypatch.setenv("AUTH0_CLIENT_ID", emu.client_id)
    monkeypatch.setenv("AUTH0_CLIENT_SECRET", emu.client_secret)
    for key, value in env_values().items():
        monkeypatch.setenv(key, value)

    def invoke(*args: str, tenant: str | None = None) -> tuple[int, str, str]:
        argv = list(args)
        if argv[0] in ("plan", "apply", "rollback"):
            argv += ["--tenant", tenant or emu.url, "--rate-limit", "500"]
        capsys.readouterr()
        code = run(argv)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke
