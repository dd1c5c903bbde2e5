"""`reconciler rollback NAME --module`: a module's draft takes a published version's content
and is published as a new version, over HTTP against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support import Api

Cli = Callable[..., tuple[int, str, str]]
V1 = "module.exports = { greet: () => 'hello' };\n"
V2 = "module.exports = { greet: () => 'HELLO!' };\n"
V3 = "module.exports = { greet: () => 'draft, never published' };\n"


def seed(api: Api) -> str:
    """claims-helpers with versions 1 (V1) and 2 (V2); an action pins version 2."""
    module_id: str = api.call(
        "POST", "/actions/modules", json={"name": "claims-helpers", "code": V1}
    )["id"]
    first = api.call("POST", f"/actions/modules/{module_id}/versions")["id"]
    api.call("PATCH", f"/actions/modules/{module_id}", json={"code": V2})
    second = api.call("POST", f"/actions/modules/{module_id}/versions")["id"]
    trigger = [{"id": "post-login", "version": "v3"}]
    code = "exports.onExecutePostLogin = async () => {};\n"
    for name, vid in (("gate", second), ("old-gate", first)):
        pins = [{"module_id": module_id, "module_version_id": vid}]
        body = {"name": name, "supported_triggers": trigger, "code": code, "modules": pins}
        api.create(body, deploy=False)
    return module_id


def module(api: Api, module_id: str) -> dict[str, Any]:
    found: dict[str, Any] = api.call("GET", f"/actions/modules/{module_id}")
    return found


def test_module_rollback_publishes_the_old_content(api: Api, tenant_env: str, run_cli: Cli) -> None:
    module_id = seed(api)
    code, out, err = run_cli("rollback", "claims-helpers", "--module", "--tenant", tenant_env)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "module claims-helpers: rolled back to the content of version 1 (newest published was "
        "version 2); published as version 3.",
        "Actions keep the version they pin: gate (version 2), old-gate (version 1).",
        "The next plan shows the manifest as the source of truth; pin version: N on the actions "
        "in the manifests to keep them on the old code.",
    ]
    now = module(api, module_id)
    assert (now["code"], now["all_changes_published"]) == (V1, True)
    assert (now["latest_version"]["version_number"], now["latest_version"]["code"]) == (3, V1)
    users = api.call("GET", f"/actions/modules/{module_id}/actions")["actions"]
    assert sorted(u["module_version_number"] for u in users) == [1, 2]  # actions did not move


def test_draft_only_publishes_nothing(api: Api, tenant_env: str, run_cli: Cli) -> None:
    module_id = seed(api)
    argv = ["rollback", "claims-helpers", "--module", "--to-version", "1", "--draft-only"]
    code, out, err = run_cli(*argv, "--tenant", tenant_env)
    assert (code, err) == (0, "")
    assert out.startswith(
        "module claims-helpers: rolled back to the content of version 1 (newest published was "
        "version 2); left as the draft, not published.\n"
    )
    now = module(api, module_id)
    assert (now["code"], now["all_changes_published"]) == (V1, False)
    assert now["latest_version"]["version_number"] == 2


def test_rollback_to_the_newest_version_discards_an_unpublished_draft(
    api: Api, tenant_env: str, run_cli: Cli
) -> None:
    module_id = seed(api)
    api.call("PATCH", f"/actions/modules/{module_id}", json={"code": V3})
    argv = ["rollback", "claims-helpers", "--module", "--to-version", "2"]
    code, out, err = run_cli(*argv, "--tenant", tenant_env)
    assert (code, err) == (0, "")
    assert "the draft matches it again; nothing to publish." in out.splitlines()[0]
    now = module(api, module_id)
    assert (now["code"], now["latest_version"]["version_number"]) == (V2, 2)
    code, out, err = run_cli(*argv, "--tenant", tenant_env)  # again: nothing left to do
    assert (code, out) == (1, "")
    assert err == (
        "reconciler: error: version 2 of module claims-helpers is the newest published one and "
        "the draft matches it; there is nothing to roll back\n"
    )


def test_errors_are_one_line(api: Api, tenant_env: str, run_cli: Cli) -> None:
    seed(api)
    cases = [
        (
            ["claims-helpers", "--module", "--to-version", "9"],
            "module claims-helpers has no published version 9 (versions: 1, 2)",
        ),
        (["claims-helper", "--module"], "no module named 'claims-helper' in the tenant"),
        (["gate", "--draft-only"], "--draft-only is for a module rollback; add --module"),
    ]
    for args, message in cases:
        code, out, err = run_cli("rollback", *args, "--tenant", tenant_env)
        assert (code, out) == (1, ""), args
        assert err.startswith(f"reconciler: error: {message}"), err
        assert err.count("\n") == 1
    api.call("POST", "/actions/modules", json={"name": "fresh", "code": V1})
    code, _, err = run_cli("rollback", "fresh", "--module", "--tenant", tenant_env)
    assert code == 1
    assert err == (
        "reconciler: error: module fresh was never published; there is nothing to roll back\n"
    )
