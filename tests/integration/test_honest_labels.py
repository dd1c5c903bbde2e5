"""Plan labels say what really happens (issue 14): a trigger removed from bindings.yaml keeps
its live bindings and the plan says so; a delete shows what it deletes; a dashboard edit is
drift while a new secret value is not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.support import Api

Cli = Callable[..., tuple[int, str, str]]
M2M = "  credentials-exchange:\n    - m2m-quota\n"


def converge(cli: Cli, root: Path) -> None:
    code, out, err = cli("apply", str(root), "--auto-approve")
    assert code == 0, out + err


def test_trigger_removed_from_bindings_says_its_bindings_stay(
    cli: Cli, root: Path, api: Api
) -> None:
    converge(cli, root)
    bindings = root / "bindings.yaml"
    bindings.write_text(bindings.read_text().replace(M2M, ""))
    code, out, err = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0, err
    note = (
        "Warning: bindings.credentials-exchange: not listed under bindings in the manifests, so "
        "its live bindings are left as they are (still bound: m2m-quota); list it as "
        "`credentials-exchange: []` to unbind them"
    )
    assert note in out
    converge(cli, root)  # and that is what apply does: the binding stays
    live = api.call("GET", "/actions/triggers/credentials-exchange/bindings")["bindings"]
    assert [b["action"]["name"] for b in live] == ["m2m-quota"]
    bindings.write_text(
        bindings.read_text().replace("bindings:\n", "bindings:\n  credentials-exchange: []\n")
    )
    code, out, err = cli("plan", str(root))
    assert code == 0, err
    assert "unbind m2m-quota" in out
    assert "not listed under bindings" not in out


def test_delete_shows_trigger_version_size_and_first_lines(cli: Cli, root: Path) -> None:
    converge(cli, root)
    code_file = root / "m2m-quota.js"
    source = code_file.read_text()
    (root / "m2m.yaml").unlink()
    code_file.unlink()
    bindings = root / "bindings.yaml"
    bindings.write_text(bindings.read_text().replace(M2M, ""))
    code, out, err = cli("plan", str(root), "--allow-delete")
    assert code == 0, err
    lines = source.splitlines()
    head = [line for line in lines if line.strip()][:5]
    expected = [
        "- action.m2m-quota (delete)",
        "    managed by reconciler and no longer in the manifests",
        "    deletes: credentials-exchange v2 action, deployed version 1",
        f"    code: {len(lines)} lines, {len(source.encode())} bytes; first 5 non-empty lines:",
        *(f"      | {line}" for line in head),
    ]
    start = out.splitlines().index(expected[0])
    assert out.splitlines()[start : start + len(expected)] == expected
