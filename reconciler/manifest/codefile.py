"""Reading an action's code file safely: inside the root, regular, UTF-8, at most 100 kB."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from reconciler.core import limits

MAX_CODE_BYTES = limits.ACTION_CODE.value


@dataclass(frozen=True, slots=True)
class CodeFile:
    path: Path  # absolute, as resolved
    rel: str  # relative to the manifest root, posix separators
    text: str


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def read_code(root: Path, yaml_dir: Path, code: str) -> CodeFile | str:
    """The code file named by `code` (relative to the YAML file's directory), or why not.

    `root` is the manifest root directory; every check compares fully resolved paths, so a
    symlink whose target leaves the root is refused as well as a `..` that climbs out of it.
    """
    if "\0" in code:
        return "code path contains a NUL character"
    if PurePosixPath(code).is_absolute() or PureWindowsPath(code).is_absolute():
        return f"code path '{code}' must be relative to this file, not absolute"
    root_abs = Path(os.path.abspath(root))
    candidate = Path(os.path.normpath(Path(os.path.abspath(yaml_dir)) / code))
    if not _inside(candidate, root_abs):
        return f"code path '{code}' leaves the manifest root"
    rel = candidate.relative_to(root_abs).as_posix()
    try:
        resolved = candidate.resolve(strict=True)
    except FileNotFoundError:
        return f"code file '{rel}' does not exist"
    except (OSError, RuntimeError) as exc:  # symlink loop, permission
        return f"code file '{rel}' cannot be read: {getattr(exc, 'strerror', None) or exc}"
    if not _inside(resolved, root_abs.resolve()):
        return f"code path '{code}' is a symlink whose target leaves the manifest root"
    try:
        st = resolved.stat()
        if not stat.S_ISREG(st.st_mode):
            return f"code path '{rel}' is not a regular file"
        if st.st_size > MAX_CODE_BYTES:
            return (
                f"code file '{rel}' is {st.st_size} bytes; "
                f"Auth0 allows at most {MAX_CODE_BYTES} bytes (100 kB)"
            )
        with resolved.open("rb") as fh:
            data = fh.read(MAX_CODE_BYTES + 1)
    except OSError as exc:
        return f"code file '{rel}' cannot be read: {exc.strerror}"
    if len(data) > MAX_CODE_BYTES:
        return f"code file '{rel}' is larger than {MAX_CODE_BYTES} bytes (100 kB)"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return f"code file '{rel}' is not valid UTF-8 (line {line})"
    return CodeFile(resolved, rel, text)
