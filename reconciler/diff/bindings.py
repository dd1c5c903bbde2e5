"""Owned triggers: the desired ordered list of (action name, display name) vs the live one,
compared by position. Any difference is one rebind that writes the whole list.

`bindings_change` is the one place a rebind's before/after/positions record is made: for an
owned trigger here, and for the planner's unbind-before-delete of a trigger it does not own."""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.core.livemodel import LiveTriggerBindings
from reconciler.core.model import DesiredTriggerBindings
from reconciler.diff.records import BindingRow, BindingsChange, Position
from reconciler.diff.types import BindingsDiff

Entry = tuple[str, str]  # (action name, display name)


def _keyed(entries: Sequence[Entry]) -> dict[tuple[str, int], tuple[int, str]]:
    """(name, occurrence) -> (1-based position, display name); occurrence handles repeats."""
    seen: dict[str, int] = {}
    out: dict[tuple[str, int], tuple[int, str]] = {}
    for position, (name, display) in enumerate(entries, start=1):
        occurrence = seen.get(name, 0)
        seen[name] = occurrence + 1
        out[(name, occurrence)] = (position, display)
    return out


def positions(before: Sequence[Entry], after: Sequence[Entry]) -> tuple[Position, ...]:
    """One row per action: old position -> new position (null when absent) and display names.
    Rows follow the new order; removed actions come last in their old order."""
    old = _keyed(before)
    new = _keyed(after)
    rows: list[Position] = []
    ordered = sorted(new, key=lambda k: new[k][0]) + sorted(
        (k for k in old if k not in new), key=lambda k: old[k][0]
    )
    for key in ordered:
        was = old.get(key)
        now = new.get(key)
        rows.append(
            Position(
                action=key[0],
                before=was[0] if was else None,
                after=now[0] if now else None,
                display_name_before=was[1] if was else None,
                display_name_after=now[1] if now else None,
            )
        )
    return tuple(rows)


def bindings_change(before: Sequence[Entry], after: Sequence[Entry]) -> BindingsChange:
    """The change from the list `before` to the list `after` (both (action, display name))."""
    return BindingsChange(
        before=tuple(BindingRow(n, d) for n, d in before),
        after=tuple(BindingRow(n, d) for n, d in after),
        positions=positions(before, after),
    )


def live_entries(live: LiveTriggerBindings | None) -> list[Entry]:
    return [(e.action_name, e.display_name) for e in live.entries] if live else []


def diff_bindings(
    desired: DesiredTriggerBindings, live: LiveTriggerBindings | None
) -> BindingsDiff:
    want = [(e.action, e.display_name) for e in desired.entries]
    have = live_entries(live)
    if want == have:
        return BindingsDiff(desired.trigger, desired, live, changed=False)
    diff = bindings_change(have, want)
    return BindingsDiff(desired.trigger, desired, live, changed=True, diff=diff)
