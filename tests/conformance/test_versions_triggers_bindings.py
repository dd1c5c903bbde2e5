"""Conformance of versions (list/get/rollback), triggers, bindings (get/patch) and executions,
replayed from recorded real traffic against the emulator."""

from __future__ import annotations

import pytest

from reconciler.emulator import Emulator
from reconciler.emulator.trigger_data import RECORDED_TRIGGERS
from tests.conformance import recorded
from tests.conformance.recorded import load, triggers_of
from tests.conformance.replay import Replayer

GO = "go-auth0"
TF = "terraform-provider-auth0"
DCLI = "auth0-deploy-cli"
ERA_2023 = pytest.mark.emulator(triggers=triggers_of(GO, "TestActionManager_Triggers"))


@ERA_2023
def test_list_versions(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_Versions")) == []


@ERA_2023
def test_get_version(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_Version")) == []


@ERA_2023
def test_rollback_is_a_new_undeployed_looking_version(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_DeployVersion")) == []
    deployed, rolled = replay.only({}, "/deploy", "POST")
    assert rolled["id"] != deployed["id"]
    assert (rolled["number"], rolled["deployed"]) == (deployed["number"] + 1, False)


def test_triggers_are_the_newest_recorded_list(replay: Replayer) -> None:
    assert replay.run(load(DCLI, "should-dump-without-throwing-an-error")) == []
    assert replay.only({}, "/actions/triggers", "GET")[0]["triggers"] == list(RECORDED_TRIGGERS)


def test_triggers_of_2023_hold_no_key_the_emulator_lacks(replay: Replayer) -> None:
    """The 2023 list (GO1-REC) is an older catalogue: the emulator serves the 2026 one, whose
    items carry every key the 2023 items carry (it adds binding_policy)."""
    (it,) = load(GO, "TestActionManager_Triggers")["interactions"]
    got = replay.send(it).json()["triggers"]
    old_keys = set().union(*(t.keys() for t in it["response"]["triggers"]))
    assert all(old_keys <= set(t) for t in got)


@ERA_2023
def test_bindings_patch_and_list(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_Bindings")) == []


def test_trigger_action_bindings(replay: Replayer) -> None:
    assert replay.run(load(TF, "TestAccTriggerAction")) == []


def test_trigger_actions_bindings(replay: Replayer) -> None:
    assert replay.run(load(TF, "TestAccTriggerActions")) == []


def test_execution_404(replay: Replayer) -> None:
    assert replay.run(load(GO, "TestActionManager_Execution")) == []


def test_list_of_a_real_tenant_with_legacy_runtimes(emu: Emulator, replay: Replayer) -> None:
    """A real tenant's list (TestApplyActionsListDefaultsWithNilOptions): 10 of its 19 actions,
    on node18, node18-actions and custom-email-provider/node18, which today's triggers no longer
    offer. The 10 are seeded exactly as recorded; 9 stand-ins make up the recorded total."""
    fixture = load(GO, "TestApplyActionsListDefaultsWithNilOptions")
    (it,) = fixture["interactions"]
    actions = it["response"]["actions"]
    fillers = [{**actions[0], "id": f"00000000-0000-4000-8000-00000000000{i}",
                "name": f"stand-in {i}"} for i in range(9)]  # fmt: skip
    for a in fillers:
        a.pop("deployed_version")
        a.pop("current_version")
    emu.seed([*actions, *fillers])
    assert replay.run(fixture) == []


def test_every_recorded_reply_holds_the_invariants() -> None:
    """The invariants the replays check are facts of every recorded sample, not our guesses."""
    broken = []
    for path in sorted(recorded.FIXTURES.glob("*/*.json")):
        fixture = load(path.parent.name, path.stem)
        for it in fixture["interactions"]:
            for d in recorded.reply_invariants(it["method"], it["path"], it["response"]):
                broken.append(f"{path.stem} #{it['index']}: {d}")
    assert broken == []
