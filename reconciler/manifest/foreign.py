"""Which YAML files under an implicit manifest root are clearly not manifests.

When no ROOT is given (and reconciler.yaml names no `root:`), the current directory is the root,
and it often holds YAML that belongs to other tools: CI workflows, docker-compose files, test
fixtures. A file is *clearly not a manifest* when its top level is a list, or a mapping none of
whose keys is a manifest key (actions, bindings, modules, settings) or a near miss of one (so a
typo such as `action:` is still reported as an error, never skipped). Read from the text, so a
file with syntax or tags the manifest loader refuses is classified all the same.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path

MANIFEST_KEYS = ("actions", "bindings", "modules", "settings")
NEAR_MISS = 0.8  # difflib ratio: 'action' or 'bindigns' is a manifest with a typo
READ_LIMIT = 1_000_000
_KEY = re.compile(r"""^(?:"([^"]*)"|'([^']*)'|([^\s#:][^:#]*?))\s*:(?:\s|$)""")


def top_level(text: str) -> tuple[bool, list[str]]:
    """(is a top-level sequence, the top-level mapping keys) of block-style YAML text."""
    keys: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith((" ", "\t", "#", "---", "...", "%")):
            continue
        if line.startswith("-"):
            return True, keys
        match = _KEY.match(line)
        if match:
            keys.append(next(g for g in match.groups() if g is not None).strip())
    return False, keys


def is_manifest_key(key: str) -> bool:
    return key in MANIFEST_KEYS or bool(
        difflib.get_close_matches(key, MANIFEST_KEYS, n=1, cutoff=NEAR_MISS)
    )


def clearly_not_a_manifest(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            text = handle.read(READ_LIMIT).decode("utf-8", errors="replace")
    except OSError:
        return False  # the loader reports it
    sequence, keys = top_level(text)
    if sequence:
        return True
    return bool(keys) and not any(is_manifest_key(k) for k in keys)


def split_foreign(
    files: Sequence[tuple[Path, str]],
) -> tuple[list[tuple[Path, str]], list[str]]:
    """(manifest files, relative names of the files that are clearly not manifests)."""
    keep: list[tuple[Path, str]] = []
    foreign: list[str] = []
    for path, rel in files:
        if clearly_not_a_manifest(path):
            foreign.append(rel)
        else:
            keep.append((path, rel))
    return keep, foreign


def named(files: Sequence[str], most: int = 5) -> str:
    """`a.yml, b.yml and 3 more`: a bounded list of file names for one message line."""
    shown = ", ".join(files[:most])
    return shown + (f" and {len(files) - most} more" if len(files) > most else "")


ROOT_HINT = (
    "pass ROOT (the directory that holds the manifests) as the first argument, "
    "or set root: in reconciler.yaml"
)


def skipped_message(foreign: Sequence[str]) -> str:
    noun = "file" if len(foreign) == 1 else "files"
    return (
        f"skipped {len(foreign)} YAML {noun} in the current directory that "
        f"{'is' if len(foreign) == 1 else 'are'} not manifests (no actions, bindings, modules "
        f"or settings key): {named(foreign)}; {ROOT_HINT}"
    )


def nothing_message(foreign: Sequence[str]) -> str:
    if not foreign:
        return f"no manifest files (*.yaml, *.yml) in the current directory; {ROOT_HINT}"
    return (
        f"no manifests in the current directory: its {len(foreign)} YAML "
        f"file{'s' * (len(foreign) != 1)} ({named(foreign)}) are not manifests; {ROOT_HINT}"
    )
