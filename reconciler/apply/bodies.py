"""What a write step hands the client besides its record: the secret values, resolved from the
manifests at apply time (a plan file holds references, never values), and a rebind's entries
with the ids of actions created in this run. Request bodies are built in reconciler.auth0."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reconciler.core.errors import StepFailed
from reconciler.core.fields import SecretRef
from reconciler.core.model import DesiredSecret, DesiredState, SecretValue
from reconciler.plan.kinds import (
    CreateAction,
    DeleteAction,
    DeployAction,
    Rebind,
    Step,
    UpdateAction,
    WaitBuild,
)


def resolve_secrets(
    label: str, secrets: Sequence[DesiredSecret] | None, refs: tuple[SecretRef, ...] | None
) -> dict[str, SecretValue]:
    """The values of the secrets `refs` a write of `label` sends, from the manifests' `secrets`
    (None: `label` left the manifests); none sent: {}."""
    if refs is None:
        return {}
    if secrets is None:
        raise StepFailed(f"{label} is not in the manifests any more")
    values = {s.name: s.value for s in secrets}
    out: dict[str, SecretValue] = {}
    for ref in refs:
        value = values.get(ref.name)
        if value is None:
            raise StepFailed(f"secret {ref.name} of {label} has no value (${ref.var})")
        out[ref.name] = value
    return out


def secret_values(
    desired: DesiredState, name: str, refs: tuple[SecretRef, ...] | None
) -> dict[str, SecretValue]:
    """The values of the secrets a create or update of action `name` writes (none: {})."""
    action = desired.action(name)
    return resolve_secrets(name, action.secrets if action is not None else None, refs)


def rebind_entries(step: Rebind, ids: Mapping[str, str]) -> list[tuple[str, str]]:
    """The trigger's whole ordered list as (action_id, display_name); an action created in this
    run by its new id."""
    entries: list[tuple[str, str]] = []
    for entry in step.bindings:
        action_id = entry.action_id or ids.get(entry.action)
        if not action_id:
            raise StepFailed(f"cannot bind {entry.action}: its id is unknown")
        entries.append((action_id, entry.display_name))
    return entries


def action_names(step: Step) -> list[str]:
    """The action names a step is about (for skipping the dependents of a failure)."""
    if isinstance(step, Rebind):
        return [e.action for e in step.bindings]
    if isinstance(step, WaitBuild):
        return list(step.actions)
    if isinstance(step, CreateAction | UpdateAction | DeployAction | DeleteAction):
        return [step.name]
    return []
