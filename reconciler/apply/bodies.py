"""What a write step sends: the request bodies of a create, an update and a rebind, built from
the step's record plus the secret values, resolved from the manifests at apply time (a plan file
holds references, never values). The only place in the applier that knows a body's shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from reconciler.core.errors import StepFailed
from reconciler.core.fields import ActionFields, SecretRef
from reconciler.core.model import DesiredState
from reconciler.plan.kinds import (
    CreateAction,
    DeleteAction,
    DeployAction,
    Rebind,
    Step,
    UpdateAction,
    WaitBuild,
)


class TriggerBody(TypedDict):
    id: str
    version: str


class DependencyBody(TypedDict):
    name: str
    version: str


class SecretBody(TypedDict):
    name: str
    value: str


class ActionBody(TypedDict, total=False):
    """A create (name, every field, deploy) or an update (the fields that differ)."""

    name: str
    supported_triggers: list[TriggerBody]
    code: str
    runtime: str
    dependencies: list[DependencyBody]
    secrets: list[SecretBody]
    deploy: bool


class RefBody(TypedDict):
    type: str
    value: str


class BindingBody(TypedDict):
    ref: RefBody
    display_name: str


def _secrets(desired: DesiredState, name: str, refs: tuple[SecretRef, ...]) -> list[SecretBody]:
    action = desired.action(name)
    if action is None:
        raise StepFailed(f"{name} is not in the manifests any more")
    values = {s.name: s.value for s in action.secrets}
    body: list[SecretBody] = []
    for ref in refs:
        value = values.get(ref.name)
        if value is None:
            raise StepFailed(f"secret {ref.name} of {name} has no value (${ref.var})")
        body.append({"name": ref.name, "value": value.reveal()})
    return body


def _fields(fields: ActionFields, name: str) -> ActionBody:
    body: ActionBody = {}
    if fields.supported_triggers is not None:
        body["supported_triggers"] = [
            {"id": t.id, "version": t.version} for t in fields.supported_triggers
        ]
    if fields.code is not None:
        body["code"] = fields.code
    if fields.runtime is not None:
        body["runtime"] = fields.runtime
    if fields.dependencies is not None:
        body["dependencies"] = [{"name": d.name, "version": d.version} for d in fields.dependencies]
    if fields.modules is not None:
        raise StepFailed(f"{name}: this version does not write action modules")
    return body


def write_body(step: CreateAction | UpdateAction, desired: DesiredState) -> ActionBody:
    """The API body of a create (with its name and deploy flag) or an update step, in the
    order the applier has always sent it (secrets last)."""
    body = _fields(step.fields, step.name)
    if isinstance(step, CreateAction):
        body = {"name": step.name, **body, "deploy": step.deploy}
    if step.fields.secrets is not None:
        body["secrets"] = _secrets(desired, step.name, step.fields.secrets)
    return body


def bindings_body(step: Rebind, ids: Mapping[str, str]) -> list[BindingBody]:
    """The trigger's whole ordered list; an action created in this run by its new id."""
    body: list[BindingBody] = []
    for entry in step.bindings:
        action_id = entry.action_id or ids.get(entry.action)
        if not action_id:
            raise StepFailed(f"cannot bind {entry.action}: its id is unknown")
        ref: RefBody = {"type": "action_id", "value": action_id}
        body.append({"ref": ref, "display_name": entry.display_name})
    return body


def action_names(step: Step) -> list[str]:
    """The action names a step is about (for skipping the dependents of a failure)."""
    if isinstance(step, Rebind):
        return [e.action for e in step.bindings]
    if isinstance(step, WaitBuild):
        return list(step.actions)
    if isinstance(step, CreateAction | UpdateAction | DeployAction | DeleteAction):
        return [step.name]
    return []
