"""The tenant's API objects as the live model, and which triggers' bindings a read needs.

Requests of a read (live_read.py does them): 1 token + 1 triggers + ceil(actions/100) action
pages + T bindings, where T is the set of trigger-bound triggers that the manifests own or that a
managed action (code carrying the ownership trailer) serves. The action list already carries each
draft and its `deployed_version`, so there are no per-action GETs. Entity-bound triggers'
bindings are never read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from reconciler.auth0 import errormap
from reconciler.auth0.live_modules import module_refs
from reconciler.core.catalogue import Catalogue
from reconciler.core.livemodel import (
    BuildError,
    LiveAction,
    LiveBinding,
    LiveSecret,
    LiveTriggerBindings,
    LiveVersion,
    Trigger,
)
from reconciler.core.model import Dependency
from reconciler.core.trailer import strip_trailer

ACTIONS_PATH = "/api/v2/actions/actions"
Json = dict[str, Any]


def _str(obj: Json, key: str, default: str = "") -> str:
    value = obj.get(key, default)
    return value if isinstance(value, str) else default


def _require(obj: Json, key: str, what: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise errormap.malformed("GET", ACTIONS_PATH, 200, f"{what} without a string '{key}'")
    return value


def _list(obj: Json, key: str) -> list[Json]:
    value = obj.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _dependencies(obj: Json) -> tuple[Dependency, ...]:
    deps = [Dependency(_str(d, "name"), _str(d, "version")) for d in _list(obj, "dependencies")]
    return tuple(sorted(deps, key=lambda d: (d.name, d.version)))


def to_trigger(raw: Json) -> Trigger:
    compatible = tuple(
        (_str(c, "id"), _str(c, "version")) for c in _list(raw, "compatible_triggers")
    )
    runtimes = raw.get("runtimes")
    return Trigger(
        id=_str(raw, "id"),
        version=_str(raw, "version"),
        status=_str(raw, "status"),
        runtimes=tuple(r for r in runtimes if isinstance(r, str))
        if isinstance(runtimes, list)
        else (),
        default_runtime=_str(raw, "default_runtime"),
        binding_policy=_str(raw, "binding_policy", "trigger-bound"),
        compatible_triggers=compatible,
    )


def _errors(raw: Json) -> tuple[BuildError, ...]:
    return tuple(
        BuildError(_str(e, "id"), _str(e, "msg"), _str(e, "url")) for e in _list(raw, "errors")
    )


def to_version(raw: Json) -> LiveVersion:
    number = raw.get("number", 0)
    errors = _errors(raw)
    return LiveVersion(
        id=_require(raw, "id", "a deployed_version"),
        number=number if isinstance(number, int) else 0,
        code=_str(raw, "code"),
        runtime=_str(raw, "runtime"),
        dependencies=_dependencies(raw),
        secret_names=tuple(sorted(_str(s, "name") for s in _list(raw, "secrets"))),
        status=_str(raw, "status").lower(),
        deployed=raw.get("deployed") is True,
        created_at=_str(raw, "created_at"),
        errors=errors,
    )


def to_action(raw: Json) -> LiveAction:
    triggers = _list(raw, "supported_triggers")
    first = triggers[0] if triggers else {}
    deployed = raw.get("deployed_version")
    secrets = sorted(
        (LiveSecret(_str(s, "name"), _str(s, "updated_at")) for s in _list(raw, "secrets")),
        key=lambda s: s.name,
    )
    return LiveAction(
        id=_require(raw, "id", "an action"),
        name=_require(raw, "name", "an action"),
        trigger=_str(first, "id"),
        trigger_version=_str(first, "version"),
        code=_str(raw, "code"),
        runtime=_str(raw, "runtime"),
        dependencies=_dependencies(raw),
        secrets=tuple(secrets),
        status=_str(raw, "status").lower(),
        created_at=_str(raw, "created_at"),
        updated_at=_str(raw, "updated_at"),
        deployed_version=to_version(deployed) if isinstance(deployed, dict) else None,
        all_changes_deployed=raw.get("all_changes_deployed") is True,
        marketplace=bool(raw.get("integration") or raw.get("installed_integration_id")),
        errors=_errors(raw),
        modules=module_refs(raw),
    )


def to_bindings(trigger_id: str, raw: list[Json]) -> LiveTriggerBindings:
    entries = []
    for item in raw:
        found = item.get("action")
        action: Json = found if isinstance(found, dict) else {}
        entries.append(
            LiveBinding(
                id=_str(item, "id"),
                action_id=_str(action, "id"),
                action_name=_str(action, "name"),
                display_name=_str(item, "display_name"),
            )
        )
    return LiveTriggerBindings(trigger_id, tuple(entries))


def name_bindings(
    bindings: LiveTriggerBindings, actions: Iterable[LiveAction]
) -> LiveTriggerBindings:
    """Fill in the action name of a binding whose embedded action is cut down (no `name`) from
    the action list, by id."""
    if all(b.action_name for b in bindings.entries):
        return bindings
    names = {a.id: a.name for a in actions}
    entries = tuple(
        b if b.action_name else replace(b, action_name=names.get(b.action_id, ""))
        for b in bindings.entries
    )
    return LiveTriggerBindings(bindings.trigger, entries)


def is_managed(action: LiveAction) -> bool:
    """Carries a valid ownership trailer (the same test the diff uses) and is not marketplace."""
    return not action.marketplace and strip_trailer(action.code)[1] is not None


def triggers_to_read(
    triggers: Sequence[Trigger],
    actions: Iterable[LiveAction],
    owned: Iterable[str],
    fallback: Sequence[Trigger],
) -> list[str]:
    """Trigger-bound triggers that are owned or served by a managed action, sorted."""
    live, builtin = Catalogue(tuple(triggers)), Catalogue(tuple(fallback))
    wanted = set(owned) | {a.trigger for a in actions if is_managed(a) and a.trigger}
    out = []
    for trigger_id in sorted(wanted):
        source = live if live.versions(trigger_id) else builtin
        if source.versions(trigger_id) and source.is_trigger_bound(trigger_id):
            out.append(trigger_id)
    return out
