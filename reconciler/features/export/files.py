"""A Bundle -> files: `{relative path: text}`, written into the output directory
(reconciler.features.export)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

import yaml

from reconciler.core.errors import ReconcilerError
from reconciler.core.model import Dependency
from reconciler.features.export.bundle import (
    BINDINGS_FILE,
    ENV_FILE,
    MODELINE,
    MODULES_FILE,
    SCHEMA_COPY,
    SCHEMA_NOTE,
    Bundle,
    EnvVar,
    ExportAction,
    ExportBinding,
    ExportModule,
    SecretRef,
)


def file_slug(name: str) -> str:
    """A safe file-name stem: `block/ips` -> `block-ips`, `enrich token` -> `enrich-token`."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "action"


def _unique(stem: str, taken: set[str]) -> str:
    """`stem`, or `stem-2`, `stem-3`, ... compared case-insensitively (macOS, Windows)."""
    name, n = stem, 2
    while name.lower() in taken:
        name, n = f"{stem}-{n}", n + 1
    taken.add(name.lower())
    return name


# --------------------------------------------------------------------------- live -> bundle


_PLAIN = re.compile(r"^[A-Za-z0-9_$]([A-Za-z0-9_.\-/${} ]*[A-Za-z0-9_.\-/${}])?$")


def scalar(text: str) -> str:
    """A YAML scalar for `text`: plain when that reads back as the same string, else quoted."""
    if _PLAIN.match(text):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(c if c.isprintable() else _escape(c) for c in quoted)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _action_lines(action: ExportAction, code_path: str) -> list[str]:
    lines = [f"  - name: {scalar(action.name)}", f"    trigger: {scalar(action.trigger)}"]
    if action.trigger_version:
        lines.append(f"    trigger_version: {scalar(action.trigger_version)}")
    if action.runtime:
        lines.append(f"    runtime: {scalar(action.runtime)}")
    lines.append(f"    code: {scalar(code_path)}")
    lines += _content_lines(action.dependencies, action.secrets)
    if action.modules:
        lines.append("    modules:")
    for ref in action.modules:
        lines += [f"      - name: {scalar(ref.name)}", f"        version: {ref.version}"]
        if ref.external:
            lines.append("        external: true # not managed by these manifests")
    lines.append(f"    deploy: {'true' if action.deploy else 'false'}")
    if action.protect:
        lines.append("    protect: true")
    return lines


def _content_lines(deps: Iterable[Dependency], secrets: Iterable[SecretRef]) -> list[str]:
    """`dependencies:` and `secrets:` of an action or a module (each only when not empty)."""
    deps, secrets = list(deps), list(secrets)
    lines = ["    dependencies:"] if deps else []
    lines += [f"      {scalar(d.name)}: {scalar(d.version)}" for d in deps]
    lines += ["    secrets:"] if secrets else []
    lines += [f"      {scalar(s.name)}: {scalar('${' + s.var + '}')}" for s in secrets]
    return lines


def _module_lines(module: ExportModule, code_path: str) -> list[str]:
    lines = [f"  - name: {scalar(module.name)}", f"    code: {scalar(code_path)}"]
    lines += _content_lines(module.dependencies, module.secrets)
    if not module.publish:
        lines.append("    publish: false # never published in the tenant")
    if module.protect:
        lines.append("    protect: true")
    return lines


def _modules_files(modules: Iterable[ExportModule], header: str) -> dict[str, str]:
    """`modules.yaml` and each module's code in `modules/<name>.js` (none without modules)."""
    files: dict[str, str] = {}
    taken: set[str] = set()
    blocks = []
    for module in modules:
        code_path = f"modules/{_unique(file_slug(module.name), taken)}.js"
        files[code_path] = module.code
        blocks.append("\n".join(_module_lines(module, code_path)))
    if blocks:
        files[MODULES_FILE] = header + "modules:\n" + "\n\n".join(blocks) + "\n"
    return files


