"""Fixtures for the proof tests: an emulator per test on loopback, raw HTTP access to it (the
"dashboard", not our client), an in-process CLI runner and a subprocess CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.emulator import Emulator
from tests.support import EXAMPLES, FRAUD_SHIELD, Api, api_writes, env_values

__all__ = ["EXAMPLES", "FRAUD_SHIELD", "Api", "Cli", "api_writes", "env_values"]

Cli = Callable[..., tuple[int, str, str]]


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
