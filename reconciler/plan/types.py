"""The plan's data types and canonical form (DESIGN.md "Plan")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.diff import Drift
from reconciler.diff.records import ChangeDiff, FieldDiff
from reconciler.plan.kinds import Step

FORMAT_VERSION = "1"
SUMMARY_KEYS = ("create", "update", "deploy", "rebind", "delete", "adopt", "unmanaged")
#: change words counted under another summary key (a module publish is a module's deploy)
SUMMARY_WORD = {"publish": "deploy"}
PRUNE_DISABLED = "would delete (prune disabled)"


@dataclass(frozen=True, slots=True)
class ActionPrecondition:
    """What the plan saw of an action; all None for a create (the name must still be free)."""

    id: str | None
    updated_at: str | None
    deployed_version_id: str | None


@dataclass(frozen=True, slots=True)
class BindingsPrecondition:
    """What the plan saw of a trigger: the digest of its live ordered binding list."""

    digest: str


Precondition = ActionPrecondition | BindingsPrecondition


@dataclass(frozen=True, slots=True)
class Change:
    """One resource. `planned` is False when no step carries it out (unmanaged, a delete with
    prune disabled or a protected delete); such changes have no preconditions (None)."""

    address: str  # "action.NAME" | "bindings.TRIGGER" | "module.NAME"
    actions: tuple[str, ...]  # words: create update deploy publish rebind delete adopt unmanaged
    reason: str
    diff: ChangeDiff = FieldDiff()
    drift: tuple[Drift, ...] = ()
    preconditions: Precondition | None = None
    planned: bool = True

    @property
    def kind(self) -> str:
        return self.address.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.address.split(".", 1)[1]


@dataclass(frozen=True, slots=True)
class Plan:
    tenant: str
    manifest_digest: str
    plan_digest: str
    created_at: str
    targets: tuple[str, ...]
    summary: dict[str, int]
    changes: tuple[Change, ...]
    steps: tuple[Step, ...]
    blocked: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    format_version: str = FORMAT_VERSION
    root: str | None = None  # the manifest root as `plan` was given it (POSIX); None: unknown

    @property
    def has_changes(self) -> bool:
        """True when applying would write anything."""
        return bool(self.steps)

    def step(self, step_id: str) -> Step | None:
        for s in self.steps:
            if s.id == step_id:
                return s
        return None


def summarize(changes: Sequence[Change]) -> dict[str, int]:
    counts = dict.fromkeys(SUMMARY_KEYS, 0)
    for change in changes:
        for word in change.actions:
            if change.planned or word == "unmanaged":
                counts[SUMMARY_WORD.get(word, word)] += 1
    return counts
