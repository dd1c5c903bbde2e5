"""Applying the module steps of a plan, and resolving an action's module pins (name, version
number) to the (module id, version id) pairs the API takes: from the publishes of this run
first, else by reading the tenant (one module list and one versions list per pin)."""

from __future__ import annotations

import threading

from reconciler.apply.bodies import resolve_secrets
from reconciler.auth0.protocol import TenantAPI
from reconciler.core.errors import ApiError, ErrorKind, StepFailed
from reconciler.core.fields import ModulePin, SecretRef
from reconciler.core.model import DesiredState, SecretValue
from reconciler.plan.kinds import CreateModule, DeleteModule, PublishModule, Step, UpdateModule

ModuleStep = CreateModule | UpdateModule | PublishModule | DeleteModule


def module_secret_values(
    desired: DesiredState, name: str, refs: tuple[SecretRef, ...] | None
) -> dict[str, SecretValue]:
    """The values of the secrets a write of module `name` sends (none: {})."""
    module = desired.module(name)
    return resolve_secrets(f"module {name}", module.secrets if module is not None else None, refs)


class ModuleSteps:
    """The module ids and published versions an apply knows (thread-safe)."""

    def __init__(self, api: TenantAPI, desired: DesiredState, steps: tuple[Step, ...]) -> None:
        self.api = api
        self.desired = desired
        self._lock = threading.Lock()
        self.ids: dict[str, str] = {}  # module name -> id (live, or created in this run)
        self.versions: dict[tuple[str, int], tuple[str, str]] = {}
        for step in steps:
            if isinstance(step, UpdateModule | DeleteModule | PublishModule) and step.module_id:
                self.ids[step.name] = step.module_id

    def write(self, step: ModuleStep) -> str:
        if isinstance(step, CreateModule):
            values = module_secret_values(self.desired, step.name, step.fields.secrets)
            module_id = self.api.create_module(step.name, step.fields, values)
            with self._lock:
                self.ids[step.name] = module_id
            return "created"
        if isinstance(step, UpdateModule):
            values = module_secret_values(self.desired, step.name, step.fields.secrets)
            self.api.update_module(step.module_id, step.fields, values)
            return "updated (" + ", ".join(sorted(n for n in _sent(step))) + ")"
        if isinstance(step, PublishModule):
            return self._publish(step)
        return self._delete(step)

    def _publish(self, step: PublishModule) -> str:
        module_id = step.module_id or self.ids.get(step.name)
        if module_id is None:
            raise StepFailed(f"module {step.name}: its id is unknown")
        # a concurrent apply of the same manifests may have published this very draft: a
        # second publish would make a version no plan pinned, and both applies fail verify
        done = self.api.published_draft(module_id)
        if done is not None and done.id is not None and done.number == step.version:
            with self._lock:
                self.versions[(step.name, step.version)] = (module_id, done.id)
            return f"version {step.version} already published (by a concurrent apply)"
        version = self.api.publish_module(module_id)
        if version.id is None or version.number is None:
            raise StepFailed("the API answered the publish without a version id and number")
        with self._lock:
            self.versions[(step.name, version.number)] = (module_id, version.id)
        if version.number != step.version:
            raise StepFailed(
                f"published as version {version.number}, not {step.version} as planned (the "
                "module was published elsewhere meanwhile); run plan again"
            )
        return f"published version {version.number}"

    def _delete(self, step: DeleteModule) -> str:
        try:
            self.api.delete_module(step.module_id)
        except ApiError as exc:
            if exc.kind is ErrorKind.NOT_FOUND:
                return "deleted (it was already gone)"
            if exc.kind is ErrorKind.IN_USE:
                raise StepFailed(
                    "the tenant refused (412): an action still uses the module, so this plan "
                    "was wrong; run plan again"
                ) from None
            raise
        return "deleted"

    def resolve(self, pins: tuple[ModulePin, ...]) -> dict[str, tuple[str, str]]:
        """Module name -> (module id, version id) for each pin."""
        out: dict[str, tuple[str, str]] = {}
        for pin in pins:
            with self._lock:
                known = self.versions.get((pin.name, pin.version))
            out[pin.name] = known or self.api.module_version(pin.name, pin.version)
        return out


def _sent(step: UpdateModule) -> list[str]:
    fields = step.fields
    members = {"code": fields.code, "dependencies": fields.dependencies, "secrets": fields.secrets}
    return [name for name, value in members.items() if value is not None]
