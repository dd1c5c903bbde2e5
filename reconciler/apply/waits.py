"""Waiting for builds and deploys with one list request per round (not one GET per action).

`wait` lists every action once per round (through the `TenantAPI`) and asks each awaited id's
check about it; the round interval grows from a quarter of a build to a whole one, and a
deadline bounds the whole wait. Every wait of the applier derives from `EXPECTED_BUILD_S`, the
time an Auth0 build takes (about 1 s, reference §4.1): polling sooner only spends requests
against the rate limit. The test suite sets it to its emulators' build time (tests/conftest.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence

from reconciler.auth0.protocol import TenantAPI
from reconciler.core.errors import clip
from reconciler.core.livemodel import BuildError, LiveAction, LiveVersion
from reconciler.core.model import Dependency

#: None = still waiting; otherwise (ok, message)
Outcome = tuple[bool, str] | None
Check = Callable[[LiveAction], Outcome]
INTERVALS = (0.25, 0.5, 0.5, 1.0)  # in builds
EXPECTED_BUILD_S = 1.0


def interval(rounds: int) -> float:
    """Seconds to wait after poll round `rounds` (0-based) before the next one."""
    return INTERVALS[min(rounds, len(INTERVALS) - 1)] * EXPECTED_BUILD_S


def _shown(value: object) -> str:
    """Tenant text in a message: printable characters only, at most 80 of them. Not
    `core.escaping.terminal`: a build error shows "?" for what is not printable, and the step
    line escapes the message again on its way out."""
    return clip("".join(c if c.isprintable() else "?" for c in str(value)), 80)


def why_failed(
    errors: Sequence[BuildError], runtime: str, deps: Sequence[Dependency], live: int | None
) -> str:
    """Why a build failed. Real failed builds carry no `errors[]` (TF-REC TestAccAction #43:
    only `status: "failed"`), so without one this says what the API does give: the runtime and
    dependencies (the usual cause is a dependency npm cannot resolve), and which version (number
    `live`) stays deployed."""
    msgs = [e.msg for e in errors if e.msg]
    if msgs:
        return clip("; ".join(_shown(m) for m in msgs))
    named = ", ".join(_shown(f"{d.name or '?'}@{d.version or '?'}") for d in deps[:10])
    why = (
        f"status failed, Auth0 gave no build errors (runtime {_shown(runtime or '?')}, "
        f"dependencies: {named or 'none'}); check that every dependency version exists on npm"
    )
    if live is not None and live > 0:
        why += f"; version {live} stays deployed"
    return why


def draft_failure(action: LiveAction) -> str:
    live = action.deployed_version.number if action.deployed_version is not None else None
    return why_failed(action.errors, action.runtime, action.dependencies, live)


def version_failure(version: LiveVersion) -> str:
    return why_failed(version.errors, version.runtime, version.dependencies, None)


def built(expect_deployed: bool) -> Check:
    """A draft is done when `built` (or `failed`); a create-with-deploy also needs its
    deployed version built."""

    def check(action: LiveAction) -> Outcome:
        if action.status == "failed":
            return False, f"build failed: {draft_failure(action)}"
        if action.status != "built":
            return None
        if not expect_deployed:
            return True, "built"
        version = action.deployed_version
        if version is None:
            return None
        if version.status == "failed":
            return False, f"build failed: {version_failure(version)}"
        if version.status == "built":
            return True, f"built and deployed as version {version.number or '?'}"
        return None

    return check


def deployed(version_id: str, number: int | None = None) -> Check:
    """Done when `version_id` is the deployed version, or (given its `number`) when a newer
    version has already replaced it: a concurrent apply deployed after us, and waiting for
    ours would only run into the timeout. The verify step judges the final content."""

    def check(action: LiveAction) -> Outcome:
        version = action.deployed_version
        if version is None:
            return None
        if version.id == version_id:
            return True, f"deployed version {version.number or '?'}"
        if number is not None and version.number > number:
            return True, f"deployed version {number}, since replaced by version {version.number}"
        return None

    return check


def _rounds(
    read: Callable[[], Mapping[str, LiveAction]],
    checks: Mapping[str, Check],
    timeout: float,
    first_delay: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> dict[str, tuple[bool, str]]:
    outcomes: dict[str, tuple[bool, str]] = {}
    pending = dict(checks)
    deadline = clock() + timeout
    if first_delay > 0:
        sleep(first_delay)
    rounds = 0
    while pending:
        by_id = read()
        for action_id, check in list(pending.items()):
            obj = by_id.get(action_id)
            outcome = check(obj) if obj is not None else (False, "the action disappeared")
            if outcome is not None:
                outcomes[action_id] = outcome
                del pending[action_id]
        if not pending:
            break
        if clock() >= deadline:
            for action_id in pending:
                outcomes[action_id] = (False, f"timed out after {timeout:.0f} s")
            break
        sleep(interval(rounds))
        rounds += 1
    return outcomes


def wait(
    api: TenantAPI,
    checks: Mapping[str, Check],
    *,
    timeout: float,
    first_delay: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    lister: Callable[[], Sequence[LiveAction]] | None = None,
) -> dict[str, tuple[bool, str]]:
    """Wait until every awaited action id has an outcome; returns id -> (ok, message).
    `lister`: how to read the action list (default `api.list_actions`)."""

    def read() -> dict[str, LiveAction]:
        return {a.id: a for a in (lister or api.list_actions)()}

    return _rounds(read, checks, timeout, first_delay, clock, sleep)


def ids(values: Iterable[str | None]) -> list[str]:
    return [v for v in values if v]
