"""Actions a real tenant holds on runtimes no longer offered: seeded (state file or seed()),
served, editable, while a NEW action on such a runtime is refused as the trigger list says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.emulator import EmulatorConfig, FakeClock, start_emulator
from tests.conformance.recorded import load

if TYPE_CHECKING:
    from tests.emulator.conftest import Api

REAL_LIST = load("go-auth0", "TestApplyActionsListDefaultsWithNilOptions")["interactions"][0]


def test_state_file_holds_recorded_actions_on_legacy_runtimes(
    tmp_path: Path, clock: FakeClock, make_api: type[Api]
) -> None:
    actions = REAL_LIST["response"]["actions"]
    legacy = {"id": "6a1c8b4e-0000-4000-8000-000000000001", "name": "old-node16",
              "supported_triggers": [{"id": "post-login", "version": "v2"}], "runtime": "node16",
              "code": "exports.onExecutePostLogin = async () => {};"}  # fmt: skip
    state = tmp_path / "tenant.json"
    state.write_text(json.dumps({"format_version": 1, "actions": [*actions[:4], legacy]}))
    cfg = EmulatorConfig(build_seconds=1.0, clock=clock, state_file=str(state))
    with start_emulator(cfg) as emu:
        api = make_api(emu)
        got = {a["name"]: a for a in api.get("/actions/actions").json()["actions"]}
        for raw in actions[:4]:
            served = got[raw["name"]]
            assert (served["id"], served["runtime"]) == (raw["id"], raw["runtime"])
            assert served["deployed_version"]["id"] == raw["deployed_version"]["id"]
            assert served["deployed_version"]["number"] == raw["deployed_version"]["number"]
            assert served["current_version"]["id"] == raw["deployed_version"]["id"]
            assert served["all_changes_deployed"] is True
        assert got["old-node16"]["runtime"] == "node16"
        assert "current_version" in got["old-node16"]  # seeded deployed
        r = api.patch(f"/actions/actions/{legacy['id']}", json={"code": "// edited\n"})
        assert (r.status_code, r.json()["runtime"]) == (200, "node16")
        clock.advance(1.0)
        deployed = api.post(f"/actions/actions/{legacy['id']}/deploy")
        assert (deployed.status_code, deployed.json()["runtime"]) == (200, "node16")


def test_creating_a_new_action_on_a_runtime_the_trigger_no_longer_offers_is_refused(
    api: Api,
) -> None:
    body = {"name": "n16", "supported_triggers": [{"id": "post-login", "version": "v2"}],
            "runtime": "node16", "code": "x"}  # fmt: skip
    r = api.post("/actions/actions", json=body)
    assert r.status_code == 400
    assert "node16" in r.json()["message"]
    body["runtime"] = "node18"  # offered by post-login v2 (DCLI-REC Aug 2026 #37)
    assert api.post("/actions/actions", json=body).status_code == 201
