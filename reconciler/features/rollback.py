"""Rollback: redeploy an earlier immutable version of an action (reference §1.8).

`update_draft` is set, so the draft becomes the rolled-back content too: the next plan then
shows the manifest as the source of truth again (an update + deploy back to the manifest).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.apply import waits
from reconciler.auth0.client import Auth0Client
from reconciler.core.errors import ReconcilerError


@dataclass(frozen=True, slots=True)
class RollbackResult:
    name: str
    from_number: int | None
    to_number: int
    new_number: int | None


def _number(version: dict[str, Any]) -> int:
    """For sorting and comparing: -1 when the number is missing."""
    number = waits.version_number(version)
    return -1 if number is None else number


def rollback(client: Auth0Client, name: str, to_version: int | None = None) -> RollbackResult:
    matches = [a for a in client.list_actions(action_name=name) if a.get("name") == name]
    if not matches:
        raise ReconcilerError(f"no action named {name!r} in the tenant")
    if len(matches) > 1:
        ids = ", ".join(str(a.get("id")) for a in matches)
        raise ReconcilerError(f"{len(matches)} actions are named {name!r} ({ids}); fix that first")
    action = matches[0]
    if action.get("integration") or action.get("installed_integration_id"):
        raise ReconcilerError(f"{name} is a marketplace action; it is not rolled back here")
    deployed = action.get("deployed_version")
    current = _number(deployed) if isinstance(deployed, dict) else None
    versions = sorted(client.list_versions(str(action["id"])), key=_number)
    if to_version is None:
        if current is None:
            raise ReconcilerError(f"{name} was never deployed; there is nothing to roll back")
        earlier = [v for v in versions if 0 < _number(v) < current]
        if not earlier:
            raise ReconcilerError(f"{name} has no version before version {current}")
        target = earlier[-1]
    else:
        found = [v for v in versions if _number(v) == to_version]
        if not found:
            known = ", ".join(str(_number(v)) for v in versions) or "none"
            raise ReconcilerError(f"{name} has no version {to_version} (versions: {known})")
        target = found[0]
        if to_version == current:
            raise ReconcilerError(f"version {to_version} of {name} is already deployed")
    if target.get("status") not in (None, "built"):
        raise ReconcilerError(f"version {_number(target)} of {name} did not build; pick another")
    new = client.deploy_version(str(action["id"]), str(target["id"]), update_draft=True)
    new_id = new.get("id")
    if isinstance(new_id, str):
        outcome = waits.poll(client, {str(action["id"]): waits.check_deployed(new_id)}, timeout=120)
        ok, message = outcome[str(action["id"])]
        if not ok:
            raise ReconcilerError(f"rollback of {name} did not take effect: {message}")
    return RollbackResult(name, current, _number(target), waits.version_number(new))
