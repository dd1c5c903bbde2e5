"""Small shared helpers for building Problems: key paths, marks and "did you mean" hints."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from reconciler.core.errors import Problem

#: A path into one manifest document: mapping keys (str) and list indexes (int).
KeyPath = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_@/-][A-Za-z0-9_@/.-]*$")


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line/column inside a file."""

    line: int
    column: int


START = Mark(1, 1)


def format_key_path(path: KeyPath) -> str:
    """`("actions", 2, "dependencies", "axios")` -> `actions[2].dependencies.axios`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{_quote(part)}]"
    return out


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest option, or an empty string."""
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def problem(file: str, mark: Mark, path: KeyPath, message: str) -> Problem:
    return Problem(file, mark.line, mark.column, format_key_path(path), message)
