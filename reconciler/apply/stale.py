"""Is a saved plan still valid? (DESIGN.md "Plan": preconditions)

Every planned change recorded what it saw: an action's id, `updated_at` and deployed version id
(all null for a create: the name must still be free), a binding list's digest. Before `apply
--plan` writes anything, the tenant is read again and each precondition re-checked; every
resource that moved is named.
"""

from __future__ import annotations

from reconciler.core.digests import key_from_env
from reconciler.core.livemodel import LiveState
from reconciler.core.model import DesiredState
from reconciler.core.trailer import strip_trailer, verify
from reconciler.plan import ActionPrecondition, BindingsPrecondition, Plan, bindings_digest
from reconciler.plan.kinds import CreateAction, CreateModule, UpdateAction, UpdateModule


def stale_resources(plan: Plan, live: LiveState) -> list[str]:
    problems: list[str] = []
    for change in plan.changes:
        if not change.planned:
            continue
        pre = change.preconditions
        if change.kind == "action" and isinstance(pre, ActionPrecondition):
            problems.extend(_action(change.address, change.name, pre, live))
        elif change.kind == "module" and isinstance(pre, ActionPrecondition):
            problems.extend(_module(change.address, change.name, pre, live))
        elif change.kind == "bindings":
            current = live.bindings_for(change.name)
            digest = bindings_digest(current.entries if current else ())
            if not isinstance(pre, BindingsPrecondition) or digest != pre.digest:
                problems.append(f"{change.address}: the binding list changed since the plan")
    return problems


def _action(address: str, name: str, pre: ActionPrecondition, live: LiveState) -> list[str]:
    if pre.id is None:
        if live.action_named(name):
            return [f"{address}: an action with this name was created since the plan"]
        return []
    found = [a for a in live.actions if a.id == pre.id]
    if not found:
        return [f"{address}: the action was deleted since the plan"]
    action = found[0]
    deployed = action.deployed_version.id if action.deployed_version else None
    if action.updated_at != pre.updated_at:
        return [f"{address}: the action was updated since the plan"]
    if deployed != pre.deployed_version_id:
        return [f"{address}: a different version was deployed since the plan"]
    return []


def _module(address: str, name: str, pre: ActionPrecondition, live: LiveState) -> list[str]:
    """A module's precondition: its id and updated_at (a create: the name is still free)."""
    if pre.id is None:
        if any(m.name == name for m in live.modules):
            return [f"{address}: a module with this name was created since the plan"]
        return []
    found = [m for m in live.modules if m.id == pre.id]
    if not found:
        return [f"{address}: the module was deleted since the plan"]
    if found[0].updated_at != pre.updated_at:
        return [f"{address}: the module was updated since the plan"]
    return []


def _values(
    desired: DesiredState, step: CreateAction | UpdateAction | CreateModule | UpdateModule
) -> tuple[str, dict[str, str]] | None:
    """(address, secret values) of the resource a create or update writes; None if gone."""
    if isinstance(step, CreateAction | UpdateAction):
        action = desired.action(step.name)
        secrets = action.secrets if action is not None else None
        kind = "action"
    else:
        module = desired.module(step.name)
        secrets = module.secrets if module is not None else None
        kind = "module"
    if secrets is None:
        return None
    values = {s.name: s.value.reveal() for s in secrets if s.value is not None}
    return f"{kind}.{step.name}", values


def secret_mismatches(plan: Plan, desired: DesiredState) -> list[str]:
    """Secret values now resolved must be the ones the plan's digests were made from."""
    problems: list[str] = []
    for step in plan.steps:
        if not isinstance(step, CreateAction | UpdateAction | CreateModule | UpdateModule):
            continue
        if step.fields.code is None:
            continue
        _, info = strip_trailer(step.fields.code)
        found = _values(desired, step)
        if info is None or found is None or not info.secrets:
            continue
        address, values = found
        if not verify(info.secrets, values, key_from_env()):
            problems.append(f"{address}: secret values differ from the ones the plan was made with")
    return problems
