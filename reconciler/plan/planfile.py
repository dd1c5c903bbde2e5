"""The plan as a versioned JSON document: `plan --out FILE` writes it, `apply --plan FILE` reads
it. Reading validates against schemas/plan.schema.json and re-checks the plan digest, so a
hand-edited or truncated file is refused with one clear line."""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import PurePath
from typing import Any

import jsonschema

from reconciler.core.errors import ReconcilerError, clip
from reconciler.diff import Drift
from reconciler.plan import (
    FORMAT_VERSION,
    Change,
    Plan,
    Step,
    change_to_dict,
    plan_digest,
    step_to_dict,
)
from reconciler.plan import sign as plansign


@functools.cache
def plan_schema() -> dict[str, Any]:
    text = resources.files("reconciler").joinpath("schemas", "plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    data = {
        "format_version": plan.format_version,
        "tenant": plan.tenant,
        "manifest_digest": plan.manifest_digest,
        "plan_digest": plan.plan_digest,
        "created_at": plan.created_at,
        "targets": list(plan.targets),
        "summary": dict(plan.summary),
        "changes": [change_to_dict(c) for c in plan.changes],
        "steps": [step_to_dict(s) for s in plan.steps],
        "blocked": list(plan.blocked),
        "warnings": list(plan.warnings),
    }
    if plan.root is not None:
        data["root"] = plan.root
    return data


def recorded_root(root: str) -> str:
    """The root as a plan file records it: as given, in POSIX form (`./a/` -> `a`)."""
    return PurePath(root).as_posix()


def dumps(plan: Plan, *, key: str | None = None) -> str:
    """The plan document: sorted keys, indent 2, a final newline; signed when `key` is given."""
    data = plan_to_dict(plan)
    if key:
        data["signature"] = plansign.sign(data, key)
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _where(error: jsonschema.ValidationError) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return path.lstrip(".") or "(top level)"


def _check_step_ids(steps: tuple[Step, ...], source: str) -> None:
    """Step ids are unique and every dependency names one of them."""
    ids = [s.id for s in steps]
    if len(set(ids)) != len(ids):
        raise ReconcilerError(f"{source}: invalid plan file: duplicate step ids")
    known = set(ids)
    for step in steps:
        missing = [d for d in step.depends_on if d not in known]
        if missing:
            raise ReconcilerError(
                f"{source}: invalid plan file: step {clip(step.id, 100)} depends on unknown "
                f"{clip(missing[0], 100)}"
            )


def plan_from_dict(data: Any, *, source: str = "plan") -> Plan:
    """Validate and load a plan document; ReconcilerError naming the problem otherwise."""
    if isinstance(data, dict) and data.get("format_version") not in (None, FORMAT_VERSION):
        raise ReconcilerError(
            f"{source}: plan format_version {clip(repr(data.get('format_version')), 40)} "
            "is not supported "
            f"(this reconciler reads {FORMAT_VERSION!r})"
        )
    validator = jsonschema.Draft202012Validator(plan_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = min(errors, key=lambda e: len(list(e.absolute_path)))
        message = first.message if len(first.message) <= 160 else first.message[:157] + "..."
        raise ReconcilerError(f"{source}: invalid plan file at {_where(first)}: {message}")
    changes = tuple(
        Change(
            address=c["address"],
            actions=tuple(c["actions"]),
            reason=c["reason"],
            diff=c["diff"],
            drift=tuple(Drift(d["category"], d["detail"]) for d in c["drift"]),
            preconditions=c["preconditions"],
            planned=c["planned"],
        )
        for c in data["changes"]
    )
    steps = tuple(
        Step(s["id"], s["kind"], s["address"], tuple(s["depends_on"]), s["payload"])
        for s in data["steps"]
    )
    digest = plan_digest(changes, steps)
    if digest != data["plan_digest"]:
        raise ReconcilerError(
            f"{source}: the plan digest does not match its content (edited or damaged); "
            "run plan again"
        )
    _check_step_ids(steps, source)
    return Plan(
        tenant=data["tenant"],
        manifest_digest=data["manifest_digest"],
        plan_digest=data["plan_digest"],
        created_at=data["created_at"],
        targets=tuple(data["targets"]),
        summary=dict(data["summary"]),
        changes=changes,
        steps=steps,
        blocked=tuple(data["blocked"]),
        warnings=tuple(data["warnings"]),
        format_version=data["format_version"],
        root=data.get("root"),
    )


def loads(text: str, *, source: str = "plan", key: str | None = None) -> Plan:
    """Parse a plan file's text (see plan_from_dict). With `key`, the signature is checked
    first (GuardError, exit 3, for a missing or wrong one)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReconcilerError(f"{source}: not a JSON plan file: {exc}") from None
    if key:
        plansign.check(data, key, source=source)
    return plan_from_dict(data, source=source)
