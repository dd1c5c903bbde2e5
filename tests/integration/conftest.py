"""Fixtures for applier scenarios: an emulator per test on loopback, a copy of the examples,
and a CLI runner that returns (exit code, stdout, stderr)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.emulator import Emulator
from tests.support import EXAMPLES, env_values


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
