"""The loader: manifest root -> DesiredState, or a ManifestError listing every problem."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from reconciler.core.catalogue import Catalogue
from reconciler.core.errors import ManifestError, Problem
from reconciler.core.model import DesiredAction, DesiredState, DesiredTriggerBindings, Lint
from reconciler.manifest import lint
from reconciler.manifest.actions import build_action, check_names
from reconciler.manifest.actiontests import EVENT_SUFFIXES
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
    (`.git`, `.github`, ...) and `node_modules`, and `*.event.yaml` files (test payloads); files
    are sorted by relative path.
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
            if (
                name.endswith(MANIFEST_SUFFIXES)
                and not name.startswith(".")
                and not (
                    name.endswith(EVENT_SUFFIXES)  # a test case's event (reconciler test --all)
                )
            ):
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


def _canonical(state: DesiredState) -> dict[str, Any]:
    def action(a: DesiredAction) -> dict[str, Any]:
        return {
            "name": a.name,
            "trigger": a.trigger,
            "trigger_version": a.trigger_version,
            "runtime": a.runtime,
            "code": a.code,
            "dependencies": [[d.name, d.version] for d in a.dependencies],
            "secrets": [[s.name, s.var] for s in a.secrets],
            "deploy": a.deploy,
            "protect": a.protect,
        }

    def bindings(b: DesiredTriggerBindings) -> dict[str, Any]:
        entries = [[e.action, e.display_name, e.external] for e in b.entries]
        return {"trigger": b.trigger, "entries": entries}

    return {
        "format": 1,
        "actions": [action(a) for a in state.actions],
        "bindings": [bindings(b) for b in state.bindings],
        "settings": {"prune": state.settings.prune, "ignore": list(state.settings.ignore)},
    }


def compute_digest(state: DesiredState) -> str:
    """sha256 of a canonical JSON of the desired state: secret names and var names, no values,
    no file locations (moving a file does not change the digest)."""
    text = json.dumps(_canonical(state), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def _node_check(ctx: Context, checks: list[CodeCheck]) -> None:
    """`node --check` on every code file when node is on PATH (a notice when it is not)."""
    node = shutil.which("node")
    if node is None:
        ctx.notices.append(
            f"node not found on PATH; skipped the syntax check (node --check) "
            f"of {len(checks)} code file(s)"
        )
        return
    for failed in lint.node_check(node, checks):
        # a syntax error belongs to every action using the file; "could not run" to none
        owners = [c.action for c in checks if c.file == failed.file]
        if ctx.lints is None or not failed.message.startswith("node --check: "):
            ctx.problems.append(failed)
        else:
            ctx.lints.extend(Lint(owner, "syntax", failed) for owner in owners)


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
    if node_check and checks:
        _node_check(ctx, checks)
    if notices is not None:
        notices.extend(ctx.notices)
    if ctx.problems:  # every problem is reported; deferred lints too (nothing is settled)
        raise ManifestError(
            list(dict.fromkeys(ctx.problems + [x.problem for x in ctx.lints or ()]))
        )
    state = DesiredState(
        root=str(root),
        actions=tuple(sorted(built, key=lambda a: a.name)),
        bindings=tuple(sorted(triggers, key=lambda b: b.trigger)),
        settings=settings_model,
        lints=tuple(ctx.lints or ()),
    )
    return replace(state, digest=compute_digest(state))
