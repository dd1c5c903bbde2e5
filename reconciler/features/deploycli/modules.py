"""deploy-cli's Actions Modules (see features.deploycli): `actionModules: [{name, code:
./action-modules/NAME/code.js, dependencies, secrets}]` in the YAML format, or
`action-modules/NAME.json` (same fields) in the directory format (auth0/auth0-deploy-cli
`src/context/{yaml,directory}/handlers/actionModules.ts`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.core.model import Dependency
from reconciler.features.deploycli.reader import Reader, _sanitize, items_of, read_secrets, text

MODULES_DIRECTORY = "action-modules"  # deploy-cli's constants.ACTION_MODULES_DIRECTORY


@dataclass
class ReadModule:
    name: str
    code: str
    dependencies: tuple[Dependency, ...]
    secrets: list[tuple[str, str | None]]  # (name, value with keyword tokens for markers)


def _find_code(reader: Reader, base: Path, name: str, ref: str) -> Path | None:
    """`code` against the export root or `action-modules/NAME/`, never outside the export."""
    parts = [p for p in ref.replace("\\", "/").split("/") if p not in ("", ".")]
    candidates = [base.joinpath(*parts), base.joinpath(MODULES_DIRECTORY, _sanitize(name), *parts)]
    if MODULES_DIRECTORY in parts:
        last = len(parts) - 1 - parts[::-1].index(MODULES_DIRECTORY)
        candidates.append(base.joinpath(*parts[last:]))
    top = reader.root.resolve()
    for candidate in candidates:
        resolved = candidate.resolve()
        if (top == resolved or top in resolved.parents) and resolved.is_file():
            return resolved
    return None


def _module(reader: Reader, raw: Any, where: str, base: Path) -> ReadModule | None:
    if not isinstance(raw, dict):
        reader.problems.append(f"{where}: a module must be a mapping")
        return None
    name = text(reader, raw, "name", where, required=True)
    if not name:
        return None
    where = f"{where} (module {name})"
    ref = text(reader, raw, "code", where, required=True)
    path = _find_code(reader, base, name, ref) if ref else None
    if ref and path is None:
        reader.problems.append(f"{where}: code file {ref} not found inside the export")
    code = reader.read_text(path) if path is not None else None
    deps = []
    for dep in items_of(reader, raw, "dependencies", where):
        dep_name = text(reader, dep, "name", f"{where} dependencies", required=True)
        dep_version = text(reader, dep, "version", f"{where} dependencies", required=True)
        if dep_name and dep_version:
            deps.append(Dependency(dep_name, dep_version))
    secrets = read_secrets(reader, raw, where)
    if code is None:
        return None
    return ReadModule(name, code, tuple(sorted(deps, key=lambda d: d.name)), secrets)


def read_modules(reader: Reader, raw: Any, base: Path, where: str) -> list[ReadModule]:
    """The modules of `raw` (the YAML `actionModules` list, or the parsed directory files);
    a name that appears twice is a problem."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.problems.append(f"{where}: 'actionModules' must be a list")
        return []
    found = [_module(reader, item, f"{where}[{i}]", base) for i, item in enumerate(raw)]
    out: list[ReadModule] = []
    for module in found:
        if module is not None and module.name in {m.name for m in out}:
            reader.problems.append(f"module {module.name!r} appears twice in the export")
        elif module is not None:
            out.append(module)
    return out
