"""A manifest file's text: bounded in size, a regular file, UTF-8; and its name relative to the
manifest root. Every problem is one located Problem, never an exception."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from reconciler.core.errors import Problem
from reconciler.manifest.problems import START, Mark, problem

MAX_FILE_BYTES = 1024 * 1024


def read_bytes(path: Path, file: str) -> tuple[bytes | None, Problem | None]:
    too_big = f"file is larger than {MAX_FILE_BYTES} bytes (1 MB), the limit for a manifest"
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return None, problem(file, START, (), "not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            return None, problem(file, START, (), too_big)
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, problem(file, START, (), f"cannot read file: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return None, problem(file, START, (), too_big)
    return data, None


def decode(data: bytes, file: str) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, problem(file, Mark(line, column), (), "file is not valid UTF-8")


def relative_posix(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()
