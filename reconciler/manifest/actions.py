"""Per-action checks beyond the schema, and the conversion into DesiredAction."""

from __future__ import annotations

import re

from reconciler.core import limits
from reconciler.core.livemodel import Trigger
from reconciler.core.model import Dependency, DesiredAction, DesiredSecret
from reconciler.manifest.actiontests import build_tests
from reconciler.manifest.codefile import CodeFile, read_code
from reconciler.manifest.context import Context, Entry
from reconciler.manifest.interpolate import reference_var
from reconciler.manifest.lint import exports_handler
from reconciler.manifest.names import name_problem
from reconciler.manifest.problems import did_you_mean

MAX_ACTIONS = limits.ACTIONS_PER_TENANT.value
#: A runtime name Auth0 uses or used (node12, node16, node18, node18-actions, node22, ...): when
#: the trigger version does not offer it, that is a content lint (a tenant may still run it);
#: any other string is an error.
RUNTIME_NAME = re.compile(r"^node\d+(-actions)?$")


def check_names(
    ctx: Context,
    entries: list[Entry],
    kind: str = "action",
    limit: limits.Limit = limits.ACTIONS_PER_TENANT,
) -> dict[str, Entry]:
    """Printable names, duplicate names and names that differ only by case (both locations),
    and the tenant's limit of `kind` ("action" or "module"); returns name -> first."""
    first: dict[str, Entry] = {}
    folded: dict[str, Entry] = {}
    for entry in entries:
        name = entry.raw.get("name") if isinstance(entry.raw, dict) else None
        if not isinstance(name, str) or not name:
            continue
        problem = name_problem(name, f"{kind} name")
        if problem is not None:
            ctx.report(entry.doc, (*entry.path, "name"), problem)
        twin = folded.get(name.casefold())
        if twin is not None and name not in first:
            other = twin.raw["name"]
            ctx.report(
                entry.doc,
                (*entry.path, "name"),
                f"{kind} name '{name}' differs only by case from '{other}' (declared at "
                f"{twin.location(('name',))}); two such names are too easily confused",
            )
        folded.setdefault(name.casefold(), entry)
        if name in first:
            where = first[name].location(("name",))
            ctx.report(
                entry.doc,
                (*entry.path, "name"),
                f"duplicate {kind} name '{name}' (first declared at {where})",
            )
            continue
        first[name] = entry
    if len(entries) > limit.value:
        extra = entries[limit.value]
        ctx.report(
            extra.doc,
            extra.path,
            f"too many {kind}s: {len(entries)} declared in total; "
            f"Auth0 allows at most {limit.value} per tenant",
        )
    return first


def resolve_trigger(ctx: Context, entry: Entry) -> Trigger | None:
    """The catalogue entry for the action's trigger id and version, reporting what is wrong."""
    raw = entry.raw
    trigger_id = raw["trigger"]
    versions = ctx.catalogue.versions(trigger_id)
    if not versions:
        hint = did_you_mean(trigger_id, ctx.catalogue.ids())
        ctx.report(entry.doc, (*entry.path, "trigger"), f"unknown trigger '{trigger_id}'{hint}")
        return None
    version = raw.get("trigger_version")
    trigger = ctx.catalogue.current(trigger_id) if version is None else None
    if version is not None:
        trigger = ctx.catalogue.get(trigger_id, version)
        if trigger is None:
            known = ", ".join(sorted(t.version for t in versions))
            ctx.report(
                entry.doc,
                (*entry.path, "trigger_version"),
                f"unknown version '{version}' of trigger {trigger_id}; known versions: {known}",
            )
            return None
    if trigger is not None and trigger.status != "CURRENT":
        where = entry.location(("trigger_version",))
        ctx.notices.append(
            f"{where}: action '{raw['name']}' uses {trigger_id} {trigger.version}, "
            f"which is {trigger.status.lower()}"
        )
    return trigger


