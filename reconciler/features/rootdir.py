"""Where the manifests are when a command is run without ROOT.

1. ROOT given on the command line: that path.
2. Else `root:` in reconciler.yaml of the current directory (relative to that file).
3. Else the current directory as a DefaultRoot: used only when it holds manifests; YAML files
   that are clearly not manifests (CI workflows, docker-compose, ...) are skipped and named,
   never merged silently, and with no manifest at all the command fails naming ROOT.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.core.errors import ReconcilerError
from reconciler.features.environments import configured_root
from reconciler.manifest.files import discover
from reconciler.manifest.foreign import nothing_message, skipped_message, split_foreign


class DefaultRoot(str):
    """The implicit manifest root ("."): the loader skips YAML that is clearly not a manifest."""

    __slots__ = ()


def resolve_root(given: str | None) -> tuple[str, str | None]:
    """(the root, a warning naming skipped files or None). Raises ReconcilerError when the
    implicit root holds no manifest."""
    if given is not None:
        return given, None
    configured = configured_root()
    if configured is not None:
        return configured, None
    try:
        _, files = discover(Path("."))
    except ReconcilerError:
        raise ReconcilerError(nothing_message([])) from None
    kept, foreign = split_foreign(files)
    if not kept:
        raise ReconcilerError(nothing_message(foreign))
    return DefaultRoot("."), skipped_message(foreign) if foreign else None
