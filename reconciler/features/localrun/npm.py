"""npm dependencies for a local run, installed once per dependency set into a local cache.

`<cache>/<sha256 of name@version...>/node_modules`, filled by `npm install` the first time a
run needs that set (the code requires one of them) and reused afterwards, so later runs need no
network. RECONCILER_NPM_REGISTRY, when set, is passed to npm as --registry (a mirror or private
registry).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reconciler.core.errors import ReconcilerError
from reconciler.core.model import Dependency

DEFAULT_CACHE = Path(".reconciler") / "npm-cache"
INSTALL_TIMEOUT_S = 300
DONE = ".reconciler-complete"


def needed(code: str, dependencies: Sequence[Dependency]) -> bool:
    """True when the code requires or imports one of the declared packages."""
    for dep in dependencies:
        name = re.escape(dep.name)
        if re.search(rf"""(?:require\s*\(|import\s*\(|from)\s*['"]{name}(?:/[^'"]*)?['"]""", code):
            return True
    return False


def cache_key(dependencies: Sequence[Dependency]) -> str:
    text = "\n".join(f"{d.name}@{d.version}" for d in sorted(dependencies, key=lambda d: d.name))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _npm_command(target: Path, dependencies: Sequence[Dependency]) -> list[str]:
    npm = shutil.which("npm")
    if npm is None:
        raise ReconcilerError("npm is not on PATH; it installs the action's dependencies")
    cmd = [npm, "install", "--no-audit", "--no-fund", "--no-save", "--ignore-scripts"]
    cmd += ["--prefix", str(target), "--loglevel", "error"]
    registry = os.environ.get("RECONCILER_NPM_REGISTRY")
    if registry:
        cmd += ["--registry", registry]
    return cmd + [f"{d.name}@{d.version}" for d in dependencies]


def install(dependencies: Sequence[Dependency], cache_root: Path) -> Path:
    """The node_modules directory holding exactly `dependencies`, installing them when absent."""
    final = cache_root / cache_key(dependencies)
    if (final / DONE).is_file():
        return final / "node_modules"
    cache_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="install-", dir=cache_root))
    try:
        (work / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        done = subprocess.run(
            _npm_command(work, dependencies),
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            lines = [x for x in done.stderr.splitlines() if x.strip()]
            why = lines[-1] if lines else f"exit status {done.returncode}"
            names = ", ".join(f"{d.name}@{d.version}" for d in dependencies)
            raise ReconcilerError(f"npm install {names} failed: {why}")
        (work / DONE).write_text("", encoding="utf-8")
        if not final.exists():
            work.rename(final)
    except subprocess.TimeoutExpired:
        raise ReconcilerError(f"npm install took longer than {INSTALL_TIMEOUT_S} s") from None
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return final / "node_modules"