def resolve_runtime(ctx: Context, entry: Entry, trigger: Trigger) -> str | None:
    runtime = entry.raw.get("runtime")
    choices = ", ".join(trigger.runtimes)
    if runtime is None:
        if trigger.default_runtime in trigger.runtimes:
            return trigger.default_runtime
        ctx.report(
            entry.doc,
            entry.path,
            f"{trigger.id} {trigger.version} has no usable default runtime; "
            f"set runtime to one of {choices}",
        )
        return None
    if runtime not in trigger.runtimes:
        hint = did_you_mean(runtime, trigger.runtimes)
        message = (
            f"runtime '{runtime}' is not available for {trigger.id} {trigger.version}{hint}; "
            f"use one of {choices}"
        )
        where = (*entry.path, "runtime")
        if not isinstance(runtime, str) or not RUNTIME_NAME.match(runtime):
            ctx.report(entry.doc, where, message)
            return None
        ctx.lint(entry.doc, where, message, entry.raw["name"], "runtime")
        if ctx.lints is None:
            return None
    return str(runtime)


def build_secrets(
    ctx: Context, entry: Entry, kind: str = "action"
) -> tuple[tuple[DesiredSecret, ...], bool]:
    """The entry's secrets by reference, resolved when the load resolves; (secrets, all ok)."""
    out: list[DesiredSecret] = []
    ok = True
    name = entry.raw["name"]
    for secret, ref in sorted(entry.raw.get("secrets", {}).items()):
        var = reference_var(ref)
        if var is None:  # the schema already reported it
            ok = False
            continue
        if ctx.variables is None:
            out.append(DesiredSecret(secret, var))
            continue
        value, reason = ctx.variables.resolve(var)
        if value is None:
            ok = False
            ctx.report(
                entry.doc,
                (*entry.path, "secrets", secret),
                f"{reason} (secret {secret} of {kind} {name})" + _hint(var, reason),
            )
            continue
        out.append(DesiredSecret(secret, var, value))
    return tuple(out), ok


def build_action(ctx: Context, entry: Entry) -> tuple[DesiredAction | None, CodeFile | None]:
    """Check one schema-valid action; the DesiredAction when it has no problem."""
    raw = entry.raw
    trigger = resolve_trigger(ctx, entry)
    runtime = resolve_runtime(ctx, entry, trigger) if trigger is not None else None
    code = read_code(ctx.root_dir, entry.doc.path.parent, raw["code"])
    if isinstance(code, str):
        ctx.report(entry.doc, (*entry.path, "code"), code)
        code_file = None
    else:
        code_file = code
        handler = ctx.catalogue.handler(raw["trigger"]) if trigger is not None else None
        if handler and not exports_handler(code.text, handler):
            ctx.lint(
                entry.doc,
                (*entry.path, "code"),
                f"{code.rel} does not export {handler}, the function the {raw['trigger']} "
                f"trigger calls (exports.{handler} = async (event, api) => {{ ... }})",
                raw["name"],
                "handler",
            )
            code_file = code_file if ctx.lints is not None else None
    secrets, secrets_ok = build_secrets(ctx, entry)
    tests, tests_ok = build_tests(ctx, entry)
    if trigger is None or runtime is None or code_file is None or not (secrets_ok and tests_ok):
        return None, code if isinstance(code, CodeFile) else None
    deps = tuple(Dependency(n, v) for n, v in sorted(raw.get("dependencies", {}).items()))
    action = DesiredAction(
        name=raw["name"],
        trigger=trigger.id,
        trigger_version=trigger.version,
        runtime=runtime,
        code=code_file.text,
        code_file=code_file.rel,
        dependencies=deps,
        secrets=secrets,
        deploy=raw.get("deploy", True),
        protect=raw.get("protect", False),
        source=entry.location(),
        tests=tests,
    )
    return action, code_file


def _hint(var: str, reason: str | None) -> str:
    if reason is not None and reason.endswith("is not set"):
        return f"; set {var} in the environment or in a dotenv file passed with --var-file"
    return ""
