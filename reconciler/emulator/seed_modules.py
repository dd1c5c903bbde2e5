"""Seeding Actions Modules: `{name, code, dependencies?, secrets?, id?, published?}` raw dicts
(or Module objects as `GET /actions/modules/{id}` returns them) turned into stored records.
`published` (default 1): how many versions of the content to publish (0: a draft only)."""

from __future__ import annotations

from typing import Any

from reconciler.core.errors import ReconcilerError
from reconciler.emulator import modules as mods
from reconciler.emulator.replies import HttpError
from reconciler.emulator.state import Record
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.validate import check_action_fields

SEED_KEYS = ("id", "name", "code", "dependencies", "secrets", "published")
#: what a GET reply carries that a seed ignores (the emulator computes them)
SERVER_KEYS = (
    "all_changes_published",
    "actions_using_module_total",
    "created_at",
    "updated_at",
    "latest_version",
    "latest_version_number",
)


def seed_module(tenant: Tenant, raw: dict[str, Any]) -> Record:
    raw = {k: v for k, v in raw.items() if k not in SERVER_KEYS}
    name = raw.get("name", "<unnamed>")
    unknown = sorted(k for k in raw if k not in SEED_KEYS)
    if unknown:
        raise ReconcilerError(f"seed module {name!r}: unknown keys {', '.join(unknown)}")
    if not isinstance(raw.get("name"), str) or not isinstance(raw.get("code"), str):
        raise ReconcilerError(f"seed module {name!r}: 'name' and 'code' (strings) are required")
    published = raw.pop("published", 1)
    if not isinstance(published, int) or isinstance(published, bool) or published < 0:
        raise ReconcilerError(f"seed module {name!r}: 'published' must be a count (0 or more)")
    try:
        check_action_fields({k: v for k, v in raw.items() if k != "code"}, set())
        now = tenant.now()
        rec = mods.create(tenant, raw, now)
        for _ in range(published):
            mods.publish(tenant, rec, now)
    except HttpError as exc:
        raise ReconcilerError(f"seed module {name!r}: {exc.message}") from None
    return rec
