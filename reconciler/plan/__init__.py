"""Stage 4, the plan: `make.make_plan` turns the diff into change records and ordered steps
(`types`, `kinds`, `steps`); `planfile` writes and reads the plan document, `sign` signs it."""

from reconciler.plan.kinds import Step, StepKind
from reconciler.plan.make import exit_code, make_plan
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
    PlanOptions,
    Precondition,
    summarize,
)

__all__ = [
    "FORMAT_VERSION",
    "PRUNE_DISABLED",
    "SUMMARY_KEYS",
    "ActionPrecondition",
    "BindingsPrecondition",
    "Change",
    "Plan",
    "PlanOptions",
    "Precondition",
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
