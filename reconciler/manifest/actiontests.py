"""`tests:` of an action: test cases run locally by `reconciler test --all`."""

from __future__ import annotations

import json
from typing import Any

from reconciler.core.model import ActionTest, ExpectedCommand
from reconciler.manifest.codefile import read_code
from reconciler.manifest.context import Context, Entry
from reconciler.manifest.files import EVENT_SUFFIXES

# A YAML payload inside the manifest root has one of the EVENT_SUFFIXES names; the loader skips
# them, and reads every other YAML file as a manifest.


def _command(item: Any) -> ExpectedCommand:
    if isinstance(item, str):
        return ExpectedCommand(item)
    ((name, args),) = item.items()
    return ExpectedCommand(str(name), json.dumps(args, ensure_ascii=False, sort_keys=True))


def _one(ctx: Context, entry: Entry, index: int, raw: dict[str, Any]) -> ActionTest | None:
    where = (*entry.path, "tests", index)
    has_commands, has_error = "commands" in raw, "error" in raw
    if has_commands == has_error:
        ctx.report(
            entry.doc,
            where,
            "a test case expects either commands or an error (exactly one of the two)",
        )
        return None
    payload = read_code(ctx.root_dir, entry.doc.path.parent, raw["payload"])
    if isinstance(payload, str):
        ctx.report(entry.doc, (*where, "payload"), payload.replace("code ", "payload "))
        return None
    if payload.rel.endswith((".yaml", ".yml")) and not payload.rel.endswith(EVENT_SUFFIXES):
        ctx.report(
            entry.doc,
            (*where, "payload"),
            f"a YAML payload file must be named *.event.yaml ({payload.rel} would be read as a "
            "manifest); or use JSON",
        )
        return None
    error: dict[str, Any] = raw.get("error") or {}
    return ActionTest(
        name=str(raw.get("name") or payload.rel),
        payload=payload.rel,
        commands=tuple(_command(c) for c in raw["commands"]) if has_commands else None,
        error=(str(error["name"]), str(error["message"])) if has_error else None,
        source=entry.location(("tests", index)),
    )


def build_tests(ctx: Context, entry: Entry) -> tuple[tuple[ActionTest, ...], bool]:
    """The action's test cases (schema-valid already); False when one has a problem."""
    out: list[ActionTest] = []
    ok = True
    for index, raw in enumerate(entry.raw.get("tests", [])):
        case = _one(ctx, entry, index, raw)
        ok = ok and case is not None
        if case is not None:
            out.append(case)
    return tuple(out), ok
