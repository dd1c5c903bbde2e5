"""`plan --format markdown` that fails still prints the PR body (exact), exit code unchanged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.emulator import Emulator

Cli = Callable[..., tuple[int, str, str]]


def test_bad_manifest_prints_the_failure_body(cli: Cli, root: Path, emu: Emulator) -> None:
    (root / "typo.yaml").write_text("action: []\n")
    code, out, err = cli("plan", str(root), "--format", "markdown")
    assert code == 1
    error = "typo.yaml:1:1: action: unknown key 'action' (did you mean 'actions'?)"
    assert err == f"reconciler: error: {error}\n"
    assert out == (
        f'<!-- reconciler {{"tenant":"{emu.url}","failed":true}} -->\n'
        f"## reconciler plan for `{emu.url}` failed\n"
        "\n"
        "> [!CAUTION]\n"
        "> **The plan failed** with 1 error (exit 1): nothing was planned and nothing can be "
        "applied from this run.\n"
        "\n"
        "```text\n"
        f"{error}\n"
        "```\n"
        "\n"
        "Fix the problem and push again; the next plan replaces this comment.\n"
    )


def test_api_failure_prints_the_failure_body_with_the_secret_masked(
    cli: Cli, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH0_CLIENT_SECRET", "wrong-secret-value-123")
    code, out, err = cli("plan", str(root), "--format", "markdown", "--out", "plan.json")
    assert code == 1
    message = err.removeprefix("reconciler: error: ").strip()
    assert message
    assert out.startswith('<!-- reconciler {"tenant":')
    assert "> **The plan failed** with 1 error (exit 1)" in out
    assert f"```text\n{message}\n```\n" in out
    assert "wrong-secret-value-123" not in out + err
    assert not (root.parent / "plan.json").exists()


def test_text_format_prints_nothing_on_stdout(cli: Cli, root: Path) -> None:
    (root / "typo.yaml").write_text("action: []\n")
    code, out, _ = cli("plan", str(root))
    assert code == 1
    assert out == ""


def test_max_chars_flag_bounds_the_comment_and_names_the_plan_file(cli: Cli, root: Path) -> None:
    code, full, err = cli("plan", str(root), "--format", "markdown")
    assert code == 0, err
    assert len(full) > 2000
    code, out, err = cli(
        "plan", str(root), "--format", "markdown", "--max-chars", "2000", "--out", "plan.json"
    )
    assert code == 0, err
    assert len(out) <= 2000
    assert "to fit the comment limit of 2,000 characters" in out
    assert "The full plan is in the plan file `plan.json` (the job artifact)." in out
    code, _, err = cli("plan", str(root), "--format", "markdown", "--max-chars", "10")
    assert code == 1
    assert "--max-chars" in err
