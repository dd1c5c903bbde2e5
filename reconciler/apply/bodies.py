"""What a create or update step sends: the step's payload fields plus the secret values,
resolved from the manifests at apply time (a plan file holds references, never values)."""

from __future__ import annotations

from typing import Any

from reconciler.core.errors import StepFailed
from reconciler.core.model import DesiredState
from reconciler.plan import Step

Json = dict[str, Any]
WRITE_FIELDS = ("name", "supported_triggers", "code", "runtime", "dependencies", "deploy")


def _secrets(desired: DesiredState, name: str, refs: Any) -> list[Json]:
    action = desired.action(name)
    if action is None:
        raise StepFailed(f"{name} is not in the manifests any more")
    values = {s.name: s.value for s in action.secrets}
    body: list[Json] = []
    for ref in refs:
        value = values.get(ref["name"])
        if value is None:
            raise StepFailed(f"secret {ref['name']} of {name} has no value (${ref['var']})")
        body.append({"name": ref["name"], "value": value.reveal()})
    return body


def write_body(step: Step, desired: DesiredState) -> Json:
    """The API body of a create or update step."""
    payload = step.payload
    body = {k: payload[k] for k in WRITE_FIELDS if k in payload}
    if "secrets" in payload:
        body["secrets"] = _secrets(desired, str(payload["name"]), payload["secrets"])
    return body


def action_names(step: Step) -> list[str]:
    """The action names a step is about (for skipping the dependents of a failure)."""
    if step.kind == "rebind":
        return [str(e["action"]) for e in step.payload.get("bindings", [])]
    if step.kind == "wait_build":
        return [str(n) for n in step.payload.get("actions", [])]
    name = step.payload.get("name")
    return [name] if isinstance(name, str) else []
