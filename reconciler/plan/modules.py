"""Planning Actions Modules: their draft writes and publishes (phases 0 and 1, before the
actions that move to them), the version each action pins ("latest" is the version this plan
publishes, else the live newest), and the deletes of orphan modules (last, and only once no
action that stays keeps using them: the API answers 412 otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from reconciler.core.errors import ReconcilerError
from reconciler.core.fields import ModuleFields, ModulePin, SecretRef
from reconciler.core.livemodel import LiveAction, LiveModule, LiveState
from reconciler.core.model import DesiredAction, DesiredModule, DesiredState
from reconciler.core.trailer import compute_digest, with_trailer
from reconciler.diff import ORPHAN, UNMANAGED, ActionDiff
from reconciler.diff.modules import ModuleDiff, diff_modules
from reconciler.diff.records import FieldDiff
from reconciler.diff.secrets import desired_values
from reconciler.plan.kinds import (
    CreateModule,
    DeleteAction,
    DeleteModule,
    PublishModule,
    Step,
    UpdateAction,
    UpdateModule,
)
from reconciler.plan.options import PlanOptions
from reconciler.plan.types import PRUNE_DISABLED, ActionPrecondition, Change


def module_precondition(live: LiveModule | None) -> ActionPrecondition:
    """What the plan saw of a module: its id and updated_at (all null for a create)."""
    if live is None:
        return ActionPrecondition(None, None, None)
    return ActionPrecondition(live.id, live.updated_at, None)


@dataclass
class ModulePlan:
    """The module side of one plan. `after`: each module's newest published version number
    once this plan ran; `publishing`: module name -> its publish step's id."""

    live: LiveState
    changes: list[Change] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    after: dict[str, int] = field(default_factory=dict)
    publishing: dict[str, str] = field(default_factory=dict)
    orphans: list[ModuleDiff] = field(default_factory=list)


def _digest(md: ModuleDiff, options: PlanOptions) -> str:
    if md.reuse_digest is not None:
        return md.reuse_digest
    module = md.desired
    assert module is not None
    values = desired_values(module)
    if values is None:
        raise ReconcilerError(
            f"{module.source}: module {module.name}: secret values are unresolved, so its "
            "secrets cannot be written"
        )
    salt = options.salt(f"module.{module.name}")
    return compute_digest(values, salt=salt, scheme=options.digest_scheme)


def _fields(module: DesiredModule, digest: str, names: Sequence[str]) -> ModuleFields:
    return ModuleFields(
        code=with_trailer(module.code, digest, protect=module.protect) if "code" in names else None,
        dependencies=tuple(module.dependencies) if "dependencies" in names else None,
        secrets=tuple(SecretRef(s.name, s.var) for s in module.secrets)
        if "secrets" in names
        else None,
    )


def _changed(mp: ModulePlan, md: ModuleDiff, options: PlanOptions) -> None:
    module = md.desired
    assert module is not None
    live = md.live
    words: list[str] = ["create"] if live is None else (["adopt"] if md.trailer is None else [])
    mp.after.setdefault(md.name, 0)  # created here: it exists, unpublished unless published below
    write = ""
    if md.update_fields:
        fields = _fields(module, _digest(md, options), md.update_fields)
        step: Step = (
            CreateModule(md.name, fields)
            if live is None
            else UpdateModule(live.id, md.name, fields)
        )
        mp.steps.append(step)
        write = step.id
        if live is not None:
            words.append("update")
    if md.publish:
        number = (live.latest_version_number if live else 0) + 1
        publish = PublishModule(
            live.id if live else None, md.name, number, (write,) if write else ()
        )
        mp.steps.append(publish)
        mp.publishing[md.name] = publish.id
        mp.after[md.name] = number
        words.append("publish")
    reason = "; ".join(md.reasons)
    mp.changes.append(
        Change(f"module.{md.name}", tuple(words), reason, md.diff, (), module_precondition(live))
    )


