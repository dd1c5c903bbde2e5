"""The stages wired together for the commands: load -> read live -> plan -> apply -> verify.

No click and no printing here: progress goes to a callback, failures are ReconcilerErrors.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from reconciler.apply import (
    Applier,
    ApplyResult,
    Journal,
    StepResult,
    secret_mismatches,
    stale_resources,
    underived_step,
)
from reconciler.auth0.live_read import LiveRead, read_live
from reconciler.auth0.tenant import TenantSession
from reconciler.core.catalogue import BUILTIN_TRIGGERS, Catalogue
from reconciler.core.digests import key_from_env
from reconciler.core.errors import GuardError, clip
from reconciler.core.escaping import terminal
from reconciler.core.livemodel import LiveAction, LiveState, Trigger
from reconciler.core.model import DesiredState
from reconciler.diff.secrets import prefetch_digests
from reconciler.features.ahead import Ahead
from reconciler.manifest import load_manifests
from reconciler.manifest.deferred import settle
from reconciler.manifest.staged import PendingLoad
from reconciler.plan import Plan, PlanOptions, StepKind, make_plan
from reconciler.plan.kinds import writes_after_deploys


def read_tenant(
    session: TenantSession,
    desired: DesiredState,
    known_triggers: Sequence[Trigger] | None = None,
    read: LiveRead | None = None,
) -> LiveState:
    """The tenant; its Actions Modules too when the manifests declare or reference one, or when
    a live action references one (then the tenant is read a second time, with its modules).
    `read`: a read begun ahead (features/ahead.py), finished here instead of a new one."""
    owned = [b.trigger for b in desired.bindings]
    wanted = bool(desired.modules) or any(a.modules for a in desired.actions)
    if read is not None:
        live = read.finish(owned, with_modules=wanted)
    else:
        live = read_live(
            session.client,
            tenant=session.name,
            owned_triggers=owned,
            known_triggers=known_triggers,
            with_modules=wanted,
        )
    if wanted or not any(a.modules for a in live.actions):
        return live
    return read_live(
        session.client,
        tenant=session.name,
        owned_triggers=owned,
        known_triggers=live.triggers if known_triggers is None else known_triggers,
        with_modules=True,
    )


class VerifyRead:
    """The deploy wait's action list read as the whole verifying re-read (actions and bindings
    at once): when the deploys are the apply's last writes, the read that sees them deployed
    is the state to verify, which saves a round trip after the last deploy."""

    def __init__(
        self, session: TenantSession, desired: DesiredState, known: Sequence[Trigger] | None
    ):
        self.session, self.desired, self.known = session, desired, known
        self.live: LiveState | None = None

    def __call__(self) -> list[LiveAction]:
        self.live = read_tenant(self.session, self.desired, self.known)
        return list(self.live.actions)


def revalidate(
    desired: DesiredState, live: LiveState, var_files: Sequence[str | Path]
) -> DesiredState:
    """The tenant's own trigger catalogue wins over the built-in one: when they differ,
    validate the manifests again against the live one (no second node check, so its syntax
    lints are kept). A trigger id the tenant does not list keeps its built-in entries."""
    if not live.triggers or set(live.triggers) == set(BUILTIN_TRIGGERS):
        return desired
    # skip_foreign: the first load already refused foreign files unless the root was
    # implicit, so skipping them here changes nothing for an explicit root.
    again = load_manifests(
        desired.root,
        resolve=True,
        var_files=var_files,
        catalogue=live_catalogue(live.triggers),
        node_check=False,
        skip_foreign=True,
        defer_lints=True,
    )
    syntax = tuple(lint for lint in desired.lints if lint.kind == "syntax")
    return replace(again, lints=again.lints + syntax)


def live_catalogue(triggers: Sequence[Trigger]) -> Catalogue:
    """The tenant's triggers, plus the built-in entries of trigger ids it does not list."""
    listed = {t.id for t in triggers}
    return Catalogue((*triggers, *(t for t in BUILTIN_TRIGGERS if t.id not in listed)))


def plan_tenant(
    session: TenantSession,
    loading: DesiredState | PendingLoad,
    options: PlanOptions,
    var_files: Sequence[str | Path] = (),
    ahead: Ahead | None = None,
) -> tuple[DesiredState, LiveState, Plan]:
    """Read the tenant (finish the read begun `ahead`) and plan. While the tenant is read and
    the live secret digests are checked (on every core, ahead of the diff), a pending load's
    `node --check` still runs; its verdict is joined before the lints are settled."""
    early = loading.preview if isinstance(loading, PendingLoad) else loading
    if ahead is None:
        live = read_tenant(session, early)
        prefetch_digests(early, live.actions, options.digest_key)
    else:
        live = read_tenant(session, early, read=ahead.read)
        ahead.hashed()
    desired = loading.result() if isinstance(loading, PendingLoad) else loading
    desired = revalidate(desired, live, var_files)
    warnings = settle(desired, live)  # raises for lints on content this plan would write
    plan = make_plan(desired, live, options=options)
    return desired, live, replace(plan, warnings=warnings + plan.warnings)


