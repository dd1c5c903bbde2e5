"""Typed plan records -> the plan document's JSON values (DESIGN.md "Plan"), and the digests
made over their canonical form. Keys and values are exactly those of plan format 1."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from reconciler.core.errors import ReconcilerError
from reconciler.core.fields import ActionFields, ModuleFields
from reconciler.core.livemodel import LiveBinding
from reconciler.diff.records import (
    BindingsChange,
    ChangeDiff,
    CodeDiff,
    DeletedDetail,
    FieldChange,
    JsonValue,
)
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
from reconciler.plan.types import FORMAT_VERSION, ActionPrecondition, Change, Precondition

JsonObject = dict[str, JsonValue]


def canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _before_after(change: FieldChange) -> JsonObject:
    return {"before": change.before, "after": change.after}


def _code(code: CodeDiff) -> JsonObject:
    out: JsonObject = {"file": code.file}
    if code.lines is not None:
        out["lines"] = code.lines
    if code.unified is not None:
        out["unified"] = list(code.unified)
    return out


def _deleted(gone: DeletedDetail) -> JsonObject:
    return {
        "trigger": gone.trigger,
        "trigger_version": gone.trigger_version,
        "deployed_version": gone.deployed_version,
        "code_bytes": gone.code_bytes,
        "code_lines": gone.code_lines,
        "head": list(gone.head),
    }


def _bindings_change(diff: BindingsChange) -> JsonObject:
    return {
        "before": [{"action": r.action, "display_name": r.display_name} for r in diff.before],
        "after": [{"action": r.action, "display_name": r.display_name} for r in diff.after],
        "positions": [
            {
                "action": p.action,
                "before": p.before,
                "after": p.after,
                "display_name_before": p.display_name_before,
                "display_name_after": p.display_name_after,
            }
            for p in diff.positions
        ],
    }


def diff_to_json(diff: ChangeDiff) -> JsonObject:
    if isinstance(diff, BindingsChange):
        return _bindings_change(diff)
    out: JsonObject = {}
    if diff.against is not None:
        out["against"] = diff.against
    for name, change in (("trigger", diff.trigger), ("runtime", diff.runtime)):
        if change is not None:
            out[name] = _before_after(change)
    if diff.dependencies is not None:
        out["dependencies"] = [
            {"name": d.name, "before": d.before, "after": d.after} for d in diff.dependencies
        ]
    if diff.secrets is not None:
        out["secrets"] = [{"name": s.name, "change": s.change} for s in diff.secrets]
    if diff.code is not None:
        out["code"] = _code(diff.code)
    if diff.protect is not None:
        out["protect"] = _before_after(diff.protect)
    if diff.deleted is not None:
        out["deleted"] = _deleted(diff.deleted)
    return out


def preconditions_to_json(pre: Precondition | None) -> JsonObject:
    if pre is None:
        return {}
    if isinstance(pre, ActionPrecondition):
        return {
            "id": pre.id,
            "updated_at": pre.updated_at,
            "deployed_version_id": pre.deployed_version_id,
        }
    return {"digest": pre.digest}


def change_to_dict(change: Change) -> JsonObject:
    return {
        "address": change.address,
        "actions": list(change.actions),
        "reason": change.reason,
        "planned": change.planned,
        "diff": diff_to_json(change.diff),
        "drift": [{"category": d.category, "detail": d.detail} for d in change.drift],
        "preconditions": preconditions_to_json(change.preconditions),
    }


def fields_to_json(fields: ActionFields) -> JsonObject:
    """The written fields, in payload order (only those sent)."""
    out: JsonObject = {}
    if fields.supported_triggers is not None:
        out["supported_triggers"] = [
            {"id": t.id, "version": t.version} for t in fields.supported_triggers
        ]
    if fields.code is not None:
        out["code"] = fields.code
    if fields.runtime is not None:
        out["runtime"] = fields.runtime
    if fields.dependencies is not None:
        out["dependencies"] = [{"name": d.name, "version": d.version} for d in fields.dependencies]
    if fields.secrets is not None:
        out["secrets"] = [{"name": s.name, "var": s.var} for s in fields.secrets]
    if fields.modules is not None:
        out["modules"] = [{"name": p.name, "version": p.version} for p in fields.modules]
    return out


def module_fields_to_json(fields: ModuleFields) -> JsonObject:
    """A module draft's written fields, in payload order (only those sent; secrets by
    reference)."""
    out: JsonObject = {}
    if fields.code is not None:
        out["code"] = fields.code
    if fields.dependencies is not None:
        out["dependencies"] = [{"name": d.name, "version": d.version} for d in fields.dependencies]
    if fields.secrets is not None:
        out["secrets"] = [{"name": s.name, "var": s.var} for s in fields.secrets]
    return out


def _module_payload(step: Step) -> JsonObject | None:
    if isinstance(step, CreateModule):
        return {"name": step.name, **module_fields_to_json(step.fields)}
    if isinstance(step, UpdateModule):
        return {
            "module_id": step.module_id,
            "name": step.name,
            **module_fields_to_json(step.fields),
        }
    if isinstance(step, PublishModule):
        return {"module_id": step.module_id, "name": step.name, "version": step.version}
    if isinstance(step, DeleteModule):
        return {"module_id": step.module_id, "name": step.name}
    return None


def payload_to_json(step: Step) -> JsonObject:
    """A step's `payload` as the plan document holds it."""
    if isinstance(step, CreateAction):
        return {"name": step.name, **fields_to_json(step.fields), "deploy": step.deploy}
    if isinstance(step, UpdateAction):
        return {"action_id": step.action_id, "name": step.name, **fields_to_json(step.fields)}
    if isinstance(step, WaitBuild):
        return {"actions": list(step.actions)}
    if isinstance(step, DeployAction | DeleteAction):
        return {"action_id": step.action_id, "name": step.name}
    if isinstance(step, Rebind):
        return {
            "trigger": step.trigger,
            "bindings": [
                {"action": e.action, "action_id": e.action_id, "display_name": e.display_name}
                for e in step.bindings
            ],
        }
    module = _module_payload(step)
    if module is not None:
        return module
    raise ReconcilerError(
        f"step {step.id}: {step.kind.value} is not in plan format {FORMAT_VERSION}"
    )


def step_to_dict(step: Step) -> JsonObject:
    return {
        "id": step.id,
        "kind": step.kind.value,
        "address": step.address,
        "depends_on": list(step.depends_on),
        "payload": payload_to_json(step),
    }


def plan_digest(changes: Sequence[Change], steps: Sequence[Step]) -> str:
    """sha256 over the canonical JSON of changes + steps (never over created_at)."""
    body = {
        "changes": [change_to_dict(c) for c in changes],
        "steps": [step_to_dict(s) for s in steps],
    }
    return "sha256:" + hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def bindings_digest(entries: Sequence[LiveBinding]) -> str:
    """The precondition of a rebind: sha256 of the live ordered (action_id, display_name)."""
    data = [[e.action_id, e.display_name] for e in entries]
    return "sha256:" + hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()
