"""Actions Modules end to end (issue 15): live read -> diff -> plan -> apply against the emulator
over loopback HTTP, with the order of the writes taken from the emulator's request log."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import Emulator
from tests.support import Api, api_writes

Cli = Callable[..., tuple[int, str, str]]
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "modules_example"
MODULES = "/api/v2/actions/modules"
OURS = ("block-unverified", "enrich-token")


@pytest.fixture
def mroot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dest = tmp_path / "modules"
    shutil.copytree(FIXTURE, dest)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAIMS_NAMESPACE", "https://example.test/claims")
    return dest


def _modules(api: Api) -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in api.call("GET", "/actions/modules?per_page=100")["modules"]}


def _pins(api: Api) -> dict[str, list[tuple[str, int]]]:
    return {
        name: [(m["module_name"], m["module_version_number"]) for m in a.get("modules") or []]
        for name, a in api.actions().items()
        if name in OURS
    }


def _apply(cli: Cli, root: Path, *extra: str) -> str:
    code, out, err = cli("apply", str(root), "--auto-approve", *extra)
    assert code == 0, out + err
    return out


def _no_changes(cli: Cli, root: Path, emu: Emulator) -> None:
    code, out, err = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0, out + err
    assert "No changes." in out
    emu.clear_log()
    _apply(cli, root)
    assert api_writes(emu) == []


def _unprotect(root: Path) -> None:
    manifest = root / "modules.yaml"
    manifest.write_text(manifest.read_text().replace("protect: true", "protect: false"))


def test_module_created_published_and_used_by_two_actions(
    cli: Cli, mroot: Path, emu: Emulator, api: Api
) -> None:
    code, out, err = cli("plan", str(mroot), "--detailed-exitcode")
    assert code == 2, out + err
    assert "+ module.claims-helpers (create, publish)" in out
    out = _apply(cli, mroot)
    writes = api_writes(emu)
    assert writes.index(f"POST {MODULES}") < writes.index("POST /api/v2/actions/actions")
    module = _modules(api)["claims-helpers"]
    assert "// managed-by: reconciler" in module["code"]
    assert module["latest_version_number"] == 1
    assert _pins(api) == {
        "block-unverified": [("claims-helpers", 1)],
        "enrich-token": [("claims-helpers", 1)],
    }
    _no_changes(cli, mroot, emu)


def test_module_change_republishes_and_moves_its_actions_in_order(
    cli: Cli, mroot: Path, emu: Emulator, api: Api
) -> None:
    _apply(cli, mroot)
    # both actions follow the newest version, so a module change moves both
    login = mroot / "login.yaml"
    login.write_text(login.read_text().replace("version: 1", "version: latest"))
    js = mroot / "modules" / "claims-helpers.js"
    js.write_text(js.read_text() + "// v2\n")
    code, out, _ = cli("plan", str(mroot), "--detailed-exitcode")
    assert code == 2
    assert "~ module.claims-helpers (update, publish)" in out
    assert "+// v2" in out
    emu.clear_log()
    _apply(cli, mroot)
    ids = {a["name"]: a["id"] for a in api.action_list() if a["name"] in OURS}
    module_id = _modules(api)["claims-helpers"]["id"]
    writes = api_writes(emu)
    patch_module = writes.index(f"PATCH {MODULES}/{module_id}")
    publish = writes.index(f"POST {MODULES}/{module_id}/versions")
    patches = [writes.index(f"PATCH /api/v2/actions/actions/{ids[n]}") for n in ids]
    deploys = [writes.index(f"POST /api/v2/actions/actions/{ids[n]}/deploy") for n in ids]
    assert patch_module < publish < min(patches)
    assert max(patches) < min(deploys)
    assert _pins(api) == {
        "block-unverified": [("claims-helpers", 2)],
        "enrich-token": [("claims-helpers", 2)],
    }
    assert "// v2" in _modules(api)["claims-helpers"]["code"]
    _no_changes(cli, mroot, emu)


def _drop_module(root: Path) -> None:
    (root / "modules.yaml").unlink()
    login = root / "login.yaml"
    text = login.read_text()
    pattern = r"    modules:\n      - name: claims-helpers\n        version: [^\n]+\n"
    text = re.sub(pattern, "", text)
    login.write_text(text)


def test_module_deleted_only_after_unreferencing_and_protect_blocks(
    cli: Cli, mroot: Path, emu: Emulator, api: Api
) -> None:
    _apply(cli, mroot)
    _drop_module(mroot)
    code, out, _ = cli("plan", str(mroot), "--detailed-exitcode")
    assert code == 2, out  # without --allow-delete the module stays (and the actions move)
    assert "modules differ: claims-helpers 1 -> none" in out
    assert "module.claims-helpers: would delete (prune disabled); protected" in out
    code, out, _ = cli("plan", str(mroot), "--allow-delete")
    assert code == 3, out
    assert "module.claims-helpers: protected (protect: true)" in out

    _apply(cli, mroot)  # the actions move off it; the module stays
    assert _pins(api) == {"block-unverified": [], "enrich-token": []}
    assert "claims-helpers" in _modules(api)


def test_unprotected_module_is_deleted_after_its_actions_move_off(
    cli: Cli, mroot: Path, emu: Emulator, api: Api
) -> None:
    _unprotect(mroot)
    _apply(cli, mroot)
    _drop_module(mroot)
    emu.clear_log()
    _apply(cli, mroot, "--allow-delete")
    module_deletes = [w for w in api_writes(emu) if w.startswith(f"DELETE {MODULES}/")]
    writes = api_writes(emu)
    patches = [i for i, w in enumerate(writes) if w.startswith("PATCH /api/v2/actions/actions/")]
    assert len(module_deletes) == 1
    assert len(patches) == 2
    assert max(patches) < writes.index(module_deletes[0])
    assert _modules(api) == {}
    _no_changes(cli, mroot, emu)


def test_module_used_by_an_unmanaged_action_is_not_deleted(
    cli: Cli, mroot: Path, emu: Emulator, api: Api
) -> None:
    _unprotect(mroot)
    _apply(cli, mroot)
    module = _modules(api)["claims-helpers"]
    version = api.call("GET", f"/actions/modules/{module['id']}")["latest_version"]
    api.call(
        "POST",
        "/actions/actions",
        json={
            "name": "dashboard-made",
            "supported_triggers": [{"id": "post-login", "version": "v3"}],
            "code": "exports.onExecutePostLogin = async () => {};",
            "modules": [{"module_id": module["id"], "module_version_id": version["id"]}],
        },
    )
    _drop_module(mroot)
    code, out, _ = cli("plan", str(mroot), "--allow-delete")
    assert code == 3, out
    assert "module.claims-helpers: still used by dashboard-made" in out


def test_saved_plan_with_module_steps_applies_and_goes_stale(
    cli: Cli, mroot: Path, emu: Emulator, api: Api
) -> None:
    code, _, err = cli("plan", str(mroot), "--out", "plan.json")
    assert code == 0, err
    saved = Path("plan.json").read_text()
    assert '"kind": "create_module"' in saved or '"kind":"create_module"' in saved
    assert "https://example.test/claims" not in saved  # secrets by reference only
    code, out, err = cli("apply", "--plan", "plan.json")
    assert code == 0, out + err
    assert _modules(api)["claims-helpers"]["latest_version_number"] == 1

    js = mroot / "modules" / "claims-helpers.js"
    js.write_text(js.read_text() + "// v2\n")
    code, _, err = cli("plan", str(mroot), "--out", "plan.json")
    assert code == 0, err
    module = _modules(api)["claims-helpers"]
    api.call("PATCH", f"/actions/modules/{module['id']}", json={"code": "// dashboard\n"})
    code, out, err = cli("apply", "--plan", "plan.json")
    assert code != 0
    assert "module.claims-helpers: the module was updated since the plan" in out + err


def test_a_changed_module_secret_value_is_written_and_published(
    cli: Cli, mroot: Path, emu: Emulator, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _apply(cli, mroot)
    monkeypatch.setenv("CLAIMS_NAMESPACE", "https://example.test/other")
    code, out, _ = cli("plan", str(mroot), "--detailed-exitcode")
    assert code == 2, out
    assert "~ module.claims-helpers (update, publish)" in out
    assert "CLAIMS_NAMESPACE" in out
    assert "https://example.test/other" not in out
    _apply(cli, mroot)
    assert _modules(api)["claims-helpers"]["latest_version_number"] == 2
    assert _pins(api)["enrich-token"] == [("claims-helpers", 2)]  # "latest" follows
    assert _pins(api)["block-unverified"] == [("claims-helpers", 1)]  # pinned to 1
    _no_changes(cli, mroot, emu)


def test_a_dashboard_module_of_the_same_name_is_adopted_and_republished(
    cli: Cli, mroot: Path, emu: Emulator, api: Api
) -> None:
    code = (mroot / "modules" / "claims-helpers.js").read_text()
    emu.seed_modules([{"name": "claims-helpers", "code": code, "published": 1}])
    code_, out, _ = cli("plan", str(mroot), "--detailed-exitcode")
    assert code_ == 2, out
    assert "= module.claims-helpers (adopt, update, publish)" in out
    assert "in the tenant without the ownership trailer: adopting it" in out
    _apply(cli, mroot)
    module = _modules(api)["claims-helpers"]
    assert "// managed-by: reconciler" in module["code"]
    assert module["latest_version_number"] == 2
    assert _pins(api) == {
        "block-unverified": [("claims-helpers", 1)],
        "enrich-token": [("claims-helpers", 2)],
    }
    _no_changes(cli, mroot, emu)


def test_an_unmanaged_module_is_listed_and_never_touched(
    cli: Cli, mroot: Path, emu: Emulator, api: Api
) -> None:
    emu.seed_modules([{"name": "someone-elses", "code": "module.exports = {};\n"}])
    code, out, _ = cli("plan", str(mroot))
    assert code == 0, out
    assert "someone-elses: not in the manifests and has no ownership trailer" in out
    _apply(cli, mroot, "--allow-delete")
    assert "someone-elses" in _modules(api)


def _no_modules(text: str) -> str:
    """A manifest with its `modules:` lists (of an action, or the top-level one) removed."""
    kept, skip = [], None
    for line in text.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip())
        if skip is not None and (not line.strip() or indent > skip):
            continue
        skip = indent if line.strip() == "modules:" else None
        if skip is None:
            kept.append(line)
    return "".join(kept)


def test_modules_are_read_only_when_something_uses_them(
    cli: Cli, root: Path, mroot: Path, emu: Emulator
) -> None:
    (root / "login.yaml").write_text(_no_modules((root / "login.yaml").read_text()))
    (root / "signup.yaml").write_text(_no_modules((root / "signup.yaml").read_text()))
    code, out, err = cli("plan", str(root))  # the examples without their module
    assert code == 0, out + err
    assert not [r for r in emu.request_log if r.path.startswith(MODULES)]
    emu.clear_log()
    code, out, err = cli("plan", str(mroot))
    assert code == 0, out + err
    assert [r for r in emu.request_log if r.path.startswith(MODULES)]
