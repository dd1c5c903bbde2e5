"""Convert what deploycli.reader read into a Bundle (see reconciler.features.deploycli):
secret values become variables, and every problem found is raised at once."""

from __future__ import annotations

import re
from pathlib import Path

from reconciler.core.errors import ReconcilerError
from reconciler.features.deploycli.reader import (
    TOKEN,
    ReadAction,
    Reader,
    read_bindings,
    read_directory,
    read_yaml,
)
from reconciler.features.export import Bundle, EnvVar, ExportAction, SecretRef, VarNames

_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _forms(reader: Reader, key: str) -> str:
    """The marker spellings used for KEY: `##KEY##`, `@@KEY@@` or both."""
    return " / ".join(sorted({m for m in reader.markers if m[2:-2] == key}))


def _secrets(
    reader: Reader, actions: list[ReadAction]
) -> tuple[dict[tuple[str, str], str], list[EnvVar]]:
    """(action, secret) -> variable name, and the `.env.example` entries. Exact-marker values
    keep their KEY; every other value gets a generated name and is never copied."""
    ordered = sorted(((a.name, *s) for a in actions for s in a.secrets), key=lambda t: t[:2])
    keyed: dict[str, list[str]] = {}
    for action, secret, value in ordered:
        key = reader.keyword(value or "")
        if key is not None and _VAR.match(key):
            keyed.setdefault(key, []).append(f"action {action}, secret {secret}")
    env = [
        EnvVar(key, f"deploy-cli keyword {_forms(reader, key)}: {'; '.join(uses)}")
        for key, uses in keyed.items()
    ]
    names = VarNames(keyed)
    out: dict[tuple[str, str], str] = {}
    for action, secret, value in ordered:
        key = reader.keyword(value or "")
        if key is not None and _VAR.match(key):
            out[(action, secret)] = key
            continue
        var = out[(action, secret)] = names.new(action, secret)
        what = f"action {action}, secret {secret}"
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
    found, raw_triggers = read(reader, target)
    actions = [a for a in found if a is not None]
    seen: set[str] = set()
    for action in actions:
        if action.name in seen:
            reader.problems.append(f"action {action.name!r} appears twice in the export")
        seen.add(action.name)
    bindings = read_bindings(reader, raw_triggers, seen)
    variables, env = _secrets(reader, actions)
    if reader.problems:
        count = len(reader.problems)
        raise ReconcilerError(
            f"cannot convert {path} ({count} problem{'s' * (count != 1)}):\n  "
            + "\n  ".join(reader.problems)
        )
    converted = tuple(
        ExportAction(
            name=a.name,
            trigger=a.trigger,
            code=a.code,
            trigger_version=a.version,
            runtime=a.runtime,
            dependencies=tuple(sorted(a.dependencies, key=lambda d: d.name)),
            secrets=tuple(
                SecretRef(name, variables[(a.name, name)]) for name, _ in sorted(a.secrets)
            ),
            deploy=a.deploy,
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
    )
