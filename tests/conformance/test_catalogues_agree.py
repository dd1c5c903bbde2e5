"""The validator's offline trigger catalogue (reconciler/core/catalogue.py) against the newest
recorded `GET /actions/triggers` (which the emulator serves verbatim): a wrong fact on either
side fails."""

from __future__ import annotations

from typing import Any

from reconciler.core.catalogue import BUILTIN_TRIGGERS
from reconciler.core.livemodel import Trigger
from tests.conformance.recorded import load


def _as_wire(t: Trigger) -> dict[str, Any]:
    return {
        "id": t.id,
        "version": t.version,
        "status": t.status,
        "runtimes": list(t.runtimes),
        "default_runtime": t.default_runtime,
        "binding_policy": t.binding_policy,
        "compatible_triggers": [{"id": i, "version": v} for i, v in t.compatible_triggers],
    }


def test_validator_catalogue_matches_the_newest_recorded_trigger_list() -> None:
    fixture = load("auth0-deploy-cli", "should-dump-without-throwing-an-error")
    (listed,) = [it for it in fixture["interactions"] if it["path"] == "/actions/triggers"]
    recorded = sorted(listed["response"]["triggers"], key=lambda t: (t["id"], t["version"]))
    ours = sorted((_as_wire(t) for t in BUILTIN_TRIGGERS), key=lambda t: (t["id"], t["version"]))
    assert ours == recorded
