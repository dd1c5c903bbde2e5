"""Two lints that save a slow failed build in Auth0: the handler export and `node --check`."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reconciler.errors import Problem

NODE_TIMEOUT_S = 20.0
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"^\s*//.*$", re.MULTILINE)
_LOCATION = re.compile(r"^(.*):(\d+)$")
_ERROR_LINE = re.compile(r"^[A-Za-z]*Error: .*$", re.MULTILINE)


def exports_handler(code: str, handler: str) -> bool:
    """Whether the code exports `handler` (CommonJS), judged by a few regular expressions.

    Accepted: `exports.NAME =`, `module.exports.NAME =`, `exports["NAME"] =` and
    `module.exports = { ..., NAME, ... }` (shorthand, `NAME:` or a method). Comments are ignored.
    """
    text = _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", code))
    name = re.escape(handler)
    direct = [
        rf"\bexports\s*\.\s*{name}\s*=(?!=)",
        rf"\bexports\s*\[\s*(['\"`]){name}\1\s*\]\s*=(?!=)",
        rf"\bdefineProperty\(\s*(module\.)?exports\s*,\s*(['\"]){name}\2",
    ]
    if any(re.search(pattern, text) for pattern in direct):
        return True
    obj = re.search(r"\bmodule\s*\.\s*exports\s*=\s*\{", text)
    return bool(obj and re.search(rf"\b{name}\b", text[obj.end() :]))


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """One code file for `node --check`, and how to name it in a Problem."""

    path: Path  # absolute
    file: str  # relative to the manifest root
    action: str


def _run_node(node: str, check: CodeCheck) -> Problem | None:
    try:
        result = subprocess.run(
            [node, "--check", str(check.path)],
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return Problem(check.file, 1, 1, "", f"node --check timed out (action {check.action})")
    except OSError as exc:
        return Problem(check.file, 1, 1, "", f"node --check could not run: {exc.strerror}")
    if result.returncode == 0:
        return None
    return _parse_failure(result.stderr, check)


def _parse_failure(stderr: str, check: CodeCheck) -> Problem:
    lines = stderr.splitlines()
    line, column = 1, 1
    if lines and (match := _LOCATION.match(lines[0])):
        line = int(match.group(2))
        if len(lines) > 2 and lines[2].strip() == "^" * len(lines[2].strip()) and "^" in lines[2]:
            column = lines[2].index("^") + 1
    found = _ERROR_LINE.search(stderr)
    what = found.group(0) if found else "syntax error"
    return Problem(check.file, line, column, "", f"node --check: {what} (action {check.action})")


def node_check(node: str, checks: Sequence[CodeCheck], workers: int = 4) -> list[Problem]:
    """Run `node --check` on every file, a few at a time; one Problem per failing file."""
    unique = {c.path: c for c in checks}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(unique)))) as pool:
        results = list(pool.map(lambda c: _run_node(node, c), unique.values()))
    return [p for p in results if p is not None]
