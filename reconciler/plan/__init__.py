"""Stage 4, the plan: `make.make_plan` turns the diff into change records and ordered steps
(`types`, `kinds`, `steps`); `planfile` writes and reads the plan document, `sign` signs it.

The names below are loaded on first use (PEP 562), so importing one submodule (`options`,
`sign`) does not import the planner: a command builds its PlanOptions and starts reading the
tenant before it pays for the rest (issue 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.core.lazy import loader

if TYPE_CHECKING:
    from reconciler.plan.kinds import Step, StepKind
    from reconciler.plan.make import exit_code, make_plan
    from reconciler.plan.options import PlanOptions
    from reconciler.plan.planfile.encode import (
        bindings_digest,
        canonical,
        change_to_dict,
        plan_digest,
        step_to_dict,
    )
    from reconciler.plan.steps import action_preconditions
    from reconciler.plan.types import (
        FORMAT_VERSION,
        PRUNE_DISABLED,
        SUMMARY_KEYS,
        ActionPrecondition,
        BindingsPrecondition,
        Change,
        Plan,
        Precondition,
        summarize,
    )

_WHERE = {
    "Step": "kinds",
    "StepKind": "kinds",
    "exit_code": "make",
    "make_plan": "make",
    "PlanOptions": "options",
    "bindings_digest": "planfile.encode",
    "canonical": "planfile.encode",
    "change_to_dict": "planfile.encode",
    "plan_digest": "planfile.encode",
    "step_to_dict": "planfile.encode",
    "action_preconditions": "steps",
    "FORMAT_VERSION": "types",
    "PRUNE_DISABLED": "types",
    "SUMMARY_KEYS": "types",
    "ActionPrecondition": "types",
    "BindingsPrecondition": "types",
    "Change": "types",
    "Plan": "types",
    "Precondition": "types",
    "summarize": "types",
}

__all__ = [
    "ActionPrecondition",
    "BindingsPrecondition",
    "Change",
    "FORMAT_VERSION",
    "PRUNE_DISABLED",
    "Plan",
    "PlanOptions",
    "Precondition",
    "SUMMARY_KEYS",
    "Step",
    "StepKind",
    "action_preconditions",
    "bindings_digest",
    "canonical",
    "change_to_dict",
    "exit_code",
    "make_plan",
    "plan_digest",
    "step_to_dict",
    "summarize",
]


__getattr__ = loader(__name__, _WHERE)
