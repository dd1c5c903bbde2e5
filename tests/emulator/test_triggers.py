"""Contract tests for triggers and bindings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.emulator import FakeClock
from reconciler.emulator.trigger_data import RECORDED_TRIGGERS

if TYPE_CHECKING:
    from tests.emulator.conftest import Api

BINDINGS = "/actions/triggers/post-login/bindings"


def test_triggers_catalogue_shape(api: Api) -> None:
    body = api.get("/actions/triggers").json()
    assert list(body) == ["triggers"]
    assert body["triggers"] == list(RECORDED_TRIGGERS)
    post_login = body["triggers"][1]
    assert post_login == {
        "id": "post-login",
        "version": "v3",
        "status": "CURRENT",
        "runtimes": ["node18-actions", "node22"],
        "default_runtime": "node22",
        "binding_policy": "trigger-bound",
        "compatible_triggers": [{"id": "post-login", "version": "v2"}],
    }
    mcp = next(t for t in body["triggers"] if t["id"] == "mcp-tool")
    assert mcp["binding_policy"] == "entity-bound"
    assert mcp["compatible_triggers"] == []  # every recorded trigger has it


def test_bind_list_and_cut_down_action(api: Api, clock: FakeClock) -> None:
    a = api.deployed(clock, "first")
    b = api.deployed(clock, "second")
    r = api.patch(
        BINDINGS,
        json={
            "bindings": [
                {"ref": {"type": "action_name", "value": "second"}, "display_name": "Second"},
                {"ref": {"type": "action_id", "value": a}},
            ]
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["bindings"]
    assert [x["display_name"] for x in body["bindings"]] == ["Second", "first"]
    assert [x["action"]["id"] for x in body["bindings"]] == [b, a]
    listed = api.get(BINDINGS, params={"per_page": 100}).json()
    assert set(listed) == {"bindings", "total", "per_page"}
    assert listed["total"] == 2
    item = listed["bindings"][0]
    assert set(item) == {"id", "trigger_id", "display_name", "action", "created_at", "updated_at"}
    assert set(item["action"]) == {
        "id", "name", "supported_triggers", "created_at", "updated_at",
        "current_version", "deployed_version", "all_changes_deployed",
    }  # fmt: skip
    page1 = api.get(BINDINGS, params={"per_page": 1, "page": 1}).json()
    assert (page1["page"], page1["per_page"], page1["total"]) == (1, 1, 2)
    assert page1["bindings"][0]["action"]["id"] == a
    empty = api.get(BINDINGS, params={"per_page": 100, "page": 5}).json()
    assert empty == {"bindings": [], "page": 5, "per_page": 100}  # TF-REC TriggerAction #14


def test_binding_ids_are_kept_and_binding_id_refs_work(api: Api, clock: FakeClock) -> None:
    a = api.deployed(clock, "first")
    first = api.bind("post-login", a).json()["bindings"][0]
    again = api.bind("post-login", a).json()["bindings"][0]
    assert again["id"] == first["id"]
    r = api.patch(
        BINDINGS,
        json={"bindings": [{"ref": {"type": "binding_id", "value": first["id"]},
                            "display_name": "Renamed"}]},
    )  # fmt: skip
    assert r.json()["bindings"][0]["id"] == first["id"]
    assert r.json()["bindings"][0]["display_name"] == "Renamed"
    assert api.patch(BINDINGS, json={"bindings": []}).json() == {"bindings": []}
    assert api.get(BINDINGS).json() == {"bindings": [], "per_page": 20}


def test_binding_a_never_deployed_action_fails(api: Api) -> None:
    action_id = api.create("draft")["id"]
    r = api.bind("post-login", action_id)
    assert r.status_code == 400
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Trying to create a binding for an action that has not been deployed yet.",
    }


def test_binding_just_deployed_action_waits_for_the_version_build(
    api: Api, clock: FakeClock
) -> None:
    action_id = api.create("eager", deploy=True)["id"]
    assert api.bind("post-login", action_id).status_code == 400
    clock.advance(1.0)
    assert api.bind("post-login", action_id).status_code == 200


def test_binding_unknown_action_is_404(api: Api) -> None:
    r = api.patch(BINDINGS, json={"bindings": [{"ref": {"type": "action_name", "value": "nope"}}]})
    assert r.status_code == 404
    assert r.json() == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "That action does not exist.",
    }


def test_binding_to_a_trigger_the_action_does_not_support(api: Api, clock: FakeClock) -> None:
    action_id = api.deployed(clock, "m2m", supported_triggers=[{"id": "credentials-exchange"}])
    r = api.bind("post-login", action_id)
    assert r.status_code == 400
    assert r.json()["message"] == "The action 'm2m' does not support post-login."


def test_more_than_twenty_bindings(api: Api, clock: FakeClock) -> None:
    ids = [api.deployed(clock, f"a{i}") for i in range(21)]
    r = api.bind("post-login", *ids)
    assert r.status_code == 400
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Payload validation error: 'Array is too long (21), maximum 20' "
        "on property bindings.",
        "errorCode": "invalid_body",
    }
    assert api.bind("post-login", *ids[:20]).status_code == 200


def test_old_ref_shape_is_rejected(api: Api) -> None:
    r = api.patch(BINDINGS, json={"bindings": [{"id_type": "action_id", "id_value": "x"}]})
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Payload validation error: 'Data does not match any schemas from 'oneOf'' "
        "on property bindings[0].",
        "errorCode": "invalid_body",
    }


def test_entity_bound_trigger_lists_empty_and_refuses_a_patch(api: Api) -> None:
    r = api.get("/actions/triggers/custom-token-exchange/bindings", params={"per_page": 50})
    assert r.status_code == 200  # DCLI-REC Aug 2026 (the 400 of late 2024 is gone)
    assert r.json() == {"bindings": [], "per_page": 50}
    r = api.patch("/actions/triggers/custom-token-exchange/bindings", json={"bindings": []})
    assert r.status_code == 400


def test_unknown_trigger_is_a_path_error(api: Api) -> None:
    r = api.get("/actions/triggers/nope/bindings")
    assert r.status_code == 400
    assert r.json()["errorCode"] == "invalid_uri"


def test_execution_lookup_404(api: Api) -> None:
    r = api.get("/actions/executions/abc")
    assert r.json() == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "That execution does not exist.",
    }
