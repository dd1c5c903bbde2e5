"""Convert what deploycli.reader read into a Bundle (see reconciler.features.deploycli):
secret values become variables, and every problem found is raised at once."""

from __future__ import annotations

import re
from pathlib import Path

from reconciler.core.errors import ReconcilerError
from reconciler.features.deploycli.bindings import read_bindings
from reconciler.features.deploycli.modules import ReadModule, read_modules
from reconciler.features.deploycli.reader import (
    TOKEN,
    ReadAction,
    Reader,
    read_directory,
    read_yaml,
)
from reconciler.features.export import (
    Bundle,
    EnvVar,
    ExportAction,
    ExportModule,
    ExportModuleRef,
    SecretRef,
    VarNames,
)

Owner = tuple[str, str]  # ("action" | "module", name)

_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _forms(reader: Reader, key: str) -> str:
    """The marker spellings used for KEY: `##KEY##`, `@@KEY@@` or both."""
    return " / ".join(sorted({m for m in reader.markers if m[2:-2] == key}))


def _secrets(
    reader: Reader, owners: list[tuple[Owner, list[tuple[str, str | None]]]]
) -> tuple[dict[tuple[Owner, str], str], list[EnvVar]]:
    """((kind, owner), secret) -> variable name, and the `.env.example` entries. Exact-marker
    values keep their KEY; every other value gets a generated name and is never copied."""
    ordered = sorted(((o, *s) for o, secrets in owners for s in secrets), key=lambda t: t[:2])
    keyed: dict[str, list[str]] = {}
    for (kind, owner), secret, value in ordered:
        key = reader.keyword(value or "")
        if key is not None and _VAR.match(key):
            keyed.setdefault(key, []).append(f"{kind} {owner}, secret {secret}")
    env = [
        EnvVar(key, f"deploy-cli keyword {_forms(reader, key)}: {'; '.join(uses)}")
        for key, uses in keyed.items()
    ]
    names = VarNames(keyed)
    out: dict[tuple[Owner, str], str] = {}
    for (kind, owner), secret, value in ordered:
        key = reader.keyword(value or "")
        if key is not None and _VAR.match(key):
            out[((kind, owner), secret)] = key
            continue
        var = out[((kind, owner), secret)] = names.new(owner, secret)
        what = f"{kind} {owner}, secret {secret}"
        if key is not None:
            why = f"was keyword {_forms(reader, key)}, not a valid variable name"
        elif not value:
            why = "no value in the export"
        elif TOKEN.search(value):
            why = "the export mixed keywords with other text; not copied"
        else:
            why = "the export held a literal value; not copied"
            reader.warnings.append(f"{what}: literal value not copied; set {var} in .env")
        env.append(EnvVar(var, f"{what} ({why})"))
    return out, sorted(env, key=lambda e: e.name)


def detect(path: Path) -> tuple[str, Path]:
    """("yaml", tenant file) or ("directory", export root) for PATH."""
    if path.is_file():
        return "yaml", path
    if not path.is_dir():
        raise ReconcilerError(f"{path}: no such file or directory")
    if any((path / "actions").glob("*.json")) or (path / "triggers").is_dir():
        return "directory", path
    for name in ("tenant.yaml", "tenant.yml"):
        if (path / name).is_file():
            return "yaml", path / name
    raise ReconcilerError(
        f"{path}: not a deploy-cli export (no tenant.yaml, actions/*.json or triggers/)"
    )


def convert(path: Path) -> Bundle:
    """The manifests for a deploy-cli export (YAML file or directory). Raises ReconcilerError
    listing every problem; conversion notes are in `Bundle.warnings`."""
    kind, target = detect(path)
    reader = Reader(target.parent if kind == "yaml" else target)
    read = read_yaml if kind == "yaml" else read_directory
    found, raw_triggers, raw_modules = read(reader, target)
    where = f"{reader.rel(target)} actionModules" if kind == "yaml" else "action-modules"
    modules = read_modules(reader, raw_modules, reader.root, where)
    actions = [a for a in found if a is not None]
    seen: set[str] = set()
    for action in actions:
        if action.name in seen:
            reader.problems.append(f"action {action.name!r} appears twice in the export")
        seen.add(action.name)
    bindings = read_bindings(reader, raw_triggers, seen)
    owners = [(("module", m.name), m.secrets) for m in modules]
    owners += [(("action", a.name), a.secrets) for a in actions]
    variables, env = _secrets(reader, owners)
    if reader.problems:
        count = len(reader.problems)
        raise ReconcilerError(
            f"cannot convert {path} ({count} problem{'s' * (count != 1)}):\n  "
            + "\n  ".join(reader.problems)
        )
    declared = {m.name for m in modules}
    converted = tuple(
        ExportAction(
            name=a.name,
            trigger=a.trigger,
            code=a.code,
            trigger_version=a.version,
            runtime=a.runtime,
            dependencies=tuple(sorted(a.dependencies, key=lambda d: d.name)),
            secrets=tuple(
                SecretRef(name, variables[(("action", a.name), name)])
                for name, _ in sorted(a.secrets)
            ),
            deploy=a.deploy,
            modules=_refs(reader, a, declared),
        )
        for a in sorted(actions, key=lambda a: a.name)
    )
    return Bundle(
        source=f"Converted from the auth0-deploy-cli export {target.name} by "
        "`reconciler import-deploy-cli`.",
        actions=converted,
        bindings=tuple(bindings),
        env=tuple(env),
        warnings=tuple(reader.warnings),
        modules=tuple(_module(m, variables) for m in sorted(modules, key=lambda m: m.name)),
    )


def _module(module: ReadModule, variables: dict[tuple[Owner, str], str]) -> ExportModule:
    secrets = tuple(
        SecretRef(name, variables[(("module", module.name), name)])
        for name, _ in sorted(module.secrets)
    )
    return ExportModule(module.name, module.code, module.dependencies, secrets)


def _refs(reader: Reader, action: ReadAction, declared: set[str]) -> tuple[ExportModuleRef, ...]:
    """The action's module references; one to a module the export does not hold is external
    (a note says so: the module stays as the tenant has it)."""
    out = []
    for name, number in action.modules:
        external = name not in declared
        if external:
            reader.warnings.append(
                f"action {action.name}: module {name!r} is not in the export; "
                "its reference is kept as external: true"
            )
        out.append(ExportModuleRef(name, number, external))
    return tuple(out)
