"""Fixtures for the replay suite: the recorded tenant served read-only on loopback, its
credentials in the environment, and the real CLI run in-process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler import cli as cli_module
from tests.replay.server import CLIENT_ID, CLIENT_SECRET, Tenant, serve

Cli = Callable[..., tuple[int, str, str]]


@dataclass
class Replay:
    tenant: Tenant
    url: str


@pytest.fixture
def replay(monkeypatch: pytest.MonkeyPatch) -> Iterator[Replay]:
    """The recorded tenant (page size as asked, `total` given) with its credentials set."""
    monkeypatch.setenv("AUTH0_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("AUTH0_CLIENT_SECRET", CLIENT_SECRET)
    tenant = Tenant.recorded()
    with serve(tenant) as url:
        yield Replay(tenant, url)
    assert tenant.writes == [], "the tool tried to write to the read-only replay tenant"


@pytest.fixture
def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Cli:
    """Run the real CLI in-process from tmp_path; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli_module.run(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def fill_env(out: Path) -> Path:
    """A .env with a value (long enough to be masked) for every variable the export lists."""
    names = [
        line.split("=")[0]
        for line in (out / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    env = out / ".env"
    env.write_text("".join(f"{name}=replay-secret-{i:04d}\n" for i, name in enumerate(names)))
    return env
