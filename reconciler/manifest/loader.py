"""The loader: manifest root -> DesiredState, or a ManifestError listing every problem."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reconciler.core.catalogue import Catalogue
from reconciler.core.errors import Problem
from reconciler.core.model import DesiredAction, DesiredModule, DesiredState
from reconciler.manifest.actions import build_action, check_names
from reconciler.manifest.bindings import (
    build_settings,
    build_trigger_bindings,
    check_binding_owners,
)
from reconciler.manifest.canonical import compute_digest as compute_digest  # re-exported
from reconciler.manifest.context import Context, Entry
from reconciler.manifest.files import CONFIG_FILES as CONFIG_FILES  # re-exported
from reconciler.manifest.files import discover as discover  # re-exported
from reconciler.manifest.files import root_problem
from reconciler.manifest.foreign import nothing_message, split_foreign
from reconciler.manifest.interpolate import Variables, read_var_files
from reconciler.manifest.lint import CodeCheck
from reconciler.manifest.modules import build_module, check_module_names, module_refs
from reconciler.manifest.problems import KeyPath
from reconciler.manifest.schema import validate_document
from reconciler.manifest.staged import PendingLoad
from reconciler.manifest.yamlload import Document, load_yaml


def _inside_root(path: Path, root: Path) -> bool:
    resolved, base = path.resolve(), root.resolve()
    return resolved == base or base in resolved.parents


@dataclass
class _Entries:
    """The raw items of every file, in file order, by top-level key."""

    actions: list[Entry] = field(default_factory=list)
    modules: list[Entry] = field(default_factory=list)
    bindings: list[Entry] = field(default_factory=list)
    settings: list[Entry] = field(default_factory=list)

    def extend(self, other: _Entries) -> None:
        self.actions += other.actions
        self.modules += other.modules
        self.bindings += other.bindings
        self.settings += other.settings


def _entries(doc: Document, bad: list[KeyPath]) -> _Entries:
    """Split one document into action, module, binding and settings entries."""

    def entry(path: KeyPath, raw: Any) -> Entry:
        clean = not any(b[: len(path)] == path or path[: len(b)] == b for b in bad)
        return Entry(doc, path, raw, clean)

    def items(key: str) -> list[Entry]:
        found = data.get(key)
        if not isinstance(found, list):
            return []
        return [entry((key, i), item) for i, item in enumerate(found)]

    data = doc.data if isinstance(doc.data, dict) else {}
    bindings = data.get("bindings")
    binding_entries = (
        [entry(("bindings", trigger), items) for trigger, items in bindings.items()]
        if isinstance(bindings, dict)
        else []
    )
    settings = [entry(("settings",), data["settings"])] if "settings" in data else []
    return _Entries(items("actions"), items("modules"), binding_entries, settings)


def _manifest_files(root: Path, skip_foreign: bool) -> tuple[Path, list[tuple[Path, str]]]:
    """discover(), without the files that are clearly not manifests when `skip_foreign`."""
    root_dir, files = discover(root)
    if skip_foreign and root.is_dir():
        files, foreign = split_foreign(files)
        if not files:
            raise root_problem(root, nothing_message(foreign))
    return root_dir, files


def _read_files(ctx: Context, files: list[tuple[Path, str]], root_dir: Path) -> _Entries:
    """The entries of every file, schema-checked; the problems go to `ctx`."""
    found_entries = _Entries()
    for path, file in files:
        if not _inside_root(path, root_dir):
            ctx.problems.append(Problem(file, 1, 1, "", "symlink leaves the manifest root"))
            continue
        doc, found = load_yaml(path, file)
        ctx.problems.extend(found)
        if doc is None:
            continue
        schema_problems = validate_document(doc)
        ctx.problems.extend(p for _, p in schema_problems)
        bad = [p for p, _ in schema_problems] + list(doc.broken)
        found_entries.extend(_entries(doc, bad))
    return found_entries


def _build_actions(
    ctx: Context,
    entries: list[Entry],
    managed: Mapping[str, Entry],
    modules: Mapping[str, Entry],
) -> tuple[list[DesiredAction], list[CodeCheck]]:
    """The actions that are clean and first of their name, and their code files to check;
    `modules` are the declared modules their references may name."""
    built: list[DesiredAction] = []
    checks: list[CodeCheck] = []
    for entry in entries:
        if not entry.clean or managed.get(entry.raw.get("name")) is not entry:
            continue
        action, code = build_action(ctx, entry)
        refs = module_refs(ctx, entry, modules)
        if action is not None and refs is not None:
            built.append(replace(action, modules=refs))
        if code is not None:
            checks.append(CodeCheck(code.path, code.rel, entry.raw["name"]))
    return built, checks


def _build_modules(
    ctx: Context, entries: list[Entry], declared: Mapping[str, Entry]
) -> tuple[list[DesiredModule], list[CodeCheck]]:
    """The modules that are clean and first of their name, and their code files to check."""
    built: list[DesiredModule] = []
    checks: list[CodeCheck] = []
    for entry in entries:
        if not entry.clean or declared.get(entry.raw.get("name")) is not entry:
            continue
        module, code = build_module(ctx, entry)
        if module is not None:
            built.append(module)
        if code is not None:
            checks.append(CodeCheck(code.path, code.rel, entry.raw["name"], "module"))
    return built, checks


def load_manifests(
    root: str | Path,
    *,
    resolve: bool = True,
    env: Mapping[str, str] | None = None,
    var_files: Sequence[str | Path] = (),
    catalogue: Catalogue | None = None,
    node_check: bool = True,
    notices: list[str] | None = None,
    skip_foreign: bool = False,
    defer_lints: bool = False,
) -> DesiredState:
    """Load, merge and check every manifest under `root` (a directory or one file).

    Raises ManifestError with every problem of every file. With `resolve`, each `${VAR}` is read
    from `env` (default: os.environ) overlaid by `var_files` in order, Terraform-like: an explicit
    var file overrides the environment and later files override earlier ones; each value is
    wrapped in SecretValue and registered with core.masking. Without `resolve`, references
    are only checked to be well formed and DesiredSecret.value stays None.
    With `node_check`, `node --check` runs on every code file when `node` is on PATH.
    `notices`, when given, receives informational one-line messages (node not found, deprecated
    trigger versions); the loader itself never prints.
    With `skip_foreign` (the implicit root: no ROOT given), YAML files that are clearly not
    manifests (reconciler.manifest.foreign) are left out instead of reported as errors; the
    CLI names them once.
    With `defer_lints`, the content lints (a runtime the trigger version does not offer, a
    missing handler export, `node --check`) are not raised but returned in `DesiredState.lints`,
    for `reconciler.manifest.deferred.settle` to judge against the live tenant.
    """
    return start_load(
        root,
        resolve=resolve,
        env=env,
        var_files=var_files,
        catalogue=catalogue,
        node_check=node_check,
        notices=notices,
        skip_foreign=skip_foreign,
        defer_lints=defer_lints,
    ).result()


def start_load(
    root: str | Path,
    *,
    resolve: bool = True,
    env: Mapping[str, str] | None = None,
    var_files: Sequence[str | Path] = (),
    catalogue: Catalogue | None = None,
    node_check: bool = True,
    notices: list[str] | None = None,
    skip_foreign: bool = False,
    defer_lints: bool = False,
    background: bool = False,
) -> PendingLoad:
    """`load_manifests` up to its last stage: every problem but the node check's is raised
    here, before anything else runs. With `background`, `node --check` of clean manifests runs
    on a thread until `result()` (reconciler.manifest.staged)."""
    root_dir, files = _manifest_files(Path(root), skip_foreign)
    ctx = Context(root_dir, catalogue or Catalogue(), None, lints=[] if defer_lints else None)
    if resolve:
        values, var_problems = read_var_files(var_files)
        ctx.problems.extend(var_problems)
        ctx.variables = Variables.build(os.environ if env is None else env, values)
    raw = _read_files(ctx, files, root_dir)
    managed = check_names(ctx, raw.actions)
    declared = check_module_names(ctx, raw.modules)
    modules, module_checks = _build_modules(ctx, raw.modules, declared)
    built, checks = _build_actions(ctx, raw.actions, managed, declared)
    settings_model = build_settings(ctx, raw.settings, managed)
    triggers = [
        b
        for e in check_binding_owners(ctx, raw.bindings)
        if (b := build_trigger_bindings(ctx, e, managed)) is not None
    ]
    pending = PendingLoad(
        ctx,
        str(root),
        tuple(sorted(built, key=lambda a: a.name)),
        tuple(sorted(triggers, key=lambda b: b.trigger)),
        settings_model,
        notices,
        modules=tuple(sorted(modules, key=lambda m: m.name)),
    )
    if node_check and (checks or module_checks):
        background = background and not ctx.problems
        pending.check_code(checks + module_checks, background=background)
    if ctx.problems:
        pending.result()  # raises ManifestError with all of them
    return pending
