"""The data model shared by every stage: frozen dataclasses, no raw dicts.

DesiredState comes from the manifest loader; LiveState from reconciler.auth0.live.
Both are immutable values, so the diff and the planner are pure functions of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reconciler.core.errors import Problem


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was declared: a path relative to the manifest root, 1-based line/column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class SecretValue:
    """A resolved secret value. Its repr and str never show the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The clear value; only for the request body that writes it and for the digest."""
        return self._value

    def __repr__(self) -> str:
        return "SecretValue(***)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretValue) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("SecretValue", self._value))


@dataclass(frozen=True, slots=True)
class Dependency:
    """An npm dependency. `registry_url` is not modelled: the API drops it after a build."""

    name: str
    version: str


@dataclass(frozen=True, slots=True)
class DesiredSecret:
    """A secret by reference: `name: ${var}`. `value` is None until resolved (validate without
    --resolve never resolves)."""

    name: str
    var: str
    value: SecretValue | None = None


@dataclass(frozen=True, slots=True)
class DesiredAction:
    name: str
    trigger: str
    trigger_version: str
    runtime: str
    code: str  # the file's text, exactly as read (no ownership trailer)
    code_file: str  # path of the code file relative to the manifest root
    dependencies: tuple[Dependency, ...] = ()  # sorted by name
    secrets: tuple[DesiredSecret, ...] = ()  # sorted by name
    deploy: bool = True
    protect: bool = False
    source: Location = field(default_factory=lambda: Location("<unknown>", 0, 0))


@dataclass(frozen=True, slots=True)
class DesiredBinding:
    action: str  # action name (managed or external)
    display_name: str  # defaults to the action name
    external: bool = False
    source: Location = field(default_factory=lambda: Location("<unknown>", 0, 0))


@dataclass(frozen=True, slots=True)
class DesiredTriggerBindings:
    trigger: str
    entries: tuple[DesiredBinding, ...]  # execution order
    source: Location = field(default_factory=lambda: Location("<unknown>", 0, 0))


@dataclass(frozen=True, slots=True)
class Settings:
    prune: bool = False
    ignore: tuple[str, ...] = ()  # fnmatch globs of action names never touched


@dataclass(frozen=True, slots=True)
class Lint:
    """A content check that Auth0 itself does not enforce on what a tenant already runs (a runtime
    the trigger version no longer offers, code that does not export the handler, code that
    `node --check` rejects): an error for content a plan would write, a warning for content
    unchanged from the live action. Only a loader asked to defer them records them here."""

    action: str  # the action's name
    kind: str  # "runtime" | "handler" | "syntax"
    problem: Problem


@dataclass(frozen=True, slots=True)
class DesiredState:
    root: str  # the manifest root as given (directory or file)
    actions: tuple[DesiredAction, ...]  # sorted by name
    bindings: tuple[DesiredTriggerBindings, ...]  # sorted by trigger id
    settings: Settings = Settings()
    digest: str = ""  # sha256 of the canonical manifests (no secret values)
    lints: tuple[Lint, ...] = ()  # deferred content checks (load_manifests(defer_lints=True))

    def action(self, name: str) -> DesiredAction | None:
        for a in self.actions:
            if a.name == name:
                return a
        return None


# --------------------------------------------------------------------------- live


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
