"""Render stored records as the wire shapes of the Management API (auth0-actions-api.md §2)."""

from __future__ import annotations

from typing import Any

from reconciler.emulator import builds
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.util import rfc3339


def content(rec: Record) -> tuple[Any, ...]:
    """What a deploy freezes: compared to tell whether all changes are deployed. The server's
    own judgement (with secret value digests), kept apart from the tool's
    (reconciler.core.content): the emulator stands for Auth0."""
    secrets = sorted((s["name"], s["value_digest"]) for s in rec.get("secrets", []))
    deps = sorted((d["name"], d["version"]) for d in rec.get("dependencies", []))
    triggers = [(t["id"], t.get("version")) for t in rec.get("supported_triggers", [])]
    mods = [(m["module_id"], m["module_version_id"]) for m in rec.get("modules", [])]
    return (rec.get("code"), rec.get("runtime"), deps, triggers, secrets, mods)


def _deps(deps: list[Record], built: bool) -> list[Record]:
    if not built:
        return [dict(d) for d in deps]
    return [{k: v for k, v in d.items() if k != "registry_url"} for d in deps]


def _secrets(secrets: list[Record]) -> list[Record]:
    return [{"name": s["name"], "updated_at": rfc3339(s["updated_at"])} for s in secrets]


def _built_at(tenant: Tenant, ver: Record) -> float:
    """When a version finished building: never before the version itself was made."""
    return max(float(ver["created_at"]), builds.finished_at(ver["build"], tenant.cfg.build_seconds))


def all_changes_deployed(tenant: Tenant, rec: Record) -> bool:
    ver = tenant.deployed_version(rec)
    return ver is not None and content(ver) == content(rec)


def action_base(tenant: Tenant, rec: Record, *, embedded: bool = False) -> Record:
    """`id, name, supported_triggers, created_at, updated_at, all_changes_deployed`. Embedded in
    a version or a binding, every recorded sample says `all_changes_deployed: false` (GO1-REC
    Versions #5, Version #5, Bindings #6/#7; TF-REC TriggerAction), so the emulator does too."""
    return {
        "id": rec["id"],
        "name": rec["name"],
        "supported_triggers": [dict(t) for t in rec["supported_triggers"]],
        "created_at": rfc3339(rec["created_at"]),
        "updated_at": rfc3339(rec["updated_at"]),
        "all_changes_deployed": False if embedded else all_changes_deployed(tenant, rec),
    }


def version(
    tenant: Tenant, rec: Record, ver: Record, *, embed_action: bool = True, fresh: bool = False
) -> Record:
    """An ActionVersion as recorded. `fresh`: the reply of a deploy or rollback, which says
    `deployed: false` and has no `built_at` yet (GO1-REC Deploy #4, DeployVersion #4/#5)."""
    status = tenant.build_status(ver["build"])
    built = status == "built" and not fresh
    out: Record = {
        "code": ver["code"],
        "dependencies": _deps(ver["dependencies"], status == "built"),
        "id": ver["id"],
        "deployed": rec.get("deployed_version_id") == ver["id"] and not fresh,
        "number": ver["number"],
    }
    if built:
        out["built_at"] = rfc3339(_built_at(tenant, ver))
    out.update(
        {
            "secrets": _secrets(ver["secrets"]),
            "status": status,
            "created_at": rfc3339(ver["created_at"]),
            "updated_at": rfc3339(_built_at(tenant, ver) if built else ver["created_at"]),
            "runtime": ver["runtime"],
            "supported_triggers": [dict(t) for t in ver["supported_triggers"]],
        }
    )
    if ver.get("modules"):
        out["modules"] = ver["modules"]
    if embed_action:
        out["action"] = action_base(tenant, rec, embedded=True)
    return out


def current_version(deployed: Record) -> Record:
    """The undocumented `current_version`: in every recorded sample it exists only beside a
    `deployed_version` and mirrors it (same id, number, code, runtime; status upper-case;
    `build_time` = the version's `built_at`)."""
    out: Record = {
        "id": deployed["id"],
        "code": deployed["code"],
        "runtime": deployed["runtime"],
        "status": str(deployed["status"]).upper(),
        "number": deployed["number"],
    }
    if "built_at" in deployed:
        out["build_time"] = deployed["built_at"]
    out["created_at"] = deployed["created_at"]
    out["updated_at"] = deployed["updated_at"]
    return out


def action(tenant: Tenant, rec: Record) -> Record:
    """An Action as recorded: no top-level `built_at` and no `errors`, even when the build
    failed (TF-REC TestAccAction #43/#44: only `status: "failed"`)."""
    status = tenant.build_status(rec["build"])
    base = action_base(tenant, rec)
    out: Record = {k: base[k] for k in ("id", "name", "supported_triggers")}
    out.update({"created_at": base["created_at"], "updated_at": base["updated_at"]})
    out.update(
        {
            "code": rec["code"],
            "dependencies": _deps(rec["dependencies"], status == "built"),
            "runtime": rec["runtime"],
            "status": status,
            "secrets": _secrets(rec["secrets"]),
        }
    )
    if rec.get("modules"):
        out["modules"] = rec["modules"]
    ver = tenant.deployed_version(rec)
    if ver is not None:
        shown = version(tenant, rec, ver, embed_action=False)
        shown["deployed"] = True
        out["current_version"] = current_version(shown)
        out["deployed_version"] = shown
    out["all_changes_deployed"] = base["all_changes_deployed"]
    for key in ("installed_integration_id", "integration"):
        if key in rec:
            out[key] = rec[key]
    return out


def cut_down_action(tenant: Tenant, rec: Record) -> Record:
    """The action embedded in a binding: no top-level code/runtime/secrets/dependencies/status,
    and `all_changes_deployed: false` (every recorded binding)."""
    full = action(tenant, rec)
    base = action_base(tenant, rec, embedded=True)
    out = {k: base[k] for k in ("id", "name", "supported_triggers", "created_at", "updated_at")}
    out.update({k: full[k] for k in ("current_version", "deployed_version") if k in full})
    out["all_changes_deployed"] = False
    return out


def binding(tenant: Tenant, item: Record) -> Record:
    rec = tenant.data.actions[item["action_id"]]
    return {
        "id": item["id"],
        "trigger_id": item["trigger_id"],
        "action": cut_down_action(tenant, rec),
        "created_at": rfc3339(item["created_at"]),
        "updated_at": rfc3339(item["updated_at"]),
        "display_name": item["display_name"],
    }


def page_body(key: str, items: list[Record], total: int, page: int, per_page: int) -> Record:
    """A paged list body with zero-valued `total`/`page` left out, as the real API does; an
    empty page has no `total` either (TF-REC TestAccTriggerAction #14: page 1 of 1 binding is
    `{"bindings": [], "page": 1, "per_page": 100}`)."""
    out: Record = {key: items}
    if total and items:
        out["total"] = total
    if page:
        out["page"] = page
    out["per_page"] = per_page
    return out
