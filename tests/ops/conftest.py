"""Fixtures for export / test / import-deploy-cli: an emulator per test on loopback, a raw HTTP
helper standing in for the dashboard, and a CLI runner returning (exit code, stdout, stderr).
Copied (trimmed) from tests/integration/conftest.py rather than imported across packages."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler import cli as cli_module
from reconciler.emulator import Emulator, EmulatorConfig, start_emulator

FIXTURES = Path(__file__).parent / "fixtures"
OPS_COMMANDS = ("export", "test_action", "import_deploy_cli")
FRAUD_SHIELD = {
    "name": "Fraud Shield",
    "supported_triggers": [{"id": "post-login", "version": "v3"}],
    "code": "exports.onExecutePostLogin = async () => {};",
    "integration": {"id": "int-1", "name": "Fraud Shield", "feature_type": "action"},
    "installed_integration_id": "inst-1",
}


@pytest.fixture(autouse=True)
def _register_ops_commands() -> None:
    """Until cli.COMMAND_MODULES lists these modules, add their commands to the group."""
    for name in OPS_COMMANDS:
        command = importlib.import_module(f"reconciler.commands.{name}").command
        if command.name not in cli_module.cli.commands:
            cli_module.cli.add_command(command)


@dataclass
class Api:
    """Direct HTTP access to the emulator (not our client)."""

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
        for _ in range(50):
            resp = requests.request(
                method, f"{self.emu.url}/api/v2{path}", headers=self._headers(), timeout=5, **kwargs
            )
            if resp.status_code != 429:
                break
            time.sleep(max(0.05, float(resp.headers["x-ratelimit-reset"]) - time.time()))
        assert resp.status_code < 300, resp.text
        return resp.json() if resp.content else None

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

    def actions(self) -> dict[str, dict[str, Any]]:
        return {a["name"]: a for a in self.call("GET", "/actions/actions?per_page=100")["actions"]}


@pytest.fixture
def emu() -> Iterator[Emulator]:
    config = EmulatorConfig(build_seconds=0.02, rate_limit=1000.0, burst=1000)
    with start_emulator(config) as emulator:
        emulator.seed(actions=[FRAUD_SHIELD])
        yield emulator


@pytest.fixture
def api(emu: Emulator) -> Api:
    return Api(emu)


@pytest.fixture
def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Callable[..., tuple[int, str, str]]:
    """Run the real CLI in-process from tmp_path; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli_module.run(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture
def tenant_env(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> str:
    """Credentials of the emulator in the environment; returns the --tenant URL."""
    monkeypatch.setenv("AUTH0_CLIENT_ID", emu.client_id)
    monkeypatch.setenv("AUTH0_CLIENT_SECRET", emu.client_secret)
    return emu.url
