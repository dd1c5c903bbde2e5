"""Conformance of the action endpoints (list/get/create/update/delete/deploy/test): each test
replays a recorded sequence against the emulator and fails on any divergence of a reply from the
recorded one (status, keys present and absent, types, nesting, chosen values, invariants)."""

from __future__ import annotations

import pytest

from tests.conformance.recorded import load, triggers_of
from tests.conformance.replay import Replayer

GO = "go-auth0"
TF = "terraform-provider-auth0"
DCLI = "auth0-deploy-cli"
#: go-auth0's TestActionManager recordings (Jan 2023) ran against that era's triggers
#: (post-login v2 on node12/node16/node18, default node16): the emulator serves those for them.
ERA_2023 = pytest.mark.emulator(triggers=triggers_of(GO, "TestActionManager_Triggers"))


@ERA_2023
def test_create_then_delete(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_Create")) == []
    created = replay.only({}, "/actions/actions", "POST")[0]
    assert "current_version" not in created  # never deployed yet


def test_create_on_the_default_runtime(replay: Replayer) -> None:
    assert replay.run(load(TF, "TestAccActionWithSecretsWO")) == []


def test_create_with_deploy(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_CreateWithDeploy")) == []
    created = replay.only({}, "/actions/actions", "POST")[0]
    assert created["deployed_version"]["status"] == "pending"
    assert created["current_version"]["status"] == "PENDING"


@ERA_2023
def test_get_while_building(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_Read")) == []


@ERA_2023
def test_update_draft(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_Update")) == []


@pytest.mark.emulator(fail_dependencies=("crypto",))
def test_update_deploy_and_a_failed_build_without_errors(replay: Replayer) -> None:
    # #45: the post-login bindings of the shared recording tenant hold another test's action
    assert replay.run(load(TF, "TestAccAction"), skip={45}) == []
    failed = [a for a in replay.only({}, "/actions/actions/", "GET") if a["status"] == "failed"]
    assert failed
    assert all("errors" not in a for a in failed)
    assert all(a["deployed_version"]["status"] == "built" for a in failed)


@ERA_2023
def test_delete_then_404_on_get_and_delete(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_Delete")) == []


@ERA_2023
def test_list_by_name(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_List")) == []


def test_list_empty_404_and_by_name(replay: Replayer) -> None:
    # #14: bindings of another test's action in the shared recording tenant
    assert replay.run(load(TF, "TestAccDataSourceAction"), skip={14}) == []


@ERA_2023
def test_deploy(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_Deploy")) == []


def test_create_list_deploy_on_a_deprecated_trigger_version(replay: Replayer) -> None:
    name = "should-deploy-without-deleting-resources-if-AUTH0_ALLOW_DELETE-is-false"
    assert replay.run(load(DCLI, name)) == []


@ERA_2023
def test_test_endpoint(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_Test")) == []
