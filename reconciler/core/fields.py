"""What a write sends, in the tool's words (no Auth0 wire shapes here: those are built in
reconciler.auth0). The planner puts these records in its steps; the applier hands them, with the
secret values resolved at apply time, to the client, which turns them into request bodies.

`None` on an optional member means "not sent" (an update sends only what differs).
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.core.model import Dependency


@dataclass(frozen=True, slots=True)
class TriggerRef:
    id: str
    version: str


@dataclass(frozen=True, slots=True)
class SecretRef:
    """A secret by reference: its value is `$var`, resolved from the manifests' variables when
    the step runs (a plan file never holds a value)."""

    name: str
    var: str


@dataclass(frozen=True, slots=True)
class ModulePin:
    """An action's use of an Actions Module at one published version number."""

    name: str
    version: int


@dataclass(frozen=True, slots=True)
class ActionFields:
    """The fields a create or update of an action writes, in the plan's payload order."""

    supported_triggers: tuple[TriggerRef, ...] | None = None
    code: str | None = None
    runtime: str | None = None
    dependencies: tuple[Dependency, ...] | None = None
    secrets: tuple[SecretRef, ...] | None = None
    modules: tuple[ModulePin, ...] | None = None

    @property
    def sent(self) -> tuple[str, ...]:
        """The names of the members that are sent, in payload order."""
        return tuple(name for name in ACTION_FIELD_NAMES if getattr(self, name) is not None)


ACTION_FIELD_NAMES = ("supported_triggers", "code", "runtime", "dependencies", "secrets", "modules")


@dataclass(frozen=True, slots=True)
class ModuleFields:
    """The fields a create or update of an Actions Module's draft writes."""

    code: str | None = None
    dependencies: tuple[Dependency, ...] | None = None
    secrets: tuple[SecretRef, ...] | None = None
