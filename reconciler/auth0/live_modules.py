"""Read the tenant's Actions Modules into `LiveModule`s at the minimum request count.

Requests: ceil(modules/100) list pages (alongside the action list), plus, when the newest
published version's id is asked for (`resolve_latest`), one `GET /actions/modules/{id}` per
published module whose newest version no action uses: an action's module reference already
names the version's id and number, and the list items carry only `latest_version_number`.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from reconciler.auth0.modules import ModulesApi
from reconciler.core.livemodel import (
    LiveAction,
    LiveModule,
    LiveModuleRef,
    LiveModuleVersion,
    LiveSecret,
)
from reconciler.core.model import Dependency

Json = dict[str, Any]


def _str(obj: Json, key: str) -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def _int(obj: Json, key: str) -> int:
    value = obj.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _dicts(obj: Json, key: str) -> list[Json]:
    value = obj.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _deps(obj: Json) -> tuple[Dependency, ...]:
    deps = (Dependency(_str(d, "name"), _str(d, "version")) for d in _dicts(obj, "dependencies"))
    return tuple(sorted(deps, key=lambda d: (d.name, d.version)))


def to_module_ref(raw: Json) -> LiveModuleRef:
    return LiveModuleRef(
        module_id=_str(raw, "module_id"),
        name=_str(raw, "module_name"),
        version_id=_str(raw, "module_version_id"),
        version_number=_int(raw, "module_version_number"),
    )


def module_refs(raw_action: Json) -> tuple[LiveModuleRef, ...]:
    return tuple(to_module_ref(m) for m in _dicts(raw_action, "modules"))


def to_module_version(raw: Json) -> LiveModuleVersion:
    """A version as `/versions` lists it (or a module's `latest_version`)."""
    return LiveModuleVersion(
        id=_str(raw, "id"),
        number=_int(raw, "version_number"),
        code=_str(raw, "code"),
        dependencies=_deps(raw),
        secret_names=tuple(sorted(_str(s, "name") for s in _dicts(raw, "secrets"))),
        created_at=_str(raw, "created_at"),
    )


def to_module(raw: Json) -> LiveModule:
    """A list item (`latest_version_number`) or a GET reply (`latest_version {id, ...}`)."""
    latest = raw.get("latest_version")
    latest_v = to_module_version(latest) if isinstance(latest, dict) else None
    secrets = (LiveSecret(_str(s, "name"), _str(s, "updated_at")) for s in _dicts(raw, "secrets"))
    return LiveModule(
        id=_str(raw, "id"),
        name=_str(raw, "name"),
        code=_str(raw, "code"),
        dependencies=_deps(raw),
        secrets=tuple(sorted(secrets, key=lambda s: s.name)),
        all_changes_published=raw.get("all_changes_published") is True,
        actions_using_module_total=_int(raw, "actions_using_module_total"),
        latest_version_number=latest_v.number if latest_v else _int(raw, "latest_version_number"),
        latest_version_id=latest_v.id if latest_v else "",
        created_at=_str(raw, "created_at"),
        updated_at=_str(raw, "updated_at"),
    )


def with_known_latest(
    modules: Iterable[LiveModule], actions: Iterable[LiveAction]
) -> list[LiveModule]:
    """Fill in `latest_version_id` from the actions' references to that very version."""
    known = {(r.module_id, r.version_number): r.version_id for a in actions for r in a.modules}
    out = []
    for mod in modules:
        vid = known.get((mod.id, mod.latest_version_number), "")
        if not mod.latest_version_id and mod.latest_version_number and vid:
            mod = replace(mod, latest_version_id=vid)
        out.append(mod)
    return out


def finish_modules(
    api: ModulesApi,
    pool: ThreadPoolExecutor,
    raw: list[Json],
    actions: Iterable[LiveAction],
    *,
    resolve_latest: bool,
) -> tuple[LiveModule, ...]:
    """The modules, sorted by name; with `resolve_latest`, the GETs for the unknown ids."""
    modules = with_known_latest((to_module(m) for m in raw), actions)
    if resolve_latest:
        todo = {m.id: pool.submit(api.get_module, m.id) for m in modules if _unresolved(m)}
        modules = [to_module(todo[m.id].result()) if m.id in todo else m for m in modules]
    return tuple(sorted(modules, key=lambda m: (m.name, m.id)))


def _unresolved(mod: LiveModule) -> bool:
    return mod.latest_version_number > 0 and not mod.latest_version_id