def _binding_lines(entry: ExportBinding) -> list[str]:
    comment = f" # {entry.note}" if entry.note else ""
    if not entry.display_name and not entry.external:
        return [f"    - {scalar(entry.action)}{comment}"]
    lines = [f"    - action: {scalar(entry.action)}"]
    if entry.display_name:
        lines.append(f"      display_name: {scalar(entry.display_name)}")
    if entry.external:
        lines.append("      external: true")
    lines[-1] += comment
    return lines


def _env_text(env: Iterable[EnvVar]) -> str:
    lines = [
        "# Every ${VAR} the manifests reference. Secret values cannot be read from Auth0, so they",
        "# are empty here: copy this file to .env (kept out of git by .gitignore), fill in every",
        "# value, then pass it to reconciler with --var-file.",
    ]
    for var in env:
        lines += ["", f"# {var.comment}", f"{var.name}="]
    return "\n".join(lines) + "\n"


def manifest_schema_text() -> str:
    """reconciler's own manifest schema (package data), copied into every export."""
    path = resources.files("reconciler").joinpath("schemas", "manifest.schema.json")
    return path.read_text(encoding="utf-8")


def render_bundle(bundle: Bundle) -> dict[str, str]:
    """{path relative to the output directory (posix): text}, in writing order."""
    header = f"{MODELINE}# {bundle.source}\n{SCHEMA_NOTE}"
    files: dict[str, str] = {}
    by_trigger: dict[str, list[ExportAction]] = {}
    for action in bundle.actions:
        by_trigger.setdefault(action.trigger, []).append(action)
    stems: set[str] = {"bindings", "schemas", "modules"}
    for trigger in sorted(by_trigger):
        stem = _unique(file_slug(trigger), stems)
        taken: set[str] = set()
        blocks = []
        for action in by_trigger[trigger]:
            code_path = f"{stem}/{_unique(file_slug(action.name), taken)}.js"
            files[code_path] = action.code
            blocks.append("\n".join(_action_lines(action, code_path)))
        files[f"{stem}.yaml"] = header + "actions:\n" + "\n\n".join(blocks) + "\n"
    files.update(_modules_files(bundle.modules, header))
    if bundle.bindings:
        lines = [
            "# Execution order per trigger. A trigger listed here is owned whole: apply makes its",
            "# live list exactly this one.",
            "bindings:",
        ]
        for trigger, entries in bundle.bindings:
            if not entries:
                lines.append(f"  {scalar(trigger)}: []")
                continue
            lines.append(f"  {scalar(trigger)}:")
            for entry in entries:
                lines += _binding_lines(entry)
        files[BINDINGS_FILE] = header + "\n".join(lines) + "\n"
    files[ENV_FILE] = _env_text(bundle.env)
    files[".gitignore"] = ".env\n"
    files[SCHEMA_COPY] = manifest_schema_text()
    return files


# --------------------------------------------------------------------------- writing


def check_out_dir(out: Path, *, force: bool) -> None:
    """Refuse a file, or a non-empty directory without --force (checked before any work)."""
    if out.exists() and not out.is_dir():
        raise ReconcilerError(f"--out {out}: exists and is not a directory")
    if out.is_dir() and not force and any(out.iterdir()):
        raise ReconcilerError(
            f"--out {out}: directory is not empty; choose a new directory, or pass --force to "
            "overwrite the files this command writes (other files are left alone)"
        )


def write_tree(out: Path, files: Mapping[str, str], *, force: bool) -> None:
    check_out_dir(out, force=force)
    try:
        for rel, text in files.items():
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        where = exc.filename or out
        raise ReconcilerError(f"cannot write {where}: {exc.strerror}") from None


def summary(bundle: Bundle, out: Path, files: Mapping[str, str]) -> str:
    """`wrote 4 actions, 2 binding lists and 3 variables to DIR (11 files)`."""

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'s' * (n != 1)}"

    modules = f"{count(len(bundle.modules), 'module')}, " if bundle.modules else ""
    return (
        f"wrote {count(len(bundle.actions), 'action')}, {modules}"
        f"{count(len(bundle.bindings), 'binding list')} and "
        f"{count(len(bundle.env), 'variable')} to {out} ({count(len(files), 'file')})"
    )
