"""Waiting for builds and deploys with one list request per round (not one GET per action).

`poll` lists every action once per round and asks `check` about each awaited id; the round
interval grows from 0.25 s to 1 s, and a deadline bounds the whole wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from reconciler.auth0.client import Auth0Client
from reconciler.errors import clip

Json = dict[str, Any]
#: None = still waiting; otherwise (ok, message)
Outcome = tuple[bool, str] | None
INTERVALS = (0.25, 0.5, 0.5, 1.0)


def version_number(version: Json) -> int | None:
    """A version's `number`, or None when the API left it out or sent something else."""
    number = version.get("number")
    return number if isinstance(number, int) else None


def build_errors(obj: Json) -> str:
    errors = obj.get("errors") or []
    msgs = [str(e.get("msg", "")) for e in errors if isinstance(e, dict)]
    return clip("; ".join(m for m in msgs if m)) or "no build errors reported"


def check_build(expect_deployed: bool) -> Callable[[Json], Outcome]:
    """A draft is done when `built` (or `failed`); a create-with-deploy also needs its
    deployed version built."""

    def check(obj: Json) -> Outcome:
        status = obj.get("status")
        if status == "failed":
            return False, f"build failed: {build_errors(obj)}"
        if status != "built":
            return None
        if not expect_deployed:
            return True, "built"
        version = obj.get("deployed_version")
        if not isinstance(version, dict):
            return None
        if version.get("status") == "failed":
            return False, f"build failed: {build_errors(version)}"
        if version.get("status") == "built":
            return True, f"built and deployed as version {version.get('number', '?')}"
        return None

    return check


def check_deployed(version_id: str, number: int | None = None) -> Callable[[Json], Outcome]:
    """Done when `version_id` is the deployed version, or (given its `number`) when a newer
    version has already replaced it: a concurrent apply deployed after us, and waiting for
    ours would only run into the timeout. The verify step judges the final content."""

    def check(obj: Json) -> Outcome:
        version = obj.get("deployed_version")
        if not isinstance(version, dict):
            return None
        if version.get("id") == version_id:
            return True, f"deployed version {version.get('number', '?')}"
        live = version.get("number")
        if number is not None and isinstance(live, int) and live > number:
            return True, f"deployed version {number}, since replaced by version {live}"
        return None

    return check


def poll(
    client: Auth0Client,
    checks: dict[str, Callable[[Json], Outcome]],
    *,
    timeout: float,
    first_delay: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, tuple[bool, str]]:
    """Wait until every awaited action id has an outcome; returns id -> (ok, message)."""
    outcomes: dict[str, tuple[bool, str]] = {}
    pending = dict(checks)
    deadline = clock() + timeout
    if first_delay > 0:
        sleep(first_delay)
    rounds = 0
    while pending:
        by_id = {a.get("id"): a for a in client.list_actions()}
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
        sleep(INTERVALS[min(rounds, len(INTERVALS) - 1)])
        rounds += 1
    return outcomes


def ids(values: Iterable[str | None]) -> list[str]:
    return [v for v in values if v]
