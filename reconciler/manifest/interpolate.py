"""`${VAR}` references: syntax, var files (dotenv format, read by python-dotenv) and resolution.

Precedence, as in Terraform: the process environment is the base; `--var-file` files override it,
later files overriding earlier ones. A missing variable is an error, never an empty string.
Nothing here ever puts a value (or a var-file line, which may hold one) into a message.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dotenv import parser as dotenv_parser

from reconciler.core import limits, masking
from reconciler.core.errors import Problem
from reconciler.core.model import SecretValue

VAR_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
REFERENCE = re.compile(rf"^\$\{{({VAR_NAME})\}}$")
_NAME = re.compile(rf"^{VAR_NAME}$")
_HOW = "expected KEY=value (KEY: letters, digits, _)"
MAX_VALUE_LEN = limits.SECRET_VALUE.value
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


def parse_var_file(text: str, file: str) -> tuple[dict[str, str], list[Problem]]:
    """Parse a dotenv file with python-dotenv's parser: `KEY=value`, an optional `export `
    prefix, `#` comments, single quotes (literal), double quotes (escapes such as \\n) and
    quoted values spanning several lines (PEM keys). Values are taken as written: no `${VAR}`
    expansion inside a var file. A line the parser cannot read, a name that is not a variable
    name, or a name without `=` is a Problem naming the file and line, never its content."""
    values: dict[str, str] = {}
    problems: list[Problem] = []
    for binding in dotenv_parser.parse_stream(io.StringIO(text)):
        raw = binding.original.string  # never shown: it may hold a value
        # the parser counts from the blank lines before a statement; name the statement's line
        line = binding.original.line + raw[: len(raw) - len(raw.lstrip())].count("\n")
        if binding.error:
            problems.append(Problem(file, line, 1, "", f"cannot parse this line ({_HOW})"))
        elif binding.key is None:  # a comment or blank line
            continue
        elif not _NAME.match(binding.key) or binding.value is None:
            problems.append(Problem(file, line, 1, "", _HOW))
        else:
            values[binding.key] = binding.value
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
