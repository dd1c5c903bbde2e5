"""The applier: execute a plan through the client, safely and observably (DESIGN.md "Plan").

The names below are loaded on first use (PEP 562): `from reconciler.apply import StepResult`
does not import the executor (issue 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.core.lazy import loader

if TYPE_CHECKING:
    from reconciler.apply.derive import underived_step
    from reconciler.apply.executor import Applier
    from reconciler.apply.journal import Journal
    from reconciler.apply.results import FAILED, OK, SKIPPED, ApplyResult, StepResult
    from reconciler.apply.stale import secret_mismatches, stale_resources

_WHERE = {
    "underived_step": "derive",
    "Applier": "executor",
    "Journal": "journal",
    "FAILED": "results",
    "OK": "results",
    "SKIPPED": "results",
    "ApplyResult": "results",
    "StepResult": "results",
    "secret_mismatches": "stale",
    "stale_resources": "stale",
}

__all__ = [
    "Applier",
    "ApplyResult",
    "FAILED",
    "Journal",
    "OK",
    "SKIPPED",
    "StepResult",
    "secret_mismatches",
    "stale_resources",
    "underived_step",
]


__getattr__ = loader(__name__, _WHERE)
