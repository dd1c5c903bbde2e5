"""`FakeTenant`: the `TenantAPI` protocol in memory, for unit tests that need no HTTP server.

It keeps actions, versions and binding lists as model records and answers the way the Management
API does where the callers care: a deploy makes the next version number, a rollback copies an old
version (and the draft, with update_draft), binding a never-deployed action or deleting a bound
one fails with the ApiError kinds errormap gives those replies. A deploy becomes visible in the
action list only after `deploy_lag` further list reads (the API's eventual consistency). Every
call is logged in `calls` as (method, first argument).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from reconciler.auth0.protocol import DeployedVersion, TestRun
from reconciler.core.catalogue import BUILTIN_TRIGGERS
from reconciler.core.errors import ApiError, ErrorKind
from reconciler.core.fields import ActionFields
from reconciler.core.livemodel import (
    LiveAction,
    LiveBinding,
    LiveSecret,
    LiveState,
    LiveTriggerBindings,
    LiveVersion,
    Trigger,
)
from reconciler.core.model import SecretValue

PATH = "/api/v2/actions/actions"


class FakeTenant:
    def __init__(self, *, deploy_lag: int = 0) -> None:
        self.actions: dict[str, LiveAction] = {}
        self.versions: dict[str, list[LiveVersion]] = {}
        self.bindings: dict[str, list[tuple[str, str]]] = {}
        self.secret_values: dict[str, dict[str, str]] = {}
        self.triggers: tuple[Trigger, ...] = BUILTIN_TRIGGERS
        self.deploy_lag = deploy_lag
        self.calls: list[tuple[str, str]] = []
        self._lagging: dict[str, tuple[int, LiveVersion]] = {}  # id -> (reads left, version)
        self._next = 0

    # ---------------------------------------------------------------- seeding

    def add(self, name: str, *, trigger: str = "post-login", code: str = "// v1\n") -> str:
        """An action with a built draft and no deployed version; returns its id."""
        action_id = self._id("act")
        self.actions[action_id] = LiveAction(
            id=action_id,
            name=name,
            trigger=trigger,
            trigger_version="v3",
            code=code,
            runtime="node22",
            dependencies=(),
            secrets=(),
            status="built",
            created_at="2026-01-01T00:00:00Z",
            updated_at="2026-01-01T00:00:00Z",
            deployed_version=None,
        )
        self.versions[action_id] = []
        return action_id

    def _id(self, prefix: str) -> str:
        self._next += 1
        return f"{prefix}-{self._next}"

    def _fail(self, method: str, status: int, kind: ErrorKind, message: str) -> ApiError:
        return ApiError(method, PATH, status, message, kind=kind)

    def _get(self, method: str, action_id: str) -> LiveAction:
        if action_id not in self.actions:
            raise self._fail(method, 404, ErrorKind.NOT_FOUND, "That action does not exist.")
        return self.actions[action_id]

    # ---------------------------------------------------------------- reads

    def authenticate(self) -> None:
        self.calls.append(("authenticate", ""))

    def list_triggers(self) -> list[Trigger]:
        self.calls.append(("list_triggers", ""))
        return list(self.triggers)

    def list_actions(self, *, name: str | None = None) -> list[LiveAction]:
        self.calls.append(("list_actions", name or ""))
        for action_id, (left, version) in list(self._lagging.items()):
            if left <= 0:
                self._show(action_id, version)
            else:
                self._lagging[action_id] = (left - 1, version)
        found = sorted(self.actions.values(), key=lambda a: (a.name, a.id))
        return [a for a in found if name is None or a.name == name]

    def get_bindings(self, trigger: str) -> LiveTriggerBindings:
        self.calls.append(("get_bindings", trigger))
        entries = tuple(
            LiveBinding(f"bind-{i}", aid, self.actions[aid].name if aid in self.actions else "", dn)
            for i, (aid, dn) in enumerate(self.bindings.get(trigger, []))
        )
        return LiveTriggerBindings(trigger, entries)

    def read_live(self, *, tenant: str, owned_triggers: Iterable[str] = ()) -> LiveState:
        self.calls.append(("read_live", tenant))
        wanted = set(owned_triggers) | {a.trigger for a in self.actions.values()}
        return LiveState(
            tenant=tenant,
            triggers=self.triggers,
            actions=tuple(self.list_actions()),
            bindings=tuple(self.get_bindings(t) for t in sorted(wanted)),
        )

    def list_versions(self, action_id: str) -> list[LiveVersion]:
        self.calls.append(("list_versions", action_id))
        self._get("GET", action_id)
        return sorted(self.versions[action_id], key=lambda v: -v.number)

    # ---------------------------------------------------------------- writes

    def create_action(
        self,
        name: str,
        fields: ActionFields,
        secret_values: Mapping[str, SecretValue],
        deploy: bool,
    ) -> str:
        self.calls.append(("create_action", name))
        if any(a.name == name for a in self.actions.values()):
            raise self._fail(
                "POST", 409, ErrorKind.ALREADY_EXISTS, f"An action with the name '{name}' exists."
            )
        action_id = self.add(name)
        self._write(action_id, fields, secret_values)
        if deploy:
            self._deploy(action_id)
        return action_id

    def update_action_fields(
        self, action_id: str, fields: ActionFields, secret_values: Mapping[str, SecretValue]
    ) -> None:
        self.calls.append(("update_action_fields", action_id))
        self._write(action_id, fields, secret_values)

    def _write(
        self, action_id: str, fields: ActionFields, secret_values: Mapping[str, SecretValue]
    ) -> None:
        action = self._get("PATCH", action_id)
        changes: dict[str, Any] = {"all_changes_deployed": False}
        if fields.supported_triggers:
            first = fields.supported_triggers[0]
            changes.update(trigger=first.id, trigger_version=first.version)
        for member in ("code", "runtime", "dependencies"):
            if getattr(fields, member) is not None:
                changes[member] = getattr(fields, member)
        if fields.secrets is not None:
            changes["secrets"] = tuple(LiveSecret(s.name) for s in fields.secrets)
            values = {s.name: secret_values[s.name].reveal() for s in fields.secrets}
            self.secret_values[action_id] = values
        self.actions[action_id] = replace(action, **changes)

    def deploy_action(self, action_id: str) -> DeployedVersion:
        self.calls.append(("deploy_action", action_id))
        version = self._deploy(action_id)
        return DeployedVersion(version.id, version.number)

    def _deploy(
        self, action_id: str, source: LiveVersion | LiveAction | None = None
    ) -> LiveVersion:
        action = self._get("POST", action_id)
        source = source or action
        names = (
            source.secret_names
            if isinstance(source, LiveVersion)
            else tuple(s.name for s in source.secrets)
        )
        version = LiveVersion(
            id=self._id("ver"),
            number=len(self.versions[action_id]) + 1,
            code=source.code,
            runtime=source.runtime,
            dependencies=source.dependencies,
            secret_names=names,
            status="built",
            deployed=True,
        )
        self.versions[action_id].append(version)
        if self.deploy_lag:
            self._lagging[action_id] = (self.deploy_lag, version)
        else:
            self._show(action_id, version)
        return version

    def _show(self, action_id: str, version: LiveVersion) -> None:
        self._lagging.pop(action_id, None)
        action = self.actions[action_id]
        self.actions[action_id] = replace(
            action,
            deployed_version=version,
            all_changes_deployed=(version.code, version.runtime) == (action.code, action.runtime),
        )

    def deploy_version(
        self, action_id: str, version_id: str, *, update_draft: bool
    ) -> DeployedVersion:
        self.calls.append(("deploy_version", action_id))
        old = [v for v in self.versions.get(action_id, []) if v.id == version_id]
        if not old:
            raise self._fail("POST", 404, ErrorKind.NOT_FOUND, "That version does not exist.")
        if update_draft:
            action = self.actions[action_id]
            self.actions[action_id] = replace(
                action, code=old[0].code, runtime=old[0].runtime, dependencies=old[0].dependencies
            )
        version = self._deploy(action_id, old[0])
        return DeployedVersion(version.id, version.number)

    def update_bindings(self, trigger: str, entries: Sequence[tuple[str, str]]) -> None:
        self.calls.append(("update_bindings", trigger))
        for action_id, _ in entries:
            if self._get("PATCH", action_id).deployed_version is None:
                raise self._fail(
                    "PATCH",
                    400,
                    ErrorKind.NOT_DEPLOYED_YET,
                    "Trying to create a binding for an action that has not been deployed yet.",
                )
        self.bindings[trigger] = list(entries)

    def delete_action(self, action_id: str) -> None:
        self.calls.append(("delete_action", action_id))
        self._get("DELETE", action_id)
        if any(aid == action_id for entries in self.bindings.values() for aid, _ in entries):
            raise self._fail(
                "DELETE",
                409,
                ErrorKind.STILL_BOUND,
                "Unable to delete an action bound to a trigger.",
            )
        del self.actions[action_id]
        del self.versions[action_id]

    def test_action(self, action_id: str, payload: Mapping[str, Any]) -> TestRun:
        self.calls.append(("test_action", action_id))
        self._get("POST", action_id)
        return TestRun({"payload": {"stats": {"action_duration_ms": 1}}})
