"""Actions Modules: stored records, their mutations and their wire shapes.

Shapes as recorded (TF-REC TestAccActionModule*, terraform-provider-auth0 a00b692): a module is
`id, name, code, dependencies, secrets, all_changes_published, actions_using_module_total,
created_at, updated_at` plus `latest_version {id, version_number, code, dependencies, secrets}`
once a version is published; a version is `id, module_id, version_number, code, secrets,
dependencies, created_at`. Timestamps have microsecond digits. A list item (`GET
/actions/modules`, not recorded) has the OAS shape: `latest_version_number` instead of the
`latest_version` object (go-auth0 wiremock-mappings.json).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from reconciler.emulator.drafts import merge_secrets
from reconciler.emulator.replies import HttpError, bad_body, not_found
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.util import new_id

MAX_MODULES = 100
MAX_MODULE_VERSIONS = 50
MAX_MODULE_CODE = 65_536
MAX_MODULES_PER_ACTION = 3
MODULE_NOT_FOUND = "That action module does not exist."
VERSION_NOT_FOUND = "That action module version does not exist."
CONTENT_KEYS = ("code", "dependencies", "secrets")


def micros(epoch: float) -> str:
    """RFC3339 with microseconds, as the modules endpoints write timestamps."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---------------------------------------------------------------- lookups


def module(t: Tenant, module_id: str) -> Record:
    found = t.data.modules.get(module_id)
    if found is None:
        raise not_found(MODULE_NOT_FOUND)
    return found


def versions(t: Tenant, module_id: str) -> list[Record]:
    return t.data.module_versions.setdefault(module_id, [])


def version(t: Tenant, module_id: str, version_id: str) -> Record:
    for ver in versions(t, module_id):
        if ver["id"] == version_id:
            return ver
    raise not_found(VERSION_NOT_FOUND)


def latest(t: Tenant, module_id: str) -> Record | None:
    found = versions(t, module_id)
    return max(found, key=lambda v: int(v["number"])) if found else None


def by_name(t: Tenant, name: str) -> Record | None:
    return next((m for m in t.data.modules.values() if m["name"] == name), None)


def users(t: Tenant, module_id: str) -> list[tuple[Record, Record]]:
    """(action, module ref) for every action whose draft or deployed version uses the module;
    the draft's reference wins when both do."""
    out = []
    for action in t.data.actions.values():
        deployed = t.deployed_version(action) or {}
        refs = [*action.get("modules", []), *deployed.get("modules", [])]
        ref = next((r for r in refs if r.get("module_id") == module_id), None)
        if ref is not None:
            out.append((action, ref))
    return out


# ---------------------------------------------------------------- mutations


def _content(rec: Record) -> tuple[Any, ...]:
    deps = sorted((d["name"], d["version"]) for d in rec.get("dependencies", []))
    secrets = sorted((s["name"], s["value_digest"]) for s in rec.get("secrets", []))
    return rec.get("code"), deps, secrets


def write_draft(rec: Record, body: dict[str, Any], now: float) -> None:
    if "code" in body:
        rec["code"] = body["code"]
    if "dependencies" in body:
        rec["dependencies"] = [dict(d) for d in body["dependencies"]]
    if "secrets" in body:
        rec["secrets"] = merge_secrets(rec.get("secrets", []), body["secrets"], now)
    rec["updated_at"] = now


def create(t: Tenant, body: dict[str, Any], now: float) -> Record:
    if len(t.data.modules) >= MAX_MODULES:
        raise HttpError(400, f"You have reached the limit of {MAX_MODULES} modules per tenant.")
    check_name_free(t, body["name"])
    rec: Record = {"id": body.get("id") or new_id(), "name": body["name"], "code": ""}
    rec.update({"dependencies": [], "secrets": [], "created_at": now, "version_seq": 0})
    write_draft(rec, body, now)
    t.data.modules[rec["id"]] = rec
    return rec


def check_name_free(t: Tenant, name: str) -> None:
    if by_name(t, name) is not None:
        raise HttpError(409, f"An action module with the name '{name}' already exists.")


def publish(t: Tenant, rec: Record, now: float) -> Record:
    found = versions(t, rec["id"])
    if len(found) >= MAX_MODULE_VERSIONS:
        raise HttpError(
            400, f"You have reached the limit of {MAX_MODULE_VERSIONS} versions per module."
        )
    number = int(rec.get("version_seq", 0)) + 1
    rec["version_seq"] = number
    ver: Record = {k: copy.deepcopy(rec[k]) for k in CONTENT_KEYS}
    ver.update({"id": new_id(), "module_id": rec["id"], "number": number, "created_at": now})
    found.append(ver)
    return ver


