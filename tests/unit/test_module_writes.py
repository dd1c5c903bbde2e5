"""The module side of the applier and the wire, without a server: an action's pins become the
API's (module id, version id) pairs, and a module delete the tenant refuses with 412 is one clear
StepFailed."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.apply.modules import ModuleSteps
from reconciler.auth0 import wire
from reconciler.auth0.errormap import classify
from reconciler.auth0.protocol import DeployedVersion
from reconciler.core.errors import ApiError, ErrorKind, StepFailed
from reconciler.core.fields import ActionFields, ModulePin
from reconciler.core.model import DesiredState
from reconciler.plan.kinds import DeleteModule, PublishModule


def test_action_modules_are_written_as_module_and_version_ids() -> None:
    fields = ActionFields(modules=(ModulePin("helpers", 2), ModulePin("audit", 1)))
    ids = {"helpers": ("mod_h", "ver_h2"), "audit": ("mod_a", "ver_a1")}
    assert wire.action_body(fields, {}, ids) == {
        "modules": [
            {"module_id": "mod_h", "module_version_id": "ver_h2"},
            {"module_id": "mod_a", "module_version_id": "ver_a1"},
        ]
    }
    with pytest.raises(StepFailed, match="module audit: its version id was not resolved"):
        wire.action_body(fields, {}, {"helpers": ("mod_h", "ver_h2")})


def test_a_412_on_delete_means_in_use() -> None:
    assert classify("DELETE", 412, "Precondition Failed") is ErrorKind.IN_USE


class _Tenant:
    """Just the module calls ModuleSteps makes."""

    def __init__(self, number: int = 2, published: DeployedVersion | None = None) -> None:
        self.number = number
        self.published = published  # the newest version when the draft is all published
        self.calls: list[tuple[str, Any]] = []

    def published_draft(self, module_id: str) -> DeployedVersion | None:
        return self.published

    def delete_module(self, module_id: str) -> None:
        self.calls.append(("delete", module_id))
        raise ApiError("DELETE", "/api/v2/actions/modules/x", 412, "in use", kind=ErrorKind.IN_USE)

    def publish_module(self, module_id: str) -> DeployedVersion:
        self.calls.append(("publish", module_id))
        return DeployedVersion(f"ver_{self.number}", self.number)

    def module_version(self, name: str, number: int) -> tuple[str, str]:
        self.calls.append(("lookup", (name, number)))
        return f"mod_{name}", f"ver_{name}_{number}"


def _steps(tenant: _Tenant, *steps: Any) -> ModuleSteps:
    return ModuleSteps(tenant, DesiredState("r", (), ()), tuple(steps))


def test_a_module_still_in_use_fails_its_delete_with_one_clear_line() -> None:
    tenant = _Tenant()
    step = DeleteModule("mod_1", "helpers")
    with pytest.raises(StepFailed, match=r"the tenant refused \(412\): an action still uses"):
        _steps(tenant, step).write(step)


def test_pins_use_this_runs_publish_else_read_the_tenant() -> None:
    tenant = _Tenant(number=2)
    publish = PublishModule("mod_helpers", "helpers", 2)
    steps = _steps(tenant, publish)
    assert steps.write(publish) == "published version 2"
    resolved = steps.resolve((ModulePin("helpers", 2), ModulePin("audit", 3)))
    assert resolved == {"helpers": ("mod_helpers", "ver_2"), "audit": ("mod_audit", "ver_audit_3")}
    assert tenant.calls == [("publish", "mod_helpers"), ("lookup", ("audit", 3))]


def test_a_publish_numbered_otherwise_than_planned_fails() -> None:
    publish = PublishModule("mod_helpers", "helpers", 2)
    with pytest.raises(StepFailed, match="published as version 3, not 2 as planned"):
        _steps(_Tenant(number=3), publish).write(publish)


def test_a_draft_a_concurrent_apply_published_as_planned_is_not_published_again() -> None:
    tenant = _Tenant(number=3, published=DeployedVersion("ver_2", 2))
    publish = PublishModule("mod_helpers", "helpers", 2)
    steps = _steps(tenant, publish)
    assert steps.write(publish) == "version 2 already published (by a concurrent apply)"
    assert steps.resolve((ModulePin("helpers", 2),)) == {"helpers": ("mod_helpers", "ver_2")}
    assert tenant.calls == []  # no second publish, no lookup


def test_an_all_published_draft_at_another_version_is_published_as_before() -> None:
    publish = PublishModule("mod_helpers", "helpers", 2)
    tenant = _Tenant(number=3, published=DeployedVersion("ver_1", 1))
    with pytest.raises(StepFailed, match="published as version 3, not 2 as planned"):
        _steps(tenant, publish).write(publish)
