"""The plan as a renderer may print it: every string escaped with `escaping.terminal`.

A plan carries text from outside (live action names, display names, dependency names, build
errors, a plan file read from disk). Text and Markdown call `printable(plan)` once, first, so
no field of any change can start a line, colour the terminal or reorder what is shown, whichever
renderer line it ends up in. Steps are not rendered and stay untouched (they carry the code).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import TypeVar, cast

from reconciler.core.escaping import terminal
from reconciler.diff import Drift
from reconciler.plan import Change, Plan

T = TypeVar("T")


def _clean(value: object, *, code: bool = False) -> object:
    """`value` with every string in it escaped; the code diff's lines keep their tabs."""
    if isinstance(value, str):
        return terminal(value, keep_tabs=code)
    if isinstance(value, list | tuple):
        return type(value)(_clean(v, code=code) for v in value)
    if isinstance(value, dict):
        return {terminal(str(k)): _clean(v, code=code) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        cleaned = {
            f.name: _clean(getattr(value, f.name), code=code or f.name == "unified")
            for f in fields(value)
        }
        return replace(value, **cleaned)
    return value


def _cleaned(value: T) -> T:
    """`_clean` keeps the type of what it is given (a record stays that record)."""
    return cast(T, _clean(value))


def _change(change: Change) -> Change:
    return replace(
        change,
        address=terminal(change.address),
        actions=tuple(terminal(a) for a in change.actions),
        reason=terminal(change.reason),
        diff=_cleaned(change.diff),
        drift=tuple(Drift(terminal(d.category), terminal(d.detail)) for d in change.drift),
        preconditions=_cleaned(change.preconditions),
    )


def printable(plan: Plan) -> Plan:
    """`plan` with every string a renderer prints escaped (idempotent on clean text)."""
    return replace(
        plan,
        tenant=terminal(plan.tenant),
        plan_digest=terminal(plan.plan_digest),
        created_at=terminal(plan.created_at),
        targets=tuple(terminal(t) for t in plan.targets),
        changes=tuple(_change(c) for c in plan.changes),
        blocked=tuple(terminal(b) for b in plan.blocked),
        warnings=tuple(terminal(w) for w in plan.warnings),
        format_version=terminal(plan.format_version),
    )
