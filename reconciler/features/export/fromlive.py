"""A live tenant -> the Bundle `reconciler export` writes (reconciler.features.export)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from reconciler.auth0.client import Auth0Client
from reconciler.auth0.live import name_bindings
from reconciler.auth0.live_modules import to_module
from reconciler.auth0.modules import ModulesApi
from reconciler.auth0.protocol import TenantAPI
from reconciler.core.catalogue import BUILTIN_TRIGGERS, Catalogue
from reconciler.core.errors import ApiError, ReconcilerError
from reconciler.core.livemodel import LiveAction, LiveModule, LiveState
from reconciler.core.trailer import strip_trailer
from reconciler.features.export.bundle import (
    Bundle,
    EnvVar,
    ExportAction,
    ExportBinding,
    ExportModule,
    ExportModuleRef,
    SecretRef,
    VarNames,
)


def read_for_export(api: TenantAPI, *, tenant: str) -> LiveState:
    """The tenant with the binding list of every trigger-bound trigger (the live catalogue's, or
    the built-in one's where the tenant lists none)."""
    builtin = Catalogue(BUILTIN_TRIGGERS)
    owned = [t for t in builtin.ids() if builtin.is_trigger_bound(t)]
    live = api.read_live(tenant=tenant, owned_triggers=owned)
    catalogue = Catalogue(live.triggers)
    read = {b.trigger for b in live.bindings}
    extra = [t for t in catalogue.ids() if catalogue.is_trigger_bound(t) and t not in read]
    if not extra:
        return live
    more = [name_bindings(api.get_bindings(t), live.actions) for t in extra]
    both = sorted((*live.bindings, *more), key=lambda b: b.trigger)
    return replace(live, bindings=tuple(both))


def read_modules(client: Auth0Client) -> tuple[tuple[LiveModule, ...], str | None]:
    """The tenant's Actions Modules (their drafts; the list pages only), sorted by name, and a
    note when the tenant does not offer modules (404/501, or 403 feature_not_enabled: Actions
    Modules are an early-access feature), which exports none rather than failing."""
    try:
        raw = ModulesApi(client).list_modules()
    except ApiError as exc:
        off = exc.status in (404, 501) or exc.error_code == "feature_not_enabled"
        if not off:
            raise
        return (), f"the tenant does not offer Actions Modules ({exc.status}); none exported"
    found = (to_module(m) for m in raw)
    return tuple(sorted(found, key=lambda m: (m.name, m.id))), None


def _check_unique(items: Iterable[LiveAction | LiveModule], what: str = "actions") -> None:
    seen: dict[str, list[str]] = {}
    for item in items:
        seen.setdefault(item.name, []).append(item.id)
    for name, ids in sorted(seen.items()):
        if len(ids) > 1:
            raise ReconcilerError(
                f"the tenant has {len(ids)} {what} named {name!r} ({', '.join(ids)}); "
                "rename or delete all but one before exporting"
            )


def _secret_refs(
    owner: str, what: str, secret_names: Iterable[str], names: VarNames, env: list[EnvVar]
) -> tuple[SecretRef, ...]:
    """Each secret as a `${VAR}` reference, its variable listed in `env`."""
    out = []
    for secret in secret_names:
        var = names.new(owner, secret)
        out.append(SecretRef(secret, var))
        env.append(EnvVar(var, f"{what} {owner}, secret {secret}"))
    return tuple(out)


def _export_module(
    module: LiveModule, names: VarNames, env: list[EnvVar], warnings: list[str]
) -> ExportModule:
    """One module's draft; never published -> `publish: false` (the round trip publishes
    nothing new), as a never-deployed action gets `deploy: false`."""
    code, info = strip_trailer(module.code)
    published = module.latest_version_number > 0
    if published and not module.all_changes_published:
        warnings.append(
            f"module {module.name!r}: the draft has changes that were never published; "
            "the export holds the draft, so the next apply publishes it"
        )
    return ExportModule(
        name=module.name,
        code=code,
        dependencies=module.dependencies,
        secrets=_secret_refs(module.name, "module", (s.name for s in module.secrets), names, env),
        publish=published,
        protect=info is not None and info.protect,
    )


def _module_refs(action: LiveAction, exported: set[str]) -> tuple[ExportModuleRef, ...]:
    """The draft's module references, pinned to the version numbers the tenant shows."""
    return tuple(
        ExportModuleRef(ref.name, ref.version_number, ref.name not in exported)
        for ref in action.modules
    )


def _export_action(
    live_action: LiveAction, names: VarNames, env: list[EnvVar], warnings: list[str]
) -> ExportAction:
    """One custom action as exported; its secrets become variables listed in `env`."""
    code, info = strip_trailer(live_action.code)
    secret_names = (s.name for s in live_action.secrets)
    secrets = _secret_refs(live_action.name, "action", secret_names, names, env)
    deployed = live_action.deployed_version is not None
    if deployed and not live_action.all_changes_deployed:
        warnings.append(
            f"action {live_action.name!r}: the draft has changes that were never deployed; "
            "the export holds the draft, so the next apply deploys it"
        )
    return ExportAction(
        name=live_action.name,
        trigger=live_action.trigger,
        code=code,
        trigger_version=live_action.trigger_version,
        runtime=live_action.runtime,
        dependencies=live_action.dependencies,
        secrets=secrets,
        deploy=deployed,
        protect=info is not None and info.protect,
    )


def _export_bindings(
    live: LiveState, exported: set[str], warnings: list[str]
) -> list[tuple[str, tuple[ExportBinding, ...]]]:
    """Every non-empty binding list; an action not exported is external."""
    marketplace = {a.name for a in live.actions if a.marketplace}
    bindings = []
    for trigger in live.bindings:
        entries = []
        for entry in trigger.entries:
            if not entry.action_name:
                warnings.append(
                    f"trigger {trigger.trigger}: binding {entry.id!r} names no "
                    "action the tenant lists; left out of bindings.yaml"
                )
                continue
            external = entry.action_name not in exported
            note = ""
            if external:
                note = "marketplace integration" if entry.action_name in marketplace else ""
                note = note or "not exported"
            display = "" if entry.display_name == entry.action_name else entry.display_name
            entries.append(ExportBinding(entry.action_name, display, external, note))
        if entries:
            bindings.append((trigger.trigger, tuple(entries)))
    return bindings


def bundle_from_live(live: LiveState) -> Bundle:
    """What `export` writes for this tenant (pure): its custom actions, the modules in
    `live.modules` and the binding lists."""
    custom = [a for a in live.actions if not a.marketplace]
    _check_unique(custom)
    _check_unique(live.modules, "modules")
    names = VarNames()
    warnings: list[str] = []
    actions: list[ExportAction] = []
    env: list[EnvVar] = []
    modules = [_export_module(m, names, env, warnings) for m in live.modules]
    declared = {m.name for m in modules}
    for live_action in sorted(custom, key=lambda a: a.name):
        if not live_action.trigger:
            warnings.append(f"action {live_action.name!r} has no trigger; not exported")
            continue
        action = _export_action(live_action, names, env, warnings)
        actions.append(replace(action, modules=_module_refs(live_action, declared)))
    bindings = _export_bindings(live, {a.name for a in actions}, warnings)
    return Bundle(
        source=f"Exported from tenant {live.tenant} by `reconciler export`.",
        actions=tuple(actions),
        bindings=tuple(bindings),
        env=tuple(sorted(env, key=lambda e: e.name)),
        warnings=tuple(warnings),
        modules=tuple(modules),
    )
