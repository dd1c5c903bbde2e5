"""Which files under a manifest root are manifests (split from the loader so that a reader that
only needs the file list does not import the schema, the model and the builders)."""

from __future__ import annotations

import os
from pathlib import Path

from reconciler.core.errors import ManifestError, Problem
from reconciler.manifest.filetext import relative_posix

MANIFEST_SUFFIXES = (".yaml", ".yml")
EVENT_SUFFIXES = (".event.yaml", ".event.yml")  # a test case's event (reconciler test --all)
SKIP_DIRS = frozenset({"node_modules"})  # and every directory whose name starts with "."
#: The environments file at the root of the manifests is configuration, not a manifest.
CONFIG_FILES = frozenset({"reconciler.yaml", "reconciler.yml"})


def root_problem(root: Path, message: str) -> ManifestError:
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
        raise root_problem(root, "manifest root does not exist")
    if not root.is_dir():
        raise root_problem(root, "manifest root is neither a file nor a directory")
    found: list[tuple[Path, str]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS]
        for name in filenames:
            if (
                name.endswith(MANIFEST_SUFFIXES)
                and not name.startswith(".")
                and not name.endswith(EVENT_SUFFIXES)
            ):
                path = Path(dirpath) / name
                relative = relative_posix(path, root)
                if relative not in CONFIG_FILES:
                    found.append((path, relative))
    if not found:
        raise root_problem(root, "no manifest files (*.yaml, *.yml) found")
    return root, sorted(found, key=lambda item: item[1])
