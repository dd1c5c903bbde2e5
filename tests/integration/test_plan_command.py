"""`reconciler plan` against the emulator (issue 5 "Done when")."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.core.model import DesiredState
from reconciler.core.trailer import compute_digest, with_trailer
from reconciler.manifest import load_manifests
from tests.support import Api, env_values

Cli = Callable[..., tuple[int, str, str]]


def _modules_by_hand(api: Api, desired: DesiredState) -> dict[str, dict[str, str]]:
    """Each example module created with the ownership trailer and published once (version 1,
    which `latest` and `1` both name); its action reference by module name."""
    pins = {}
    for module in desired.modules:
        values = {s.name: s.value.reveal() for s in module.secrets if s.value is not None}
        code = with_trailer(module.code, compute_digest(values), protect=module.protect)
        body = {"name": module.name, "code": code}
        body |= {"secrets": [{"name": k, "value": v} for k, v in values.items()]}
        body |= {
            "dependencies": [{"name": d.name, "version": d.version} for d in module.dependencies]
        }
        module_id = api.call("POST", "/actions/modules", json=body)["id"]
        version = api.call("POST", f"/actions/modules/{module_id}/versions")["id"]
        pins[module.name] = {"module_id": module_id, "module_version_id": version}
    return pins


def make_equal_by_hand(api: Api, root: Path) -> None:
    """Build the desired tenant through the raw API (as another tool or a person would):
    create, deploy and bind every example action, with the ownership trailer."""
    desired = load_manifests(root, env=env_values(), node_check=False)
    pins = _modules_by_hand(api, desired)
    ids = {}
    for action in desired.actions:
        values = {s.name: s.value.reveal() for s in action.secrets if s.value is not None}
        body = {
            "name": action.name,
            "supported_triggers": [{"id": action.trigger, "version": action.trigger_version}],
            "code": with_trailer(action.code, compute_digest(values), protect=action.protect),
            "runtime": action.runtime,
            "dependencies": [{"name": d.name, "version": d.version} for d in action.dependencies],
            "secrets": [{"name": k, "value": v} for k, v in values.items()],
            "modules": [pins[m.name] for m in action.modules],
            "deploy": True,
        }
        ids[action.name] = api.call("POST", "/actions/actions", json=body)["id"]
    ids["Fraud Shield"] = api.actions()["Fraud Shield"]["id"]
    for _ in range(200):
        live = api.actions()
        if all(live[n].get("deployed_version", {}).get("status") == "built" for n in ids):
            break
    for tb in desired.bindings:
        bindings = [
            {"ref": {"type": "action_id", "value": ids[e.action]}, "display_name": e.display_name}
            for e in tb.entries
        ]
        api.call("PATCH", f"/actions/triggers/{tb.trigger}/bindings", json={"bindings": bindings})


def test_fresh_tenant_plans_every_example_action_as_create(cli: Cli, root: Path) -> None:
    code, out, err = cli("plan", str(root), "--detailed-exitcode")
    assert code == 2, err
    for name in ("block-bad-ips", "enrich-token", "m2m-quota", "signup-domain-allowlist"):
        assert f"+ action.{name} (create, deploy)" in out
    assert out.strip().endswith(
        "Plan: 6 to create, 0 to update, 6 to deploy, 4 to rebind, 0 to delete."
    )


def test_tenant_made_equal_by_hand_plans_no_changes(cli: Cli, root: Path, api: Api) -> None:
    make_equal_by_hand(api, root)
    code, out, err = cli("plan", str(root), "--detailed-exitcode")
    assert code == 0, out + err
    assert out.strip().splitlines()[-1] == "No changes. The tenant matches the manifests."


def test_dashboard_edits_show_up_as_drift(cli: Cli, root: Path, api: Api) -> None:
    make_equal_by_hand(api, root)
    enrich = api.actions()["enrich-token"]
    edited = enrich["code"].replace(
        "exports.onExecutePostLogin", "// hotfix\nexports.onExecutePostLogin"
    )
    api.call("PATCH", f"/actions/actions/{enrich['id']}", json={"code": edited})
    quota = api.actions()["m2m-quota"]
    api.call("PATCH", f"/actions/actions/{quota['id']}", json={"code": "// x\n" + quota["code"]})
    for _ in range(200):
        if api.actions()["m2m-quota"]["status"] == "built":
            break
    api.call("POST", f"/actions/actions/{quota['id']}/deploy")

    code, out, err = cli("plan", str(root), "--format", "json", "--detailed-exitcode")
    assert code == 2, err
    plan = json.loads(out)
    drift = {c["address"]: [d["category"] for d in c["drift"]] for c in plan["changes"]}
    assert drift["action.enrich-token"] == ["undeployed-dashboard-draft"]
    assert drift["action.m2m-quota"] == ["dashboard-edit-deployed"]
    assert plan["summary"]["update"] == 2


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_plan_output_and_file_never_contain_secret_values(
    cli: Cli, root: Path, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_file = tmp_path / "plan.json"
    code, out, err = cli("plan", str(root), "--format", fmt, "--out", str(plan_file), "-v")
    assert code == 0, err
    assert "GET /api/v2/actions/actions" in err  # the verbose request log was on
    written = plan_file.read_text()
    for name, value in env_values().items():
        if name.endswith(("_URL", "_NUMBER")):
            continue  # not secret-looking; still masked when used as secrets, checked below
        for text in (out, err, written):
            assert value not in text
    assert "local-secret" not in out + err + written


def test_markdown_plan_has_hidden_header_and_summary_table(cli: Cli, root: Path) -> None:
    code, out, _ = cli("plan", str(root), "--format", "markdown")
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith('<!-- reconciler {"tenant":"127.0.0.1:')
    assert first.endswith('","format_version":"1"} -->')
    assert (
        "| create | update | deploy | rebind | delete | adopt | unmanaged |" in out
        or "| create |" in out
    )


def test_usage_errors_exit_1_not_2(cli: Cli, root: Path) -> None:
    code, _, err = cli("plan", str(root), "--format", "yaml")
    assert code == 1
    assert "reconciler: usage error: Invalid value for '--format'" in err


def test_bad_manifest_fails_before_any_write(cli: Cli, root: Path, emu: object) -> None:
    """The tenant read starts while the manifests load (issue 16: reconciler.features.ahead),
    so a refused manifest may leave the token request and reads in the log, never a write; the
    error shown is the manifest's."""
    (root / "m2m.yaml").write_text((root / "m2m.yaml").read_text().replace("trigger:", "triger:"))
    emu.clear_log()  # type: ignore[attr-defined]
    code, out, err = cli("plan", str(root))
    assert code == 1
    assert "m2m.yaml:" in err
    assert "did you mean 'trigger'?" in err
    assert "Plan:" not in out
    sent = {(r.method, r.path) for r in emu.request_log}  # type: ignore[attr-defined]
    assert sent <= {
        ("POST", "/oauth/token"),
        ("GET", "/api/v2/actions/actions"),
        ("GET", "/api/v2/actions/triggers"),
    }
    assert "Traceback" not in err