def rollback(rec: Record, ver: Record, now: float) -> None:
    """The draft takes the version's code, dependencies and secrets (values included)."""
    for key in CONTENT_KEYS:
        rec[key] = copy.deepcopy(ver[key])
    rec["updated_at"] = now


def resolve_refs(t: Tenant, refs: Any) -> list[Record]:
    """An action's `modules` as sent (`module_id`, `module_version_id`) into the stored form
    the API returns (with `module_name` and `module_version_number`); each must exist."""
    if not isinstance(refs, list):
        raise bad_body("Expected type array but found type " + type(refs).__name__, "modules")
    if len(refs) > MAX_MODULES_PER_ACTION:
        raise bad_body(
            f"Array is too long ({len(refs)}), maximum {MAX_MODULES_PER_ACTION}", "modules"
        )
    out = []
    for i, ref in enumerate(refs):
        where = f"modules[{i}]"
        if not isinstance(ref, dict) or not isinstance(ref.get("module_id"), str):
            raise bad_body("Missing required property: module_id", where)
        if not isinstance(ref.get("module_version_id"), str):
            raise bad_body("Missing required property: module_version_id", where)
        mod = t.data.modules.get(ref["module_id"])
        if mod is None:
            raise HttpError(400, f"Module {ref['module_id']} does not exist.")
        ver = next((v for v in versions(t, mod["id"]) if v["id"] == ref["module_version_id"]), None)
        if ver is None:
            raise HttpError(400, f"Module version {ref['module_version_id']} does not exist.")
        out.append(
            {
                "module_id": mod["id"],
                "module_name": mod["name"],
                "module_version_id": ver["id"],
                "module_version_number": ver["number"],
            }
        )
    return out


# ---------------------------------------------------------------- wire shapes


def _secrets(items: list[Record], stamp: float | None = None) -> list[Record]:
    return [
        {"name": s["name"], "updated_at": micros(s["updated_at"] if stamp is None else stamp)}
        for s in items
    ]


def _deps(items: list[Record]) -> list[Record]:
    return [dict(d) for d in items]


def view(t: Tenant, rec: Record, *, patched: bool = False) -> Record:
    """A module. `patched`: the PATCH reply, which as recorded shows `updated_at` (the
    module's and its secrets') as the creation time (TF-REC TestAccActionModule #4/#8,
    MultipleVersions #11; the GET after shows the real times)."""
    stamp = float(rec["created_at"]) if patched else None
    last = latest(t, rec["id"])
    out: Record = {"id": rec["id"], "name": rec["name"], "code": rec["code"]}
    out["dependencies"] = _deps(rec["dependencies"])
    out["secrets"] = _secrets(rec["secrets"], stamp)
    out["all_changes_published"] = last is not None and _content(last) == _content(rec)
    out["actions_using_module_total"] = len(users(t, rec["id"]))
    out["created_at"] = micros(rec["created_at"])
    out["updated_at"] = micros(rec["created_at"] if patched else rec["updated_at"])
    if last is not None:
        out["latest_version"] = {
            "id": last["id"],
            "version_number": last["number"],
            "code": last["code"],
            "dependencies": _deps(last["dependencies"]),
            "secrets": _secrets(last["secrets"]),
        }
    return out


def list_item(t: Tenant, rec: Record) -> Record:
    full = view(t, rec)
    last = full.pop("latest_version", None)
    out = {k: full[k] for k in ("id", "name", "code", "dependencies", "secrets")}
    out["actions_using_module_total"] = full["actions_using_module_total"]
    out["all_changes_published"] = full["all_changes_published"]
    if last is not None:
        out["latest_version_number"] = last["version_number"]
    out.update({"created_at": full["created_at"], "updated_at": full["updated_at"]})
    return out


def version_view(ver: Record) -> Record:
    return {
        "id": ver["id"],
        "module_id": ver["module_id"],
        "version_number": ver["number"],
        "code": ver["code"],
        "secrets": _secrets(ver["secrets"]),
        "dependencies": _deps(ver["dependencies"]),
        "created_at": micros(ver["created_at"]),
    }


def user_view(action: Record, ref: Record) -> Record:
    return {
        "action_id": action["id"],
        "action_name": action["name"],
        "module_version_id": ref["module_version_id"],
        "module_version_number": ref["module_version_number"],
    }