def plan_modules(desired: DesiredState, live: LiveState, options: PlanOptions) -> ModulePlan:
    """The module writes and publishes; orphans are kept for `plan_module_deletes`."""
    mp = ModulePlan(live)
    mp.after = {m.name: m.latest_version_number for m in live.modules}
    scheme = options.digest_scheme
    for md in diff_modules(desired.modules, live.modules, desired.settings.ignore, scheme):
        address = f"module.{md.name}"
        if md.status == UNMANAGED:
            mp.changes.append(Change(address, ("unmanaged",), md.reasons[0], planned=False))
        elif md.status == ORPHAN:
            mp.orphans.append(md)
        elif md.changed:
            _changed(mp, md, options)
        if md.secrets_unresolved:
            mp.warnings.append(f"module {md.name}: secret values were not compared (unresolved)")
    return mp


def action_pins(mp: ModulePlan, action: DesiredAction) -> tuple[ModulePin, ...]:
    """The versions `action` uses once this plan ran; a pin that cannot be is blocked."""
    pins: list[ModulePin] = []
    for ref in action.modules:
        where = f"action.{action.name}: module {ref.name}"
        newest = mp.after.get(ref.name)
        if newest is None:
            mp.blocked.append(f"{where} is not in the tenant and this plan does not create it")
            continue
        if ref.version == "latest":
            if newest == 0:
                mp.blocked.append(f"{where} has no published version (set publish: true)")
                continue
            pins.append(ModulePin(ref.name, newest))
        elif not 1 <= ref.version <= newest:
            mp.blocked.append(
                f"{where} has no version {ref.version} (the newest is {newest} after this plan)"
            )
        else:
            pins.append(ModulePin(ref.name, ref.version))
    return tuple(pins)


def _live_pins(live: LiveAction) -> list[tuple[str, int]]:
    return sorted((r.name, r.version_number) for r in live.modules)


def with_module_pins(ad: ActionDiff, pins: tuple[ModulePin, ...]) -> ActionDiff:
    """`ad` with "modules" among its fields when the live draft's references differ."""
    if ad.live is None:
        return ad
    want = sorted((p.name, p.version) for p in pins)
    have = _live_pins(ad.live)
    if want == have:
        return ad
    before = ", ".join(f"{n} {v}" for n, v in have) or "none"
    after = ", ".join(f"{n} {v}" for n, v in want) or "none"
    reason = f"modules differ: {before} -> {after}"
    desired = ad.desired
    deploy = desired is not None and desired.deploy
    return replace(
        ad,
        update_fields=(*ad.update_fields, "modules"),
        deploy=ad.deploy or deploy,
        reasons=(*ad.reasons, reason),
    )


def _moved_off(name: str, steps: Sequence[Step]) -> dict[str, str]:
    """action id -> the step of this plan that deletes it or moves it off module `name`."""
    out: dict[str, str] = {}
    for step in steps:
        if isinstance(step, DeleteAction) or (
            isinstance(step, UpdateAction)
            and step.fields.modules is not None
            and all(p.name != name for p in step.fields.modules)
        ):
            out[step.action_id] = step.id
    return out


def plan_module_deletes(
    mp: ModulePlan, allow_delete: bool, steps: Sequence[Step], actions: Sequence[LiveAction]
) -> None:
    """Delete orphan modules (allow_delete / prune, not protected) that no live action keeps
    using once the action `steps` of this plan ran."""
    for md in mp.orphans:
        live = md.live
        assert live is not None
        address = f"module.{md.name}"
        if not allow_delete:
            reason = PRUNE_DISABLED + ("; protected (protect: true)" if md.protected else "")
            mp.changes.append(Change(address, ("delete",), reason, planned=False))
            continue
        if md.protected:
            mp.blocked.append(
                f"{address}: protected (protect: true) but no longer in the manifests; put it "
                "back, or apply it with protect: false before removing it"
            )
            reason = "protected (protect: true): not deleted"
            mp.changes.append(Change(address, ("delete",), reason, planned=False))
            continue
        moved = _moved_off(md.name, steps)
        users = [a for a in actions if any(r.module_id == live.id for r in a.modules)]
        staying = sorted(a.name for a in users if a.id not in moved)
        if staying:
            mp.blocked.append(
                f"{address}: still used by {', '.join(staying)}, which this plan does not move "
                "off it; the tenant refuses to delete a module in use"
            )
        deps = tuple(sorted({moved[a.id] for a in users if a.id in moved}))
        mp.steps.append(DeleteModule(live.id, md.name, deps))
        reason = "; ".join(md.reasons)
        pre = module_precondition(live)
        mp.changes.append(Change(address, ("delete",), reason, FieldDiff(), (), pre))
