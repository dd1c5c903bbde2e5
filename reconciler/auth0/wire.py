"""The Management API's request bodies, built from the tool's wire-free records
(reconciler.core.fields), and the one reading of a raw action/version as comparable content.

Nothing outside reconciler.auth0 builds a request body: the applier, waits, rollback, export
and `reconciler test` hand records to the typed client (`ActionsAPI`), which calls these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.core.content import Content, content
from reconciler.core.errors import ReconcilerError, StepFailed
from reconciler.core.fields import ActionFields, SecretRef
from reconciler.core.model import Dependency, SecretValue

Json = dict[str, Any]


def secrets_body(
    refs: Sequence[SecretRef], values: Mapping[str, SecretValue], what: str = "secret"
) -> list[Json]:
    """Each referenced secret with its value (a write sends them; a reply never holds them)."""
    out: list[Json] = []
    for ref in refs:
        value = values.get(ref.name)
        if value is None:
            raise StepFailed(f"{what} {ref.name} has no value (${ref.var})")
        out.append({"name": ref.name, "value": value.reveal()})
    return out


def action_body(
    fields: ActionFields,
    secret_values: Mapping[str, SecretValue],
    module_versions: Mapping[str, tuple[str, str]] | None = None,
) -> Json:
    """The body of a create or update: the members of `fields` that are sent, in payload order;
    each secret reference gets its value from `secret_values` (by secret name), each module pin
    its (module id, version id) from `module_versions` (by module name), resolved at apply time."""
    body: Json = {}
    if fields.supported_triggers is not None:
        body["supported_triggers"] = [
            {"id": t.id, "version": t.version} for t in fields.supported_triggers
        ]
    if fields.code is not None:
        body["code"] = fields.code
    if fields.runtime is not None:
        body["runtime"] = fields.runtime
    if fields.dependencies is not None:
        body["dependencies"] = [{"name": d.name, "version": d.version} for d in fields.dependencies]
    if fields.secrets is not None:
        body["secrets"] = secrets_body(fields.secrets, secret_values)
    if fields.modules is not None:
        if module_versions is None:  # a ModulePin names a version; the wire wants its ids
            raise ReconcilerError(
                "writing an action's modules is not supported without their resolved "
                "(module id, version id) pairs"
            )
        ids = module_versions
        missing = [p.name for p in fields.modules if p.name not in ids]
        if missing:
            raise StepFailed(f"module {missing[0]}: its version id was not resolved")
        body["modules"] = [  # as auth0/modules.py::action_modules_body (which imports us)
            {"module_id": ids[p.name][0], "module_version_id": ids[p.name][1]}
            for p in fields.modules
        ]
    return body


def create_body(
    name: str,
    fields: ActionFields,
    secret_values: Mapping[str, SecretValue],
    deploy: bool,
    module_versions: Mapping[str, tuple[str, str]] | None = None,
) -> Json:
    """POST /actions/actions: the name, the fields, and whether to deploy once built."""
    return {"name": name, **action_body(fields, secret_values, module_versions), "deploy": deploy}


def bindings_body(entries: Sequence[tuple[str, str]]) -> list[Json]:
    """PATCH bindings: each (action_id, display_name), by id (safer than by name, §4.4)."""
    return [
        {"ref": {"type": "action_id", "value": action_id}, "display_name": display_name}
        for action_id, display_name in entries
    ]


def content_of(obj: Json) -> Content | None:
    """A raw action or version as comparable content (code as stored, trailer included); None
    when its fields are not the shapes the API promises."""
    try:
        deps = [
            Dependency(str(d.get("name")), str(d.get("version")))
            for d in obj.get("dependencies") or []
        ]
        names = [str(s.get("name")) for s in obj.get("secrets") or []]
        triggers = [
            (str(t.get("id")), str(t.get("version"))) for t in obj.get("supported_triggers") or []
        ]
        code, runtime = obj.get("code"), obj.get("runtime")
    except (AttributeError, TypeError):
        return None
    trigger = triggers[0] if triggers else ("", "")
    return content(str(code), str(runtime), deps, names, trigger)
