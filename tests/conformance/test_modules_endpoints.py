"""Conformance of the Actions Modules endpoints: each recorded terraform-provider-auth0 sequence
(TestAccActionModule*) is replayed against the emulator, modules interactions included, and any
divergence of a reply from the recorded one (status, keys present and absent, types, chosen
values, invariants) fails the test."""

from __future__ import annotations

import pytest

from tests.conformance.recorded import load, module_invariants
from tests.conformance.replay import Replayer

TF = "terraform-provider-auth0"
RECORDINGS = (
    "TestAccActionModule",
    "TestAccActionModuleMultipleVersions",
    "TestAccActionModuleActionsDataSource",
    "TestAccActionModuleDataSource",
    "TestAccActionModuleVersionDataSource",
    "TestAccActionModuleVersionsDataSource",
)


@pytest.mark.parametrize("name", RECORDINGS)
def test_recorded_sequence(replay: Replayer, name: str) -> None:
    fixture = load(TF, name)
    assert replay.run(fixture, modules=True) == []
    replayed = [it for it, _ in replay.replies if it["path"].startswith("/actions/modules")]
    assert len(replayed) == sum(1 for it in fixture["interactions"] if "/modules" in it["path"])


def test_publish_moves_latest_version_and_all_changes_published(replay: Replayer) -> None:
    replay.run(load(TF, "TestAccActionModuleMultipleVersions"), modules=True)
    gets = [
        got for it, got in replay.replies if it["method"] == "GET" and it["path"].count("/") == 3
    ]
    assert [g["latest_version"]["version_number"] for g in gets] == [1, 2]  # polls squashed
    patched = replay.only({}, "/actions/modules/", "PATCH")[0]
    assert patched["all_changes_published"] is False
    assert patched["latest_version"]["version_number"] == 1


def test_action_module_refs_and_users(replay: Replayer) -> None:
    """An action sends `{module_id, module_version_id}` and gets back the name and number too;
    the module then counts it in `actions_using_module_total` and lists it under `/actions`."""
    replay.run(load(TF, "TestAccActionModuleActionsDataSource"), modules=True)
    created = replay.only({}, "/actions/actions", "POST")[0]
    ref = created["modules"][0]
    assert set(ref) == {"module_id", "module_name", "module_version_id", "module_version_number"}
    users = replay.only({}, "/actions", "GET")
    listed = [u for u in users if isinstance(u, dict) and "actions" in u and u["actions"]]
    assert listed
    assert listed[0]["actions"][0]["action_id"] == created["id"]


def test_invariants_catch_a_secret_value() -> None:
    body = {"id": "m", "secrets": [{"name": "A", "value": "x"}], "all_changes_published": True}
    assert len(module_invariants(body)) == 2
