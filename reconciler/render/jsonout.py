"""`--format json`: the plan document itself (the same bytes `plan --out` writes)."""

from __future__ import annotations

from reconciler.plan import Plan
from reconciler.planfile import dumps


def render_json(plan: Plan) -> str:
    """The plan document: sorted keys, indent 2, a final newline."""
    return dumps(plan)
