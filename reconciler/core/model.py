"""The data model shared by every stage: frozen dataclasses, no raw dicts.

DesiredState comes from the manifest loader; LiveState from reconciler.auth0.live.
Both are immutable values, so the diff and the planner are pure functions of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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
class ExpectedCommand:
    """One `api` call a test case expects: `name` like "access.deny", the arguments as JSON."""

    name: str
    args_json: str = "[]"


@dataclass(frozen=True, slots=True)
class ActionTest:
    """A test case of an action (`tests:` in the manifest): run the code with the event in
    `payload` (path relative to the manifest root) and expect these commands, in order, or
    this error (name, message). Exactly one of `commands` and `error` is set."""

    name: str
    payload: str
    commands: tuple[ExpectedCommand, ...] | None = None
    error: tuple[str, str] | None = None
    source: Location = field(default_factory=lambda: Location("<unknown>", 0, 0))


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
    modules: tuple[DesiredModuleRef, ...] = ()  # in manifest order, names unique
    tests: tuple[ActionTest, ...] = ()  # `reconciler test --all` runs them locally


@dataclass(frozen=True, slots=True)
class DesiredModuleRef:
    """An action's use of an Actions Module: a published version number (1-based) or "latest",
    the newest published version at plan time (the plan pins it). `external`: the module is
    not declared in these manifests (managed elsewhere), as an external binding is."""

    name: str
    version: int | Literal["latest"]
    external: bool = False
    source: Location = field(default_factory=lambda: Location("<unknown>", 0, 0))


@dataclass(frozen=True, slots=True)
class DesiredModule:
    """An Actions Module (shared code that actions import). `publish`: a draft that differs from
    the newest published version is published as a new version."""

    name: str
    code: str  # the file's text, exactly as read
    code_file: str  # path of the code file relative to the manifest root
    dependencies: tuple[Dependency, ...] = ()  # sorted by name
    secrets: tuple[DesiredSecret, ...] = ()  # sorted by name
    publish: bool = True
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
    modules: tuple[DesiredModule, ...] = ()  # sorted by name

    def action(self, name: str) -> DesiredAction | None:
        for a in self.actions:
            if a.name == name:
                return a
        return None

    def module(self, name: str) -> DesiredModule | None:
        for m in self.modules:
            if m.name == name:
                return m
        return None


# --------------------------------------------------------------------------- live
