"""The planner, pure (DESIGN.md "Plan").

`make_plan` turns the diff into one change record per resource and ordered steps:

0. ``create_module`` / ``update_module`` (drafts), then ``publish_module`` (plan/modules.py)
1. ``create`` / ``update`` actions (a create with ``deploy: true`` deploys in the same call;
   module pins: "latest" is the version this plan publishes)
2. ``wait_build``: one step for every created or updated action
3. ``deploy`` per action
4. ``rebind`` per trigger (the whole ordered list)
5. ``delete`` managed actions that left the manifests (only with allow_delete / settings.prune)
6. ``delete_module`` orphan modules no remaining action uses (same prune rules and protect)

Guards (a protected delete, more deletes than max_deletes, a binding that cannot be written)
go to `Plan.blocked`; the CLI exits 3 for a blocked plan and the applier refuses one.
"""

from __future__ import annotations

from reconciler.core.digests import KEY_ENV
from reconciler.core.errors import ReconcilerError
from reconciler.core.exitcodes import ExitCode
from reconciler.core.livemodel import LiveState
from reconciler.core.model import DesiredState
from reconciler.core.trailer import compute_digest
from reconciler.diff import ORPHAN, UNMANAGED, ActionDiff, diff_state
from reconciler.diff.records import FieldDiff
from reconciler.diff.secrets import desired_values
from reconciler.plan.kinds import StepKind
from reconciler.plan.modules import (
    ModulePlan,
    action_pins,
    plan_module_deletes,
    plan_modules,
    with_module_pins,
)
from reconciler.plan.options import PlanOptions
from reconciler.plan.planfile.encode import plan_digest
from reconciler.plan.steps import Builder, deleted_detail
from reconciler.plan.types import PRUNE_DISABLED, Change, Plan, summarize

_KIND_ORDER = {"module": 0, "action": 1}  # then bindings


def exit_code(plan: Plan, *, detailed: bool = False) -> ExitCode:
    """DESIGN.md exit codes for `plan`: 3 blocked, 2 changes (only with --detailed-exitcode),
    else 0. A delete held back by disabled prune is not a change (no step would run)."""
    if plan.blocked:
        return ExitCode.BLOCKED
    if detailed and plan.has_changes:
        return ExitCode.CHANGES
    return ExitCode.OK


def _secret_digest(ad: ActionDiff, options: PlanOptions) -> str:
    """The digest for the trailer the plan writes: the live one when still valid, else fresh."""
    if ad.reuse_digest is not None:
        return ad.reuse_digest
    action = ad.desired
    assert action is not None
    values = desired_values(action)
    if values is None:
        raise ReconcilerError(
            f"{action.source}: action {action.name}: secret values are unresolved, so its "
            "secrets cannot be written"
        )
    return compute_digest(values, salt=options.salt(action.name), scheme=options.digest_scheme)


def _secret_warnings(ad: ActionDiff) -> list[str]:
    """Why the secret values of `ad` were not compared, if they were not."""
    warnings = []
    if ad.secrets_unresolved:
        warnings.append(f"action {ad.name}: secret values were not compared (unresolved)")
    if ad.digest_keyed:
        warnings.append(
            f"action {ad.name}: secret values were not compared: its digest is keyed and "
            f"{KEY_ENV} is not set"
        )
    return warnings


def _blocked(builder: Builder, options: PlanOptions) -> list[str]:
    """The builder's guards, and --max-deletes."""
    blocked = list(builder.blocked)
    deletes = sum(1 for s in builder.steps if s.kind is StepKind.DELETE)
    if options.max_deletes is not None and deletes > options.max_deletes:
        blocked.append(
            f"{deletes} actions would be deleted, more than --max-deletes {options.max_deletes}"
        )
    return blocked


def make_plan(
    desired: DesiredState, live: LiveState, *, options: PlanOptions | None = None
) -> Plan:
    """Diff the manifests against the tenant and order the work. Pure: the same inputs, salt
    and clock give the same plan. Raises ReconcilerError when no safe plan can be made
    (duplicate live names, a manifest action named like a marketplace one)."""
    options = options or PlanOptions()
    state = diff_state(desired, live, targets=options.targets, scheme=options.digest_scheme)
    allow_delete = options.allow_delete or desired.settings.prune
    builder = Builder(live)
    warnings = list(state.warnings)
    changes: list[Change] = []

    modules = plan_modules(desired, live, options)
    changes.extend(modules.changes)
    warnings.extend(modules.warnings)
    for ad in state.actions:
        changes.extend(_action(ad, allow_delete, builder, modules, options))
        warnings.extend(_secret_warnings(ad))
    builder.wait_build()
    changes.extend(builder.rebinds(state.bindings, desired))
    builder.deletes()
    deletes_from = len(modules.changes)
    plan_module_deletes(modules, allow_delete, builder.steps, live.actions)
    changes.extend(modules.changes[deletes_from:])
    builder.steps.extend(modules.steps)
    builder.blocked.extend(modules.blocked)
    if not options.targets:
        warnings.extend(builder.unowned_notes({b.trigger for b in desired.bindings}))
    changes.sort(key=lambda c: (_KIND_ORDER.get(c.kind, 2), c.name))

    blocked = _blocked(builder, options)
    if options.targets:
        warnings.insert(
            0,
            "targeting in effect: only " + ", ".join(options.targets) + " (and the triggers "
            "binding them) were planned; the plan may be incomplete",
        )
    steps = tuple(builder.ordered())
    return Plan(
        tenant=live.tenant,
        manifest_digest=desired.digest,
        plan_digest=plan_digest(changes, steps),
        created_at=options.now(),
        targets=tuple(options.targets),
        summary=summarize(changes),
        changes=tuple(changes),
        steps=steps,
        blocked=tuple(blocked),
        warnings=tuple(warnings),
    )


def _action(
    ad: ActionDiff, allow_delete: bool, builder: Builder, modules: ModulePlan, options: PlanOptions
) -> list[Change]:
    """The change of one action (none when it is unchanged), its module pins resolved."""
    if ad.status == UNMANAGED:
        reason = ad.reasons[0]
        return [Change(f"action.{ad.name}", ("unmanaged",), reason, planned=False)]
    if ad.status == ORPHAN:
        return [_orphan(ad, allow_delete, builder)]
    assert ad.desired is not None
    pins = action_pins(modules, ad.desired)
    ad = with_module_pins(ad, pins)
    if not ad.changed:
        return []
    after = tuple(
        sorted({modules.publishing[p.name] for p in pins if p.name in modules.publishing})
    )
    digest = _secret_digest(ad, options) if set(ad.update_fields) - {"modules"} else ""
    return [builder.action(ad, digest, pins, after)]


def _orphan(ad: ActionDiff, allow_delete: bool, builder: Builder) -> Change:
    address = f"action.{ad.name}"
    if not allow_delete:
        reason = PRUNE_DISABLED + ("; protected (protect: true)" if ad.protected else "")
        # what --allow-delete would remove, shown like a planned delete
        gone = FieldDiff(deleted=deleted_detail(ad.live)) if ad.live is not None else FieldDiff()
        return Change(address, ("delete",), reason, gone, planned=False)
    if ad.protected:
        builder.blocked.append(
            f"{address}: protected (protect: true) but no longer in the manifests; put it back, "
            "or apply it with protect: false before removing it"
        )
        return Change(address, ("delete",), "protected (protect: true): not deleted", planned=False)
    return builder.delete(ad)
