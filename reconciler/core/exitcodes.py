"""The exit-code table of DESIGN.md, in one place."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0  # success; `plan`: no changes
    ERROR = 1  # invalid manifests, API failure, apply failed, usage error
    CHANGES = 2  # `plan --detailed-exitcode`: changes present
    BLOCKED = 3  # a guard: protected delete, stale plan, too many deletes
    BUG = 70  # an unexpected exception: a bug in reconciler (EX_SOFTWARE); crash report written
    INTERRUPTED = 130  # Ctrl-C (SIGINT), the shell convention 128 + 2


def combine(codes: list[ExitCode]) -> ExitCode:
    """Combine the exit codes of several tenants: error > guard > changes > ok."""
    for code in (ExitCode.ERROR, ExitCode.BLOCKED, ExitCode.CHANGES):
        if code in codes:
            return code
    return ExitCode.OK
