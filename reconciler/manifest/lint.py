"""Two lints that save a slow failed build in Auth0: the handler export and `node --check`."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reconciler.core.errors import Problem
from reconciler.manifest import nodeproc

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
    action: str  # the name of the action (or module) whose code it is
    kind: str = "action"  # "action" | "module"


def _parse_failure(stderr: str, check: CodeCheck) -> Problem:
    lines = stderr.splitlines()
    line, column = 1, 1
    if lines and (match := _LOCATION.match(lines[0])):
        line = int(match.group(2))
        if len(lines) > 2 and lines[2].strip() == "^" * len(lines[2].strip()) and "^" in lines[2]:
            column = lines[2].index("^") + 1
    found = _ERROR_LINE.search(stderr)
    what = found.group(0) if found else "syntax error"
    return Problem(
        check.file, line, column, "", f"node --check: {what} ({check.kind} {check.action})"
    )


#: (path, source) -> node's failure stack, or None when it compiled. The same file with the same
#: source always gets the same verdict, so a process that loads the manifests again (apply after
#: plan, the test suite, the soak) starts node only for files it has not seen as they are now.
_VERDICTS: dict[tuple[str, str], str | None] = {}


def _source(path: str) -> str | None:
    try:
        return Path(path).read_bytes().decode("utf-8", "replace")
    except OSError:
        return None  # node reads it and reports why it cannot


def _run_node(node: str, sources: dict[str, str | None]) -> dict[str, str] | str:
    """node's {path: stack} for the failures, or why node could not give one."""
    try:
        code, stdout, stderr = nodeproc.run(
            node, json.dumps(sources), NODE_TIMEOUT_S + 0.1 * len(sources)
        )
        failures = json.loads(stdout) if code == 0 else None
    except subprocess.TimeoutExpired:
        return "node --check timed out"
    except OSError as exc:
        return f"node --check could not run: {exc.strerror}"
    except ValueError:
        failures = None
    if not isinstance(failures, dict):
        detail = stderr.strip().splitlines()[-1:] or ["no output"]
        return f"node --check could not run: {detail[0]}"
    return {str(k): str(v) for k, v in failures.items()}


def node_check(node: str, checks: Sequence[CodeCheck]) -> list[Problem]:
    """Syntax-check every code file with one node process; one Problem per failing file."""
    unique = {str(c.path): c for c in checks}
    first = next(iter(unique.values()))
    sources = {path: _source(path) for path in unique}
    verdicts = {
        p: _VERDICTS[p, t] for p, t in sources.items() if t is not None and (p, t) in _VERDICTS
    }
    unseen = {p: t for p, t in sources.items() if p not in verdicts}
    if unseen:
        failures = _run_node(node, unseen)
        if isinstance(failures, str):
            return [Problem(first.file, 1, 1, "", failures)]
        for path, text in unseen.items():
            verdicts[path] = failures.get(path)
            if text is not None:
                _VERDICTS[(path, text)] = verdicts[path]
    return [_parse_failure(v, unique[p]) for p in unique if (v := verdicts[p]) is not None]
