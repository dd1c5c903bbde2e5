"""The loader: manifest root -> DesiredState, or a ManifestError listing every problem."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reconciler.core.catalogue import Catalogue
from reconciler.core.errors import ManifestError, Problem
from reconciler.core.model import DesiredAction, DesiredState
from reconciler.manifest.actions import build_action, check_names
from reconciler.manifest.bindings import (
    build_settings,
    build_trigger_bindings,
    check_binding_owners,
)
from reconciler.manifest.context import Context, Entry
from reconciler.manifest.foreign import nothing_message, split_foreign
from reconciler.manifest.interpolate import Variables, read_var_files
from reconciler.manifest.lint import CodeCheck
from reconciler.manifest.problems import KeyPath
from reconciler.manifest.schema import validate_document
from reconciler.manifest.staged import PendingLoad
from reconciler.manifest.staged import compute_digest as compute_digest  # its old home
from reconciler.manifest.yamlload import Document, load_yaml, relative_posix

MANIFEST_SUFFIXES = (".yaml", ".yml")
SKIP_DIRS = frozenset({"node_modules"})  # and every directory whose name starts with "."
#: The environments file at the root of the manifests is configuration, not a manifest.
CONFIG_FILES = frozenset({"reconciler.yaml", "reconciler.yml"})


def _root_problem(root: Path, message: str) -> ManifestError:
    return ManifestError([Problem(str(root), 1, 1, "", message)])


def discover(root: Path) -> tuple[Path, list[tuple[Path, str]]]:
    """(root directory, [(file, name relative to the root)]) for a directory or one file.

    A directory is walked without following directory symlinks, skipping hidden directories
    (`.git`, `.github`, ...) and `node_modules`; files are sorted by relative path.
    """
    if root.is_file():
        return root.parent, [(root, root.name)]
    if not root.exists():
        raise _root_problem(root, "manifest root does not exist")
    if not root.is_dir():
        raise _root_problem(root, "manifest root is neither a file nor a directory")
    found: list[tuple[Path, str]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS]
        for name in filenames:
            if name.endswith(MANIFEST_SUFFIXES) and not name.startswith("."):
                path = Path(dirpath) / name
                relative = relative_posix(path, root)
                if relative not in CONFIG_FILES:
                    found.append((path, relative))
    if not found:
        raise _root_problem(root, "no manifest files (*.yaml, *.yml) found")
    return root, sorted(found, key=lambda item: item[1])


def _inside_root(path: Path, root: Path) -> bool:
    resolved, base = path.resolve(), root.resolve()
    return resolved == base or base in resolved.parents


def _entries(doc: Document, bad: list[KeyPath]) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """Split one document into action, binding and settings entries."""

    def entry(path: KeyPath, raw: Any) -> Entry:
        clean = not any(b[: len(path)] == path or path[: len(b)] == b for b in bad)
        return Entry(doc, path, raw, clean)

    data = doc.data if isinstance(doc.data, dict) else {}
    actions = data.get("actions")
    bindings = data.get("bindings")
    action_entries = (
        [entry(("actions", i), item) for i, item in enumerate(actions)]
        if isinstance(actions, list)
        else []
    )
    binding_entries = (
        [entry(("bindings", trigger), items) for trigger, items in bindings.items()]
        if isinstance(bindings, dict)
        else []
    )
    settings = [entry(("settings",), data["settings"])] if "settings" in data else []
    return action_entries, binding_entries, settings


def _manifest_files(root: Path, skip_foreign: bool) -> tuple[Path, list[tuple[Path, str]]]:
    """discover(), without the files that are clearly not manifests when `skip_foreign`."""
    root_dir, files = discover(root)
    if skip_foreign and root.is_dir():
        files, foreign = split_foreign(files)
        if not files:
            raise _root_problem(root, nothing_message(foreign))
    return root_dir, files


def _read_files(
    ctx: Context, files: list[tuple[Path, str]], root_dir: Path
) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """(action, binding list, settings) entries of every file, schema-checked; the problems go
    to `ctx`."""
    action_entries: list[Entry] = []
    binding_entries: list[Entry] = []
    settings_entries: list[Entry] = []
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
        actions, bindings, settings = _entries(doc, bad)
        action_entries += actions
        binding_entries += bindings
        settings_entries += settings
    return action_entries, binding_entries, settings_entries


def _build_actions(
    ctx: Context, entries: list[Entry], managed: Mapping[str, Entry]
) -> tuple[list[DesiredAction], list[CodeCheck]]:
    """The actions that are clean and first of their name, and their code files to check."""
    built: list[DesiredAction] = []
    checks: list[CodeCheck] = []
    for entry in entries:
        if not entry.clean or managed.get(entry.raw.get("name")) is not entry:
            continue
        action, code = build_action(ctx, entry)
        if action is not None:
            built.append(action)
        if code is not None:
            checks.append(CodeCheck(code.path, code.rel, entry.raw["name"]))
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
    action_entries, binding_entries, settings_entries = _read_files(ctx, files, root_dir)
    managed = check_names(ctx, action_entries)
    built, checks = _build_actions(ctx, action_entries, managed)
    settings_model = build_settings(ctx, settings_entries, managed)
    triggers = [
        b
        for e in check_binding_owners(ctx, binding_entries)
        if (b := build_trigger_bindings(ctx, e, managed)) is not None
    ]
    pending = PendingLoad(
        ctx,
        str(root),
        tuple(sorted(built, key=lambda a: a.name)),
        tuple(sorted(triggers, key=lambda b: b.trigger)),
        settings_model,
        notices,
    )
    if node_check and checks:
        pending.check_code(checks, background=background and not ctx.problems)
    if ctx.problems:
        pending.result()  # raises ManifestError with all of them
    return pending
