"""Typed calls of the Actions Modules endpoints (`/api/v2/actions/modules`), on top of the
client's own plumbing (token, pacing, retries, paging with `total`, the page guard).

Request bodies are built from `core.fields.ModuleFields` plus the secret values (by secret name)
resolved at apply time; replies are the API's JSON, in its shapes (emulator/modules.py documents
them as recorded). Writes that are not idempotent (create, publish) look before re-sending after an
uncertain failure, as the action writes do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from reconciler.auth0 import wire
from reconciler.auth0.client import Auth0Client
from reconciler.auth0.engine import RESEND
from reconciler.core.errors import StepFailed
from reconciler.core.fields import ModuleFields
from reconciler.core.model import SecretValue

MODULES = "/api/v2/actions/modules"
Json = dict[str, Any]


def _one(module_id: str) -> str:
    return f"{MODULES}/{quote(module_id, safe='')}"


def module_body(
    fields: ModuleFields, secrets: Mapping[str, SecretValue], *, name: str | None = None
) -> Json:
    """The create (with `name`) or draft-update body: only the members that are sent."""
    body: Json = {} if name is None else {"name": name}
    if fields.code is not None:
        body["code"] = fields.code
    if fields.dependencies is not None:
        body["dependencies"] = [{"name": d.name, "version": d.version} for d in fields.dependencies]
    if fields.secrets is not None:
        body["secrets"] = wire.secrets_body(fields.secrets, secrets, "module secret")
    return body


def action_modules_body(pins: Iterable[tuple[str, str]]) -> list[Json]:
    """An action's `modules` as the API takes them: (module id, module version id) pairs (the
    API adds the name and number in its reply)."""
    return [{"module_id": mid, "module_version_id": vid} for mid, vid in pins]


class ModulesApi:
    """The modules calls of one `Auth0Client` (thread-safe as the client is)."""

    def __init__(self, client: Auth0Client) -> None:
        self.client = client

    def list_modules(self) -> list[Json]:
        """Every module (the list items carry `latest_version_number`, not `latest_version`)."""
        return self.client._paged(MODULES, "modules")

    def get_module(self, module_id: str) -> Json:
        return self.client._object("GET", _one(module_id))

    def create_module(
        self, name: str, fields: ModuleFields, secrets: Mapping[str, SecretValue]
    ) -> Json:
        """POST (201). After an uncertain failure the module is looked up by name first."""

        def recover() -> Any:
            found = [m for m in self.list_modules() if m.get("name") == name]
            return found[0] if found else RESEND

        body = module_body(fields, secrets, name=name)
        return self.client._object("POST", MODULES, body=body, recover=recover)

    def update_module(
        self, module_id: str, fields: ModuleFields, secrets: Mapping[str, SecretValue]
    ) -> Json:
        """PATCH the draft (a whole-set replace of what is sent; idempotent)."""
        body = module_body(fields, secrets)
        return self.client._object("PATCH", _one(module_id), body=body)

    def delete_module(self, module_id: str) -> None:
        """DELETE (204); a 404 on a retry means it is gone. 412 while an action uses it."""
        self.client.engine.call("DELETE", _one(module_id), gone_ok=True)

    def publish_module(self, module_id: str) -> Json:
        """Publish the draft as the next version (200; returns the version). Not idempotent:
        after an uncertain failure the module is read, and if its draft is all published the
        latest version is the result; otherwise the publish is sent again."""

        def recover() -> Any:
            current = self.get_module(module_id)
            latest = current.get("latest_version")
            if current.get("all_changes_published") is True and isinstance(latest, dict):
                return self.get_module_version(module_id, str(latest.get("id")))
            return RESEND

        path = f"{_one(module_id)}/versions"
        return self.client._object("POST", path, recover=recover)

    def list_module_versions(self, module_id: str) -> list[Json]:
        """Every published version, newest first."""
        return self.client._paged(f"{_one(module_id)}/versions", "versions")

    def version_id(self, module_id: str, number: int) -> str:
        """The id of the module's published version `number` (one paged versions list); a
        one-line error when there is none."""
        for ver in self.list_module_versions(module_id):
            if ver.get("version_number") == number and isinstance(ver.get("id"), str):
                return str(ver["id"])
        raise StepFailed(f"module {module_id} has no published version {number}")

    def get_module_version(self, module_id: str, version_id: str) -> Json:
        return self.client._object(
            "GET", f"{_one(module_id)}/versions/{quote(version_id, safe='')}"
        )

    def list_module_actions(self, module_id: str) -> list[Json]:
        """The actions using the module: `action_id, action_name, module_version_id,
        module_version_number`."""
        return self.client._paged(f"{_one(module_id)}/actions", "actions")

    def rollback_module(self, module_id: str, version_id: str) -> Json:
        """The draft takes an old version's content (idempotent: the same draft either way);
        returns the module. Publishing it is a separate step."""
        body = {"module_version_id": version_id}
        return self.client._object("POST", f"{_one(module_id)}/rollback", body=body)
