"""Checks of `bindings` and `settings` across all files, and their conversion to the model."""

from __future__ import annotations

import fnmatch
import re

from reconciler.core.model import DesiredBinding, DesiredTriggerBindings, Settings
from reconciler.manifest.context import Context, Entry
from reconciler.manifest.names import name_problem
from reconciler.manifest.problems import KeyPath, did_you_mean

TRIGGER_ID = re.compile(r"^[a-z][a-z0-9-]*$")  # as in the schema's bindings.propertyNames


def _entry_fields(raw: object) -> tuple[str, str, bool, tuple[str, ...]] | None:
    """(action, display_name, external, key suffix naming the action) of one binding entry."""
    if isinstance(raw, str) and raw:
        return raw, raw, False, ()
    if isinstance(raw, dict) and isinstance(raw.get("action"), str) and raw["action"]:
        name: str = raw["action"]
        display = raw.get("display_name")
        shown = display if isinstance(display, str) and display else name
        return name, shown, raw.get("external") is True, ("action",)
    return None  # the schema reported it


def _check_trigger(ctx: Context, entry: Entry) -> bool:
    trigger_id = str(entry.path[-1])
    if not TRIGGER_ID.match(trigger_id):
        return False  # the schema reported it
    if not ctx.catalogue.versions(trigger_id):
        hint = did_you_mean(trigger_id, ctx.catalogue.ids())
        ctx.report(entry.doc, entry.path, f"unknown trigger '{trigger_id}'{hint}", at_key=True)
        return False
    if not ctx.catalogue.is_trigger_bound(trigger_id):
        ctx.report(
            entry.doc,
            entry.path,
            f"{trigger_id} is an entity-bound trigger; its actions are attached to their "
            "entity in Auth0, not bound to the trigger, so it cannot be listed under bindings",
            at_key=True,
        )
        return False
    return True


def _printable(
    ctx: Context, entry: Entry, index: int, item: object, managed: dict[str, Entry]
) -> bool:
    """The names of one binding entry are printable (a managed name was checked where the
    action is declared)."""
    ok = True
    checks: list[tuple[object, tuple[str, ...], str]] = []
    if isinstance(item, str):
        checks = [(item, (), "action name")]
    if isinstance(item, dict):
        checks = [(item.get("action"), ("action",), "action name")]
        checks.append((item.get("display_name"), ("display_name",), "display name"))
    for value, suffix, what in checks:
        if not isinstance(value, str) or (what == "action name" and value in managed):
            continue
        problem = name_problem(value, what)
        if problem is not None:
            ctx.report(entry.doc, (*entry.path, index, *suffix), problem)
            ok = False
    return ok


def _managed_ok(
    ctx: Context,
    entry: Entry,
    where: KeyPath,
    name: str,
    external: bool,
    declared: Entry,
    trigger_id: str | None,
) -> bool:
    """A binding of an action these manifests declare: not marked external, and (when the
    list's trigger is known, `trigger_id`) declared on that trigger."""
    ok = True
    path = (*entry.path, *where)
    if external:
        ctx.report(
            entry.doc,
            (*entry.path, where[0], "external"),
            f"'{name}' is declared in these manifests, so it is not external; "
            "remove external: true",
        )
        ok = False
    raw_trigger = declared.raw.get("trigger") if isinstance(declared.raw, dict) else None
    if trigger_id is not None and isinstance(raw_trigger, str) and raw_trigger != trigger_id:
        ctx.report(
            entry.doc,
            path,
            f"action '{name}' runs on {raw_trigger} (declared at "
            f"{declared.location(('trigger',))}), so it cannot be bound to {trigger_id}",
        )
        ok = False
    return ok


def build_trigger_bindings(
    ctx: Context, entry: Entry, managed: dict[str, Entry]
) -> DesiredTriggerBindings | None:
    """Check one trigger's list: known names, external marks, duplicates, the right trigger."""
    trigger_id = str(entry.path[-1])
    trigger_ok = _check_trigger(ctx, entry)
    ok = trigger_ok
    seen: dict[str, int] = {}
    out: list[DesiredBinding] = []
    items = entry.raw if isinstance(entry.raw, list) else []
    for index, item in enumerate(items):
        fields = _entry_fields(item)
        if fields is None:
            ok = False
            continue
        name, display, external, suffix = fields
        path = (*entry.path, index, *suffix)
        if not _printable(ctx, entry, index, item, managed):
            ok = False
            continue
        if name in seen:
            ok = False
            first = entry.doc.mark((*entry.path, seen[name]))
            ctx.report(
                entry.doc,
                path,
                f"action '{name}' is bound to {trigger_id} twice (first at line {first.line})",
            )
            continue
        seen[name] = index
        if name in managed:
            check = trigger_id if trigger_ok else None
            ok = (
                _managed_ok(ctx, entry, (index, *suffix), name, external, managed[name], check)
                and ok
            )
        elif not external:
            hint = did_you_mean(name, managed)
            ctx.report(
                entry.doc,
                path,
                f"'{name}' names no action declared in these manifests{hint}; "
                "mark an action managed elsewhere with external: true",
            )
            ok = False
        out.append(DesiredBinding(name, display, external, entry.location((index,))))
    if not ok or not entry.clean:
        return None
    return DesiredTriggerBindings(trigger_id, tuple(out), entry.key_location())


def check_binding_owners(ctx: Context, entries: list[Entry]) -> list[Entry]:
    """Each trigger may be listed in one file only; returns the first entry of each trigger."""
    first: dict[str, Entry] = {}
    for entry in entries:
        trigger_id = str(entry.path[-1])
        if trigger_id in first:
            where = first[trigger_id].key_location()
            ctx.report(
                entry.doc,
                entry.path,
                f"bindings for {trigger_id} are already declared at {where}; "
                "a trigger's list may appear in one file only",
                at_key=True,
            )
            continue
        first[trigger_id] = entry
    return list(first.values())


def build_settings(ctx: Context, entries: list[Entry], managed: dict[str, Entry]) -> Settings:
    """At most one settings block; a managed action must not match an ignore glob."""
    if not entries:
        return Settings()
    chosen = entries[0]
    for extra in entries[1:]:
        ctx.report(
            extra.doc,
            extra.path,
            f"settings are already declared at {chosen.key_location()}; "
            "only one file may hold settings",
            at_key=True,
        )
    if not chosen.clean:
        return Settings()
    raw = chosen.raw
    ignore = tuple(raw.get("ignore", ()))
    for name, action in managed.items():
        for index, pattern in enumerate(ignore):
            if fnmatch.fnmatchcase(name, pattern):
                where = chosen.location(("ignore", index))
                ctx.report(
                    action.doc,
                    (*action.path, "name"),
                    f"action '{name}' matches the ignore pattern '{pattern}' of settings "
                    f"({where}); an ignored action cannot be managed",
                )
                break
    return Settings(prune=bool(raw.get("prune", False)), ignore=ignore)
