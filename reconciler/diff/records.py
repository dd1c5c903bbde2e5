"""The field-level diff as typed records: what a change shows of a resource (DESIGN.md "Plan",
a change's `diff`). Built by reconciler.diff (and the planner, for what a delete removes), read by
the renderers; made into plan JSON and read back only in reconciler.plan.planfile.

An action's diff is one `FieldDiff` (all members optional: an unchanged or unplanned action has
an empty one); a trigger's is one `BindingsChange`. Secret values never appear: secrets are
named with a change word only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

#: An opaque JSON value (the before or after of a field, as the plan records it).
JsonValue: TypeAlias = "str | int | float | bool | None | list[JsonValue] | dict[str, JsonValue]"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A scalar field's value before and after (before is None for a create)."""

    before: JsonValue
    after: JsonValue


@dataclass(frozen=True, slots=True)
class DependencyChange:
    """One npm dependency whose version differs (None: absent on that side)."""

    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class SecretChange:
    """One secret by name, with a change word (added, removed, new value, not compared ...)."""

    name: str
    change: str


@dataclass(frozen=True, slots=True)
class CodeDiff:
    """The code: a unified diff against the compared side, or (a create) its line count."""

    file: str
    lines: int | None = None
    unified: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class DeletedDetail:
    """What a delete removes, read from the tenant: trigger, deployed version number, code size
    and its first non-empty lines (trailer stripped, control characters replaced)."""

    trigger: str
    trigger_version: str
    deployed_version: int | None
    code_bytes: int
    code_lines: int
    head: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """An action's change: each member present only when it differs. `against` says what the
    manifest was compared with ("nothing" for a create, "tenant draft", "deployed version N")."""

    against: str | None = None
    trigger: FieldChange | None = None
    runtime: FieldChange | None = None
    protect: FieldChange | None = None
    dependencies: tuple[DependencyChange, ...] | None = None
    secrets: tuple[SecretChange, ...] | None = None
    code: CodeDiff | None = None
    deleted: DeletedDetail | None = None

    @property
    def shown(self) -> tuple[str, ...]:
        """The names of the present members, in plan order."""
        return tuple(n for n in FIELD_DIFF_NAMES if getattr(self, n) is not None)


FIELD_DIFF_NAMES = (
    "against",
    "trigger",
    "runtime",
    "protect",
    "dependencies",
    "secrets",
    "code",
    "deleted",
)


@dataclass(frozen=True, slots=True)
class BindingRow:
    """One entry of a binding list as a diff shows it."""

    action: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Position:
    """One action of a rebind: old and new 1-based position (None when absent) and display
    names on either side."""

    action: str
    before: int | None
    after: int | None
    display_name_before: str | None
    display_name_after: str | None


@dataclass(frozen=True, slots=True)
class BindingsChange:
    """A trigger's change: the live list, the list written, and one row per action (rows in
    the new order; removed actions last, in their old order)."""

    before: tuple[BindingRow, ...]
    after: tuple[BindingRow, ...]
    positions: tuple[Position, ...]

    @property
    def added(self) -> list[str]:
        return [r.action for r in self.positions if r.before is None]

    @property
    def removed(self) -> list[str]:
        return [r.action for r in self.positions if r.after is None]

    @property
    def kept(self) -> list[Position]:
        return [r for r in self.positions if r.before is not None and r.after is not None]

    @property
    def reordered(self) -> bool:
        """The relative order of the actions on both lists changed."""
        old = [r.before for r in self.kept]  # kept rows are in the new order
        return old != sorted(old, key=lambda n: n or 0)

    @property
    def renamed(self) -> list[str]:
        return [r.action for r in self.kept if r.display_name_before != r.display_name_after]


#: What a change shows of its resource.
ChangeDiff = FieldDiff | BindingsChange
