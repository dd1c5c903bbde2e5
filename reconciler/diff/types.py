"""The diff's result types: what differs per action and per owned trigger, with no decisions
about ordering or safety (those are the planner's)."""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.core.livemodel import LiveAction, LiveTriggerBindings
from reconciler.core.model import DesiredAction, DesiredTriggerBindings
from reconciler.core.trailer import TrailerInfo
from reconciler.diff.records import BindingsChange, FieldDiff

# ActionDiff.status values
CREATE = "create"  # in the manifests, not in the tenant
MANAGED = "managed"  # in the manifests and in the tenant with our trailer
ADOPT = "adopt"  # in the manifests, in the tenant without a trailer
ORPHAN = "orphan"  # in the tenant with our trailer, no longer in the manifests
UNMANAGED = "unmanaged"  # in the tenant, not ours: never touched

# Drift categories (changes made in the tenant outside the reconciler)
DASHBOARD_EDIT_DEPLOYED = "dashboard-edit-deployed"
UNDEPLOYED_DASHBOARD_DRAFT = "undeployed-dashboard-draft"
SECRET_VALUE_CHANGED = "secret-value-changed"  # noqa: S105 (a category name)
SECRET_ADDED = "secret-added"  # noqa: S105
SECRET_REMOVED = "secret-removed"  # noqa: S105

#: The API fields an update may send, in payload order.
UPDATE_FIELDS = ("supported_triggers", "code", "runtime", "dependencies", "secrets")


@dataclass(frozen=True, slots=True)
class Drift:
    category: str
    detail: str


@dataclass(frozen=True, slots=True)
class ActionDiff:
    """Desired vs live for one action name.

    `update_fields` are the API fields a PATCH must send (all of UPDATE_FIELDS for a create);
    `deploy` says whether the deployed version must be replaced. `reuse_digest` is the live
    secret digest when it still describes the desired secrets (kept in the new trailer), None
    when a fresh digest must be computed.
    """

    name: str
    status: str
    desired: DesiredAction | None = None
    live: LiveAction | None = None
    trailer: TrailerInfo | None = None
    update_fields: tuple[str, ...] = ()
    deploy: bool = False
    diff: FieldDiff = FieldDiff()
    drift: tuple[Drift, ...] = ()
    reasons: tuple[str, ...] = ()
    reuse_digest: str | None = None
    secrets_unresolved: bool = False
    digest_keyed: bool = False  # the live digest is keyed with a key not at hand: not compared

    @property
    def protected(self) -> bool:
        """Protected by the manifest or, for an action that left them, by its trailer."""
        if self.desired is not None:
            return self.desired.protect
        return self.trailer is not None and self.trailer.protect

    @property
    def changed(self) -> bool:
        return bool(self.update_fields) or self.deploy or self.status in (CREATE, ORPHAN)


@dataclass(frozen=True, slots=True)
class BindingsDiff:
    """One owned trigger: the desired ordered list vs the live one."""

    trigger: str
    desired: DesiredTriggerBindings
    live: LiveTriggerBindings | None
    changed: bool
    diff: BindingsChange | None = None  # set when changed


@dataclass(frozen=True, slots=True)
class StateDiff:
    actions: tuple[ActionDiff, ...]  # sorted by name
    bindings: tuple[BindingsDiff, ...]  # sorted by trigger
    warnings: tuple[str, ...] = ()
