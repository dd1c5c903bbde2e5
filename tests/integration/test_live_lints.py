"""`apply` plans too: content a lint rejects but the tenant already runs is applied with a
warning (the adoption writes only the ownership trailer); edited content is refused before any
write. Against the emulator over loopback HTTP, through the real CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reconciler.emulator import Emulator
from tests.support import Api, api_writes

Cli = Callable[..., tuple[int, str, str]]
#: Recorded real code (terraform TestAccTriggerActions #2): a stray quote, and no
#: onExecutePostLogin export; Auth0 built and deployed it.
CODE = 'exports.onContinuePostLogin = async (event, api) => {\n\tconsole.log("foo")\n};"\n'


def manifests(tmp_path: Path, code: str) -> Path:
    root = tmp_path / "legacy"
    root.mkdir(exist_ok=True)
    (root / "legacy.js").write_text(code)
    (root / "actions.yaml").write_text(
        "actions:\n  - name: legacy\n    trigger: post-login\n    trigger_version: v3\n"
        "    runtime: node22\n    code: legacy.js\n"
    )
    return root


def test_apply_adopts_unchanged_live_content_with_warnings(
    emu: Emulator, api: Api, cli: Cli, tmp_path: Path
) -> None:
    api.create(
        {
            "name": "legacy",
            "supported_triggers": [{"id": "post-login", "version": "v3"}],
            "runtime": "node22",
            "code": CODE,
        },
        deploy=True,
    )
    root = manifests(tmp_path, CODE)
    code, stdout, stderr = cli("apply", str(root), "--auto-approve")
    assert code == 0, stderr
    warnings = [line for line in stdout.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 2
    assert "does not export onExecutePostLogin" in warnings[0]
    assert "node --check: SyntaxError" in warnings[1]
    assert all(w.endswith("(unchanged from the live action, so not blocking)") for w in warnings)
    live = api.actions()["legacy"]
    assert live["code"].startswith(CODE)  # only the trailer was added
    assert "managed-by: reconciler" in live["code"]

    code, stdout, stderr = cli("plan", str(root))  # now managed: nothing to do, still warned
    assert code == 0, stderr
    assert stdout.count("Warning: ") == 2

    writes = api_writes(emu)
    manifests(tmp_path, CODE.replace('"foo"', '"bar"'))  # edited: it would be written
    code, stdout, stderr = cli("apply", str(root), "--auto-approve")
    assert code == 1
    assert "legacy.js does not export onExecutePostLogin" in stderr
    assert "node --check: SyntaxError" in stderr
    assert "Warning" not in stdout
    assert api_writes(emu) == writes  # refused before any write


def test_a_saved_plan_of_unchanged_live_content_applies(api: Api, cli: Cli, tmp_path: Path) -> None:
    api.create(
        {
            "name": "legacy",
            "supported_triggers": [{"id": "post-login", "version": "v3"}],
            "runtime": "node22",
            "code": CODE,
        },
        deploy=True,
    )
    root = manifests(tmp_path, CODE)
    plan_file = tmp_path / "plan.json"
    code, stdout, stderr = cli("plan", str(root), "--out", str(plan_file))
    assert code == 0, stderr
    assert stdout.count("Warning: ") == 2
    code, stdout, stderr = cli("apply", str(root), "--plan", str(plan_file), "--auto-approve")
    assert code == 0, stderr
    assert "managed-by: reconciler" in api.actions()["legacy"]["code"]
