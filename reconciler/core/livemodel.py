"""The live side of the data model: what the tenant holds, as read by reconciler.auth0.live.

Frozen dataclasses, like the desired side in reconciler.core.model.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.core.model import Dependency


@dataclass(frozen=True, slots=True)
class Trigger:
    """One (id, version) entry of the trigger catalogue (`GET /actions/triggers`)."""

    id: str
    version: str
    status: str  # CURRENT | DEPRECATED | ...
    runtimes: tuple[str, ...]
    default_runtime: str
    binding_policy: str  # trigger-bound | entity-bound
    compatible_triggers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class BuildError:
    id: str
    msg: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class LiveSecret:
    name: str
    updated_at: str = ""


@dataclass(frozen=True, slots=True)
class LiveVersion:
    id: str
    number: int
    code: str
    runtime: str
    dependencies: tuple[Dependency, ...]  # sorted by name
    secret_names: tuple[str, ...]  # sorted
    status: str  # lower-case build status
    deployed: bool
    created_at: str = ""
    errors: tuple[BuildError, ...] = ()


@dataclass(frozen=True, slots=True)
class LiveAction:
    id: str
    name: str
    trigger: str
    trigger_version: str
    code: str  # the draft code, exactly as the API returned it (trailer included)
    runtime: str
    dependencies: tuple[Dependency, ...]  # sorted by name, registry_url dropped
    secrets: tuple[LiveSecret, ...]  # sorted by name; values are never readable
    status: str  # draft build status
    created_at: str
    updated_at: str
    deployed_version: LiveVersion | None
    all_changes_deployed: bool = False
    marketplace: bool = False  # integration / installed_integration_id present
    errors: tuple[BuildError, ...] = ()  # the draft's build errors, when the API gives them
    modules: tuple[LiveModuleRef, ...] = ()  # the draft's module references, in API order


@dataclass(frozen=True, slots=True)
class LiveBinding:
    id: str
    action_id: str
    action_name: str
    display_name: str


@dataclass(frozen=True, slots=True)
class LiveTriggerBindings:
    trigger: str
    entries: tuple[LiveBinding, ...]  # execution order


@dataclass(frozen=True, slots=True)
class LiveState:
    tenant: str  # the tenant's domain (or "local")
    triggers: tuple[Trigger, ...]
    actions: tuple[LiveAction, ...]  # sorted by name, then id
    bindings: tuple[LiveTriggerBindings, ...]  # sorted by trigger id; only the triggers read
    modules: tuple[LiveModule, ...] = ()  # sorted by name; () when modules were not read

    def action_named(self, name: str) -> tuple[LiveAction, ...]:
        return tuple(a for a in self.actions if a.name == name)

    def bindings_for(self, trigger: str) -> LiveTriggerBindings | None:
        for b in self.bindings:
            if b.trigger == trigger:
                return b
        return None


# ---------------------------------------------------------------- Actions Modules (live)


@dataclass(frozen=True, slots=True)
class LiveModuleRef:
    """An action's use of a module version, as the API returns it."""

    module_id: str
    name: str
    version_id: str
    version_number: int


@dataclass(frozen=True, slots=True)
class LiveModuleVersion:
    id: str
    number: int
    code: str = ""
    dependencies: tuple[Dependency, ...] = ()  # sorted by name
    secret_names: tuple[str, ...] = ()  # sorted
    created_at: str = ""


@dataclass(frozen=True, slots=True)
class LiveModule:
    """A module's draft and its newest published version's number and (when the read resolved
    it: from an action that uses it, else one GET of the module) id; "" when not known."""

    id: str
    name: str
    code: str
    dependencies: tuple[Dependency, ...]  # sorted by name
    secrets: tuple[LiveSecret, ...]  # sorted by name; values are never readable
    all_changes_published: bool
    actions_using_module_total: int
    latest_version_number: int  # 0: never published
    latest_version_id: str = ""
    created_at: str = ""
    updated_at: str = ""
