"""The applier: execute a plan through the client, safely and observably (DESIGN.md "Plan")."""

from __future__ import annotations

from reconciler.apply.derive import underived_step
from reconciler.apply.executor import Applier
from reconciler.apply.journal import Journal
from reconciler.apply.results import FAILED, OK, SKIPPED, ApplyResult, StepResult
from reconciler.apply.stale import secret_mismatches, stale_resources

__all__ = [
    "FAILED",
    "OK",
    "SKIPPED",
    "Applier",
    "ApplyResult",
    "Journal",
    "StepResult",
    "secret_mismatches",
    "stale_resources",
    "underived_step",
]
