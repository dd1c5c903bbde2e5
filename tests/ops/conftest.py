"""Fixtures for export / test / import-deploy-cli: a CLI runner returning (exit code, stdout,
stderr) and the emulator's credentials in the environment; `emu` and `api` come from
tests/support.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler import cli as cli_module
from reconciler.emulator import Emulator

FIXTURES = Path(__file__).parent / "fixtures"


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
