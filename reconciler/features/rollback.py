"""Rollback: redeploy an earlier immutable version of an action (reference §1.8).

`update_draft` is set, so the draft becomes the rolled-back content too: the next plan then
shows the manifest as the source of truth again (an update + deploy back to the manifest).
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.apply import waits
from reconciler.auth0.protocol import TenantAPI
from reconciler.core.errors import ReconcilerError
from reconciler.core.livemodel import LiveAction, LiveVersion


@dataclass(frozen=True, slots=True)
class RollbackResult:
    name: str
    from_number: int | None
    to_number: int
    new_number: int | None


def _only(api: TenantAPI, name: str) -> LiveAction:
    matches = api.list_actions(name=name)
    if not matches:
        raise ReconcilerError(f"no action named {name!r} in the tenant")
    if len(matches) > 1:
        ids = ", ".join(a.id for a in matches)
        raise ReconcilerError(f"{len(matches)} actions are named {name!r} ({ids}); fix that first")
    if matches[0].marketplace:
        raise ReconcilerError(f"{name} is a marketplace action; it is not rolled back here")
    return matches[0]


def _target(
    name: str, versions: list[LiveVersion], current: int | None, to_version: int | None
) -> LiveVersion:
    """The version to redeploy: `to_version`, or the one before the current."""
    if to_version is None:
        if current is None:
            raise ReconcilerError(f"{name} was never deployed; there is nothing to roll back")
        earlier = [v for v in versions if 0 < v.number < current]
        if not earlier:
            raise ReconcilerError(f"{name} has no version before version {current}")
        return earlier[-1]
    found = [v for v in versions if v.number == to_version]
    if not found:
        known = ", ".join(str(v.number) for v in versions) or "none"
        raise ReconcilerError(f"{name} has no version {to_version} (versions: {known})")
    if to_version == current:
        raise ReconcilerError(f"version {to_version} of {name} is already deployed")
    return found[0]


def rollback(api: TenantAPI, name: str, to_version: int | None = None) -> RollbackResult:
    action = _only(api, name)
    current = action.deployed_version.number if action.deployed_version is not None else None
    versions = sorted(api.list_versions(action.id), key=lambda v: v.number)
    target = _target(name, versions, current, to_version)
    if target.status not in ("", "built"):
        raise ReconcilerError(f"version {target.number} of {name} did not build; pick another")
    new = api.deploy_version(action.id, target.id, update_draft=True)
    if new.id is not None:
        outcome = waits.wait(api, {action.id: waits.deployed(new.id)}, timeout=120)
        ok, message = outcome[action.id]
        if not ok:
            raise ReconcilerError(f"rollback of {name} did not take effect: {message}")
    return RollbackResult(name, current, target.number, new.number)
