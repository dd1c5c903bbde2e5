"""Waiting for builds and deploys with one list request per round (not one GET per action).

`poll` lists every action once per round and asks `check` about each awaited id; the round
interval grows from a quarter of a build to a whole one, and a deadline bounds the whole wait.
Every wait of the applier derives from `EXPECTED_BUILD_S`, the time an Auth0 build takes (about
1 s, reference §4.1): polling sooner only spends requests against the rate limit. The test suite
sets it to its emulators' build time (tests/conftest.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence

from reconciler.auth0.client import Auth0Client
from reconciler.core.errors import clip

#: An object the API answered with, read only (its members are checked where they are used).
ApiObject = Mapping[str, object]
#: None = still waiting; otherwise (ok, message)
Outcome = tuple[bool, str] | None
INTERVALS = (0.25, 0.5, 0.5, 1.0)  # in builds
EXPECTED_BUILD_S = 1.0


def interval(rounds: int) -> float:
    """Seconds to wait after poll round `rounds` (0-based) before the next one."""
    return INTERVALS[min(rounds, len(INTERVALS) - 1)] * EXPECTED_BUILD_S


def version_number(version: ApiObject) -> int | None:
    """A version's `number`, or None when the API left it out or sent something else."""
    number = version.get("number")
    return number if isinstance(number, int) else None


def _shown(value: object) -> str:
    """Tenant text in a message: printable characters only, at most 80 of them."""
    text = "".join(c if c.isprintable() else "?" for c in str(value))
    return text if len(text) <= 80 else text[:77] + "..."


def build_errors(obj: ApiObject) -> str:
    """Why a build failed. Real failed builds carry no `errors[]` (TF-REC TestAccAction #43:
    only `status: "failed"`), so without one this says what the API does give: the draft's
    runtime and dependencies (the usual cause is a dependency npm cannot resolve), and which
    version stays live."""
    errors = obj.get("errors")
    msgs = (
        [str(e.get("msg", "")) for e in errors if isinstance(e, dict)]
        if isinstance(errors, list)
        else []
    )
    if any(msgs):
        return clip("; ".join(_shown(m) for m in msgs if m))
    raw = obj.get("dependencies")
    deps = [d for d in raw if isinstance(d, dict)] if isinstance(raw, list) else []
    named = ", ".join(_shown(f"{d.get('name', '?')}@{d.get('version', '?')}") for d in deps[:10])
    why = (
        f"status failed, Auth0 gave no build errors (runtime {_shown(obj.get('runtime', '?'))}, "
        f"dependencies: {named or 'none'}); check that every dependency version exists on npm"
    )
    live = obj.get("deployed_version")
    if isinstance(live, dict) and isinstance(live.get("number"), int):
        why += f"; version {live['number']} stays deployed"
    return why


def check_build(expect_deployed: bool) -> Callable[[ApiObject], Outcome]:
    """A draft is done when `built` (or `failed`); a create-with-deploy also needs its
    deployed version built."""

    def check(obj: ApiObject) -> Outcome:
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


def check_deployed(version_id: str, number: int | None = None) -> Callable[[ApiObject], Outcome]:
    """Done when `version_id` is the deployed version, or (given its `number`) when a newer
    version has already replaced it: a concurrent apply deployed after us, and waiting for
    ours would only run into the timeout. The verify step judges the final content."""

    def check(obj: ApiObject) -> Outcome:
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
    checks: dict[str, Callable[[ApiObject], Outcome]],
    *,
    timeout: float,
    first_delay: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    lister: Callable[[], Sequence[ApiObject]] | None = None,
) -> dict[str, tuple[bool, str]]:
    """Wait until every awaited action id has an outcome; returns id -> (ok, message).
    `lister`: how to read the action list (default `client.list_actions`)."""
    outcomes: dict[str, tuple[bool, str]] = {}
    pending = dict(checks)
    deadline = clock() + timeout
    if first_delay > 0:
        sleep(first_delay)
    rounds = 0
    while pending:
        by_id = {a.get("id"): a for a in (lister or client.list_actions)()}
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


def ids(values: Iterable[str | None]) -> list[str]:
    return [v for v in values if v]
