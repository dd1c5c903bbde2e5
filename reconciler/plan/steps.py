"""Turning action and binding diffs into ordered steps with dependencies and preconditions."""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.core.fields import ActionFields, ModulePin, SecretRef, TriggerRef
from reconciler.core.livemodel import LiveAction, LiveState
from reconciler.core.model import DesiredAction, DesiredState
from reconciler.core.trailer import strip_trailer, with_trailer
from reconciler.diff import ADOPT, CREATE, ActionDiff, BindingsDiff
from reconciler.diff.bindings import bindings_change
from reconciler.diff.records import BindingsChange, DeletedDetail, FieldDiff
from reconciler.plan.kinds import (
    BindingEntry,
    CreateAction,
    DeleteAction,
    DeployAction,
    Rebind,
    Step,
    UpdateAction,
    WaitBuild,
    ordered,
)
from reconciler.plan.planfile.encode import bindings_digest
from reconciler.plan.types import ActionPrecondition, BindingsPrecondition, Change

HEAD_LINES, HEAD_WIDTH = 5, 120


def _printable(line: str) -> str:
    line = "".join(ch if ch.isprintable() or ch == "\t" else "\ufffd" for ch in line)
    return line if len(line) <= HEAD_WIDTH else line[: HEAD_WIDTH - 1] + "…"


def deleted_detail(live: LiveAction) -> DeletedDetail:
    """What a delete removes, for the plan: trigger, deployed version, code size, first lines
    (the tenant's code without the trailer; control characters replaced)."""
    code, _ = strip_trailer(live.code)
    lines = code.splitlines()
    head = [_printable(line) for line in lines if line.strip()][:HEAD_LINES]
    version = live.deployed_version
    return DeletedDetail(
        trigger=live.trigger,
        trigger_version=live.trigger_version,
        deployed_version=version.number if version is not None and version.deployed else None,
        code_bytes=len(code.encode("utf-8")),
        code_lines=len(lines),
        head=tuple(head),
    )


def action_preconditions(live: LiveAction | None) -> ActionPrecondition:
    """What the plan saw of an action; all null for a create (the name must still be free)."""
    if live is None:
        return ActionPrecondition(None, None, None)
    version = live.deployed_version
    return ActionPrecondition(live.id, live.updated_at, version.id if version else None)


def _fields(
    action: DesiredAction, digest: str, fields: Sequence[str], pins: tuple[ModulePin, ...]
) -> ActionFields:
    """The members of `fields` (names from ActionFields) the step writes; `pins`: the module
    versions the action uses after the plan (written with "modules")."""

    def wanted(name: str) -> bool:
        return name in fields

    return ActionFields(
        supported_triggers=(TriggerRef(action.trigger, action.trigger_version),)
        if wanted("supported_triggers")
        else None,
        code=with_trailer(action.code, digest, protect=action.protect) if wanted("code") else None,
        runtime=action.runtime if wanted("runtime") else None,
        dependencies=tuple(action.dependencies) if wanted("dependencies") else None,
        secrets=tuple(SecretRef(s.name, s.var) for s in action.secrets)
        if wanted("secrets")
        else None,
        modules=pins if wanted("modules") else None,
    )


