"""Field-level detail: deepdiff for the structured fields, difflib for code.

Both give the typed records of reconciler.diff.records. Secret values never appear:
secrets are compared by name here and by digest in reconciler.diff.actions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from reconciler.core.model import Dependency
from reconciler.core.trailer import normalise_code
from reconciler.diff.records import DependencyChange, FieldChange


def deps_map(deps: Iterable[Dependency]) -> dict[str, str]:
    """name -> version; order-insensitive by construction."""
    return {d.name: d.version for d in deps}


@dataclass(frozen=True, slots=True)
class Shape:
    """The structured (non-code) fields of an action or version, in comparable form."""

    trigger: str
    runtime: str
    dependencies: dict[str, str]
    secret_names: frozenset[str]

    def tree(self) -> dict[str, object]:
        return {
            "trigger": self.trigger,
            "runtime": self.runtime,
            "dependencies": dict(self.dependencies),
            "secret_names": set(self.secret_names),
        }


def shape(
    trigger: str, runtime: str, deps: Iterable[Dependency], secret_names: Iterable[str]
) -> Shape:
    """The structured (non-code) fields of an action or version, in comparable form."""
    return Shape(trigger, runtime, deps_map(deps), frozenset(secret_names))


@dataclass(frozen=True, slots=True)
class StructuredDiff:
    """Two shapes compared: trigger/runtime before/after, one entry per dependency, secret
    names added/removed (name -> "added" | "removed"); None where equal."""

    trigger: FieldChange | None = None
    runtime: FieldChange | None = None
    dependencies: tuple[DependencyChange, ...] | None = None
    secret_names: dict[str, str] | None = None

    def changed(self, name: str) -> bool:
        return getattr(self, name) is not None


def structured_diff(before: Shape, after: Shape) -> StructuredDiff:
    """deepdiff of two `shape()`s as plan data: trigger/runtime before/after, one entry per
    dependency (`before`/`after` null when absent), secret names added/removed."""
    if before == after:
        return StructuredDiff()
    changes: dict[str, FieldChange] = {}
    deps: dict[str, DependencyChange] = {}
    secrets: dict[str, str] = {}
    from deepdiff import DeepDiff  # ~0.2 s to import: only when a structured field changed

    tree = DeepDiff(before.tree(), after.tree(), view="tree")
    for report, levels in tree.items():
        for level in levels:
            path = level.path(output_format="list")
            top = path[0]
            if top in ("trigger", "runtime"):
                changes[top] = FieldChange(getattr(before, top), getattr(after, top))
            elif top == "dependencies":
                old, new = before.dependencies, after.dependencies
                # deepdiff reports a map whose keys were all replaced as one changed value
                names = [str(path[1])] if len(path) > 1 else sorted({*old, *new})
                for name in names:
                    if old.get(name) != new.get(name):
                        deps[name] = DependencyChange(name, old.get(name), new.get(name))
            elif top == "secret_names":
                item = level.t2 if report == "set_item_added" else level.t1
                secrets[str(item)] = "added" if report == "set_item_added" else "removed"
    return StructuredDiff(
        trigger=changes.get("trigger"),
        runtime=changes.get("runtime"),
        dependencies=tuple(deps[n] for n in sorted(deps)) if deps else None,
        secret_names=secrets or None,
    )


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
