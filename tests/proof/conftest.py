"""Fixtures for the proof tests: an emulator per test on loopback, raw HTTP access to it (the
"dashboard", not our client), an in-process CLI runner and a subprocess CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler.cli import run
from reconciler.emulator import Emulator, EmulatorConfig, start_emulator

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "actions"
WRITES = ("POST", "PATCH", "DELETE", "PUT")
FRAUD_SHIELD = {
    "name": "Fraud Shield",
    "supported_triggers": [{"id": "post-login", "version": "v3"}],
    "code": "exports.onExecutePostLogin = async () => {};",
    "integration": {"id": "int-1", "name": "Fraud Shield", "feature_type": "action"},
    "installed_integration_id": "inst-1",
}
Cli = Callable[..., tuple[int, str, str]]


def env_values() -> dict[str, str]:
    """The example manifests' variables (fake secret values) from examples/actions/.env.example."""
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


@pytest.fixture
def emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """Options from `@pytest.mark.emulator(**config)` override the fast defaults."""
    marker = request.node.get_closest_marker("emulator")
    options: dict[str, Any] = {"build_seconds": 0.05, "rate_limit": 1000.0, "burst": 1000}
    options.update(marker.kwargs if marker else {})
    with start_emulator(EmulatorConfig(**options)) as emulator:
        emulator.seed(actions=[FRAUD_SHIELD])
        yield emulator


@pytest.fixture
def api(emu: Emulator) -> Api:
    return Api(emu)


@pytest.fixture
def creds(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Credentials and the examples' variables, in os.environ and as a dict for subprocesses."""
    values = {"AUTH0_CLIENT_ID": emu.client_id, "AUTH0_CLIENT_SECRET": emu.client_secret}
    values.update(env_values())
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture
def cli(emu: Emulator, creds: dict[str, str], capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run the CLI in-process against the emulator: (exit code, stdout, stderr)."""

    def invoke(*args: str, tenant: str | None = None) -> tuple[int, str, str]:
        argv = list(args)
        if argv[0] in ("plan", "apply", "rollback"):
            argv += ["--tenant", tenant or emu.url, "--rate-limit", "500"]
        capsys.readouterr()
        code = run(argv)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def spawn(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start `python -m reconciler ARGS` (stdin closed, output captured)."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.Popen(  # noqa: S603 - our own CLI with test arguments
        [sys.executable, "-m", "reconciler", *args],
        cwd=cwd,
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(proc: subprocess.Popen[bytes], timeout: float = 120) -> tuple[int, str, str]:
    """Wait for a spawned CLI (killing it on timeout): (exit code, stdout, stderr)."""
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
