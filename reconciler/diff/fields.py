"""Field-level detail: deepdiff for the structured fields, difflib for code.

Both return JSON-ready data that goes into the plan unchanged. Secret values never appear:
secrets are compared by name here and by digest in reconciler.diff.actions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from reconciler.core.model import Dependency
from reconciler.core.trailer import normalise_code


def deps_map(deps: Iterable[Dependency]) -> dict[str, str]:
    """name -> version; order-insensitive by construction."""
    return {d.name: d.version for d in deps}


def shape(
    trigger: str, runtime: str, deps: Iterable[Dependency], secret_names: Iterable[str]
) -> dict[str, Any]:
    """The structured (non-code) fields of an action or version, in comparable form."""
    return {
        "trigger": trigger,
        "runtime": runtime,
        "dependencies": deps_map(deps),
        "secret_names": set(secret_names),
    }


def structured_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """deepdiff of two `shape()`s as plan data: trigger/runtime before/after, one entry per
    dependency (`before`/`after` null when absent), secret names added/removed."""
    out: dict[str, Any] = {}
    if before == after:
        return out
    deps: dict[str, dict[str, str | None]] = {}
    secrets: dict[str, str] = {}
    from deepdiff import DeepDiff  # ~0.2 s to import: only when a structured field changed

    tree = DeepDiff(dict(before), dict(after), view="tree")
    for report, levels in tree.items():
        for level in levels:
            path = level.path(output_format="list")
            top = path[0]
            if top in ("trigger", "runtime"):
                out[top] = {"before": before[top], "after": after[top]}
            elif top == "dependencies":
                old, new = before["dependencies"], after["dependencies"]
                # deepdiff reports a map whose keys were all replaced as one changed value
                names = [str(path[1])] if len(path) > 1 else sorted({*old, *new})
                for name in names:
                    if old.get(name) != new.get(name):
                        deps[name] = {"before": old.get(name), "after": new.get(name)}
            elif top == "secret_names":
                item = level.t2 if report == "set_item_added" else level.t1
                secrets[str(item)] = "added" if report == "set_item_added" else "removed"
    if deps:
        out["dependencies"] = [{"name": n, **deps[n]} for n in sorted(deps)]
    if secrets:
        out["secret_names"] = secrets
    return out


def code_lines(code: str) -> list[str]:
    return normalise_code(code).splitlines()


def code_diff(before: str, after: str, *, before_label: str, after_label: str) -> list[str]:
    """Unified diff (3 lines of context) of the normalised texts, as lines without newlines."""
    return list(
        difflib.unified_diff(
            code_lines(before),
            code_lines(after),
            fromfile=before_label,
            tofile=after_label,
            n=3,
            lineterm="",
        )
    )
