"""Draft and version mutations shared by the routes and by seeding."""

from __future__ import annotations

import copy
from typing import Any

from reconciler.emulator import builds
from reconciler.emulator.replies import HttpError
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import MAX_VERSIONS, Tenant
from reconciler.emulator.util import digest, new_id

VERSION_KEYS = ("code", "runtime", "dependencies", "secrets", "supported_triggers", "modules")


def resolve_triggers(tenant: Tenant, items: list[Record], *, legacy: bool = False) -> list[Record]:
    """Fill in each trigger's version (the CURRENT one when absent) and check it exists
    (`legacy`: a seeded action may name a trigger version the tenant no longer lists)."""
    out: list[Record] = []
    for item in items:
        tid = item["id"]
        version = item.get("version")
        if version is None:
            current = tenant.catalogue.current(tid)
            version = str(current["version"]) if current else "v1"
        if tenant.catalogue.get(tid, version) is None and not legacy:
            raise HttpError(400, f"Trigger {tid} does not have a version {version}.")
        out.append({"id": tid, "version": version})
    return out


def default_runtime(tenant: Tenant, trigger: Record) -> str:
    t = tenant.catalogue.get(trigger["id"], trigger["version"])
    runtimes = [str(r) for r in t.get("runtimes", [])] if t else []
    if not runtimes:
        return "node22"
    default = str(t.get("default_runtime", "")) if t else ""
    return default if default in runtimes else runtimes[-1]


def check_runtime(tenant: Tenant, trigger: Record, runtime: str) -> None:
    t = tenant.catalogue.get(trigger["id"], trigger["version"])
    runtimes = tenant.catalogue.runtimes(trigger["id"], trigger["version"])
    if t is not None and runtime not in runtimes:
        raise HttpError(
            400,
            f"Runtime {runtime} is not supported by trigger {t['id']} {t['version']}; "
            f"supported: {', '.join(runtimes)}.",
        )


def merge_secrets(old: list[Record], given: list[Record], now: float) -> list[Record]:
    """The new secret set (whole-set replace); a secret sent without a value keeps its value.
    Order as recorded (TF-REC TestAccAction #17: sent [bar, foo] onto [foo], got [foo, bar]):
    the secrets kept, in their old order, then the new ones in the order sent."""
    previous = {s["name"]: s for s in old}
    merged: dict[str, Record] = {}
    for item in given:
        name = item["name"]
        if "value" not in item and name in previous:
            merged[name] = dict(previous[name])
        else:
            merged[name] = {
                "name": name,
                "value_digest": digest(str(item.get("value", ""))),
                "updated_at": now,
            }
    kept = [merged[n] for n in previous if n in merged]
    return kept + [s for n, s in merged.items() if n not in previous]


def apply_fields(
    tenant: Tenant, rec: Record, body: dict[str, Any], now: float, *, legacy: bool = False
) -> None:
    """Write the given fields into the draft and start a new build.

    The runtime is checked against the trigger version's `runtimes` only when this write changes
    the runtime or the trigger (or creates the action): an action a tenant already holds on a
    runtime no longer offered keeps working, as on a real tenant. `legacy` (seeding) checks
    nothing."""
    before = (rec.get("runtime"), [dict(t) for t in rec.get("supported_triggers", [])])
    if "name" in body:
        rec["name"] = body["name"]
    if "supported_triggers" in body:
        rec["supported_triggers"] = resolve_triggers(
            tenant, body["supported_triggers"], legacy=legacy
        )
    if "code" in body:
        rec["code"] = body["code"]
    if "dependencies" in body:
        rec["dependencies"] = [dict(d) for d in body["dependencies"]]
    if "modules" in body:
        rec["modules"] = copy.deepcopy(body["modules"])
    if "secrets" in body:
        rec["secrets"] = merge_secrets(rec.get("secrets", []), body["secrets"], now)
    if "runtime" in body:
        rec["runtime"] = body["runtime"]
    elif not rec.get("runtime"):
        rec["runtime"] = default_runtime(tenant, rec["supported_triggers"][0])
    if not legacy and (rec["runtime"], rec["supported_triggers"]) != before:
        check_runtime(tenant, rec["supported_triggers"][0], rec["runtime"])
    rec["updated_at"] = now
    error = builds.resolve_error(rec["dependencies"], tenant.cfg.fail_dependencies)
    rec["build"] = builds.new_build(new_id(), now, error)


def add_version(tenant: Tenant, rec: Record, source: Record, build: Record, now: float) -> Record:
    """Freeze `source` content as the next numbered version and make it the deployed one."""
    number = int(rec.get("version_seq", 0)) + 1
    rec["version_seq"] = number
    ver: Record = {k: copy.deepcopy(source.get(k, [] if k != "code" else "")) for k in VERSION_KEYS}
    ver.update({"id": new_id(), "number": number, "created_at": now, "build": dict(build)})
    versions = tenant.versions(rec["id"])
    versions.append(ver)
    rec["deployed_version_id"] = ver["id"]
    while len(versions) > MAX_VERSIONS:  # drop the oldest version that is not deployed
        oldest = next(v for v in versions if v["id"] != rec["deployed_version_id"])
        versions.remove(oldest)
    return ver


def new_action(tenant: Tenant, body: dict[str, Any], now: float, *, legacy: bool = False) -> Record:
    rec: Record = {
        "id": body.get("id") or new_id(),
        "name": body["name"],
        "supported_triggers": [],
        "code": "",
        "runtime": "",
        "dependencies": [],
        "secrets": [],
        "modules": [],
        "created_at": now,
        "updated_at": now,
        "version_seq": 0,
        "deployed_version_id": None,
    }
    fields = {k: v for k, v in body.items() if k != "name"}
    apply_fields(tenant, rec, fields, now, legacy=legacy)
    return rec