def check_saved_plan(
    plan: Plan,
    session: TenantSession,
    desired: DesiredState,
    var_files: Sequence[str | Path] = (),
    read: LiveRead | None = None,
) -> LiveState:
    """Refuse (GuardError, exit 3) a plan for another tenant, from other manifests, with other
    secret values, whose resources moved since it was made, or with a step that the manifests at
    hand do not give (a forged file). Returns the fresh live state."""
    if plan.tenant != session.name:
        raise GuardError(
            f"this plan was made for tenant {clip(plan.tenant)!r}, not {session.name!r}; "
            "run plan against this tenant"
        )
    if plan.manifest_digest != desired.digest:
        raise GuardError(
            "this plan was made from different manifests (digest mismatch); run plan again"
        )
    if plan.blocked:
        raise GuardError("this plan is blocked: " + clip("; ".join(plan.blocked), 400))
    problems = secret_mismatches(plan, desired)
    live = read_tenant(session, desired, read=read)
    problems += stale_resources(plan, live)
    if problems:
        raise GuardError(
            "the tenant changed since this plan was made; run plan again:\n  "
            + "\n  ".join(terminal(p) for p in problems)
        )
    desired = revalidate(desired, live, var_files)
    settle(desired, live)  # the lints that would block a fresh plan block this one too
    rederive(plan, desired, live)
    return live


def rederive(plan: Plan, desired: DesiredState, live: LiveState) -> None:
    """Plan again from the manifests at hand and this live state; every saved step must be in
    that plan as is, and that plan must not be blocked (GuardError naming the first one)."""
    deletes = any(step.kind is StepKind.DELETE for step in plan.steps)
    options = PlanOptions(allow_delete=deletes, targets=plan.targets, digest_key=key_from_env())
    fresh = make_plan(desired, live, options=options)
    problem = underived_step(plan, fresh, desired)
    if problem is not None:
        raise GuardError(problem)
    if fresh.blocked:
        raise GuardError("this plan is blocked by the manifests at hand: " + fresh.blocked[0])


def compare(plan: Plan, fresh: Plan, result: ApplyResult) -> None:
    """What this apply changed must now match; anything else that differs was changed by
    another writer meanwhile (a concurrent apply) and is reported, not failed."""
    mine = {c.address for c in plan.changes if c.planned}
    for c in fresh.changes:
        if not c.planned:
            continue
        if c.address in mine:
            result.verify_problems.append(f"{c.address}: still differs after apply ({c.reason})")
        else:
            result.verify_notes.append(
                f"{c.address}: differs from these manifests but was not part of this "
                f"apply (changed meanwhile by another writer?): {c.reason}"
            )


def execute(
    session: TenantSession,
    plan: Plan,
    desired: DesiredState,
    options: PlanOptions,
    *,
    parallelism: int,
    journal_path: str | Path | None = None,
    on_result: Callable[[StepResult], None] | None = None,
    verify: bool = True,
    known_triggers: Sequence[Trigger] | None = None,
) -> ApplyResult:
    """Apply the plan's steps, then re-read the tenant and check that a fresh plan is empty
    (`known_triggers`: the catalogue read before, reused by that re-read)."""
    client = session.client
    before = client.stats
    started = time.monotonic()
    journal = Journal(journal_path)
    try:
        journal.write(
            "apply", plan_digest=plan.plan_digest, tenant=plan.tenant, steps=len(plan.steps)
        )
        applier = Applier(
            session.api,
            plan,
            desired,
            parallelism=parallelism,
            journal=journal,
            on_result=on_result,
        )
        last = writes_after_deploys(plan.steps)
        verify_read = VerifyRead(session, desired, known_triggers)
        if verify and not last:  # no rebind or delete after the deploys
            applier.deploy_lister = verify_read
        result = ApplyResult(results=applier.run())
        if verify:
            live = verify_read.live or read_tenant(session, desired, known_triggers)
            compare(plan, make_plan(desired, live, options=options), result)
        result.seconds = time.monotonic() - started
        after = client.stats
        result.requests = after.requests - before.requests
        result.throttled = after.rate_limited - before.rate_limited
        journal.write("done", ok=result.ok, summary=result.summary_line())
        return result
    finally:
        journal.close()
