"""The diff: desired vs live, pure (DESIGN.md "Diff semantics").

`diff_state` answers, per action, whether the draft and the deployed version equal the
manifest, classifies ownership (create / managed / adopt / orphan / unmanaged) and drift, and
compares the ordered binding list of each owned trigger. Decisions about ordering, deletes and
guards belong to reconciler.plan.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.core.digests import DEFAULT, Scheme
from reconciler.core.errors import ReconcilerError
from reconciler.core.livemodel import LiveAction, LiveState
from reconciler.core.model import DesiredState
from reconciler.diff.actions import classify_leftover, diff_desired, ignore_glob
from reconciler.diff.bindings import diff_bindings
from reconciler.diff.types import (
    ActionDiff,
    BindingsDiff,
    StateDiff,
)


def _group(live: LiveState, globs: Sequence[str]) -> dict[str, list[LiveAction]]:
    groups: dict[str, list[LiveAction]] = {}
    for action in live.actions:
        groups.setdefault(action.name, []).append(action)
    for name, same in sorted(groups.items()):
        if len(same) > 1 and ignore_glob(name, globs) is None:
            if all(a.marketplace for a in same):
                continue
            ids = ", ".join(a.id for a in same)
            raise ReconcilerError(
                f"the tenant has {len(same)} actions named {name!r} ({ids}); "
                "rename or delete all but one before planning"
            )
    return groups


def diff_state(
    desired: DesiredState,
    live: LiveState,
    *,
    targets: Sequence[str] = (),
    scheme: Scheme = DEFAULT,
) -> StateDiff:
    """Compare the manifests with the tenant. `targets` narrows to those action names and to
    the owned triggers whose desired or live list names one of them. `scheme`: the one new
    secret digests are made with (a live digest in another is refreshed)."""
    globs = desired.settings.ignore
    groups = _group(live, globs)
    wanted = set(targets)

    def in_scope(name: str) -> bool:
        return not wanted or name in wanted

    results: list[ActionDiff] = []
    warnings: list[str] = []
    names = {a.name for a in desired.actions}
    for action in desired.actions:
        if not in_scope(action.name):
            continue
        glob = ignore_glob(action.name, globs)
        if glob is not None:
            warnings.append(
                f"action {action.name} is in the manifests but matches settings.ignore glob "
                f"{glob!r}: not touched"
            )
            continue
        same = groups.get(action.name, [])
        if same and same[0].marketplace:
            raise ReconcilerError(
                f"{action.source}: action {action.name!r} is a marketplace integration in the "
                "tenant and cannot be managed; rename the manifest action"
            )
        results.append(diff_desired(action, same[0] if same else None, scheme))
    for name, same in groups.items():
        if (name in names and ignore_glob(name, globs) is None) or not in_scope(name):
            continue
        results.extend(classify_leftover(a, globs) for a in same)
    results.sort(key=lambda r: (r.name, r.live.id if r.live else ""))

    bindings: list[BindingsDiff] = []
    for owned in desired.bindings:
        live_list = live.bindings_for(owned.trigger)
        if wanted:
            listed = {e.action for e in owned.entries}
            if live_list is not None:
                listed |= {e.action_name for e in live_list.entries}
            if not listed & wanted:
                continue
        bindings.append(diff_bindings(owned, live_list))
    return StateDiff(tuple(results), tuple(bindings), tuple(warnings))
