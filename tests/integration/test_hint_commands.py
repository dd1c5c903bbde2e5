"""Every command the tool tells the user to run works exactly as printed, from the same
directory (issue 14): the `apply --plan` hint after `plan --out`, export's next step, the
`--help` hint of a usage error, with and without ROOT, with --tenant and with --env."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from reconciler.cli import run
from reconciler.emulator import Emulator
from tests.support import EXAMPLES, api_writes, env_values

COMPOSE = "services:\n  db:\n    image: postgres\n"


@pytest.fixture
def project(tmp_path: Path, emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository checkout: manifests in actions/, other tools' YAML next to them."""
    shutil.copytree(EXAMPLES, tmp_path / "actions")
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "actions" / "docker-compose.yml").write_text(COMPOSE)
    monkeypatch.setenv("AUTH0_CLIENT_ID", emu.client_id)
    monkeypatch.setenv("AUTH0_CLIENT_SECRET", emu.client_secret)
    monkeypatch.delenv("AUTH0_DOMAIN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(argv)
    out, err = capsys.readouterr()
    return code, out, err


def hints(text: str) -> list[list[str]]:
    """The commands in the tool's own output: after 'with:' / 'run:' or in 'Try ...'."""
    found = re.findall(r"(?:with: |run:\n  |Try ')(reconciler [^'\n]+)", text)
    return [shlex.split(line)[1:] for line in found]


def run_hints(capsys: pytest.CaptureFixture[str], text: str) -> list[tuple[int, str, str]]:
    commands = hints(text)
    assert commands, text
    return [invoke(capsys, argv) for argv in commands]


def test_apply_hint_after_plan_out_with_root_and_tenant(
    project: Path, emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "actions" / "docker-compose.yml").unlink()  # an explicit ROOT: all manifests
    env = project / "vars.env"
    env.write_text((EXAMPLES / ".env.example").read_text())
    argv = ["plan", "actions", "--tenant", emu.url, "--var-file", "vars.env", "--out", "plan.json"]
    code, _, err = invoke(capsys, argv)
    assert code == 0, err
    assert err == (
        "reconciler: plan saved to plan.json; apply it with: reconciler apply --plan "
        f"plan.json --tenant {emu.url} --var-file vars.env\n"
    )
    [(code, out, err)] = run_hints(capsys, err)
    assert code == 0, out + err
    assert api_writes(emu)
    code, _, err = invoke(capsys, [*argv[:-2], "--detailed-exitcode"])
    assert code == 0, err  # the applied plan left nothing to do


def test_apply_hint_without_root_from_inside_the_manifests(
    project: Path,
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in env_values().items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(project / "actions")
    code, _, err = invoke(capsys, ["plan", "--tenant", emu.url, "--out", "plan.json"])
    assert code == 0, err
    assert "skipped 1 YAML file in the current directory that is not manifests" in err
    assert err.endswith(f"apply it with: reconciler apply --plan plan.json --tenant {emu.url}\n")
    [(code, out, err)] = run_hints(capsys, err)
    assert code == 0, out + err


def test_apply_hint_with_env(
    project: Path,
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in env_values().items():
        monkeypatch.setenv(key, value)
    (project / "actions" / "docker-compose.yml").unlink()
    (project / "reconciler.yaml").write_text(
        f"root: actions\nenvironments:\n  dev:\n    domain: {emu.url}\n"
    )
    code, _, err = invoke(capsys, ["plan", "--env", "dev", "--out", "plan.json"])
    assert code == 0, err
    assert err == (
        "reconciler: plan saved to plan.json; apply it with: "
        "reconciler apply --plan plan.json --env dev\n"
    )
    [(code, out, err)] = run_hints(capsys, err)
    assert code == 0, out + err


def test_export_next_step_works_as_printed(
    project: Path,
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in env_values().items():
        monkeypatch.setenv(key, value)
    (project / "actions" / "docker-compose.yml").unlink()
    code, _, err = invoke(capsys, ["apply", "actions", "--tenant", emu.url, "--auto-approve"])
    assert code == 0, err
    code, out, err = invoke(capsys, ["export", "--out", "exported", "--tenant", emu.url])
    assert code == 0, err
    assert out.endswith(
        "next: copy exported/.env.example to exported/.env and fill in every value, then run:\n"
        f"  reconciler plan exported --var-file exported/.env --tenant {emu.url}\n"
    )
    # the step the message asks of a person: fill in every value
    lines = (project / "exported" / ".env.example").read_text().splitlines()
    filled = [
        f"{line.split('=')[0]}=value-{i}-filled"
        for i, line in enumerate(lines)
        if line and not line.startswith("#")
    ]
    (project / "exported" / ".env").write_text("\n".join(filled) + "\n")
    [(code, out, err)] = run_hints(capsys, out)
    assert code == 0, out + err
    assert "Plan: 0 to create" in out


def test_usage_error_help_hint_works(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = invoke(capsys, ["plan", "--formt", "json"])
    assert code == 1
    [(code, out, _)] = run_hints(capsys, err)
    assert code == 0
    assert "Usage: reconciler plan" in out
