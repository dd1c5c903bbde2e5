"""Render stored records as the wire shapes of the Management API (auth0-actions-api.md §2)."""

from __future__ import annotations

from typing import Any

from reconciler.emulator import builds
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.util import rfc3339
from reconciler.model import Trigger


def content(rec: Record) -> tuple[Any, ...]:
    """What a deploy freezes: compared to tell whether all changes are deployed."""
    secrets = sorted((s["name"], s["value_digest"]) for s in rec.get("secrets", []))
    deps = sorted((d["name"], d["version"]) for d in rec.get("dependencies", []))
    triggers = [(t["id"], t.get("version")) for t in rec.get("supported_triggers", [])]
    return (rec.get("code"), rec.get("runtime"), deps, triggers, secrets)


def _deps(deps: list[Record], built: bool) -> list[Record]:
    if not built:
        return [dict(d) for d in deps]
    return [{k: v for k, v in d.items() if k != "registry_url"} for d in deps]


def _secrets(secrets: list[Record]) -> list[Record]:
    return [{"name": s["name"], "updated_at": rfc3339(s["updated_at"])} for s in secrets]


def _timing(out: Record, build: Record, status: str, tenant: Tenant) -> None:
    if status in ("built", "failed"):
        out["built_at"] = rfc3339(builds.finished_at(build, tenant.cfg.build_seconds))


def all_changes_deployed(tenant: Tenant, rec: Record) -> bool:
    ver = tenant.deployed_version(rec)
    return ver is not None and content(ver) == content(rec)


def action_base(tenant: Tenant, rec: Record) -> Record:
    return {
        "id": rec["id"],
        "name": rec["name"],
        "supported_triggers": [dict(t) for t in rec["supported_triggers"]],
        "all_changes_deployed": all_changes_deployed(tenant, rec),
        "created_at": rfc3339(rec["created_at"]),
        "updated_at": rfc3339(rec["updated_at"]),
    }


def version(tenant: Tenant, rec: Record, ver: Record, *, embed_action: bool = True) -> Record:
    status = tenant.build_status(ver["build"])
    out: Record = {
        "id": ver["id"],
        "deployed": rec.get("deployed_version_id") == ver["id"],
        "code": ver["code"],
        "dependencies": _deps(ver["dependencies"], status == "built"),
        "runtime": ver["runtime"],
        "secrets": _secrets(ver["secrets"]),
        "status": status,
        "number": ver["number"],
        "supported_triggers": [dict(t) for t in ver["supported_triggers"]],
        "created_at": rfc3339(ver["created_at"]),
        "updated_at": rfc3339(max(ver["created_at"], ver["build"]["started"])),
    }
    if ver.get("modules"):
        out["modules"] = ver["modules"]
    errors = builds.errors(ver["build"], tenant.now(), tenant.cfg.build_seconds)
    if errors:
        out["errors"] = errors
    _timing(out, ver["build"], status, tenant)
    if embed_action:
        out["action"] = action_base(tenant, rec)
    return out


def current_version(tenant: Tenant, rec: Record) -> Record:
    """The undocumented `current_version`: the draft's latest build, status upper-case."""
    build = rec["build"]
    status = tenant.build_status(build)
    versions = tenant.versions(rec["id"])
    latest = max((v["number"] for v in versions), default=0)
    out: Record = {
        "id": build["id"],
        "code": rec["code"],
        "runtime": rec["runtime"],
        "status": status.upper(),
        "number": latest if all_changes_deployed(tenant, rec) else latest + 1,
        "created_at": rfc3339(build["started"]),
        "updated_at": rfc3339(build["started"]),
    }
    if status in ("built", "failed"):
        out["build_time"] = rfc3339(builds.finished_at(build, tenant.cfg.build_seconds))
    return out


def action(tenant: Tenant, rec: Record) -> Record:
    status = tenant.build_status(rec["build"])
    out = action_base(tenant, rec)
    out.update(
        {
            "code": rec["code"],
            "dependencies": _deps(rec["dependencies"], status == "built"),
            "runtime": rec["runtime"],
            "secrets": _secrets(rec["secrets"]),
            "status": status,
            "current_version": current_version(tenant, rec),
        }
    )
    if rec.get("modules"):
        out["modules"] = rec["modules"]
    _timing(out, rec["build"], status, tenant)
    errors = builds.errors(rec["build"], tenant.now(), tenant.cfg.build_seconds)
    if errors:
        out["errors"] = errors
    ver = tenant.deployed_version(rec)
    if ver is not None:
        shown = version(tenant, rec, ver, embed_action=False)
        shown["deployed"] = True
        out["deployed_version"] = shown
    for key in ("installed_integration_id", "integration"):
        if key in rec:
            out[key] = rec[key]
    return out


def cut_down_action(tenant: Tenant, rec: Record) -> Record:
    """The action embedded in a binding: no top-level code/runtime/secrets/dependencies."""
    full = action(tenant, rec)
    keep = ("current_version", "deployed_version")
    out = action_base(tenant, rec)
    out.update({k: full[k] for k in keep if k in full})
    return out


def binding(tenant: Tenant, item: Record) -> Record:
    rec = tenant.data.actions[item["action_id"]]
    return {
        "id": item["id"],
        "trigger_id": item["trigger_id"],
        "display_name": item["display_name"],
        "action": cut_down_action(tenant, rec),
        "created_at": rfc3339(item["created_at"]),
        "updated_at": rfc3339(item["updated_at"]),
    }


def trigger(t: Trigger) -> Record:
    out: Record = {
        "id": t.id,
        "version": t.version,
        "status": t.status,
        "runtimes": list(t.runtimes),
        "default_runtime": t.default_runtime,
        "binding_policy": t.binding_policy,
    }
    if t.compatible_triggers:
        out["compatible_triggers"] = [{"id": i, "version": v} for i, v in t.compatible_triggers]
    return out


def page_body(key: str, items: list[Record], total: int, page: int, per_page: int) -> Record:
    """A paged list body with zero-valued `total`/`page` left out, as the real API does."""
    out: Record = {key: items}
    if total:
        out["total"] = total
    if page:
        out["page"] = page
    out["per_page"] = per_page
    return out
