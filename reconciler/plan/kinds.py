"""The plan's vocabulary: one step kind per thing apply does, the phase each runs in (the one
table of the order of the work, read by the planner and the applier alike), and one frozen
record per step kind. Step ids and addresses are derived here, never written by hand elsewhere.

JSON is made from these records only in reconciler.plan.planfile / reconciler.render.jsonout.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from reconciler.core.fields import ActionFields, ModuleFields


class StepKind(enum.StrEnum):
    """A step kind; its value is the `kind` word of the plan document (a StrEnum, so a kind
    compares equal to that word)."""

    CREATE_MODULE = "create_module"
    UPDATE_MODULE = "update_module"
    PUBLISH_MODULE = "publish_module"
    CREATE = "create"
    UPDATE = "update"
    WAIT_BUILD = "wait_build"
    DEPLOY = "deploy"
    REBIND = "rebind"
    DELETE = "delete"
    DELETE_MODULE = "delete_module"

    @property
    def phase(self) -> int:
        """When the kind runs: every step of a lower phase is done before a higher one starts.
        Modules are written and published before the actions that move to them; actions are
        built before they are deployed, deployed before they are bound, unbound before they are
        deleted, and a module is deleted only after no action uses it."""
        return _PHASES[self]


_PHASES: dict[StepKind, int] = {
    StepKind.CREATE_MODULE: 0,
    StepKind.UPDATE_MODULE: 0,
    StepKind.PUBLISH_MODULE: 1,
    StepKind.CREATE: 2,
    StepKind.UPDATE: 2,
    StepKind.WAIT_BUILD: 3,
    StepKind.DEPLOY: 4,
    StepKind.REBIND: 5,
    StepKind.DELETE: 6,
    StepKind.DELETE_MODULE: 7,
}


# ----------------------------------------------------------------------------- actions


@dataclass(frozen=True, slots=True)
class CreateAction:
    name: str
    fields: ActionFields
    deploy: bool
    depends_on: tuple[str, ...] = ()
    kind: ClassVar[StepKind] = StepKind.CREATE

    @property
    def id(self) -> str:
        return f"create:{self.name}"

    @property
    def address(self) -> str:
        return f"action.{self.name}"


@dataclass(frozen=True, slots=True)
class UpdateAction:
    action_id: str
    name: str
    fields: ActionFields
    depends_on: tuple[str, ...] = ()
    kind: ClassVar[StepKind] = StepKind.UPDATE

    @property
    def id(self) -> str:
        return f"update:{self.name}"

    @property
    def address(self) -> str:
        return f"action.{self.name}"


@dataclass(frozen=True, slots=True)
class WaitBuild:
    actions: tuple[str, ...]  # names, sorted
    depends_on: tuple[str, ...] = ()
    kind: ClassVar[StepKind] = StepKind.WAIT_BUILD

    @property
    def id(self) -> str:
        return "wait_build"

    @property
    def address(self) -> str:
        return "actions"


@dataclass(frozen=True, slots=True)
class DeployAction:
    action_id: str
    name: str
    depends_on: tuple[str, ...] = ()
    kind: ClassVar[StepKind] = StepKind.DEPLOY

    @property
    def id(self) -> str:
        return f"deploy:{self.name}"

    @property
    def address(self) -> str:
        return f"action.{self.name}"


@dataclass(frozen=True, slots=True)
class BindingEntry:
    """One entry of a rebind: `action_id` is None for an action this plan creates."""

    action: str
    action_id: str | None
    display_name: str


@dataclass(frozen=True, slots=True)
class Rebind:
    trigger: str
    bindings: tuple[BindingEntry, ...]
    depends_on: tuple[str, ...] = ()
    kind: ClassVar[StepKind] = StepKind.REBIND

    @property
    def id(self) -> str:
        return f"rebind:{self.trigger}"

    @property
    def address(self) -> str:
        return f"bindings.{self.trigger}"


@dataclass(frozen=True, slots=True)
class DeleteAction:
    action_id: str
    name: str
    depends_on: tuple[str, ...] = ()
    kind: ClassVar[StepKind] = StepKind.DELETE

    @property
    def id(self) -> str:
        return f"delete:{self.name}"

    @property
    def address(self) -> str:
        return f"action.{self.name}"


# ----------------------------------------------------------------------------- modules


@dataclass(frozen=True, slots=True)
class CreateModule:
    name: str
    fields: ModuleFields
    depends_on: tuple[str, ...] = ()
    kind: ClassVar[StepKind] = StepKind.CREATE_MODULE

    @property
    def id(self) -> str:
        return f"create_module:{self.name}"

    @property
    def address(self) -> str:
        return f"module.{self.name}"


@dataclass(frozen=True, slots=True)
class UpdateModule:
    module_id: str
    name: str
    fields: ModuleFields
    depends_on: tuple[str, ...] = ()
    kind: ClassVar[StepKind] = StepKind.UPDATE_MODULE

    @property
    def id(self) -> str:
        return f"update_module:{self.name}"

    @property
    def address(self) -> str:
        return f"module.{self.name}"


@dataclass(frozen=True, slots=True)
class PublishModule:
    """Publish the draft as version `version` (the number the tenant will give it)."""

    module_id: str | None  # None: created by this plan
    name: str
    version: int
    depends_on: tuple[str, ...] = ()
    kind: ClassVar[StepKind] = StepKind.PUBLISH_MODULE

    @property
    def id(self) -> str:
        return f"publish_module:{self.name}"

    @property
    def address(self) -> str:
        return f"module.{self.name}"


@dataclass(frozen=True, slots=True)
class DeleteModule:
    module_id: str
    name: str
    depends_on: tuple[str, ...] = ()
    kind: ClassVar[StepKind] = StepKind.DELETE_MODULE

    @property
    def id(self) -> str:
        return f"delete_module:{self.name}"

    @property
    def address(self) -> str:
        return f"module.{self.name}"


Step = (
    CreateAction
    | UpdateAction
    | WaitBuild
    | DeployAction
    | Rebind
    | DeleteAction
    | CreateModule
    | UpdateModule
    | PublishModule
    | DeleteModule
)


def ordered(steps: list[Step]) -> list[Step]:
    """Steps in phase order, stable within a phase."""
    return sorted(steps, key=lambda s: s.kind.phase)


def writes_after_deploys(steps: Sequence[Step]) -> bool:
    """Some step runs after the deploys (a rebind or a delete), so the deploys' own wait does
    not see the final state of the tenant."""
    return any(s.kind.phase > StepKind.DEPLOY.phase for s in steps)
