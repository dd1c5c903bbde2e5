"""Seeding: raw action dicts (e.g. marketplace actions) turned into stored records.

A seed looks like an Action from the API: `name`, `supported_triggers`, optional `id`, `code`,
`runtime`, `dependencies`, `secrets` (`{name, value?}`), `integration`, `installed_integration_id`,
and `deployed` (default true: the action gets a built, deployed version 1).
"""

from __future__ import annotations

from typing import Any

from reconciler.emulator import builds
from reconciler.emulator.drafts import add_version, new_action
from reconciler.emulator.replies import HttpError
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.validate import ACTION_KEYS, check_action_fields
from reconciler.errors import ReconcilerError

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


def seed_action(tenant: Tenant, raw: dict[str, Any]) -> Record:
    """Add one seeded action, already built (and deployed unless `deployed` is false)."""
    unknown = sorted(k for k in raw if k not in SEED_KEYS)
    name = raw.get("name", "<unnamed>")
    if unknown:
        raise ReconcilerError(f"seed action {name!r}: unknown keys {', '.join(unknown)}")
    if "name" not in raw or "supported_triggers" not in raw:
        raise ReconcilerError(f"seed action {name!r}: 'name' and 'supported_triggers' are required")
    body = {k: v for k, v in raw.items() if k in (*ACTION_KEYS, "id")}
    try:
        check_action_fields(body, set(tenant.catalogue.ids()))
        now = tenant.now()
        rec = new_action(tenant, body, now)
    except HttpError as exc:
        raise ReconcilerError(f"seed action {name!r}: {exc.message}") from None
    rec["build"] = builds.new_build(rec["build"]["id"], now - tenant.cfg.build_seconds, None)
    for key in ("integration", "installed_integration_id"):
        if key in raw:
            rec[key] = raw[key]
    tenant.data.actions[rec["id"]] = rec
    if raw.get("deployed", True):
        add_version(tenant, rec, rec, rec["build"], now)
    return rec


def normalise_loaded(tenant: Tenant) -> None:
    """State files may list raw seed actions (without a `build`): turn them into records."""
    raw = [a for a in tenant.data.actions.values() if "build" not in a]
    for item in raw:
        del tenant.data.actions[item["id"]]
        seed_action(tenant, item)
