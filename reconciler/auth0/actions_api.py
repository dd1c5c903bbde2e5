"""`ActionsAPI`: the typed client (the `TenantAPI` protocol) over the wire client.

Request bodies come from reconciler.auth0.wire; replies become model records through the
converters of reconciler.auth0.live. Retries, paging and the recovery of uncertain writes stay
in `Auth0Client`, which this wraps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reconciler.auth0 import errormap, live, live_read, wire
from reconciler.auth0.client import Auth0Client
from reconciler.auth0.modules import MODULES, ModulesApi
from reconciler.auth0.protocol import DeployedVersion, TestRun
from reconciler.core.errors import StepFailed
from reconciler.core.fields import ActionFields, ModuleFields
from reconciler.core.livemodel import (
    LiveAction,
    LiveState,
    LiveTriggerBindings,
    LiveVersion,
    Trigger,
)
from reconciler.core.model import SecretValue

Json = dict[str, Any]
ACTIONS = "/api/v2/actions/actions"


def deployed_version(raw: Json) -> DeployedVersion:
    """The version a deploy or rollback answered with."""
    version_id, number = raw.get("id"), raw.get("number")
    return DeployedVersion(
        version_id if isinstance(version_id, str) and version_id else None,
        number if isinstance(number, int) and not isinstance(number, bool) else None,
    )


def as_test_run(reply: Json) -> TestRun:
    """`{"payload": {"error"?: {name, message, stack}, "stats": {...}}}` as a TestRun."""
    body = reply.get("payload")
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not error:
        return TestRun(reply)
    return TestRun(reply, str(error.get("name") or "Error"), str(error.get("message", "")))


class ActionsAPI:
    """The `TenantAPI` of one tenant, over HTTP."""

    def __init__(self, client: Auth0Client) -> None:
        self.client = client

    def authenticate(self) -> None:
        self.client.authenticate()

    # ---------------------------------------------------------------- reads

    def list_triggers(self) -> list[Trigger]:
        return [live.to_trigger(t) for t in self.client.list_triggers()]

    def list_actions(self, *, name: str | None = None) -> list[LiveAction]:
        raw = self.client.list_actions(action_name=name)
        actions = [live.to_action(a) for a in raw]
        return actions if name is None else [a for a in actions if a.name == name]

    def get_bindings(self, trigger: str) -> LiveTriggerBindings:
        return live.to_bindings(trigger, self.client.get_bindings(trigger))

    def read_live(self, *, tenant: str, owned_triggers: Iterable[str] = ()) -> LiveState:
        return live_read.read_live(self.client, tenant=tenant, owned_triggers=owned_triggers)

    def list_versions(self, action_id: str) -> list[LiveVersion]:
        return [live.to_version(v) for v in self.client.list_versions(action_id)]

    # ---------------------------------------------------------------- writes

    def create_action(
        self,
        name: str,
        fields: ActionFields,
        secret_values: Mapping[str, SecretValue],
        deploy: bool,
        module_versions: Mapping[str, tuple[str, str]] | None = None,
    ) -> str:
        body = wire.create_body(name, fields, secret_values, deploy, module_versions)
        created = self.client.create_action(body)
        action_id = created.get("id")
        if not isinstance(action_id, str) or not action_id:
            raise errormap.malformed("POST", ACTIONS, 201, "the created action has no id")
        return action_id

    def update_action_fields(
        self,
        action_id: str,
        fields: ActionFields,
        secret_values: Mapping[str, SecretValue],
        module_versions: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        body = wire.action_body(fields, secret_values, module_versions)
        self.client.update_action(action_id, body)

    def deploy_action(self, action_id: str) -> DeployedVersion:
        return deployed_version(self.client.deploy_action(action_id))

    def update_bindings(self, trigger: str, entries: Sequence[tuple[str, str]]) -> None:
        self.client.update_bindings(trigger, wire.bindings_body(entries))

    def delete_action(self, action_id: str) -> None:
        self.client.delete_action(action_id)

    def deploy_version(
        self, action_id: str, version_id: str, *, update_draft: bool
    ) -> DeployedVersion:
        return deployed_version(
            self.client.deploy_version(action_id, version_id, update_draft=update_draft)
        )

    def test_action(self, action_id: str, payload: Mapping[str, Any]) -> TestRun:
        return as_test_run(self.client.test_action(action_id, dict(payload)))

    # ---------------------------------------------------------------- modules

    def create_module(
        self, name: str, fields: ModuleFields, secret_values: Mapping[str, SecretValue]
    ) -> str:
        created = ModulesApi(self.client).create_module(name, fields, secret_values)
        module_id = created.get("id")
        if not isinstance(module_id, str) or not module_id:
            raise errormap.malformed("POST", MODULES, 201, "the created module has no id")
        return module_id

    def update_module(
        self, module_id: str, fields: ModuleFields, secret_values: Mapping[str, SecretValue]
    ) -> None:
        ModulesApi(self.client).update_module(module_id, fields, secret_values)

    def publish_module(self, module_id: str) -> DeployedVersion:
        raw = ModulesApi(self.client).publish_module(module_id)
        return deployed_version({"id": raw.get("id"), "number": raw.get("version_number")})

    def published_draft(self, module_id: str) -> DeployedVersion | None:
        raw = ModulesApi(self.client).get_module(module_id)
        latest = raw.get("latest_version")
        if raw.get("all_changes_published") is not True or not isinstance(latest, dict):
            return None
        return deployed_version({"id": latest.get("id"), "number": latest.get("version_number")})

    def delete_module(self, module_id: str) -> None:
        ModulesApi(self.client).delete_module(module_id)

    def module_version(self, name: str, number: int) -> tuple[str, str]:
        api = ModulesApi(self.client)
        found = [m for m in api.list_modules() if m.get("name") == name]
        if len(found) != 1 or not isinstance(found[0].get("id"), str):
            raise StepFailed(f"module {name} is not in the tenant (or not once)")
        module_id = str(found[0]["id"])
        return module_id, api.version_id(module_id, number)
