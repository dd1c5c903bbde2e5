"""State file: atomic JSON, no secret values or tokens in it, restart continuity, seeding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reconciler.core.errors import ReconcilerError
from reconciler.emulator import EmulatorConfig, FakeClock, start_emulator

if TYPE_CHECKING:
    from tests.emulator.conftest import Api

SHIELD = {
    "name": "Fraud Shield",
    "supported_triggers": [{"id": "post-login", "version": "v3"}],
    "code": "// vendor code\n",
    "integration": {"id": "int-1", "name": "Fraud Shield", "feature_type": "action"},
    "installed_integration_id": "inst-1",
}


def test_restart_continues_where_it_stopped(
    tmp_path: Path, clock: FakeClock, make_api: type[Api]
) -> None:
    state = tmp_path / "tenant.json"
    cfg = EmulatorConfig(state_file=str(state), clock=clock)
    with start_emulator(cfg) as emu:
        api = make_api(emu)
        action_id = api.deployed(clock, secrets=[{"name": "KEY", "value": "hunter2-value"}])
        assert api.bind("post-login", action_id).status_code == 200
        token = api.token
        written = state.read_text()
        assert "hunter2-value" not in written
        assert token not in written
        assert not list(tmp_path.glob("*.tmp"))
    with start_emulator(cfg) as emu:
        api = make_api(emu)
        action = api.get(f"/actions/actions/{action_id}").json()
        assert action["deployed_version"]["number"] == 1
        assert [s["name"] for s in action["secrets"]] == ["KEY"]
        bound = api.get("/actions/triggers/post-login/bindings").json()["bindings"]
        assert [b["action"]["id"] for b in bound] == [action_id]
        api.token = token  # a token issued before the restart is still valid
        assert api.get("/actions/actions").status_code == 200
        second = api.post(f"/actions/actions/{action_id}/deploy").json()
        assert second["number"] == 2


def test_seed_marketplace_actions_from_a_state_file(
    tmp_path: Path, clock: FakeClock, make_api: type[Api]
) -> None:
    state = tmp_path / "tenant.json"
    state.write_text(json.dumps({"format_version": 1, "actions": [dict(SHIELD, id="shield-1")]}))
    with start_emulator(EmulatorConfig(state_file=str(state), clock=clock)) as emu:
        api = make_api(emu)
        got = api.get("/actions/actions/shield-1").json()
        assert got["integration"]["id"] == "int-1"
        assert got["installed_integration_id"] == "inst-1"
        assert got["status"] == "built"
        assert got["deployed_version"]["number"] == 1
        r = api.patch(
            "/actions/triggers/post-login/bindings",
            json={"bindings": [{"ref": {"type": "action_name", "value": "Fraud Shield"}}]},
        )
        assert r.status_code == 200


def test_seed_method_and_bad_seeds(clock: FakeClock, make_api: type[Api]) -> None:
    with start_emulator(EmulatorConfig(clock=clock)) as emu:
        [shield_id] = emu.seed(actions=[SHIELD])
        api = make_api(emu)
        assert api.get(f"/actions/actions/{shield_id}").json()["name"] == "Fraud Shield"
        with pytest.raises(ReconcilerError, match="unknown keys colour"):
            emu.seed(actions=[dict(SHIELD, name="x", colour="red")])


def test_a_broken_state_file_is_one_clear_error(tmp_path: Path) -> None:
    state = tmp_path / "tenant.json"
    state.write_text("{nope")
    with pytest.raises(ReconcilerError, match=r"tenant\.json: cannot read emulator state"):
        start_emulator(EmulatorConfig(state_file=str(state)))
    state.write_text("[]")
    with pytest.raises(ReconcilerError, match="not an emulator state file"):
        start_emulator(EmulatorConfig(state_file=str(state)))


def test_the_state_file_is_one_record_per_line_and_reads_back(tmp_path: Path) -> None:
    from reconciler.emulator.state import TenantState, encode, load, save

    state = TenantState(
        actions={
            "a1": {"id": "a1", "name": "one", "code": "x\n"},
            "a2": {"id": "a2", "name": "two"},
        },
        versions={"a1": [{"id": "v1", "number": 1}]},
    )
    path = tmp_path / "state.json"
    save(state, str(path))
    text = path.read_text()
    assert text == encode(state.to_json())
    assert json.loads(text) == state.to_json()
    assert load(str(path)).to_json() == state.to_json()
    lines = text.splitlines()
    assert '  {"code": "x\\n", "id": "a1", "name": "one"},' in lines  # a record, whole, per line
