"""Turning action and binding diffs into ordered steps with dependencies and preconditions."""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.core.model import DesiredAction, DesiredState, LiveAction, LiveState
from reconciler.core.trailer import strip_trailer, with_trailer
from reconciler.diff import ADOPT, CREATE, ActionDiff, BindingsDiff
from reconciler.diff.bindings import positions
from reconciler.diff.types import JSON
from reconciler.plan.types import Change, Step, bindings_digest

PHASES = {"create": 0, "update": 0, "wait_build": 1, "deploy": 2, "rebind": 3, "delete": 4}
HEAD_LINES, HEAD_WIDTH = 5, 120


def _printable(line: str) -> str:
    line = "".join(ch if ch.isprintable() or ch == "\t" else "\ufffd" for ch in line)
    return line if len(line) <= HEAD_WIDTH else line[: HEAD_WIDTH - 1] + "…"


def deleted_detail(live: LiveAction) -> JSON:
    """What a delete removes, for the plan: trigger, deployed version, code size, first lines
    (the tenant's code without the trailer; control characters replaced)."""
    code, _ = strip_trailer(live.code)
    lines = code.splitlines()
    head = [_printable(line) for line in lines if line.strip()][:HEAD_LINES]
    version = live.deployed_version
    return {
        "trigger": live.trigger,
        "trigger_version": live.trigger_version,
        "deployed_version": version.number if version is not None and version.deployed else None,
        "code_bytes": len(code.encode("utf-8")),
        "code_lines": len(lines),
        "head": head,
    }


def action_preconditions(live: LiveAction | None) -> JSON:
    """What the plan saw of an action; all null for a create (the name must still be free)."""
    if live is None:
        return {"id": None, "updated_at": None, "deployed_version_id": None}
    version = live.deployed_version
    return {
        "id": live.id,
        "updated_at": live.updated_at,
        "deployed_version_id": version.id if version else None,
    }


