"""The Actions Modules endpoints over real HTTP: the replies the recordings do not cover
(conflicts, in-use delete, 404s, limits, rollback, paging) and state-file persistence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.emulator import EmulatorConfig, FakeClock, start_emulator

from .conftest import Api

M = "/actions/modules"
CODE = "module.exports = { greet: (n) => 'hi ' + n };\n"


def new_module(api: Api, name: str = "m1", **fields: Any) -> dict[str, Any]:
    r = api.post(M, json={"name": name, "code": CODE, **fields})
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def publish(api: Api, module_id: str) -> dict[str, Any]:
    r = api.post(f"{M}/{module_id}/versions")
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_create_publish_and_get(api: Api) -> None:
    mod = new_module(api, secrets=[{"name": "KEY", "value": "s3cret"}])
    assert mod["all_changes_published"] is False
    assert "latest_version" not in mod
    assert mod["secrets"][0]["name"] == "KEY"
    assert "value" not in mod["secrets"][0]
    ver = publish(api, mod["id"])
    assert (ver["module_id"], ver["version_number"]) == (mod["id"], 1)
    got = api.get(f"{M}/{mod['id']}").json()
    assert got["all_changes_published"] is True
    assert got["latest_version"]["id"] == ver["id"]
    assert "s3cret" not in api.get(f"{M}/{mod['id']}/versions").text


def test_duplicate_name_is_409(api: Api) -> None:
    new_module(api)
    r = api.post(M, json={"name": "m1", "code": CODE})
    assert r.status_code == 409
    assert r.json()["message"] == "An action module with the name 'm1' already exists."


def test_delete_while_used_is_412_then_204(api: Api) -> None:
    mod = new_module(api)
    ver = publish(api, mod["id"])
    ref = {"module_id": mod["id"], "module_version_id": ver["id"]}
    action = api.create("uses-m1", modules=[ref])
    assert action["modules"][0]["module_name"] == "m1"
    assert action["modules"][0]["module_version_number"] == 1
    assert api.get(f"{M}/{mod['id']}").json()["actions_using_module_total"] == 1
    users = api.get(f"{M}/{mod['id']}/actions").json()
    assert users["actions"][0]["action_id"] == action["id"]
    r = api.delete(f"{M}/{mod['id']}")
    assert r.status_code == 412
    assert r.json()["statusCode"] == 412
    assert api.patch(f"/actions/actions/{action['id']}", json={"modules": []}).status_code == 200
    assert api.delete(f"{M}/{mod['id']}").status_code == 204
    assert api.get(f"{M}/{mod['id']}").status_code == 404


def test_action_refs_must_exist_and_at_most_three(api: Api) -> None:
    mod = new_module(api)
    ver = publish(api, mod["id"])
    missing = {"module_id": mod["id"], "module_version_id": "nope"}
    r = api.post("/actions/actions", json={"name": "a", "supported_triggers": [
        {"id": "post-login", "version": "v3"}], "modules": [missing]})  # fmt: skip
    assert r.status_code == 400
    ref = {"module_id": mod["id"], "module_version_id": ver["id"]}
    r = api.post("/actions/actions", json={"name": "a", "supported_triggers": [
        {"id": "post-login", "version": "v3"}], "modules": [ref] * 4})  # fmt: skip
    assert r.status_code == 400
    assert "maximum 3" in r.json()["message"]


def test_limits(api: Api) -> None:
    r = api.post(M, json={"name": "big", "code": "x" * 65_537})
    assert r.status_code == 400
    deps = [{"name": f"d{i}", "version": "1.0.0"} for i in range(11)]
    assert api.post(M, json={"name": "deps", "code": CODE, "dependencies": deps}).status_code == 400
    secrets = [{"name": f"S{i}", "value": "v"} for i in range(31)]
    assert api.post(M, json={"name": "sec", "code": CODE, "secrets": secrets}).status_code == 400
    mod = new_module(api)
    for _ in range(50):
        publish(api, mod["id"])
    r = api.post(f"{M}/{mod['id']}/versions")
    assert r.status_code == 400
    assert "50 versions" in r.json()["message"]


def test_rollback_copies_the_version_into_the_draft(api: Api) -> None:
    mod = new_module(api)
    v1 = publish(api, mod["id"])
    assert api.patch(f"{M}/{mod['id']}", json={"code": "changed"}).status_code == 200
    publish(api, mod["id"])
    r = api.post(f"{M}/{mod['id']}/rollback", json={"module_version_id": v1["id"]})
    assert r.status_code == 200
    body = r.json()
    assert body["code"] == CODE
    assert body["all_changes_published"] is False  # latest is v2 ("changed")
    assert body["latest_version"]["version_number"] == 2
    r = api.post(f"{M}/{mod['id']}/rollback", json={"module_version_id": "nope"})
    assert r.status_code == 404


def test_list_pages_and_versions_newest_first(api: Api) -> None:
    for i in range(3):
        publish(api, new_module(api, f"m{i}")["id"])
    page = api.get(M, params={"page": 1, "per_page": 2}).json()
    assert [m["name"] for m in page["modules"]] == ["m2"]
    assert (page["total"], page["page"], page["per_page"]) == (3, 1, 2)
    assert page["modules"][0]["latest_version_number"] == 1
    mod_id = page["modules"][0]["id"]
    publish(api, mod_id)
    numbers = [v["version_number"] for v in api.get(f"{M}/{mod_id}/versions").json()["versions"]]
    assert numbers == [2, 1]
    assert api.get(M, params={"per_page": 101}).status_code == 400


def test_state_file_keeps_modules(tmp_path: Path) -> None:
    path = str(tmp_path / "state.json")
    cfg = EmulatorConfig(state_file=path, build_seconds=1.0, clock=FakeClock(), burst=10_000)
    with start_emulator(cfg) as emu:
        api = Api(emu)
        mod = new_module(api, secrets=[{"name": "KEY", "value": "s3cret"}])
        publish(api, mod["id"])
    assert "s3cret" not in Path(path).read_text()
    with start_emulator(cfg) as emu:
        got = Api(emu).get(f"{M}/{mod['id']}").json()
    assert got["latest_version"]["version_number"] == 1
    assert got["secrets"][0]["name"] == "KEY"


def test_seeded_modules_are_published(emu: Any, api: Api) -> None:
    ids = emu.seed_modules([{"name": "lib", "code": CODE}, {"name": "draft", "code": CODE,
                                                            "published": 0}])  # fmt: skip
    first, second = (api.get(f"{M}/{i}").json() for i in ids)
    assert first["all_changes_published"] is True
    assert "latest_version" not in second


def test_hundred_modules_per_tenant_and_unknown_ids(emu: Any, api: Api) -> None:
    emu.seed_modules([{"name": f"m{i:03d}", "code": CODE, "published": 0} for i in range(100)])
    r = api.post(M, json={"name": "one-more", "code": CODE})
    assert r.status_code == 400
    assert r.json()["message"] == "You have reached the limit of 100 modules per tenant."
    for method, path in (("GET", f"{M}/nope"), ("PATCH", f"{M}/nope"), ("DELETE", f"{M}/nope")):
        r = api.call(method, path, json={"code": CODE} if method == "PATCH" else None)
        assert r.status_code == 404
        assert "errorCode" not in r.json()
    assert api.post(M, json={"name": "no-code"}).status_code == 400
    assert (
        api.patch(f"{M}/{api.get(M).json()['modules'][0]['id']}", json={"name": "x"}).status_code
        == 400
    )
