"""Settling the deferred content lints against the live tenant (pure).

Validation is never stricter than Auth0 about what the tenant already runs: a lint on an action
whose code, runtime and trigger (id and version) equal the live action's draft or its deployed
version is a warning; on content this plan would write it stays an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from reconciler.core.errors import ManifestError, Problem
from reconciler.core.livemodel import LiveAction, LiveState
from reconciler.core.model import DesiredAction, DesiredState
from reconciler.core.trailer import strip_trailer


def unchanged(desired: DesiredAction, live: Iterable[LiveAction]) -> bool:
    """Does the tenant already hold this code, runtime and trigger for an action of this name
    (in the draft, or in the deployed version)? The ownership trailer is not content."""
    for action in live:
        if action.marketplace or (action.trigger, action.trigger_version) != (
            desired.trigger,
            desired.trigger_version,
        ):
            continue
        held = [(action.code, action.runtime)]
        if action.deployed_version is not None:
            held.append((action.deployed_version.code, action.deployed_version.runtime))
        for code, runtime in held:
            if strip_trailer(code)[0] == desired.code and runtime == desired.runtime:
                return True
    return False


def settle(desired: DesiredState, live: LiveState) -> tuple[str, ...]:
    """The warnings for lints on unchanged live content; raises ManifestError listing the lints
    on new or changed content (each problem once, even when several actions share a file)."""
    return settle_with(
        desired,
        lambda a: unchanged(a, live.action_named(a.name)),
        "unchanged from the live action",
    )


def settle_with(
    desired: DesiredState, is_unchanged: Callable[[DesiredAction], bool], why: str
) -> tuple[str, ...]:
    """`settle` with another judge of "unchanged" (offline: the record `export` wrote)."""
    errors: dict[Problem, None] = {}
    warnings: dict[str, None] = {}
    for lint in desired.lints:
        action = desired.action(lint.action)
        if action is not None and is_unchanged(action):
            warnings[f"{lint.problem} ({why}, so not blocking)"] = None
        else:
            errors[lint.problem] = None
    if errors:
        raise ManifestError(list(errors))
    return tuple(warnings)
