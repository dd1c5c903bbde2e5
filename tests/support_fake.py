"""`FakeTenant`: the `TenantAPI` protocol in memory, for unit tests that need no HTTP server.

It keeps actions, versions and binding lists as model records and answers the way the Management
API does where the callers care: a deploy makes the next version number, a rollback copies an old
version (and the draft, with update_draft), binding a never-deployed action or deleting a bound
one fails with the ApiError kinds errormap gives those replies. A deploy becomes visible in the
action list only after `deploy_lag` further list reads (the API's eventual consistency); a
write's build ends after `build_lag` list reads, and fails for the actions named in `broken`
(deploying a draft that is not built is refused, as the API does). `refuse` makes the next
calls of a method fail with a given reply, classified by errormap as the client would. Every
call is logged in `calls` as (method, first argument).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from reconciler.auth0.errormap import classify
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
#: the HTTP method behind each protocol call (what errormap classifies a refusal by)
VERBS = {
    "create_action": "POST",
    "deploy_action": "POST",
    "deploy_version": "POST",
    "test_action": "POST",
    "update_action_fields": "PATCH",
    "update_bindings": "PATCH",
    "delete_action": "DELETE",
}
#: the replies of the Management API (the emulator's texts, reference §4.2-4.4)
NOT_BUILT = (400, "A draft must be in the 'built' state before it can be deployed.")
NOT_DEPLOYED = (400, "Trying to create a binding for an action that has not been deployed yet.")
BOUND = (409, "Unable to delete an action bound to a trigger.")
GONE = (404, "That action does not exist.")


class FakeTenant:
    def __init__(self, *, deploy_lag: int = 0, build_lag: int = 0) -> None:
        self.actions: dict[str, LiveAction] = {}
        self.versions: dict[str, list[LiveVersion]] = {}
        self.bindings: dict[str, list[tuple[str, str]]] = {}
        self.secret_values: dict[str, dict[str, str]] = {}
        self.triggers: tuple[Trigger, ...] = BUILTIN_TRIGGERS
        self.deploy_lag = deploy_lag
        self.build_lag = build_lag
        self.broken: set[str] = set()  # names of actions whose builds fail
        self.calls: list[tuple[str, str]] = []
        self._lagging: dict[str, tuple[int, LiveVersion]] = {}  # id -> (reads left, version)
        self._building: dict[str, int] = {}  # id -> list reads until its build ends
        self._refusals: dict[str, list[tuple[int, str]]] = {}  # method -> replies to give
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

    def seed(self, action: LiveAction) -> str:
        """A live action as it is (e.g. tests/plan/factory.live), its deployed version the only
        one it has; returns its id."""
        self.actions[action.id] = action
        deployed = action.deployed_version
        self.versions[action.id] = [deployed] if deployed is not None else []
        return action.id

    def refuse(self, method: str, status: int, message: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` fail with this reply (logged all the same)."""
        self._refusals.setdefault(method, []).extend([(status, message)] * times)

    def _call(self, method: str, argument: str) -> None:
        self.calls.append((method, argument))
        replies = self._refusals.get(method)
        if replies:
            status, message = replies.pop(0)
            verb = VERBS.get(method, "GET")
            raise ApiError(verb, PATH, status, message, kind=classify(verb, status, message))

    def _id(self, prefix: str) -> str:
        self._next += 1
        return f"{prefix}-{self._next}"

    def _fail(self, method: str, status: int, kind: ErrorKind, message: str) -> ApiError:
        return ApiError(method, PATH, status, message, kind=kind)

    def _get(self, method: str, action_id: str) -> LiveAction:
        if action_id not in self.actions:
            raise self._fail(method, GONE[0], ErrorKind.NOT_FOUND, GONE[1])
        return self.actions[action_id]

    # ---------------------------------------------------------------- reads

    def authenticate(self) -> None:
        self._call("authenticate", "")

    def list_triggers(self) -> list[Trigger]:
        self._call("list_triggers", "")
        return list(self.triggers)

    def list_actions(self, *, name: str | None = None) -> list[LiveAction]:
        self._call("list_actions", name or "")
        for action_id, (left, version) in list(self._lagging.items()):
            if left <= 0:
                self._show(action_id, version)
            else:
                self._lagging[action_id] = (left - 1, version)
        for action_id, left in list(self._building.items()):
            if left <= 0:
                self._built(action_id)
            else:
                self._building[action_id] = left - 1
        found = sorted(self.actions.values(), key=lambda a: (a.name, a.id))
        return [a for a in found if name is None or a.name == name]

    def get_bindings(self, trigger: str) -> LiveTriggerBindings:
        self._call("get_bindings", trigger)
        entries = tuple(
            LiveBinding(f"bind-{i}", aid, self.actions[aid].name if aid in self.actions else "", dn)
            for i, (aid, dn) in enumerate(self.bindings.get(trigger, []))
        )
        return LiveTriggerBindings(trigger, entries)

    def read_live(self, *, tenant: str, owned_triggers: Iterable[str] = ()) -> LiveState:
        self._call("read_live", tenant)
        wanted = set(owned_triggers) | {a.trigger for a in self.actions.values()}
        return LiveState(
            tenant=tenant,
            triggers=self.triggers,
            actions=tuple(self.list_actions()),
            bindings=tuple(self.get_bindings(t) for t in sorted(wanted)),
        )

    def list_versions(self, action_id: str) -> list[LiveVersion]:
        self._call("list_versions", action_id)
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
        self._call("create_action", name)
        if any(a.name == name for a in self.actions.values()):
            raise self._fail(
                "POST", 409, ErrorKind.ALREADY_EXISTS, f"An action with the name '{name}' exists."
            )
        action_id = self.add(name)
        self._write(action_id, fields, secret_values)
        if deploy and name not in self.broken:  # deploys once built: never, if it fails
            self._deploy(action_id)
        return action_id

    def update_action_fields(
        self, action_id: str, fields: ActionFields, secret_values: Mapping[str, SecretValue]
    ) -> None:
        self._call("update_action_fields", action_id)
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
        self.actions[action_id] = replace(action, **changes, status="building")
        if self.build_lag:
            self._building[action_id] = self.build_lag
        else:
            self._built(action_id)

    def _built(self, action_id: str) -> None:
        self._building.pop(action_id, None)
        action = self.actions[action_id]
        status = "failed" if action.name in self.broken else "built"
        self.actions[action_id] = replace(action, status=status)

    def deploy_action(self, action_id: str) -> DeployedVersion:
        self._call("deploy_action", action_id)
        if self._get("POST", action_id).status != "built":
            raise self._fail("POST", NOT_BUILT[0], ErrorKind.NOT_BUILT_YET, NOT_BUILT[1])
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
        self._call("deploy_version", action_id)
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
        self._call("update_bindings", trigger)
        for action_id, _ in entries:
            if self._get("PATCH", action_id).deployed_version is None:
                raise self._fail(
                    "PATCH", NOT_DEPLOYED[0], ErrorKind.NOT_DEPLOYED_YET, NOT_DEPLOYED[1]
                )
        self.bindings[trigger] = list(entries)

    def delete_action(self, action_id: str) -> None:
        self._call("delete_action", action_id)
        self._get("DELETE", action_id)
        if any(aid == action_id for entries in self.bindings.values() for aid, _ in entries):
            raise self._fail("DELETE", BOUND[0], ErrorKind.STILL_BOUND, BOUND[1])
        del self.actions[action_id]
        del self.versions[action_id]

    def test_action(self, action_id: str, payload: Mapping[str, Any]) -> TestRun:
        self._call("test_action", action_id)
        self._get("POST", action_id)
        return TestRun({"payload": {"stats": {"action_duration_ms": 1}}})
