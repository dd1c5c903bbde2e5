"""The plan as a versioned JSON document: `plan --out FILE` writes it, `apply --plan FILE` reads
it. Reading validates against schemas/plan.schema.json and re-checks the plan digest, so a
hand-edited or truncated file is refused with one clear line.

This package is the one place (with reconciler.render.jsonout, which prints its document) where
the typed plan records become JSON (`encode`) and JSON becomes records again (`decode`)."""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import PurePath

import jsonschema

from reconciler.core.errors import ReconcilerError, clip
from reconciler.diff.records import JsonValue
from reconciler.plan import sign as plansign
from reconciler.plan.kinds import Step
from reconciler.plan.planfile.decode import (
    Invalid,
    change_from_json,
    items,
    obj,
    opt_text,
    step_from_json,
    text,
    texts,
    whole,
)
from reconciler.plan.planfile.encode import (
    JsonObject,
    bindings_digest,
    canonical,
    change_to_dict,
    plan_digest,
    step_to_dict,
)
from reconciler.plan.types import FORMAT_VERSION, SUMMARY_KEYS, Plan

__all__ = [
    "bindings_digest",
    "canonical",
    "change_to_dict",
    "dumps",
    "loads",
    "plan_digest",
    "plan_from_dict",
    "plan_schema",
    "plan_to_dict",
    "recorded_root",
    "step_to_dict",
]


@functools.cache
def plan_schema() -> JsonObject:
    text = resources.files("reconciler").joinpath("schemas", "plan.schema.json").read_text("utf-8")
    schema: JsonObject = json.loads(text)
    return schema


def plan_to_dict(plan: Plan) -> JsonObject:
    data: JsonObject = {
        "format_version": plan.format_version,
        "tenant": plan.tenant,
        "manifest_digest": plan.manifest_digest,
        "plan_digest": plan.plan_digest,
        "created_at": plan.created_at,
        "targets": list(plan.targets),
        "summary": {k: v for k, v in plan.summary.items()},
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


def _records(data: JsonObject, source: str) -> Plan:
    """The typed plan of a schema-valid document."""
    try:
        changes = tuple(change_from_json(obj(c)) for c in items(data, "changes"))
        steps = tuple(step_from_json(obj(s)) for s in items(data, "steps"))
        summary = obj(data["summary"])
        return Plan(
            tenant=text(data, "tenant"),
            manifest_digest=text(data, "manifest_digest"),
            plan_digest=text(data, "plan_digest"),
            created_at=text(data, "created_at"),
            targets=texts(data, "targets"),
            summary={k: whole(summary, k) for k in SUMMARY_KEYS},
            changes=changes,
            steps=steps,
            blocked=texts(data, "blocked"),
            warnings=texts(data, "warnings"),
            format_version=text(data, "format_version"),
            root=opt_text(data, "root"),
        )
    except Invalid as exc:
        raise ReconcilerError(f"{source}: invalid plan file: {exc}") from None


def plan_from_dict(data: JsonValue, *, source: str = "plan") -> Plan:
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
    plan = _records(obj(data), source)
    if plan_digest(plan.changes, plan.steps) != plan.plan_digest:
        raise ReconcilerError(
            f"{source}: the plan digest does not match its content (edited or damaged); "
            "run plan again"
        )
    _check_step_ids(plan.steps, source)
    return plan


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
