"""`node --check` runs while the tenant is read (issue 16): its verdict is still reported as a
plain load reports it, located, exit 1, before any write, and before any later error."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.emulator import Emulator
from tests.support import api_writes

Cli = Callable[..., tuple[int, str, str]]


def manifests(tmp_path: Path, code: str) -> Path:
    root = tmp_path / "m"
    root.mkdir(exist_ok=True)
    (root / "one.js").write_text(code)
    (root / "actions.yaml").write_text(
        "actions:\n  - name: one\n    trigger: post-login\n    runtime: node22\n    code: one.js\n"
    )
    return root


def broken_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A `node` first on PATH that cannot check anything."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    node = bin_dir / "node"
    node.write_text("#!/bin/sh\necho 'node: broken install' >&2\nexit 3\n")
    node.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


GOOD = "exports.onExecutePostLogin = async (event, api) => {};\n"


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_syntax_error_found_meanwhile_is_located_and_blocks(
    emu: Emulator, cli: Cli, tmp_path: Path, command: str
) -> None:
    if not any(Path(p, "node").exists() for p in os.environ["PATH"].split(os.pathsep)):
        pytest.skip("node is not on PATH")
    root = manifests(tmp_path, "exports.onExecutePostLogin = async (event, api) => {\n  }}\n")
    args = [command, str(root)] + (["--auto-approve"] if command == "apply" else [])
    code, stdout, stderr = cli(*args)
    assert code == 1
    assert "one.js:2:" in stderr
    assert "node --check: SyntaxError" in stderr
    assert "Plan:" not in stdout
    assert api_writes(emu) == []


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_node_that_cannot_run_is_reported_before_any_write(
    emu: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    broken_node(tmp_path, monkeypatch)
    root = manifests(tmp_path, GOOD)
    args = [command, str(root)] + (["--auto-approve"] if command == "apply" else [])
    code, stdout, stderr = cli(*args)
    assert code == 1
    assert "one.js:1:1: node --check could not run: node: broken install" in stderr
    assert "Plan:" not in stdout
    assert api_writes(emu) == []


def test_the_node_check_error_comes_before_a_later_one(
    emu: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without credentials the tenant cannot even be opened; a plain load would have failed on
    node first, so that is still the error shown."""
    broken_node(tmp_path, monkeypatch)
    monkeypatch.delenv("AUTH0_CLIENT_ID")
    root = manifests(tmp_path, GOOD)
    code, _, stderr = cli("apply", str(root), "--auto-approve")
    assert code == 1
    assert "node --check could not run" in stderr
    assert "credentials" not in stderr
    assert emu.request_log == []
