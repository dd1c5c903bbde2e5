"""`${VAR}` references: syntax, var files (dotenv format) and resolution.

Precedence, as in Terraform: the process environment is the base; `--var-file` files override it,
later files overriding earlier ones. A missing variable is an error, never an empty string.
Nothing here ever puts a value (or a var-file line, which may hold one) into a message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reconciler import masking
from reconciler.errors import Problem
from reconciler.model import SecretValue

VAR_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
REFERENCE = re.compile(rf"^\$\{{({VAR_NAME})\}}$")
_ASSIGNMENT = re.compile(rf"^(?:export\s+)?({VAR_NAME})\s*=(.*)$")
MAX_VALUE_LEN = 4096
MAX_VAR_FILE_BYTES = 1024 * 1024


def reference_var(value: str) -> str | None:
    """`${API_KEY}` -> `API_KEY`; None when the value is not exactly one reference."""
    match = REFERENCE.match(value)
    return match.group(1) if match else None


def describe_bad_reference(value: str) -> str:
    """Why a secret value is refused. Never echoes the value (it may be a real secret)."""
    if "${" in value or value.startswith("$"):
        return (
            "malformed reference; use ${VAR} where VAR is a letter or underscore "
            "followed by letters, digits or underscores"
        )
    return "literal secret values are not allowed; use ${VAR}"


def _unquote(raw: str) -> str:
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        inner = value[1:-1]
        return re.sub(r"\\([\\\"n])", lambda m: "\n" if m.group(1) == "n" else m.group(1), inner)
    comment = re.search(r"\s#", value)
    return value[: comment.start()].rstrip() if comment else value


def parse_var_file(text: str, file: str) -> tuple[dict[str, str], list[Problem]]:
    """Parse `KEY=value` lines; `#` comments, blank lines and an `export ` prefix are allowed."""
    values: dict[str, str] = {}
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ASSIGNMENT.match(stripped)
        if match is None:
            problems.append(
                Problem(file, number, 1, "", "expected KEY=value (KEY: letters, digits, _)")
            )
            continue
        values[match.group(1)] = _unquote(match.group(2))
    return values, problems


def read_var_files(paths: Sequence[str | Path]) -> tuple[dict[str, str], list[Problem]]:
    """Merge var files in order (later files win)."""
    merged: dict[str, str] = {}
    problems: list[Problem] = []
    for path in paths:
        file = str(path)
        try:
            with Path(path).open("rb") as fh:
                data = fh.read(MAX_VAR_FILE_BYTES + 1)
        except OSError as exc:
            problems.append(Problem(file, 1, 1, "", f"cannot read var file: {exc.strerror}"))
            continue
        if len(data) > MAX_VAR_FILE_BYTES:
            problems.append(Problem(file, 1, 1, "", "var file is larger than 1 MB"))
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem(file, 1, 1, "", "var file is not valid UTF-8"))
            continue
        values, found = parse_var_file(text, file)
        merged.update(values)
        problems.extend(found)
    return merged, problems


@dataclass(frozen=True, slots=True)
class Variables:
    """The variables a run may read: the environment overlaid by var files."""

    values: Mapping[str, str]

    @classmethod
    def build(cls, env: Mapping[str, str], var_file_values: Mapping[str, str]) -> Variables:
        merged = dict(env)
        merged.update(var_file_values)
        return cls(merged)

    def resolve(self, var: str) -> tuple[SecretValue | None, str | None]:
        """(value, None) or (None, reason). Each resolved value is registered with the masker."""
        if var not in self.values:
            return None, f"variable {var} is not set"
        value = self.values[var]
        if len(value) > MAX_VALUE_LEN:
            return None, (
                f"the value of {var} is {len(value)} characters; "
                f"Auth0 allows at most {MAX_VALUE_LEN}"
            )
        if len(value) < masking.MIN_LEN:
            return None, (
                f"the value of {var} is shorter than {masking.MIN_LEN} characters, "
                "too short to be masked in output; use a longer value"
            )
        masking.register(value)
        return SecretValue(value), None
