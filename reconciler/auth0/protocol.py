"""The typed face of the tenant that the applier, the waits, rollback, export and `reconciler
test` depend on: model records in, model records out, no wire shapes.

`reconciler.auth0.actions_api.ActionsAPI` implements it over HTTP (through `Auth0Client`);
`tests/support_fake.py::FakeTenant` implements it in memory for fast unit tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reconciler.core.fields import ActionFields, ModuleFields
from reconciler.core.livemodel import (
    LiveAction,
    LiveState,
    LiveTriggerBindings,
    LiveVersion,
    Trigger,
)
from reconciler.core.model import SecretValue


@dataclass(frozen=True, slots=True)
class DeployedVersion:
    """The version a deploy (or a rollback) made; None where the reply left it out."""

    id: str | None
    number: int | None


@dataclass(frozen=True, slots=True)
class TestRun:
    """What the test endpoint answered: the reply as is (printed for the operator) and the
    error the action threw, if any."""

    __test__ = False  # not a pytest class

    reply: Mapping[str, Any]
    error_name: str | None = None  # None: the action threw nothing
    error_message: str = ""


class TenantAPI(Protocol):
    def authenticate(self) -> None:
        """Fetch (or reuse) the access token now."""

    def list_triggers(self) -> list[Trigger]: ...

    def list_actions(self, *, name: str | None = None) -> list[LiveAction]:
        """Every action, or only those named exactly `name`."""

    def get_bindings(self, trigger: str) -> LiveTriggerBindings: ...

    def read_live(self, *, tenant: str, owned_triggers: Iterable[str] = ()) -> LiveState:
        """The tenant at the minimum request count (reconciler.auth0.live.read_live)."""

    def create_action(
        self,
        name: str,
        fields: ActionFields,
        secret_values: Mapping[str, SecretValue],
        deploy: bool,
        module_versions: Mapping[str, tuple[str, str]] | None = None,
    ) -> str:
        """Create the action (deployed once built when `deploy`); returns its id.
        `module_versions`: module name -> (module id, version id) of each of `fields.modules`."""

    def update_action_fields(
        self,
        action_id: str,
        fields: ActionFields,
        secret_values: Mapping[str, SecretValue],
        module_versions: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        """Write the members of `fields` that are sent to the draft."""

    def deploy_action(self, action_id: str) -> DeployedVersion:
        """Deploy the draft as a new version."""

    def update_bindings(self, trigger: str, entries: Sequence[tuple[str, str]]) -> None:
        """Replace the trigger's ordered binding list with (action_id, display_name) entries."""

    def delete_action(self, action_id: str) -> None: ...

    def list_versions(self, action_id: str) -> list[LiveVersion]: ...

    def deploy_version(
        self, action_id: str, version_id: str, *, update_draft: bool
    ) -> DeployedVersion:
        """Roll back: deploy a copy of an old version (and make it the draft if asked)."""

    def test_action(self, action_id: str, payload: Mapping[str, Any]) -> TestRun:
        """Run the draft with an event payload."""

    def create_module(
        self, name: str, fields: ModuleFields, secret_values: Mapping[str, SecretValue]
    ) -> str:
        """Create an Actions Module (its draft); returns its id."""

    def update_module(
        self, module_id: str, fields: ModuleFields, secret_values: Mapping[str, SecretValue]
    ) -> None:
        """Write the members of `fields` that are sent to the module's draft."""

    def publish_module(self, module_id: str) -> DeployedVersion:
        """Publish the module's draft as its next version (id and number)."""

    def published_draft(self, module_id: str) -> DeployedVersion | None:
        """The module's newest version when its draft holds nothing unpublished, else None."""

    def delete_module(self, module_id: str) -> None:
        """Delete the module (ErrorKind.IN_USE while an action uses it)."""

    def module_version(self, name: str, number: int) -> tuple[str, str]:
        """(module id, version id) of the published version `number` of module `name`."""
