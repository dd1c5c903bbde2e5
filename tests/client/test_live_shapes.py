"""The live snapshot reads every shape real Auth0 replies in (tests/fixtures/replay, recorded):
no `current_version`, no top-level `built_at`, a `deployed_version` without `action`, a binding
whose embedded action is cut down, triggers with `compatible_triggers` and without
`default_runtime`, build statuses such as `retrying` and `failed`, `registry_url` on deps."""

from __future__ import annotations

from typing import Any

from reconciler.auth0.live import name_bindings, to_action, to_bindings, to_trigger
from reconciler.core.livemodel import LiveBinding, LiveTriggerBindings, Trigger
from reconciler.core.model import Dependency
from tests.replay.server import load_fixture

DATA = load_fixture()


def action(name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a["body"] for a in DATA["actions"] if a["body"]["name"] == name)
    return found


def test_a_never_deployed_action_without_current_version() -> None:
    raw = action("Test Action (Jan 25 18:41:51.588)")  # go-auth0 TestActionManager_Read #1
    assert "current_version" not in raw
    assert "deployed_version" not in raw
    got = to_action(raw)
    assert (got.status, got.deployed_version, got.all_changes_deployed) == ("building", None, False)
    assert got.dependencies == (Dependency("lodash", "4.0.0"),)  # registry_url dropped
    assert (got.trigger, got.trigger_version, got.runtime) == ("post-login", "v2", "node16")


def test_retrying_and_a_deployed_version_on_another_runtime() -> None:
    raw = action("Test Action TestAccAction")  # terraform TestAccAction #38
    assert raw["status"] == "retrying"
    assert "built_at" not in raw
    assert "action" not in raw["deployed_version"]
    got = to_action(raw)
    assert got.status == "retrying"
    assert got.deployed_version is not None
    assert (got.runtime, got.deployed_version.runtime) == ("node22", "node18-actions")
    assert got.deployed_version.secret_names == ("bar", "foo")
    assert got.deployed_version.deployed is True


def test_a_failed_status_is_kept_lower_case() -> None:
    raw = {**action("Test Action TestAccAction"), "status": "FAILED"}
    assert to_action(raw).status == "failed"


def test_triggers_with_compatible_triggers_and_no_default_runtime() -> None:
    raw = DATA["triggers"]["body"]["triggers"]  # go-auth0 TestActionManager_Triggers #0
    triggers = [to_trigger(t) for t in raw]
    assert triggers[2] == Trigger(
        "post-login",
        "v3",
        "CURRENT",
        ("node12", "node16", "node18"),
        "node16",
        "trigger-bound",
        (("post-login", "v2"),),
    )
    phone = next(t for t in triggers if (t.id, t.version) == ("send-phone-message", "v1"))
    assert (phone.default_runtime, phone.runtimes, phone.status) == ("", ("node12",), "DEPRECATED")


def test_bindings_of_the_recorded_page() -> None:
    items = DATA["bindings"]["post-login"]["items"]  # terraform TestAccTriggerActions #22
    assert all(i["action"]["all_changes_deployed"] is False for i in items)
    got = to_bindings("post-login", items)
    assert [b.action_name for b in got.entries] == [
        "Test Trigger Binding Foo TestAccTriggerActions",
        "Test Trigger Binding Bar TestAccTriggerActions",
    ]


def test_a_cut_down_binding_action_is_named_from_the_action_list() -> None:
    listed = [to_action(action("Test Trigger Binding Foo TestAccTriggerActions"))]
    raw = [
        {"id": "b1", "trigger_id": "post-login", "action": {"id": listed[0].id}},
        {"id": "b2", "trigger_id": "post-login", "display_name": "x"},  # no action at all
    ]
    got = name_bindings(to_bindings("post-login", raw), listed)
    assert got == LiveTriggerBindings(
        "post-login",
        (
            LiveBinding("b1", listed[0].id, "Test Trigger Binding Foo TestAccTriggerActions", ""),
            LiveBinding("b2", "", "", "x"),
        ),
    )
