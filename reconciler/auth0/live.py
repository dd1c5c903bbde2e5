"""Read the tenant into a `LiveState` at the minimum request count.

Requests: 1 token + 1 triggers + ceil(actions/100) action pages + T bindings, where T is the set
of trigger-bound triggers that the manifests own or that a managed action (code carrying the
ownership trailer) serves. The action list already carries each draft and its `deployed_version`,
so there are no per-action GETs. Triggers, actions and the owned triggers' bindings are fetched
concurrently, then the bindings of any other trigger a managed action serves; the client's rate
limiter paces them all. Entity-bound triggers' bindings are never read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from reconciler.auth0 import errormap
from reconciler.auth0.client import Auth0Client
from reconciler.auth0.live_modules import finish_modules, module_refs
from reconciler.auth0.modules import ModulesApi
from reconciler.core.catalogue import BUILTIN_TRIGGERS, Catalogue
from reconciler.core.errors import ApiError, ErrorKind
from reconciler.core.interrupts import quiet_thread
from reconciler.core.livemodel import (
    BuildError,
    LiveAction,
    LiveBinding,
    LiveSecret,
    LiveState,
    LiveTriggerBindings,
    LiveVersion,
    Trigger,
)
from reconciler.core.model import Dependency
from reconciler.core.trailer import strip_trailer

ACTIONS_PATH = "/api/v2/actions/actions"
MAX_WORKERS = 4
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


def _bindings(client: Auth0Client, trigger_id: str) -> LiveTriggerBindings:
    try:
        return to_bindings(trigger_id, client.get_bindings(trigger_id))
    except ApiError as exc:
        # late 2024 the API answered 400 for entity-bound triggers; treat as "no bindings"
        if exc.kind is ErrorKind.ENTITY_BOUND:
            return LiveTriggerBindings(trigger_id, ())
        raise


def _prefetch(
    pool: ThreadPoolExecutor,
    client: Auth0Client,
    owned: Sequence[str],
    known: Sequence[Trigger] | None,
    fallback: Sequence[Trigger],
) -> dict[str, Future[LiveTriggerBindings]]:
    """The bindings of the owned triggers, read alongside the action list instead of after it:
    which triggers to read depends on the actions only through the managed ones, and the owned
    ones are read anyway. The policy comes from the catalogue at hand (the tenant's from an
    earlier read, else the built-in one); a prefetched trigger that the tenant's own list then
    rules out is dropped unread (its result or error is never used)."""
    early = triggers_to_read(known if known is not None else fallback, (), owned, fallback)
    return {t: pool.submit(_bindings, client, t) for t in early}


def read_live(
    client: Auth0Client,
    *,
    tenant: str,
    owned_triggers: Iterable[str] = (),
    catalogue_triggers: Sequence[Trigger] = BUILTIN_TRIGGERS,
    known_triggers: Sequence[Trigger] | None = None,
    with_modules: bool = False,
    resolve_module_latest: bool = True,
) -> LiveState:
    """The tenant as a LiveState.
    `owned_triggers`: trigger ids listed under `bindings:` in the
    manifests; `catalogue_triggers`: the policy source for trigger ids the tenant does not list;
    `known_triggers`: the tenant's catalogue from an earlier read in the same run (it does not
    change while we write actions), which saves the `GET /actions/triggers`. `with_modules`: also
    read the Actions Modules (live_modules.py: their list pages alongside the action list, plus
    with `resolve_module_latest` one GET per published module whose newest version no action
    uses)."""
    modules_api = ModulesApi(client)
    owned = tuple(owned_triggers)
    with ThreadPoolExecutor(MAX_WORKERS, "live", quiet_thread) as pool:
        client.authenticate()  # one token before fanning out, not one per thread
        triggers_f = None if known_triggers is not None else pool.submit(client.list_triggers)
        actions_f = pool.submit(client.list_actions)
        modules_f = pool.submit(modules_api.list_modules) if with_modules else None
        early = _prefetch(pool, client, owned, known_triggers, catalogue_triggers)
        if triggers_f is None:
            triggers = tuple(known_triggers or ())
        else:
            triggers = tuple(to_trigger(t) for t in triggers_f.result())
        raw_actions = actions_f.result()
        actions = sorted((to_action(a) for a in raw_actions), key=lambda a: (a.name, a.id))
        wanted = triggers_to_read(triggers, actions, owned, catalogue_triggers)
        late = {t: pool.submit(_bindings, client, t) for t in wanted if t not in early}
        bindings = [name_bindings((early.get(t) or late[t]).result(), actions) for t in wanted]
        modules = (
            ()
            if modules_f is None
            else finish_modules(
                modules_api, pool, modules_f.result(), actions, resolve_latest=resolve_module_latest
            )
        )
    return LiveState(
        tenant=tenant,
        triggers=triggers,
        actions=tuple(actions),
        bindings=tuple(sorted(bindings, key=lambda b: b.trigger)),
        modules=modules,
    )
