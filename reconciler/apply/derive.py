"""Does every step of a saved plan follow from the manifests at hand? (DESIGN.md "Plan")

A plan file's own digest is unkeyed: anyone who can edit the file can recompute it. So before
`apply --plan` writes, the plan is made again from the checkout and the tenant just read, and
every saved step must be in it with the same kind, resource and payload, and with at least its
dependencies (the build wait, which writes nothing, may only name actions the manifests have).
Code is compared without the trailer's secret digest (it is salted afresh on every plan); that
digest must instead match the secret values resolved now. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import replace

from reconciler.core.digests import key_from_env
from reconciler.core.fields import ACTION_FIELD_NAMES
from reconciler.core.model import DesiredState
from reconciler.core.trailer import strip_trailer, verify
from reconciler.diff.secrets import desired_values
from reconciler.plan import Plan
from reconciler.plan.kinds import (
    CreateAction,
    CreateModule,
    DeleteAction,
    DeleteModule,
    DeployAction,
    PublishModule,
    Rebind,
    Step,
    UpdateAction,
    UpdateModule,
    WaitBuild,
)


def underived_step(saved: Plan, fresh: Plan, desired: DesiredState) -> str | None:
    """One line naming the first saved step that `fresh` (made from the manifests at hand)
    does not contain as is; None when every step follows."""
    made = {s.id: s for s in fresh.steps}
    ids = {s.id for s in saved.steps}
    for step in saved.steps:
        if isinstance(step, WaitBuild):
            why = _wait_difference(step, desired)
        else:
            why = _difference(step, made.get(step.id), desired, ids)
        if why is not None:
            return (
                f"{step.address}: the plan's {step.kind.value} step does not follow from the "
                f"manifests at hand ({why}); run plan again"
            )
    return None


def _wait_difference(step: WaitBuild, desired: DesiredState) -> str | None:
    """The build wait writes nothing, and which actions are still building depends on other
    writers too; it may only wait for actions the manifests name."""
    if any(desired.action(n) is None for n in step.actions):
        return "it waits for an action the manifests do not name"
    return None


def _members(step: Step) -> dict[str, object]:
    """What a step writes, member by member, named as in its plan payload."""
    out: dict[str, object] = {}
    if isinstance(step, UpdateAction | DeployAction | DeleteAction):
        out["action_id"] = step.action_id
    if isinstance(step, CreateAction | UpdateAction | DeployAction | DeleteAction):
        out["name"] = step.name
    if isinstance(step, CreateAction | UpdateAction):
        out.update({n: getattr(step.fields, n) for n in ACTION_FIELD_NAMES})
    if isinstance(step, CreateAction):
        out["deploy"] = step.deploy
    if isinstance(step, Rebind):
        out.update(trigger=step.trigger, bindings=step.bindings)
    if isinstance(step, CreateModule | UpdateModule | PublishModule | DeleteModule):
        out["name"] = step.name
    if isinstance(step, UpdateModule | PublishModule | DeleteModule):
        out["module_id"] = step.module_id
    if isinstance(step, CreateModule | UpdateModule):
        out.update(code=step.fields.code, dependencies=step.fields.dependencies)
        out["secrets"] = step.fields.secrets
    if isinstance(step, PublishModule):
        out["version"] = step.version
    return {k: v for k, v in out.items() if v is not None}


def _difference(
    step: Step, other: Step | None, desired: DesiredState, saved_ids: set[str]
) -> str | None:
    if other is None:
        return "the manifests give no such step"
    if (step.kind, step.address) != (other.kind, other.address):
        return "a different step has this id"
    # an extra dependency only waits longer; a missing one could reorder the writes
    if any(d in saved_ids and d not in step.depends_on for d in other.depends_on):
        return "its dependencies differ"
    mine, theirs = _members(step), _members(other)
    for key in sorted(set(mine) | set(theirs)):
        if key == "code":
            why = _code_difference(mine.get("code"), theirs.get("code"))
            if why is None:
                why = _secret_difference(step, desired)
            if why is not None:
                return why
        elif mine.get(key) != theirs.get(key):
            return f"{key} differs"
    return None


def _code_difference(mine: object, theirs: object) -> str | None:
    if not isinstance(mine, str) or not isinstance(theirs, str):
        return "code differs"
    body, info = strip_trailer(mine)
    fresh_body, fresh_info = strip_trailer(theirs)
    if info is None or fresh_info is None:
        return "code has no valid reconciler trailer"
    if body != fresh_body:
        return "code differs"
    if replace(info, secrets="") != replace(fresh_info, secrets=""):
        return "code trailer differs"
    return None


def _secret_difference(step: Step, desired: DesiredState) -> str | None:
    if isinstance(step, CreateModule | UpdateModule):
        module = desired.module(step.name)
        values = desired_values(module) if module is not None else None
    elif isinstance(step, CreateAction | UpdateAction):
        action = desired.action(step.name)
        values = desired_values(action) if action is not None else None
    else:
        return "code differs"
    _, info = strip_trailer(step.fields.code or "")
    if info is None or values is None or not verify(info.secrets, values, key_from_env()):
        return "the secret digest in its code does not match the secret values at hand"
    return None
