"""Rollback against the in-memory tenant: the target chosen, the copy deployed, the refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reconciler.core.errors import ReconcilerError
from reconciler.features.rollback import rollback
from tests.support_fake import FakeTenant


def three_versions() -> tuple[FakeTenant, str]:
    api = FakeTenant()
    action_id = api.add("enrich")
    for n in (1, 2, 3):
        api.actions[action_id] = replace(api.actions[action_id], code=f"// v{n}\n")
        api.deploy_action(action_id)
    return api, action_id


def test_rollback_redeploys_the_previous_version_and_its_draft() -> None:
    api, action_id = three_versions()
    result = rollback(api, "enrich")
    assert (result.from_number, result.to_number, result.new_number) == (3, 2, 4)
    action = api.actions[action_id]
    assert action.deployed_version is not None
    assert action.deployed_version.number == 4
    assert action.deployed_version.code == "// v2\n" == action.code  # update_draft
    assert ("deploy_version", action_id) in api.calls


def test_rollback_to_a_named_version_waits_until_it_is_deployed() -> None:
    api, action_id = three_versions()
    api.deploy_lag = 1
    result = rollback(api, "enrich", to_version=1)
    assert (result.to_number, result.new_number) == (1, 4)
    assert api.actions[action_id].code == "// v1\n"


@pytest.mark.parametrize(
    ("setup", "to_version", "message"),
    [
        ("none", None, "no action named 'enrich' in the tenant"),
        ("never", None, "enrich was never deployed; there is nothing to roll back"),
        ("three", 9, "enrich has no version 9 (versions: 1, 2, 3)"),
        ("three", 3, "version 3 of enrich is already deployed"),
        ("twice", None, "2 actions are named 'enrich'"),
    ],
)
def test_rollback_refuses(setup: str, to_version: int | None, message: str) -> None:
    api = FakeTenant()
    if setup == "three":
        api, _ = three_versions()
    elif setup in ("never", "twice"):
        api.add("enrich")
        if setup == "twice":
            api.add("enrich")
    with pytest.raises(ReconcilerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        rollback(api, "enrich", to_version)
    assert not [c for c in api.calls if c[0] == "deploy_version"]