def _fields(action: DesiredAction, digest: str, fields: Sequence[str]) -> JSON:
    values: JSON = {
        "supported_triggers": [{"id": action.trigger, "version": action.trigger_version}],
        "code": with_trailer(action.code, digest, protect=action.protect),
        "runtime": action.runtime,
        "dependencies": [{"name": d.name, "version": d.version} for d in action.dependencies],
        "secrets": [{"name": s.name, "var": s.var} for s in action.secrets],
    }
    return {f: values[f] for f in fields}


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

    def _add(
        self, step_id: str, kind: str, address: str, deps: Sequence[str], payload: JSON
    ) -> None:
        self.steps.append(Step(step_id, kind, address, tuple(deps), payload))

    def action(self, ad: ActionDiff, digest: str) -> Change:
        """A create, or any of adopt/update/deploy on a live action."""
        desired = ad.desired
        assert desired is not None
        name = ad.name
        address = f"action.{name}"
        words: list[str] = []
        if ad.status == CREATE:
            words.append("create")
            payload = {"name": name, **_fields(desired, digest, ad.update_fields)}
            payload["deploy"] = desired.deploy
            self._add(f"create:{name}", "create", address, (), payload)
            self.created[name] = desired
            self.building.append((name, f"create:{name}"))
            if desired.deploy:
                words.append("deploy")
                self.ready[name] = f"create:{name}"
        else:
            live = ad.live
            assert live is not None
            if ad.status == ADOPT:
                words.append("adopt")
            deploy_deps: list[str] = []
            if ad.update_fields:
                words.append("update")
                payload = {"action_id": live.id, "name": name}
                payload.update(_fields(desired, digest, ad.update_fields))
                self._add(f"update:{name}", "update", address, (), payload)
                self.building.append((name, f"update:{name}"))
                deploy_deps = [f"update:{name}", "wait_build"]
            elif ad.deploy and live.status != "built":
                self.building.append((name, ""))
                deploy_deps = ["wait_build"]
            if ad.deploy:
                words.append("deploy")
                payload = {"action_id": live.id, "name": name}
                self._add(f"deploy:{name}", "deploy", address, deploy_deps, payload)
                self.ready[name] = f"deploy:{name}"
        reason = "; ".join(ad.reasons)
        precond = action_preconditions(ad.live)
        return Change(address, tuple(words), reason, ad.diff, ad.drift, precond)

    def wait_build(self) -> None:
        if not self.building:
            return
        deps = [step_id for _, step_id in self.building if step_id]
        names = sorted({name for name, _ in self.building})
        self._add("wait_build", "wait_build", "actions", deps, {"actions": names})

    def delete(self, ad: ActionDiff) -> Change:
        live = ad.live
        assert live is not None
        self.deleting[live.id] = live
        precond = action_preconditions(live)
        reason = "; ".join(ad.reasons)
        diff = {"deleted": deleted_detail(live)}
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
            entries: list[JSON] = []
            deps: list[str] = []
            for e in bd.desired.entries:
                action_id = self._entry(bd.trigger, e.action, e.external)
                entries.append(
                    {"action": e.action, "action_id": action_id, "display_name": e.display_name}
                )
                if e.action not in live_names and e.action in self.ready:
                    dep = self.ready[e.action]
                    deps.extend([dep, "wait_build"] if dep.startswith("create:") else [dep])
                if action_id in self.deleting:
                    self.blocked.append(
                        f"bindings.{bd.trigger}: still lists {e.action}, which is being deleted"
                    )
            payload = {"trigger": bd.trigger, "bindings": entries}
            step_id = f"rebind:{bd.trigger}"
            self._add(step_id, "rebind", f"bindings.{bd.trigger}", sorted(set(deps)), payload)
            precond = {"digest": bindings_digest(live_entries)}
            reason = _binding_reason(bd.diff)
            changes.append(
                Change(f"bindings.{bd.trigger}", ("rebind",), reason, bd.diff, (), precond)
            )
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
            entries = [
                {"action": e.action_name, "action_id": e.action_id, "display_name": e.display_name}
                for e in keep
            ]
            before = [(e.action_name, e.display_name) for e in tb.entries]
            after = [(e.action_name, e.display_name) for e in keep]
            diff: JSON = {
                "before": [{"action": n, "display_name": d} for n, d in before],
                "after": [{"action": n, "display_name": d} for n, d in after],
                "positions": positions(before, after),
            }
            address = f"bindings.{tb.trigger}"
            payload = {"trigger": tb.trigger, "bindings": entries}
            self._add(f"rebind:{tb.trigger}", "rebind", address, (), payload)
            names = ", ".join(sorted({e.action_name for e in gone}))
            reason = f"unbind {names} before deleting (trigger not owned by the manifests)"
            precond = {"digest": bindings_digest(tb.entries)}
            changes.append(Change(address, ("rebind",), reason, diff, (), precond))
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
        rebinds = {s.payload["trigger"] for s in self.steps if s.kind == "rebind"}
        for live in sorted(self.deleting.values(), key=lambda a: (a.name, a.id)):
            deps = sorted(
                f"rebind:{tb.trigger}"
                for tb in self.live.bindings
                if tb.trigger in rebinds and any(e.action_id == live.id for e in tb.entries)
            )
            payload = {"action_id": live.id, "name": live.name}
            self._add(f"delete:{live.name}", "delete", f"action.{live.name}", deps, payload)

    def ordered(self) -> list[Step]:
        return sorted(self.steps, key=lambda s: PHASES[s.kind])  # stable within a phase


def _binding_reason(diff: JSON) -> str:
    """Say what the rebind does: bind/unbind names, a changed relative order, display names."""
    rows = diff.get("positions", [])
    added = [r["action"] for r in rows if r["before"] is None]
    removed = [r["action"] for r in rows if r["after"] is None]
    kept = [r for r in rows if r["before"] is not None and r["after"] is not None]
    renamed = [r["action"] for r in kept if r["display_name_before"] != r["display_name_after"]]
    parts: list[str] = []
    if added:
        parts.append("bind " + ", ".join(added))
    if removed:
        parts.append("unbind " + ", ".join(removed))
    old_order = [r["before"] for r in kept]  # kept rows are in the new order
    if old_order != sorted(old_order):
        parts.append("change the order")
    if renamed:
        parts.append("change the display name of " + ", ".join(renamed))
    return "; ".join(parts) or "binding list differs from the manifest"
