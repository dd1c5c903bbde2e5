"""Read an auth0-deploy-cli export (see features.deploycli): its files, with keyword markers
replaced by tokens, into actions and trigger binding lists; every problem and note is collected
on the Reader rather than raised."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reconciler.core import masking
from reconciler.core.model import Dependency

MAX_FILE_BYTES = 5 * 1024 * 1024
_MARKER = re.compile(
    r"""(?P<q>['"]?)@@(?P<at>[A-Za-z0-9_.-]+)@@(?P=q)|##(?P<hash>[A-Za-z0-9_.-]+)##"""
)
TOKEN = re.compile(r"__reconciler_keyword_(\d+)__")
CONVERTED = ("actions", "triggers", "actionModules", "action-modules")  # YAML keys, directories
_CODE_MARKER = re.compile(r"@@[A-Za-z0-9_.-]+@@|##[A-Za-z0-9_.-]+##")


@dataclass
class ReadAction:
    name: str
    trigger: str
    version: str
    runtime: str
    code: str
    dependencies: tuple[Dependency, ...]
    secrets: list[tuple[str, str | None]]  # (name, value with keyword tokens for markers)
    deploy: bool
    modules: tuple[tuple[str, int], ...] = ()  # (module name, published version number)


@dataclass
class Reader:
    root: Path
    markers: list[str] = field(default_factory=list)  # token index -> the original marker
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    marketplace: set[str] = field(default_factory=set)

    # ------------------------------------------------------------ keywords

    def preprocess(self, text: str) -> str:
        """Replace each marker with a token that YAML and JSON read as a plain string (deploy-cli
        substitutes markers in the raw text before parsing, so `value: @@KEY@@` is legal there)."""

        def token(match: re.Match[str]) -> str:
            at = match.group("at")
            self.markers.append(f"@@{at}@@" if at else f"##{match.group('hash')}##")
            name = f"__reconciler_keyword_{len(self.markers) - 1}__"
            return f'"{name}"' if at else name

        return _MARKER.sub(token, text)

    def restore(self, text: str) -> str:
        return TOKEN.sub(lambda m: self.markers[int(m.group(1))], text)

    def keyword(self, value: str) -> str | None:
        """KEY when `value` is exactly one marker."""
        match = TOKEN.fullmatch(value)
        return self.markers[int(match.group(1))][2:-2] if match else None

    # ------------------------------------------------------------ files

    def read_text(self, path: Path) -> str | None:
        where = self.rel(path)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.problems.append(f"{where}: larger than 5 MB")
                return None
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problems.append(f"{where}: not UTF-8")
        except OSError as exc:
            self.problems.append(f"{where}: cannot read: {exc.strerror}")
        return None

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def parse(self, path: Path, kind: str) -> Any:
        """The parsed file after marker replacement; None (and a problem) when unreadable."""
        text = self.read_text(path)
        if text is None:
            return None
        text = self.preprocess(text)
        where = self.rel(path)
        try:
            return json.loads(text) if kind == "json" else yaml.safe_load(text)
        except json.JSONDecodeError as exc:
            self.problems.append(f"{where}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
            what = getattr(exc, "problem", None) or "not valid YAML"
            self.problems.append(f"{where}{at}: invalid YAML: {what}")
        return None

    def find_code(self, base: Path, name: str, ref: str) -> Path | None:
        """deploy-cli resolves `code` against the export root or `actions/NAME/`; its directory
        dumps also write paths relative to the cwd of the dump (`./local/actions/NAME/code.js`),
        so the part from the last `actions/` on is tried too. Never outside the export."""
        parts = [p for p in ref.replace("\\", "/").split("/") if p not in ("", ".")]
        candidates = [base.joinpath(*parts), base.joinpath("actions", _sanitize(name), *parts)]
        if "actions" in parts:
            last = len(parts) - 1 - parts[::-1].index("actions")
            candidates.append(base.joinpath(*parts[last:]))
        top = self.root.resolve()
        for candidate in candidates:
            resolved = candidate.resolve()
            if (top == resolved or top in resolved.parents) and resolved.is_file():
                return resolved
        return None


def _sanitize(name: str) -> str:
    """deploy-cli's `sanitize` for file names: characters illegal in file names become `-`."""
    return re.sub(r'[<>:"/\\|?*\x00-\x1f]', "-", name)


def text(reader: Reader, raw: dict[str, Any], key: str, where: str, *, required: bool) -> str:
    value = raw.get(key)
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or not value:
        reader.problems.append(f"{where}: '{key}' must be a non-empty string")
        return ""
    if TOKEN.search(value):
        reader.problems.append(
            f"{where}: '{key}' uses the keyword {reader.restore(value)}; reconciler substitutes "
            "variables only in secret values: write the value out"
        )
        return ""
    return value


def items_of(reader: Reader, raw: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = raw.get(key) or []
    if isinstance(value, str) and TOKEN.search(value):
        reader.problems.append(
            f"{where}: '{key}' is the keyword {reader.restore(value)}; reconciler needs the "
            "entries written out (secret values may still be ${VAR} references)"
        )
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        reader.problems.append(f"{where}: '{key}' must be a list of mappings")
        return []
    return value


def read_secrets(reader: Reader, raw: dict[str, Any], where: str) -> list[tuple[str, str | None]]:
    """An action's or module's `secrets`: (name, value as written); literals are masked."""
    out: list[tuple[str, str | None]] = []
    for secret in items_of(reader, raw, "secrets", where):
        name = text(reader, secret, "name", f"{where} secrets", required=True)
        value = None if secret.get("value") is None else str(secret["value"])
        if value and not TOKEN.search(value):
            masking.register(value)  # a literal: never copied, and masked should it leak
        if name in {n for n, _ in out}:
            reader.problems.append(f"{where}: secret {name} appears twice")
        elif name:
            out.append((name, value))
    return out


def _action(reader: Reader, raw: Any, where: str, base: Path) -> ReadAction | None:
    if not isinstance(raw, dict):
        reader.problems.append(f"{where}: an action must be a mapping")
        return None
    name = text(reader, raw, "name", where, required=True)
    if not name:
        return None
    where = f"{where} (action {name})"
    if raw.get("integration") or raw.get("installed_integration_id"):
        reader.marketplace.add(name)
        reader.warnings.append(f"{where}: marketplace action not converted (bind it as external)")
        return None
    triggers = items_of(reader, raw, "supported_triggers", where)
    if len(triggers) > 1:
        reader.warnings.append(f"{where}: only the first of {len(triggers)} triggers is kept")
    if not triggers:
        reader.problems.append(f"{where}: 'supported_triggers' needs one entry")
    first, at = (triggers or [{}])[0], f"{where} supported_triggers[0]"
    trigger = text(reader, first, "id", at, required=True) if triggers else ""
    version = text(reader, first, "version", at, required=False)
    runtime = text(reader, raw, "runtime", where, required=False)
    ref = text(reader, raw, "code", where, required=True)
    code = None
    if ref:
        path = reader.find_code(base, name, ref)
        if path is None:
            reader.problems.append(f"{where}: code file {ref} not found inside the export")
        else:
            code = reader.read_text(path)
            if code is not None and _CODE_MARKER.search(code):
                reader.warnings.append(
                    f"{where}: the code uses deploy-cli keyword markers, which reconciler does "
                    "not substitute; read such values from event.secrets instead"
                )
    deps = []
    for dep in items_of(reader, raw, "dependencies", where):
        dep_name = text(reader, dep, "name", f"{where} dependencies", required=True)
        dep_version = text(reader, dep, "version", f"{where} dependencies", required=True)
        if dep_name and dep_version:
            deps.append(Dependency(dep_name, dep_version))
        if dep.get("registry_url"):
            reader.warnings.append(f"{where}: registry_url of {dep_name} not converted")
    secrets = read_secrets(reader, raw, where)
    refs = module_refs(reader, raw, where)
    if not (trigger and code is not None):
        return None
    deploy = raw.get("deployed") is True
    return ReadAction(name, trigger, version, runtime, code, tuple(deps), secrets, deploy, refs)


def module_refs(reader: Reader, raw: dict[str, Any], where: str) -> tuple[tuple[str, int], ...]:
    """deploy-cli's `modules: [{module_name, module_version_number}]` of an action."""
    out = []
    for i, ref in enumerate(items_of(reader, raw, "modules", where)):
        name = text(reader, ref, "module_name", f"{where} modules[{i}]", required=True)
        number = ref.get("module_version_number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            reader.problems.append(
                f"{where} modules[{i}]: 'module_version_number' must be a number (1 or more)"
            )
        elif name:
            out.append((name, number))
    return tuple(out)


def _skipped(reader: Reader, names: list[str]) -> None:
    shown = sorted(n for n in names if n not in CONVERTED and n[:1] != ".")
    if shown:
        reader.warnings.append(
            f"not converted (reconciler manages actions only): {', '.join(shown)}"
        )


def read_yaml(reader: Reader, path: Path) -> tuple[list[ReadAction | None], Any, Any]:
    """The actions, the raw `triggers` and the raw `actionModules` of a tenant file."""
    data, where = reader.parse(path, "yaml"), reader.rel(path)
    if data is not None and not isinstance(data, dict):
        reader.problems.append(f"{where}: not a deploy-cli tenant file (not a mapping)")
    if not isinstance(data, dict):
        return [], None, None
    _skipped(reader, [str(k) for k in data])
    raw_actions = data.get("actions") or []
    if not isinstance(raw_actions, list):
        reader.problems.append(f"{where}: 'actions' must be a list")
        raw_actions = []
    base = path.parent
    actions = [
        _action(reader, raw, f"{where} actions[{i}]", base) for i, raw in enumerate(raw_actions)
    ]
    return actions, data.get("triggers"), data.get("actionModules")


def read_directory(reader: Reader, root: Path) -> tuple[list[ReadAction | None], Any, Any]:
    """The actions, the raw triggers map and the modules of `action-modules/*.json`."""
    _skipped(reader, [p.name for p in root.iterdir()])
    actions = []
    for path in sorted((root / "actions").glob("*.json")):
        raw = reader.parse(path, "json")
        if raw is not None:
            actions.append(_action(reader, raw, reader.rel(path), root))
    files = sorted((root / "triggers").glob("*.json"))
    preferred = root / "triggers" / "triggers.json"  # deploy-cli writes this one, reads the first
    chosen = preferred if preferred in files else (files[0] if files else None)
    modules = [reader.parse(p, "json") for p in sorted((root / "action-modules").glob("*.json"))]
    return actions, reader.parse(chosen, "json") if chosen else None, modules or None
