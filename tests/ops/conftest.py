"""Fixtures for export / test / import-deploy-cli: an emulator per test on loopback, a raw HTTP
helper standing in for the dashboard (tests/support.py), and a CLI runner returning
(exit code, stdout, stderr)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reconciler import cli as cli_module
from reconciler.emulator import Emulator, EmulatorConfig, start_emulator
from tests.support import FRAUD_SHIELD, Api

FIXTURES = Path(__file__).parent / "fixtures"


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
