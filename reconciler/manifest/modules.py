"""Actions Modules: the checks of `modules:` beyond the schema, their conversion into
DesiredModule, and the check of each action's `modules:` references.

A reference names a module declared in these manifests, or, marked `external: true`, one this
repository does not manage (made in the dashboard or by another repository), exactly as a
binding names an action: an undeclared name without the mark is an error with a did-you-mean
hint, so a typo never silently points an action at a module nobody manages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from reconciler.core import limits
from reconciler.core.model import Dependency, DesiredModule, DesiredModuleRef
from reconciler.manifest.actions import build_secrets, check_names
from reconciler.manifest.codefile import CodeFile, read_code
from reconciler.manifest.context import Context, Entry
from reconciler.manifest.names import name_problem
from reconciler.manifest.problems import did_you_mean


def check_module_names(ctx: Context, entries: list[Entry]) -> dict[str, Entry]:
    """Printable, unique names (not only by case) and the tenant's module limit; name -> first."""
    return check_names(ctx, entries, "module", limits.MODULES_PER_TENANT)


def _code(ctx: Context, entry: Entry) -> CodeFile | None:
    code = read_code(ctx.root_dir, entry.doc.path.parent, entry.raw["code"])
    if isinstance(code, str):
        ctx.report(entry.doc, (*entry.path, "code"), code)
        return None
    longest = limits.MODULE_CODE.value
    if len(code.text) > longest:
        ctx.report(
            entry.doc,
            (*entry.path, "code"),
            f"code file '{code.rel}' is {len(code.text)} characters; "
            f"Auth0 allows at most {longest} for a module",
        )
        return None
    return code


def build_module(ctx: Context, entry: Entry) -> tuple[DesiredModule | None, CodeFile | None]:
    """Check one schema-valid module; the DesiredModule when it has no problem, and its code
    file (for `node --check`) when that could be read."""
    raw = entry.raw
    code = _code(ctx, entry)
    secrets, secrets_ok = build_secrets(ctx, entry, "module")
    if code is None or not secrets_ok:
        return None, code
    deps = tuple(Dependency(n, v) for n, v in sorted(raw.get("dependencies", {}).items()))
    module = DesiredModule(
        name=raw["name"],
        code=code.text,
        code_file=code.rel,
        dependencies=deps,
        secrets=secrets,
        publish=raw.get("publish", True),
        protect=raw.get("protect", False),
        source=entry.location(),
    )
    return module, code


def _version(raw: Any) -> int | Literal["latest"]:
    return "latest" if raw == "latest" else int(raw)


def _ref_ok(
    ctx: Context, entry: Entry, index: int, item: dict[str, Any], declared: Mapping[str, Entry]
) -> bool:
    """One reference's name against the declared modules and its external mark."""
    name: str = item["name"]
    path = (*entry.path, "modules", index)
    external = item.get("external") is True
    if name in declared:
        if not external:
            return True
        ctx.report(
            entry.doc,
            (*path, "external"),
            f"module '{name}' is declared in these manifests (at "
            f"{declared[name].location(('name',))}), so it is not external; "
            "remove external: true",
        )
        return False
    problem = name_problem(name, "module name")
    if problem is not None:
        ctx.report(entry.doc, (*path, "name"), problem)
        return False
    if external:
        return True
    hint = did_you_mean(name, declared)
    ctx.report(
        entry.doc,
        (*path, "name"),
        f"'{name}' names no module declared in these manifests{hint}; "
        "mark a module managed elsewhere with external: true",
    )
    return False


def module_refs(
    ctx: Context, entry: Entry, declared: Mapping[str, Entry]
) -> tuple[DesiredModuleRef, ...] | None:
    """The schema-valid action's module references, or None after reporting what is wrong:
    an unknown name, a wrong external mark, a module named twice."""
    ok = True
    seen: dict[str, int] = {}
    out: list[DesiredModuleRef] = []
    for index, item in enumerate(entry.raw.get("modules", ())):
        name: str = item["name"]
        if name in seen:
            first = entry.doc.mark((*entry.path, "modules", seen[name]))
            ctx.report(
                entry.doc,
                (*entry.path, "modules", index, "name"),
                f"action '{entry.raw['name']}' uses module '{name}' twice "
                f"(first at line {first.line})",
            )
            ok = False
            continue
        seen[name] = index
        if not _ref_ok(ctx, entry, index, item, declared):
            ok = False
            continue
        where = entry.location(("modules", index))
        external = item.get("external") is True
        out.append(DesiredModuleRef(name, _version(item["version"]), external, where))
    return tuple(out) if ok else None
