"""`--format json`: the plan document itself (the document `plan --out` writes, with any
control, format or line-separator character inside a string written as a JSON escape)."""

from __future__ import annotations

from reconciler.core.escaping import json_text
from reconciler.plan import Plan
from reconciler.plan.planfile import dumps


def render_json(plan: Plan) -> str:
    """The plan document: sorted keys, indent 2, a final newline."""
    return json_text(dumps(plan))
