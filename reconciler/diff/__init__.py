"""Stage 3, the diff: desired vs live, pure (DESIGN.md "Diff semantics").

`state.diff_state` answers, per action, whether the draft and the deployed version equal the
manifest, classifies ownership and drift, and compares the ordered binding list of each owned
trigger (`bindings`). Decisions about ordering, deletes and guards belong to reconciler.plan.
"""

from reconciler.diff.state import diff_state
from reconciler.diff.types import (
    ADOPT,
    CREATE,
    MANAGED,
    ORPHAN,
    UNMANAGED,
    ActionDiff,
    BindingsDiff,
    Drift,
    StateDiff,
)

__all__ = [
    "ADOPT",
    "CREATE",
    "MANAGED",
    "ORPHAN",
    "UNMANAGED",
    "ActionDiff",
    "BindingsDiff",
    "Drift",
    "StateDiff",
    "diff_state",
]
