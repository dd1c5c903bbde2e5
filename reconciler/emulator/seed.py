"""Seeding: raw action dicts (e.g. marketplace actions) turned into stored records.

A seed looks like an Action from the API: `name`, `supported_triggers`, optional `id`, `code`,
`runtime`, `dependencies`, `secrets` (`{name, value?}`), `integration`, `installed_integration_id`,
and `deployed` (default true: the action gets a built, deployed version 1).

A seed may also be an Action object exactly as `GET /actions/actions/{id}` returns it (e.g. copied
from a recording of a real tenant): the server-managed keys (`status`, `created_at`, `updated_at`,
`all_changes_deployed`, `current_version`) are ignored, and its `deployed_version` (when present)
becomes the deployed version, with its own content and `number`; without one it is not deployed.

Seeds are held as a real tenant holds what it already runs: ANY runtime and trigger version is
accepted (node12, node16, node18, `node18-actions`, a DEPRECATED trigger version), even where
creating a new action on them through the API is refused. `Emulator.seed([...])` and raw action
objects in the `actions` list of a `--state` file both take this path.
"""

from __future__ import annotations

from typing import Any

from reconciler.core.errors import ReconcilerError
from reconciler.emulator import builds
from reconciler.emulator.drafts import add_version, new_action
from reconciler.emulator.replies import HttpError
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.util import digest
from reconciler.emulator.validate import ACTION_KEYS, check_action_fields

#: What a new `--tenant local` starts with: one marketplace action, as if installed from the
#: Auth0 Marketplace, so the examples' `external: true` binding has something to bind.
DEMO_MARKETPLACE: dict[str, Any] = {
    "name": "Fraud Shield",
    "supported_triggers": [{"id": "post-login", "version": "v3"}],
    "code": "exports.onExecutePostLogin = async (event, api) => {};\n",
    "runtime": "node22",
    "integration": {
        "id": "fraud-shield-integration",
        "catalog_id": "fraud-shield",
        "url_slug": "fraud-shield",
        "name": "Fraud Shield",
        "description": "A stand-in marketplace integration of the local emulator.",
        "feature_type": "action",
    },
    "installed_integration_id": "fraud-shield-installed",
}

SEED_KEYS = (*ACTION_KEYS, "id", "integration", "installed_integration_id", "deployed")
SERVER_KEYS = ("status", "created_at", "updated_at", "all_changes_deployed", "current_version")
VERSION_CONTENT = ("code", "runtime", "dependencies", "secrets", "supported_triggers", "modules")


def _seed_version(tenant: Tenant, rec: Record, raw: dict[str, Any], now: float) -> None:
    """Deploy the seed: its recorded `deployed_version` content, else the draft itself."""
    shown = raw.get("deployed_version")
    if not isinstance(shown, dict):
        add_version(tenant, rec, rec, rec["build"], now)
        return
    source = dict(rec)
    for key in VERSION_CONTENT:
        if key in shown:
            source[key] = shown[key]
    kept = {s["name"]: s for s in rec["secrets"]}
    source["secrets"] = [
        dict(
            kept.get(s["name"])
            or {"name": s["name"], "value_digest": digest(""), "updated_at": now}
        )
        for s in source.get("secrets", [])
        if isinstance(s, dict) and "name" in s
    ]
    number = shown.get("number")
    if isinstance(number, int) and number > 0:
        rec["version_seq"] = number - 1
    add_version(tenant, rec, source, rec["build"], now)
    if isinstance(shown.get("id"), str):
        tenant.versions(rec["id"])[-1]["id"] = rec["deployed_version_id"] = shown["id"]


def seed_action(tenant: Tenant, raw: dict[str, Any]) -> Record:
    """Add one seeded action, already built (and deployed unless `deployed` is false)."""
    deployed = raw.get("deployed", "deployed_version" in raw or "all_changes_deployed" not in raw)
    raw = {k: v for k, v in raw.items() if k not in SERVER_KEYS}
    unknown = sorted(k for k in raw if k not in (*SEED_KEYS, "deployed_version"))
    name = raw.get("name", "<unnamed>")
    if unknown:
        raise ReconcilerError(f"seed action {name!r}: unknown keys {', '.join(unknown)}")
    if "name" not in raw or "supported_triggers" not in raw:
        raise ReconcilerError(f"seed action {name!r}: 'name' and 'supported_triggers' are required")
    body = {k: v for k, v in raw.items() if k in (*ACTION_KEYS, "id")}
    try:
        check_action_fields(body, set(tenant.catalogue.ids()))
        now = tenant.now()
        rec = new_action(tenant, body, now, legacy=True)
    except HttpError as exc:
        raise ReconcilerError(f"seed action {name!r}: {exc.message}") from None
    rec["build"] = builds.new_build(rec["build"]["id"], now - tenant.cfg.build_seconds, None)
    for key in ("integration", "installed_integration_id"):
        if key in raw:
            rec[key] = raw[key]
    tenant.data.actions[rec["id"]] = rec
    if deployed:
        _seed_version(tenant, rec, raw, now)
    return rec


def normalise_loaded(tenant: Tenant) -> None:
    """State files may list raw seed actions (without a `build`): turn them into records."""
    raw = [a for a in tenant.data.actions.values() if "build" not in a]
    for item in raw:
        del tenant.data.actions[item["id"]]
        seed_action(tenant, item)
