"""Asynchronous builds, computed lazily from timestamps: no background thread.

A build record is `{"id", "started", "error"}`. Its status at time `now` follows the real sequences
(auth0-actions-api.md §4.1): `pending -> building -> built` over `build_seconds`, or
`pending -> building -> retrying -> failed` when a dependency cannot be resolved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# An exact npm (semver 2.0) version: no ranges, tags or `v` prefix.
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)


def is_exact_version(version: str) -> bool:
    return bool(_SEMVER.match(version))


def resolve_error(dependencies: Iterable[Mapping[str, Any]], fail: Iterable[str]) -> str | None:
    """The build error message for the first dependency the emulator cannot "resolve", or None."""
    failing = set(fail)
    for dep in dependencies:
        name, version = str(dep.get("name", "")), str(dep.get("version", ""))
        if name in failing or not is_exact_version(version):
            return f"Failed to install dependency {name}@{version}: no matching version found."
    return None


def new_build(build_id: str, now: float, error: str | None) -> dict[str, Any]:
    return {"id": build_id, "started": now, "error": error}


def status(build: Mapping[str, Any], now: float, seconds: float) -> str:
    """Build status at `now`."""
    elapsed = now - float(build["started"])
    if build.get("error"):
        if elapsed >= seconds:
            return "failed"
        if elapsed >= seconds / 2:
            return "retrying"
        return "building" if elapsed >= seconds / 4 else "pending"
    if elapsed >= seconds:
        return "built"
    return "building" if elapsed >= seconds / 3 else "pending"


def finished_at(build: Mapping[str, Any], seconds: float) -> float:
    return float(build["started"]) + seconds
