"""Rollback of an Actions Module to one of its published versions (`reconciler rollback NAME
--module`).

Auth0's `POST /actions/modules/{id}/rollback` copies the version's code, dependencies and secrets
into the module's draft only. Rollback then publishes that draft as a new version, unless asked
to leave it a draft (`publish=False`), the way an action's rollback deploys a copy of the old
version: the newest published version then holds the old content. Actions keep the module
version they pin; a manifest reference `version: latest` moves to the newest published version
at the next plan, but that plan also writes the manifest's module code back (the manifests stay
the source of truth): pin `version: N` in the manifests to keep actions on the old code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.auth0.live_modules import to_module
from reconciler.auth0.modules import ModulesApi
from reconciler.core.errors import ReconcilerError
from reconciler.core.livemodel import LiveModule
from reconciler.manifest.problems import did_you_mean


@dataclass(frozen=True, slots=True)
class ModuleRollback:
    name: str
    from_number: int  # the newest published version before the rollback
    to_number: int  # the version whose content the draft took
    new_number: int | None  # the version published with it; None: left a draft / nothing new
    users: tuple[tuple[str, int], ...]  # (action name, module version number it pins)


def _only(api: ModulesApi, name: str) -> LiveModule:
    modules = [to_module(m) for m in api.list_modules()]
    found = [m for m in modules if m.name == name]
    if not found:
        hint = did_you_mean(name, [m.name for m in modules])
        raise ReconcilerError(f"no module named {name!r} in the tenant{hint}")
    if len(found) > 1:
        ids = ", ".join(m.id for m in found)
        raise ReconcilerError(f"{len(found)} modules are named {name!r} ({ids}); fix that first")
    return found[0]


def _target(name: str, versions: dict[int, str], latest: int, to_version: int | None) -> int:
    """The version to roll back to: `to_version`, or the one before the newest published."""
    if not versions:
        raise ReconcilerError(f"module {name} was never published; there is nothing to roll back")
    if to_version is None:
        earlier = [n for n in versions if n < latest]
        if not earlier:
            raise ReconcilerError(f"module {name} has no published version before version {latest}")
        return max(earlier)
    if to_version not in versions:
        known = ", ".join(str(n) for n in sorted(versions))
        raise ReconcilerError(
            f"module {name} has no published version {to_version} (versions: {known})"
        )
    return to_version


def _number(reply: Any) -> int | None:
    number = reply.get("version_number") if isinstance(reply, dict) else None
    return number if isinstance(number, int) else None


def rollback_module(
    api: ModulesApi, name: str, to_version: int | None = None, *, publish: bool = True
) -> ModuleRollback:
    module = _only(api, name)
    versions = {
        int(v["version_number"]): str(v["id"])
        for v in api.list_module_versions(module.id)
        if isinstance(v.get("version_number"), int) and isinstance(v.get("id"), str)
    }
    latest = max(versions, default=0)
    target = _target(name, versions, latest, to_version)
    if target == latest and module.all_changes_published:
        raise ReconcilerError(
            f"version {target} of module {name} is the newest published one and the draft "
            "matches it; there is nothing to roll back"
        )
    draft = to_module(api.rollback_module(module.id, versions[target]))
    new_number = None
    if publish and not draft.all_changes_published:
        new_number = _number(api.publish_module(module.id))
    users = tuple(
        (str(u.get("action_name", "")), int(u.get("module_version_number") or 0))
        for u in api.list_module_actions(module.id)
    )
    return ModuleRollback(name, latest, target, new_number, tuple(sorted(users)))
