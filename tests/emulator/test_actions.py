"""Contract tests for /actions/actions: shapes, quirks and exact error bodies."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reconciler.emulator import Emulator, EmulatorConfig, FakeClock, start_emulator

if TYPE_CHECKING:
    from tests.emulator.conftest import Api

CODE = "exports.onExecutePostLogin = async (event, api) => {};\n"

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
NOT_FOUND = {"statusCode": 404, "error": "Not Found", "message": "That action does not exist."}


def test_create_returns_the_action_shape_pending(api: Api) -> None:
    body = api.create(
        "enrich",
        secrets=[{"name": "API_KEY", "value": "s3cr3t-value"}],
        dependencies=[{"name": "axios", "version": "1.7.9", "registry_url": "https://r.example"}],
    )
    assert set(body) == {
        "id",
        "name",
        "supported_triggers",
        "all_changes_deployed",
        "created_at",
        "updated_at",
        "code",
        "dependencies",
        "runtime",
        "secrets",
        "status",
    }  # fmt: skip  (no current_version before a deploy: GO1-REC Create #0, TF-REC Action #0)
    assert body["name"] == "enrich"
    assert body["supported_triggers"] == [{"id": "post-login", "version": "v3"}]
    assert body["status"] == "pending"
    assert body["all_changes_deployed"] is False
    assert body["runtime"] == "node22"  # the trigger's default runtime
    assert body["code"] == CODE
    assert body["dependencies"] == [
        {"name": "axios", "version": "1.7.9", "registry_url": "https://r.example"}
    ]
    assert [s["name"] for s in body["secrets"]] == ["API_KEY"]
    assert set(body["secrets"][0]) == {"name", "updated_at"}
    assert "s3cr3t-value" not in str(body)
    assert TS.match(body["created_at"])


def test_build_goes_pending_building_built_and_drops_registry_url(
    api: Api, clock: FakeClock
) -> None:
    deps = [{"name": "axios", "version": "1.7.9", "registry_url": "https://r.example"}]
    action_id = api.create(dependencies=deps)["id"]
    seen = []
    for _ in range(4):
        seen.append(api.get(f"/actions/actions/{action_id}").json()["status"])
        clock.advance(0.34)
    assert seen == ["pending", "building", "building", "built"]
    got = api.get(f"/actions/actions/{action_id}").json()
    assert got["dependencies"] == [{"name": "axios", "version": "1.7.9"}]
    assert "current_version" not in got  # as recorded: never deployed, so no current_version
    assert "built_at" not in got


def test_unresolvable_dependency_fails_after_retrying(api: Api, clock: FakeClock) -> None:
    action_id = api.create(dependencies=[{"name": "crypto", "version": "^17.7"}])["id"]
    seen = []
    for _ in range(5):
        seen.append(api.get(f"/actions/actions/{action_id}").json()["status"])
        clock.advance(0.25)
    assert seen == ["pending", "building", "retrying", "retrying", "failed"]
    got = api.get(f"/actions/actions/{action_id}").json()
    assert "errors" not in got  # real failed builds carry no errors[] (TF-REC TestAccAction #43)
    r = api.post(f"/actions/actions/{action_id}/deploy")
    assert r.status_code == 400


def test_fail_dependencies_config_fails_the_build(clock: FakeClock, make_api: type[Api]) -> None:
    cfg = EmulatorConfig(build_seconds=1.0, clock=clock, fail_dependencies=("left-pad",))
    with start_emulator(cfg) as emu:
        api = make_api(emu)
        action_id = api.create(dependencies=[{"name": "left-pad", "version": "1.3.0"}])["id"]
        clock.advance(1.0)
        assert api.get(f"/actions/actions/{action_id}").json()["status"] == "failed"


def test_deploy_before_built_is_refused(api: Api) -> None:
    action_id = api.create()["id"]
    r = api.post(f"/actions/actions/{action_id}/deploy")
    assert r.status_code == 400
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "A draft must be in the 'built' state before it can be deployed.",
    }


def test_deploy_creates_numbered_versions_and_deployed_version_follows(
    api: Api, clock: FakeClock
) -> None:
    action_id = api.create()["id"]
    clock.advance(1.0)
    r = api.post(f"/actions/actions/{action_id}/deploy")
    assert r.status_code == 200
    ver = r.json()
    assert (ver["number"], ver["status"], ver["deployed"]) == (1, "built", False)
    assert ver["action"]["id"] == action_id
    got = api.get(f"/actions/actions/{action_id}").json()
    assert got["deployed_version"]["id"] == ver["id"]
    assert got["deployed_version"]["deployed"] is True
    assert got["all_changes_deployed"] is True
    r = api.patch(f"/actions/actions/{action_id}", json={"code": CODE + "// v2\n"})
    assert r.status_code == 200
    assert r.json()["status"] == "pending"
    assert r.json()["all_changes_deployed"] is False
    assert r.json()["deployed_version"]["code"] == CODE  # PATCH changes only the draft
    clock.advance(1.0)
    second = api.post(f"/actions/actions/{action_id}/deploy").json()
    assert second["number"] == 2
    assert api.get(f"/actions/actions/{action_id}").json()["deployed_version"]["number"] == 2


def test_create_with_deploy_true(api: Api, clock: FakeClock) -> None:
    body = api.create(deploy=True)
    assert body["deployed_version"]["deployed"] is True
    assert body["deployed_version"]["status"] == "pending"
    assert body["all_changes_deployed"] is True
    clock.advance(1.0)
    got = api.get(f"/actions/actions/{body['id']}").json()
    assert got["deployed_version"]["status"] == "built"


def test_patch_rejects_deploy_and_unknown_fields(api: Api) -> None:
    action_id = api.create()["id"]
    r = api.patch(f"/actions/actions/{action_id}", json={"deploy": True})
    assert r.status_code == 400
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Payload validation error: 'Additional properties not allowed: deploy'.",
        "errorCode": "invalid_body",
    }


def test_create_validation_errors(api: Api) -> None:
    r = api.post("/actions/actions", json={"supported_triggers": [{"id": "post-login"}]})
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Payload validation error: 'Missing required property: name'.",
        "errorCode": "invalid_body",
    }
    r = api.post("/actions/actions", json={"name": "x", "supported_triggers": [{"id": "nope"}]})
    assert r.json()["message"] == (
        "Payload validation error: 'No enum match for: \"nope\"' on property "
        "supported_triggers[0].id."
    )
    r = api.post("/actions/actions", json={"name": 5, "supported_triggers": [{"id": "post-login"}]})
    assert r.json()["message"] == (
        "Payload validation error: 'Expected type string but found type integer' on property name."
    )
    r = api.post(
        "/actions/actions", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Invalid request payload JSON format",
    }


def test_limits_are_enforced_with_400(api: Api) -> None:
    def msg(**fields: object) -> str:
        body = {"name": "lim", "supported_triggers": [{"id": "post-login"}], **fields}
        r = api.post("/actions/actions", json=body)
        assert r.status_code == 400, r.text
        message: str = r.json()["message"]
        return message

    secrets = [{"name": f"S{i}", "value": "v"} for i in range(31)]
    assert msg(secrets=secrets) == (
        "Payload validation error: 'Array is too long (31), maximum 30' on property secrets."
    )
    deps = [{"name": f"d{i}", "version": "1.0.0"} for i in range(11)]
    assert msg(dependencies=deps) == (
        "Payload validation error: 'Array is too long (11), maximum 10' on property dependencies."
    )
    assert msg(secrets=[{"name": "N" * 129, "value": "v"}]) == (
        "Payload validation error: 'String is too long (129 chars), maximum 128' "
        "on property secrets[0].name."
    )
    assert msg(secrets=[{"name": "N", "value": "v" * 4097}]) == (
        "Payload validation error: 'String is too long (4097 chars), maximum 4096' "
        "on property secrets[0].value."
    )
    assert msg(runtime="node12") == (
        "Runtime node12 is not supported by trigger post-login v3; "
        "supported: node18-actions, node22."
    )


def test_one_hundred_actions_per_tenant(api: Api) -> None:
    for i in range(100):
        api.create(f"a{i}")
    r = api.post(
        "/actions/actions", json={"name": "x", "supported_triggers": [{"id": "post-login"}]}
    )
    assert r.status_code == 400
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "You have reached the limit of 100 actions per tenant.",
    }


def test_duplicate_name_conflicts(api: Api) -> None:
    api.create("same")
    r = api.post(
        "/actions/actions", json={"name": "same", "supported_triggers": [{"id": "post-login"}]}
    )
    assert r.status_code == 409
    assert r.json()["message"] == "An action with the name 'same' already exists."


def test_get_missing_action_is_404_without_error_code(api: Api) -> None:
    r = api.get("/actions/actions/does-not-exist")
    assert r.status_code == 404
    assert r.json() == NOT_FOUND


def test_list_omits_zero_total_and_page(api: Api) -> None:
    r = api.get("/actions/actions", params={"per_page": 100})
    assert r.json() == {"actions": [], "per_page": 100}
    assert api.get("/actions/actions").json() == {"actions": [], "per_page": 20}
    for name in ("a", "b", "c"):
        api.create(name)
    first = api.get("/actions/actions", params={"per_page": 2}).json()
    assert set(first) == {"actions", "total", "per_page"}
    assert [a["name"] for a in first["actions"]] == ["a", "b"]
    assert first["total"] == 3
    second = api.get("/actions/actions", params={"per_page": 2, "page": 1}).json()
    assert [a["name"] for a in second["actions"]] == ["c"]
    assert (second["page"], second["total"], second["per_page"]) == (1, 3, 2)


def test_list_query_validation(api: Api) -> None:
    r = api.get("/actions/actions", params={"include_totals": "true"})
    assert r.status_code == 400
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Query validation error: 'Additional properties not allowed: include_totals'",
        "errorCode": "invalid_query_string",
    }
    r = api.get("/actions/actions", params={"per_page": 101})
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Query validation error: 'Value 101 is greater than maximum 100' "
        "on property per_page.",
        "errorCode": "invalid_query_string",
    }


def test_list_filters(api: Api, clock: FakeClock, emu: Emulator) -> None:
    api.deployed(clock, "deployed-one")
    api.create("draft-only")
    api.create("m2m", supported_triggers=[{"id": "credentials-exchange"}])
    emu.seed([{"name": "Fraud Shield", "supported_triggers": [{"id": "post-login"}],
               "integration": {"id": "int-1", "name": "Fraud Shield"},
               "installed_integration_id": "inst-1"}])  # fmt: skip

    def names(**params: str) -> list[str]:
        return [a["name"] for a in api.get("/actions/actions", params=params).json()["actions"]]

    assert names(triggerId="credentials-exchange") == ["m2m"]
    assert names(actionName="draft-only") == ["draft-only"]
    assert names(deployed="true") == ["deployed-one", "Fraud Shield"]
    assert names(installed="true") == ["Fraud Shield"]
    assert names(installed="false") == ["deployed-one", "draft-only", "m2m"]
    shield = api.get("/actions/actions", params={"installed": "true"}).json()["actions"][0]
    assert shield["integration"] == {"id": "int-1", "name": "Fraud Shield"}
    assert shield["installed_integration_id"] == "inst-1"


def test_secrets_are_write_only_and_replaced_wholesale(api: Api, clock: FakeClock) -> None:
    created = api.create(secrets=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])
    path = f"/actions/actions/{created['id']}"
    r = api.patch(path, json={"code": CODE + "//x\n"})
    assert [s["name"] for s in r.json()["secrets"]] == ["A", "B"]  # absent: kept
    r = api.patch(path, json={"secrets": [{"name": "C", "value": "3"}]})
    assert [s["name"] for s in r.json()["secrets"]] == ["C"]  # present: replaces the set
    r = api.patch(path, json={"secrets": []})
    assert r.json()["secrets"] == []


def test_delete_bound_action_conflicts_unless_forced(api: Api, clock: FakeClock) -> None:
    action_id = api.deployed(clock)
    assert api.bind("post-login", action_id).status_code == 200
    r = api.delete(f"/actions/actions/{action_id}")
    assert r.status_code == 409
    assert r.json() == {
        "statusCode": 409,
        "error": "Conflict",
        "message": "Unable to delete an action bound to a trigger.",
    }
    r = api.delete(f"/actions/actions/{action_id}", params={"force": "true"})
    assert r.status_code == 204
    assert r.content == b""
    assert api.get("/actions/triggers/post-login/bindings").json() == {
        "bindings": [],
        "per_page": 20,
    }
    again = api.delete(f"/actions/actions/{action_id}")
    assert again.status_code == 404
    assert again.json() == NOT_FOUND


def test_test_endpoint_replies_in_the_recorded_shape(api: Api) -> None:
    action_id = api.create("tester")["id"]
    r = api.post(f"/actions/actions/{action_id}/test", json={"payload": {"user": {"id": "u1"}}})
    assert r.status_code == 200
    stats = r.json()["payload"]["stats"]
    assert list(r.json()["payload"]) == ["stats"]
    assert set(stats) == {
        "total_request_duration_ms", "total_runtime_execution_duration_ms",
        "runtime_processing_duration_ms", "action_duration_ms",
        "runtime_external_call_duration_ms", "boot_duration_ms", "network_duration_ms",
    }  # fmt: skip
    no_user = api.post(f"/actions/actions/{action_id}/test", json={"payload": {"event": {}}})
    error = no_user.json()["payload"]["error"]
    assert (error["name"], error["message"]) == (
        "TypeError",
        "Cannot read properties of undefined (reading 'id')",
    )
    assert error["stack"].startswith("TypeError: Cannot read properties of undefined")  # ran
    other = api.create("other", code="exports.onContinuePostLogin = async () => {};")["id"]
    r = api.post(f"/actions/actions/{other}/test", json={"payload": {"user": {"id": "u1"}}})
    assert r.json()["payload"]["error"]["message"] == "exports.onExecutePostLogin is not a function"
    r = api.post(f"/actions/actions/{action_id}/test", json={})
    assert r.json()["message"] == "Payload validation error: 'Missing required property: payload'."


def test_supported_trigger_change_of_bound_action_is_refused(api: Api, clock: FakeClock) -> None:
    action_id = api.deployed(clock)
    assert api.bind("post-login", action_id).status_code == 200
    r = api.patch(
        f"/actions/actions/{action_id}",
        json={"supported_triggers": [{"id": "credentials-exchange", "version": "v2"}]},
    )
    assert r.status_code == 400
    assert r.json()["message"] == "can't upgrade to this trigger."
