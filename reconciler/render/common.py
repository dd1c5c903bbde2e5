"""What every renderer says the same way: symbols, the summary line, per-change detail lines.

Detail comes only from the plan data, which holds no secret value; renderers stay pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reconciler.diff.records import (
    BindingsChange,
    DeletedDetail,
    FieldChange,
    FieldDiff,
    JsonValue,
    Position,
)
from reconciler.plan import ActionPrecondition, Change, Plan

SYMBOLS = {
    "create": "+",
    "update": "~",
    "deploy": "^",
    "publish": "^",  # a module's new version: its "deploy"
    "delete": "-",
    "rebind": ">",
    "adopt": "=",
}
LEGEND = "Symbols: + create  ~ update  ^ deploy  - delete  > rebind  = adopt (take over)"
NO_CHANGES = "No changes. The tenant matches the manifests."
_PRIORITY = ("create", "delete", "adopt", "update", "deploy", "publish", "rebind")


def symbol(change: Change) -> str:
    for word in _PRIORITY:
        if word in change.actions:
            return SYMBOLS[word]
    return " "


def summary_line(plan: Plan) -> str:
    s = plan.summary
    line = (
        f"Plan: {s['create']} to create, {s['update']} to update, {s['deploy']} to deploy, "
        f"{s['rebind']} to rebind, {s['delete']} to delete."
    )
    if s["adopt"]:
        noun = "action" if s["adopt"] == 1 else "actions"
        line += f" {s['adopt']} {noun} adopted (found without the ownership trailer)."
    return line


def planned(plan: Plan) -> list[Change]:
    return [c for c in plan.changes if c.planned]


def unplanned_deletes(plan: Plan) -> list[Change]:
    return [c for c in plan.changes if not c.planned and "delete" in c.actions]


def unmanaged(plan: Plan) -> list[Change]:
    return [c for c in plan.changes if "unmanaged" in c.actions]


def drifted(plan: Plan) -> list[Change]:
    return [c for c in plan.changes if c.drift]


def deleted(plan: Plan) -> list[Change]:
    return [c for c in plan.changes if c.planned and "delete" in c.actions]


def empty_message(plan: Plan) -> str:
    waiting = len(unplanned_deletes(plan))
    if not waiting:
        return NO_CHANGES
    noun = "action" if waiting == 1 else "actions"
    return f"No changes to apply. {waiting} {noun} would be deleted with --allow-delete."


def header(change: Change) -> str:
    return f"{symbol(change)} {change.address} ({', '.join(change.actions)})"


def _quote(text: str | None) -> str:
    return "(none)" if text is None else text


def _field_lines(diff: FieldDiff) -> list[str]:
    lines: list[str] = []
    against = diff.against
    if against and against not in ("nothing", "tenant draft"):
        lines.append(f"compared with the {against}")
    for key, change in (("trigger", diff.trigger), ("runtime", diff.runtime)):
        if change is not None:
            lines.append(f"{key}: {_before_after(change)}")
    if diff.protect is not None:
        lines.append(f"protect: {_before_after(diff.protect)}")
    deps = diff.dependencies or ()
    if deps:
        lines.append("dependencies:")
        width = max(len(d.name) for d in deps)
        for d in deps:
            if d.before is None and against == "nothing":
                change_text = str(d.after)
            elif d.after is None:
                change_text = f"{d.before} -> (removed)"
            else:
                change_text = f"{_quote(d.before)} -> {d.after}"
            lines.append(f"  {d.name.ljust(width)}  {change_text}")
    for secret in diff.secrets or ():
        lines.append(f"secret {secret.name}: {secret.change}")
    code = diff.code
    if code is not None and code.lines is not None:
        lines.append(f"code: {code.lines} lines from {code.file}")
    lines.extend(deleted_lines(diff.deleted))
    return lines


def _before_after(change: FieldChange) -> str:
    before, after = change.before, change.after
    return _scalar(after) if before is None else f"{_scalar(before)} -> {_scalar(after)}"


def attribute_lines(change: Change) -> list[str]:
    """The non-code detail of a change: one line per fact, no indentation."""
    diff = change.diff
    if isinstance(diff, BindingsChange):
        return binding_lines(diff.positions)
    lines = _field_lines(diff)
    pre = change.preconditions
    if "delete" in change.actions and isinstance(pre, ActionPrecondition) and pre.id:
        lines.append(f"action id: {pre.id}")
    return lines


def deleted_lines(gone: DeletedDetail | None) -> list[str]:
    """What a delete removes: trigger, deployed version, code size and its first lines."""
    if gone is None:
        return []
    version = gone.deployed_version
    deployed = "never deployed" if version is None else f"deployed version {version}"
    head = gone.head
    first = f"; first {len(head)} non-empty lines:" if head else ""
    return [
        f"deletes: {gone.trigger} {gone.trigger_version} action, {deployed}",
        f"code: {gone.code_lines} lines, {gone.code_bytes} bytes{first}",
        *(f"  | {line}" for line in head),
    ]


def deleted_of(change: Change) -> DeletedDetail | None:
    """What the delete of `change` removes (None: not a delete, or nothing read)."""
    return change.diff.deleted if isinstance(change.diff, FieldDiff) else None


def _scalar(value: JsonValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def binding_lines(rows: Iterable[Position]) -> list[str]:
    """Binding order as positions old -> new, in the new order; removed ones last."""
    rows = list(rows)
    labels = []
    for r in rows:
        shown = r.display_name_after or r.display_name_before
        label = r.action if shown in (None, r.action) else f'{r.action} "{shown}"'
        labels.append(label)
    width = max((len(label) for label in labels), default=0)
    out = ["position (old -> new):"]
    for r, label in zip(rows, labels, strict=True):
        before = "new" if r.before is None else str(r.before)
        after = "removed" if r.after is None else str(r.after)
        line = f"  {label.ljust(width)}  {before} -> {after}"
        if (
            r.before is not None
            and r.after is not None
            and r.display_name_before != r.display_name_after
        ):
            line += f' (display name "{r.display_name_before}" -> "{r.display_name_after}")'
        out.append(line)
    return out


def code_diff(change: Change, *, context: bool = True) -> list[str]:
    """The unified code diff lines (3 lines of context, or none when context=False)."""
    diff = change.diff
    code = diff.code if isinstance(diff, FieldDiff) else None
    if code is None or code.unified is None:
        return []
    lines = list(code.unified)
    return lines if context else drop_context(lines)


_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def drop_context(lines: list[str]) -> list[str]:
    """A unified diff without context lines, with hunk headers recomputed per run of changes."""
    out = [line for line in lines[:2] if line.startswith(("---", "+++"))]
    old = new = 0
    run: list[str] = []
    run_old = run_new = 0

    def flush() -> None:
        if run:
            n_old = sum(1 for x in run if x.startswith("-"))
            n_new = len(run) - n_old
            start_old = run_old if n_old else run_old - 1
            start_new = run_new if n_new else run_new - 1
            out.append(f"@@ -{start_old},{n_old} +{start_new},{n_new} @@")
            out.extend(run)
            run.clear()

    for line in lines[len(out) :]:
        match = _HUNK.match(line)
        if match:
            flush()
            old, new = int(match.group(1)), int(match.group(2))
            continue
        if line.startswith("-") or line.startswith("+"):
            if not run:
                run_old, run_new = old, new
            run.append(line)
            if line.startswith("-"):
                old += 1
            else:
                new += 1
        else:  # context (" ") or "\ No newline" marker
            flush()
            old += 1
            new += 1
    flush()
    return out
