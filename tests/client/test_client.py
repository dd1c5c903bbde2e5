"""The client against the emulator: paging, CRUD, and retries that never duplicate."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from reconciler.auth0.client import Auth0Client, same_content
from reconciler.emulator import Emulator

from .helpers import action_seed, api_requests

PAGE = "/api/v2/actions/actions"


def wait_built(client: Auth0Client, action_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 5
    while True:
        action = client.get_action(action_id)
        if action["status"] == "built" or time.monotonic() > deadline:
            return action
        time.sleep(0.02)


def pages(emu: Emulator) -> list[str]:
    return [q for m, p, q, _s in api_requests(emu) if m == "GET" and p == PAGE]


@pytest.mark.parametrize(
    ("count", "queries"),
    [
        (0, ["page=0&per_page=100"]),
        (99, ["page=0&per_page=100"]),
        (100, ["page=0&per_page=100"]),  # total says it is the end: no extra empty page
        (101, ["page=0&per_page=100", "page=1&per_page=100"]),
        (250, ["page=0&per_page=100", "page=1&per_page=100", "page=2&per_page=100"]),
    ],
)
def test_paging_reads_every_page_and_nothing_more(
    client: Auth0Client, emu: Emulator, count: int, queries: list[str]
) -> None:
    emu.seed([action_seed(f"a{i:03d}") for i in range(count)])
    actions = client.list_actions()
    assert [a["name"] for a in actions] == [f"a{i:03d}" for i in range(count)]
    assert pages(emu) == queries


def test_list_filters_are_sent_in_the_api_spelling(client: Auth0Client, emu: Emulator) -> None:
    emu.seed([action_seed("one"), action_seed("two", "credentials-exchange")])
    found = client.list_actions(trigger_id="credentials-exchange", installed=False)
    assert [a["name"] for a in found] == ["two"]
    assert [a["name"] for a in client.list_actions(action_name="one", deployed=True)] == ["one"]
    assert pages(emu) == [
        "triggerId=credentials-exchange&installed=false&page=0&per_page=100",
        "actionName=one&deployed=true&page=0&per_page=100",
    ]


def test_action_lifecycle(client: Auth0Client) -> None:
    created = client.create_action(action_seed("life"))
    assert created["name"] == "life"
    built = wait_built(client, created["id"])
    assert built["status"] == "built"
    version = client.deploy_action(created["id"])
    assert version["number"] == 1
    updated = client.update_action(created["id"], {"code": built["code"] + "// v2\n"})
    assert updated["code"].endswith("// v2\n")
    wait_built(client, created["id"])
    second = client.deploy_action(created["id"])
    assert [v["number"] for v in client.list_versions(created["id"])] == [2, 1]
    assert client.get_version(created["id"], version["id"])["number"] == 1
    rolled = client.deploy_version(created["id"], version["id"], update_draft=True)
    assert rolled["number"] == 3
    assert rolled["code"] == version["code"]
    assert second["id"] != rolled["id"]
    bound = client.update_bindings(
        "post-login", [{"ref": {"type": "action_name", "value": "life"}, "display_name": "Life"}]
    )
    assert [b["display_name"] for b in bound] == ["Life"]
    assert [b["action"]["name"] for b in client.get_bindings("post-login")] == ["life"]
    tested = client.test_action(created["id"], {"user": {"id": "u1"}})  # the recorded shape
    assert list(tested["payload"]) == ["stats"]
    client.delete_action(created["id"], force=True)
    assert client.list_actions() == []
    stats = client.stats
    assert stats.requests == sum(stats.by_method.values())
    assert stats.by_method["DELETE"] == 1
    assert stats.retries == 0
    assert stats.rate_limited == 0


def test_create_is_not_duplicated_after_a_drop_after_fault(
    client: Auth0Client, emu: Emulator
) -> None:
    client.authenticate()
    emu.faults.script(method="POST", path_glob=PAGE, nth=1, fault="drop-after")
    created = client.create_action(action_seed("once"))
    assert created["name"] == "once"
    assert [a["id"] for a in client.list_actions()] == [created["id"]]
    assert api_requests(emu)[1:3] == [
        ("POST", PAGE, "", 0),  # went through, then the connection dropped
        ("GET", PAGE, "actionName=once&page=0&per_page=100", 200),  # found: not re-sent
    ]


def test_create_is_resent_when_the_first_attempt_did_not_happen(
    client: Auth0Client, emu: Emulator
) -> None:
    client.authenticate()
    emu.faults.script(method="POST", path_glob=PAGE, nth=1, fault="drop")
    created = client.create_action(action_seed("twice"))
    assert [a["id"] for a in client.list_actions()] == [created["id"]]
    assert [(m, s) for m, p, _q, s in api_requests(emu)[1:4]] == [
        ("POST", 0),
        ("GET", 200),
        ("POST", 201),
    ]


@pytest.mark.parametrize(("fault", "posts"), [("drop-after", 1), ("drop", 2), ("503", 2)])
def test_deploy_is_not_duplicated(
    client: Auth0Client, emu: Emulator, fault: str, posts: int
) -> None:
    created = client.create_action(action_seed("dep"))
    wait_built(client, created["id"])
    deploy_path = f"{PAGE}/{created['id']}/deploy"
    emu.faults.script(method="POST", path_glob=deploy_path, nth=1, fault=fault)
    version = client.deploy_action(created["id"])
    assert version["number"] == 1
    assert [v["number"] for v in client.list_versions(created["id"])] == [1]
    sent = [s for m, p, _q, s in api_requests(emu) if p == deploy_path]
    assert len(sent) == posts


def test_rollback_is_not_duplicated_after_a_drop_after_fault(
    client: Auth0Client, emu: Emulator
) -> None:
    created = client.create_action(action_seed("rb"))
    wait_built(client, created["id"])
    first = client.deploy_action(created["id"])
    client.update_action(created["id"], {"code": "exports.onExecutePostLogin = async () => 1;"})
    wait_built(client, created["id"])
    client.deploy_action(created["id"])
    path = f"{PAGE}/{created['id']}/versions/{first['id']}/deploy"
    emu.faults.script(method="POST", path_glob=path, nth=1, fault="drop-after")
    rolled = client.deploy_version(created["id"], first["id"])
    assert rolled["number"] == 3
    assert [v["number"] for v in client.list_versions(created["id"])] == [3, 2, 1]


def test_delete_after_a_drop_after_fault_is_a_success(client: Auth0Client, emu: Emulator) -> None:
    (action_id,) = emu.seed([action_seed("gone")])
    emu.faults.script(method="DELETE", path_glob=f"{PAGE}/*", nth=1, fault="drop-after")
    client.delete_action(action_id)
    assert [(m, s) for m, _p, _q, s in api_requests(emu)[1:]] == [("DELETE", 0), ("DELETE", 404)]
    assert client.list_actions() == []


def test_429_waits_for_the_reset_and_slows_the_bucket(
    emu: Emulator, make_client: Callable[..., Auth0Client]
) -> None:
    client = make_client(emu)
    client.authenticate()
    emu.faults.script(method="GET", path_glob="/api/v2/actions/triggers", nth=1, fault="429")
    assert client.list_triggers()
    stats = client.stats
    assert (stats.rate_limited, stats.retries) == (1, 1)
    assert client.engine.bucket.state().rate == pytest.approx(150.0)  # 200 * 0.75


def test_same_content_compares_what_a_deploy_freezes() -> None:
    a = {
        "code": "x",
        "runtime": "node22",
        "dependencies": [{"name": "b", "version": "1"}, {"name": "a", "version": "2"}],
        "secrets": [{"name": "S", "updated_at": "t1"}],
        "supported_triggers": [{"id": "post-login", "version": "v3"}],
    }
    b = {**a, "dependencies": list(reversed(a["dependencies"])), "secrets": [{"name": "S"}]}
    assert same_content(a, b)
    assert not same_content(a, {**a, "code": "y"})
    assert not same_content(a, {**a, "dependencies": "junk"})