class Builder:
    """Accumulates steps phase by phase; `blocked` collects guard failures."""

    def __init__(self, live: LiveState) -> None:
        self.live = live
        self.live_by_name = {a.name: a for a in live.actions}
        self.steps: list[Step] = []
        self.blocked: list[str] = []
        self.created: dict[str, DesiredAction] = {}
        self.building: list[tuple[str, str]] = []  # (action name, step id or "")
        self.ready: dict[str, str] = {}  # action name -> step after which it is deployed
        self.deleting: dict[str, LiveAction] = {}  # action id -> live action

    def _add(self, step: Step) -> str:
        self.steps.append(step)
        return step.id

    def action(
        self,
        ad: ActionDiff,
        digest: str,
        pins: tuple[ModulePin, ...] = (),
        after: tuple[str, ...] = (),
    ) -> Change:
        """A create, or any of adopt/update/deploy on a live action. `pins`: its module
        versions; `after`: the module publish steps its write waits for."""
        desired = ad.desired
        assert desired is not None
        name = ad.name
        address = f"action.{name}"
        words: list[str] = []
        if ad.status == CREATE:
            words.append("create")
            names = (*ad.update_fields, "modules") if pins else ad.update_fields
            fields = _fields(desired, digest, names, pins)
            created = self._add(CreateAction(name, fields, desired.deploy, after))
            self.created[name] = desired
            self.building.append((name, created))
            if desired.deploy:
                words.append("deploy")
                self.ready[name] = created
        else:
            live = ad.live
            assert live is not None
            if ad.status == ADOPT:
                words.append("adopt")
            deploy_deps: list[str] = []
            if ad.update_fields:
                words.append("update")
                fields = _fields(desired, digest, ad.update_fields, pins)
                updated = self._add(UpdateAction(live.id, name, fields, after))
                self.building.append((name, updated))
                deploy_deps = [updated, "wait_build"]
            elif ad.deploy and live.status != "built":
                self.building.append((name, ""))
                deploy_deps = ["wait_build"]
            if ad.deploy:
                words.append("deploy")
                deployed = self._add(DeployAction(live.id, name, tuple(deploy_deps)))
                self.ready[name] = deployed
        reason = "; ".join(ad.reasons)
        precond = action_preconditions(ad.live)
        return Change(address, tuple(words), reason, ad.diff, ad.drift, precond)

    def wait_build(self) -> None:
        if not self.building:
            return
        deps = [step_id for _, step_id in self.building if step_id]
        names = sorted({name for name, _ in self.building})
        self._add(WaitBuild(tuple(names), tuple(deps)))

    def delete(self, ad: ActionDiff) -> Change:
        live = ad.live
        assert live is not None
        self.deleting[live.id] = live
        precond = action_preconditions(live)
        reason = "; ".join(ad.reasons)
        diff = FieldDiff(deleted=deleted_detail(live))
        return Change(f"action.{ad.name}", ("delete",), reason, diff, (), precond)

    # ----------------------------------------------------------------------- bindings

    def _entry(self, trigger: str, action: str, external: bool) -> str | None:
        """The action_id to bind (None when created in this run); blocks when impossible."""
        where = f"bindings.{trigger}"
        if action in self.created:
            if not self.created[action].deploy:
                self.blocked.append(
                    f"{where}: {action} is created with deploy: false and cannot be bound "
                    "before it is deployed"
                )
            return None
        live = self.live_by_name.get(action)
        if live is None:
            kind = "external action" if external else "action"
            self.blocked.append(
                f"{where}: {kind} {action!r} is not in the tenant and this plan does not create it"
            )
            return None
        if live.deployed_version is None and action not in self.ready:
            self.blocked.append(f"{where}: {action} was never deployed and cannot be bound")
        return live.id

    def rebinds(self, diffs: Sequence[BindingsDiff], desired: DesiredState) -> list[Change]:
        changes: list[Change] = []
        handled: set[str] = set()
        for bd in diffs:
            handled.add(bd.trigger)
            if not bd.changed:
                continue
            live_entries = bd.live.entries if bd.live else ()
            live_names = {e.action_name for e in live_entries}
            entries: list[BindingEntry] = []
            deps: list[str] = []
            for e in bd.desired.entries:
                action_id = self._entry(bd.trigger, e.action, e.external)
                entries.append(BindingEntry(e.action, action_id, e.display_name))
                if e.action not in live_names and e.action in self.ready:
                    dep = self.ready[e.action]
                    deps.extend([dep, "wait_build"] if dep.startswith("create:") else [dep])
                if action_id in self.deleting:
                    self.blocked.append(
                        f"bindings.{bd.trigger}: still lists {e.action}, which is being deleted"
                    )
            step = Rebind(bd.trigger, tuple(entries), tuple(sorted(set(deps))))
            self._add(step)
            assert bd.diff is not None  # a changed trigger has its change
            precond = BindingsPrecondition(bindings_digest(live_entries))
            reason = binding_reason(bd.diff)
            changes.append(Change(step.address, ("rebind",), reason, bd.diff, (), precond))
        changes.extend(self._unbind_deleted(handled))
        return changes

    def _unbind_deleted(self, handled: set[str]) -> list[Change]:
        """Triggers not owned (or not in scope) that still bind an action being deleted get
        their live list written without it, so the delete does not meet a 409."""
        changes: list[Change] = []
        for tb in self.live.bindings:
            gone = [e for e in tb.entries if e.action_id in self.deleting]
            if tb.trigger in handled or not gone:
                continue
            keep = [e for e in tb.entries if e.action_id not in self.deleting]
            entries = [BindingEntry(e.action_name, e.action_id, e.display_name) for e in keep]
            before = [(e.action_name, e.display_name) for e in tb.entries]
            diff = bindings_change(before, [(e.action_name, e.display_name) for e in keep])
            step = Rebind(tb.trigger, tuple(entries))
            self._add(step)
            names = ", ".join(sorted({e.action_name for e in gone}))
            reason = f"unbind {names} before deleting (trigger not owned by the manifests)"
            precond = BindingsPrecondition(bindings_digest(tb.entries))
            changes.append(Change(step.address, ("rebind",), reason, diff, (), precond))
        return changes

    def unowned_notes(self, owned: set[str]) -> list[str]:
        """Triggers that bind managed actions but are not listed under `bindings:` (e.g. removed
        from bindings.yaml): the plan does not own them, so their live bindings stay as they are
        (apart from actions being deleted, which are unbound first). Say so."""
        out: list[str] = []
        for tb in self.live.bindings:
            if tb.trigger in owned:
                continue
            managed = sorted(
                {
                    e.action_name
                    for e in tb.entries
                    if e.action_id not in self.deleting
                    and (a := self.live_by_name.get(e.action_name)) is not None
                    and strip_trailer(a.code)[1] is not None
                }
            )
            if not managed:
                continue
            out.append(
                f"bindings.{tb.trigger}: not listed under bindings in the manifests, so its "
                f"live bindings are left as they are (still bound: {', '.join(managed)}); "
                f"list it as `{tb.trigger}: []` to unbind them"
            )
        return out

    def deletes(self) -> None:
        rebinds = {s.trigger for s in self.steps if isinstance(s, Rebind)}
        for live in sorted(self.deleting.values(), key=lambda a: (a.name, a.id)):
            deps = sorted(
                f"rebind:{tb.trigger}"
                for tb in self.live.bindings
                if tb.trigger in rebinds and any(e.action_id == live.id for e in tb.entries)
            )
            self._add(DeleteAction(live.id, live.name, tuple(deps)))

    def ordered(self) -> list[Step]:
        return ordered(self.steps)  # by StepKind.phase, stable within a phase


def binding_reason(diff: BindingsChange) -> str:
    """Say what the rebind does: bind/unbind names, a changed relative order, display names."""
    parts: list[str] = []
    if diff.added:
        parts.append("bind " + ", ".join(diff.added))
    if diff.removed:
        parts.append("unbind " + ", ".join(diff.removed))
    if diff.reordered:
        parts.append("change the order")
    if diff.renamed:
        parts.append("change the display name of " + ", ".join(diff.renamed))
    return "; ".join(parts) or "binding list differs from the manifest"
