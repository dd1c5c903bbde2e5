"""ModulesApi over loopback HTTP against the emulator, and the live read of modules with the
number of requests it takes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.live_read import read_live
from reconciler.auth0.modules import ModulesApi, action_modules_body, module_body
from reconciler.core.errors import ApiError, StepFailed
from reconciler.core.fields import ModuleFields, SecretRef
from reconciler.core.livemodel import LiveModuleRef
from reconciler.core.model import Dependency, SecretValue
from reconciler.emulator import Emulator

from .helpers import action_seed, api_requests

LIB = "module.exports = { greet: (n) => 'hi ' + n };\n"
FIELDS = ModuleFields(
    code=LIB,
    dependencies=(Dependency("lodash", "4.17.21"),),
    secrets=(SecretRef("API_KEY", "api_key"),),
)
VALUES = {"API_KEY": SecretValue("module-secret-value")}


def test_module_body_sends_only_what_is_set_and_needs_every_value() -> None:
    assert module_body(ModuleFields(code="x"), {}) == {"code": "x"}
    body = module_body(FIELDS, VALUES, name="lib")
    assert body["secrets"] == [{"name": "API_KEY", "value": "module-secret-value"}]
    assert body["dependencies"] == [{"name": "lodash", "version": "4.17.21"}]
    with pytest.raises(StepFailed, match=r"API_KEY has no value \(\$api_key\)"):
        module_body(FIELDS, {})


def test_module_lifecycle(client: Auth0Client, emu: Emulator) -> None:
    api = ModulesApi(client)
    created = api.create_module("lib", FIELDS, VALUES)
    mid = created["id"]
    assert created["secrets"] == [
        {"name": "API_KEY", "updated_at": created["secrets"][0]["updated_at"]}
    ]
    v1 = api.publish_module(mid)
    assert v1["version_number"] == 1
    updated = api.update_module(mid, ModuleFields(code=LIB + "// v2\n"), {})
    assert updated["all_changes_published"] is False
    v2 = api.publish_module(mid)
    assert [v["id"] for v in api.list_module_versions(mid)] == [v2["id"], v1["id"]]
    assert api.get_module_version(mid, v1["id"])["code"] == LIB
    ref = {"module_id": mid, "module_version_id": v2["id"]}
    action = client.create_action({**action_seed("uses-lib"), "modules": [ref]})
    assert api.list_module_actions(mid)[0]["action_id"] == action["id"]
    with pytest.raises(ApiError) as blocked:
        api.delete_module(mid)
    assert blocked.value.status == 412
    client.update_action(action["id"], {"modules": []})
    rolled = api.rollback_module(mid, v1["id"])
    assert rolled["code"] == LIB
    api.delete_module(mid)
    assert [m["id"] for m in api.list_modules()] == []
    assert "module-secret-value" not in str(api_requests(emu))


def test_a_full_page_of_modules_is_one_request(client: Auth0Client, emu: Emulator) -> None:
    emu.seed_modules([{"name": f"m{i:03d}", "code": LIB} for i in range(100)])
    emu.clear_log()
    assert len(ModulesApi(client).list_modules()) == 100
    assert [r[2] for r in api_requests(emu) if "modules" in r[1]] == ["page=0&per_page=100"]


def seed_modules_and_users(emu: Emulator, client: Auth0Client) -> list[str]:
    """used (by an action, at its latest version), unused (published, no user), draft."""
    ids = emu.seed_modules(
        [
            {"name": "used", "code": LIB},
            {"name": "unused", "code": LIB, "published": 2},
            {"name": "draft", "code": LIB, "published": 0},
        ]
    )
    api = ModulesApi(client)
    latest = api.list_module_versions(ids[0])[0]
    ref = {"module_id": ids[0], "module_version_id": latest["id"]}
    client.create_action({**action_seed("uses-lib"), "modules": [ref]})
    emu.clear_log()
    return ids


def test_live_read_with_modules_costs_one_list_plus_unresolved_gets(
    emu: Emulator, make_client: Callable[..., Auth0Client]
) -> None:
    ids = seed_modules_and_users(emu, make_client(emu))
    client = make_client(emu)
    live = read_live(client, tenant="local", with_modules=True)
    module_calls = [(r[0], r[1]) for r in api_requests(emu) if "/modules" in r[1]]
    assert sorted(module_calls) == [
        ("GET", "/api/v2/actions/modules"),
        ("GET", f"/api/v2/actions/modules/{ids[1]}"),  # only "unused": its latest id is unknown
    ]
    assert len(emu.request_log) == 1 + 1 + 1 + 1 + 1  # token, triggers, actions, modules, GET
    by_name = {m.name: m for m in live.modules}
    assert [m.name for m in live.modules] == ["draft", "unused", "used"]
    assert by_name["used"].latest_version_number == 1
    assert by_name["used"].latest_version_id == live.actions[0].modules[0].version_id
    assert by_name["unused"].latest_version_number == 2
    assert by_name["unused"].latest_version_id
    assert (by_name["draft"].latest_version_number, by_name["draft"].latest_version_id) == (0, "")
    assert by_name["used"].actions_using_module_total == 1
    assert live.actions[0].modules == (
        LiveModuleRef(ids[0], "used", by_name["used"].latest_version_id, 1),
    )


def test_live_read_without_resolving_is_one_list(
    emu: Emulator, make_client: Callable[..., Auth0Client]
) -> None:
    seed_modules_and_users(emu, make_client(emu))
    client = make_client(emu)
    live = read_live(client, tenant="local", with_modules=True, resolve_module_latest=False)
    assert [r[1] for r in api_requests(emu) if "/modules" in r[1]] == ["/api/v2/actions/modules"]
    assert {m.name: m.latest_version_id != "" for m in live.modules} == {
        "draft": False,
        "unused": False,
        "used": True,
    }


def test_live_read_leaves_modules_out_by_default(client: Auth0Client, emu: Emulator) -> None:
    emu.seed_modules([{"name": "lib", "code": LIB}])
    emu.clear_log()
    live = read_live(client, tenant="local")
    assert live.modules == ()
    assert not [r for r in api_requests(emu) if "/modules" in r[1]]


@pytest.mark.parametrize(("fault", "posts"), [("drop-after", 1), ("drop", 2), ("503", 2)])
def test_create_and_publish_are_not_duplicated(
    client: Auth0Client, emu: Emulator, fault: str, posts: int
) -> None:
    """An uncertain failure: the create is looked up by name, the publish by the module's
    `all_changes_published`, before either is sent again."""
    base = "/api/v2/actions/modules"
    emu.faults.script(method="POST", path_glob=base, nth=1, fault=fault)
    api = ModulesApi(client)
    created = api.create_module("lib", ModuleFields(code=LIB), {})
    assert [m["name"] for m in api.list_modules()] == ["lib"]
    publish_path = f"{base}/{created['id']}/versions"
    emu.faults.script(method="POST", path_glob=publish_path, nth=1, fault=fault)
    version = api.publish_module(created["id"])
    assert version["version_number"] == 1
    assert [v["version_number"] for v in api.list_module_versions(created["id"])] == [1]
    for path in (base, publish_path):
        assert len([s for m, p, _q, s in api_requests(emu) if m == "POST" and p == path]) == posts


def test_version_id_by_number_and_action_refs_body(client: Auth0Client, emu: Emulator) -> None:
    (mid,) = emu.seed_modules([{"name": "lib", "code": LIB, "published": 3}])
    api = ModulesApi(client)
    vid = api.version_id(mid, 2)
    assert api.get_module_version(mid, vid)["version_number"] == 2
    with pytest.raises(StepFailed, match="has no published version 9"):
        api.version_id(mid, 9)
    body = {**action_seed("pinned"), "modules": action_modules_body([(mid, vid)])}
    refs = client.create_action(body)["modules"]
    assert refs == [
        {
            "module_id": mid,
            "module_name": "lib",
            "module_version_id": vid,
            "module_version_number": 2,
        }
    ]
