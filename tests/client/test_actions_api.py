"""The typed client over HTTP against the emulator: records in, records out, and the request
bodies it builds (the only place that builds them)."""

from __future__ import annotations

import time

import pytest

from reconciler.auth0 import wire
from reconciler.auth0.actions_api import ActionsAPI
from reconciler.auth0.client import Auth0Client
from reconciler.core.errors import ReconcilerError, StepFailed
from reconciler.core.fields import ActionFields, ModulePin, SecretRef, TriggerRef
from reconciler.core.model import Dependency, SecretValue
from reconciler.emulator import Emulator

from .helpers import CODE

FIELDS = ActionFields(
    supported_triggers=(TriggerRef("post-login", "v3"),),
    code=CODE,
    runtime="node22",
    dependencies=(Dependency("lodash", "4.17.21"),),
    secrets=(SecretRef("API_KEY", "api_key"),),
)
VALUES = {"API_KEY": SecretValue("s3cret-value")}


def wait_deployed(api: ActionsAPI, action_id: str, version_id: str) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        (action,) = [a for a in api.list_actions() if a.id == action_id]
        if action.deployed_version is not None and action.deployed_version.id == version_id:
            return
        time.sleep(0.02)
    raise AssertionError("not deployed")


def built(api: ActionsAPI, action_id: str) -> None:
    deadline = time.monotonic() + 5
    while [a.status for a in api.list_actions() if a.id == action_id] != ["built"]:
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_whole_lifecycle_through_the_typed_client(client: Auth0Client, emu: Emulator) -> None:
    api = ActionsAPI(client)
    action_id = api.create_action("typed", FIELDS, VALUES, deploy=False)
    (action,) = api.list_actions(name="typed")
    assert (action.id, action.trigger, [s.name for s in action.secrets]) == (
        action_id, "post-login", ["API_KEY"],
    )  # fmt: skip
    built(api, action_id)
    first = api.deploy_action(action_id)
    assert first.number == 1
    assert first.id is not None
    api.update_action_fields(action_id, ActionFields(code=CODE + "// v2\n"), {})
    built(api, action_id)
    second = api.deploy_action(action_id)
    assert [v.number for v in api.list_versions(action_id)] == [2, 1]
    rolled = api.deploy_version(action_id, first.id, update_draft=True)
    assert rolled.number == 3
    assert rolled.id not in (first.id, second.id)
    assert rolled.id is not None
    wait_deployed(api, action_id, rolled.id)
    api.update_bindings("post-login", [(action_id, "Typed")])
    bound = api.get_bindings("post-login")
    assert [(b.action_id, b.display_name) for b in bound.entries] == [(action_id, "Typed")]
    run = api.test_action(action_id, {"user": {"id": "u1"}})
    assert run.error_name is None
    assert "payload" in run.reply
    live = api.read_live(tenant="local", owned_triggers=["post-login"])
    assert [a.name for a in live.actions] == ["typed"]
    api.update_bindings("post-login", [])
    api.delete_action(action_id)
    assert api.list_actions() == []


def test_the_bodies_are_the_api_shapes() -> None:
    assert wire.create_body("shapes", FIELDS, VALUES, deploy=True) == {
        "name": "shapes",
        "supported_triggers": [{"id": "post-login", "version": "v3"}],
        "code": CODE,
        "runtime": "node22",
        "dependencies": [{"name": "lodash", "version": "4.17.21"}],
        "secrets": [{"name": "API_KEY", "value": "s3cret-value"}],
        "deploy": True,
    }
    assert wire.action_body(ActionFields(runtime="node22"), VALUES) == {"runtime": "node22"}
    assert wire.bindings_body([("id-1", "One"), ("id-2", "Two")]) == [
        {"ref": {"type": "action_id", "value": "id-1"}, "display_name": "One"},
        {"ref": {"type": "action_id", "value": "id-2"}, "display_name": "Two"},
    ]


def test_a_created_action_holds_what_was_sent(client: Auth0Client) -> None:
    api = ActionsAPI(client)
    action_id = api.create_action("sent", FIELDS, VALUES, deploy=True)
    built(api, action_id)
    (action,) = api.list_actions(name="sent")
    assert (action.code, action.runtime, action.dependencies) == (
        CODE, "node22", (Dependency("lodash", "4.17.21"),),
    )  # fmt: skip
    assert action.deployed_version is not None  # deploy: True


def test_a_missing_secret_value_or_a_module_is_refused_before_sending(
    client: Auth0Client, emu: Emulator
) -> None:
    api = ActionsAPI(client)
    with pytest.raises(StepFailed, match=r"secret API_KEY has no value \(\$api_key\)"):
        api.create_action("nope", FIELDS, {}, deploy=False)
    with pytest.raises(ReconcilerError, match="modules is not supported"):
        api.create_action("nope", ActionFields(modules=(ModulePin("m", 1),)), {}, deploy=False)
    assert emu.request_log == []  # not even a token request
