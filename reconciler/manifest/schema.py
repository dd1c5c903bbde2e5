"""JSON Schema validation of one manifest file, with errors turned into human Problems.

The schema (`schemas/manifest.schema.json`, JSON Schema 2020-12) is the single description of the
format; editors use it through the `# yaml-language-server: $schema=...` line. Here each jsonschema
error is mapped to the line/column of the offending YAML node and to a short message; custom
messages come from the schema's `x-message` / `x-kind` keywords.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

import reconciler
from reconciler.core import limits
from reconciler.core.errors import Problem
from reconciler.manifest.interpolate import describe_bad_reference
from reconciler.manifest.problems import KeyPath, did_you_mean, problem
from reconciler.manifest.yamlload import Document

SCHEMA_FILE = "manifest.schema.json"

_TYPE_WORDS = {
    "string": "a string",
    "object": "a mapping",
    "array": "a list",
    "boolean": "a boolean (true or false)",
    "null": "null",
    "integer": "an integer",
    "number": "a number",
}
_RANGE_PREFIX = re.compile(r"^(\^|~|>=|<=|>|<|=|v)+\s*")
_EXACT = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")


def schema_path(name: str = SCHEMA_FILE) -> Path:
    """A schema file; `reconciler/schemas` links to the top-level `schemas/` directory."""
    return Path(reconciler.__file__).parent / "schemas" / name


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    with schema_path(name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def manifest_schema() -> dict[str, Any]:
    return load_schema(SCHEMA_FILE)


@functools.cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema(name))


def validate_document(doc: Document, schema: str = SCHEMA_FILE) -> list[tuple[KeyPath, Problem]]:
    """All problems of one document against a schema in `schemas/` (the manifest schema by
    default), each with the key path it concerns."""
    out: list[tuple[KeyPath, Problem]] = []
    seen: set[Problem] = set()
    for error in _validator(schema).iter_errors(doc.data):
        for path, item in _map(error, doc):
            if item not in seen and not _already_reported(path, doc):
                seen.add(item)
                out.append((path, item))
    return out


def _already_reported(path: KeyPath, doc: Document) -> bool:
    return any(path[: len(b)] == b for b in doc.broken if len(b) <= len(path))


def _describe(value: Any) -> str:
    if value is None:
        return "an empty value (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _type_matches(schema: dict[str, Any], value: Any) -> bool:
    kind = schema.get("type")
    checks = {
        "string": isinstance(value, str),
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "boolean": isinstance(value, bool),
    }
    return bool(kind and checks.get(kind, False))


def version_message(value: str) -> str:
    """The message for a dependency version that is not an exact npm version."""
    longest = limits.DEPENDENCY_VERSION.value
    if len(value) > longest:
        return f"a version is at most {longest} characters"
    stripped = _RANGE_PREFIX.sub("", value.strip())
    if stripped != value and _EXACT.match(stripped):
        return f"'{value}' is a version range; use an exact version such as '{stripped}'"
    if re.search(r"[\^~<>|*]|(^|\.)[xX](\.|$)| - ", value):
        return f"'{value}' is a version range; use an exact version such as '1.2.3'"
    return f"'{value}' is not an exact npm version (major.minor.patch, e.g. 1.7.9)"


def _map(error: ValidationError, doc: Document) -> Iterable[tuple[KeyPath, Problem]]:
    path: KeyPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    if "propertyNames" in error.absolute_schema_path:
        name = str(error.instance)
        key = (*path, name)
        message = schema.get("x-message", "not a valid name")
        return [(key, problem(doc.file, doc.key_mark(key), key, message))]
    if kind in ("anyOf", "oneOf"):
        return _map_any_of(error, doc, path, schema)
    if kind == "additionalProperties":
        return _map_unknown_keys(error, doc, path, schema)
    message = _message(error, doc, path, schema)
    if kind == "type" and not path:
        message = "a manifest file must be a mapping of actions, bindings and settings; " + (
            f"got {_describe(error.instance)}"
        )
    mark = doc.key_mark(path) if kind in ("maxItems", "maxProperties") else doc.mark(path)
    return [(path, problem(doc.file, mark, path, message))]


def _map_any_of(
    error: ValidationError, doc: Document, path: KeyPath, schema: dict[str, Any]
) -> list[tuple[KeyPath, Problem]]:
    branches = schema.get(str(error.validator), [])
    for index, branch in enumerate(branches):
        if isinstance(branch, dict) and _type_matches(branch, error.instance):
            out: list[tuple[KeyPath, Problem]] = []
            for sub in error.context or []:
                if sub.relative_schema_path and sub.relative_schema_path[0] == index:
                    out.extend(_map(sub, doc))
            if out:
                return out
    message = schema.get("x-message", "does not match any allowed form")
    return [(path, problem(doc.file, doc.mark(path), path, message))]


def _map_unknown_keys(
    error: ValidationError, doc: Document, path: KeyPath, schema: dict[str, Any]
) -> list[tuple[KeyPath, Problem]]:
    allowed = sorted(schema.get("properties", {}))
    out: list[tuple[KeyPath, Problem]] = []
    instance = error.instance if isinstance(error.instance, dict) else {}
    for key in instance:
        if key in allowed:
            continue
        child = (*path, key)
        hint = did_you_mean(key, allowed)
        if not hint and allowed:
            hint = " (allowed: " + ", ".join(allowed) + ")"
        mark = doc.key_mark(child)
        out.append((child, problem(doc.file, mark, child, f"unknown key '{key}'{hint}")))
    return out


def _message(error: ValidationError, doc: Document, path: KeyPath, schema: dict[str, Any]) -> str:
    kind = error.validator
    value = error.instance
    expected: Any = error.validator_value
    x_kind = schema.get("x-kind")
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        want = " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)
        text = f"expected {want}, got {_describe(value)}"
        if x_kind == "npm-version" and isinstance(value, int | float) and path in doc.raw:
            text += f"; quote the version: '{doc.raw[path]}'"
        return text
    if kind == "required":
        missing = [r for r in expected if isinstance(value, dict) and r not in value]
        keys = "keys" if len(missing) > 1 else "key"
        return f"missing required {keys} " + ", ".join(f"'{m}'" for m in missing)
    if x_kind == "secret-ref" and isinstance(value, str):
        return describe_bad_reference(value)
    if x_kind == "npm-version" and isinstance(value, str):
        return version_message(value)
    if "x-message" in schema:
        message = str(schema["x-message"])
        if kind in ("maxItems", "maxProperties") and isinstance(value, list | dict):
            message += f"; found {len(value)}"
        return message
    if kind == "minLength":
        return "must not be empty"
    if kind == "maxLength":
        return f"must be at most {expected} characters"
    if kind == "enum":
        return "must be one of " + ", ".join(str(v) for v in expected)
    return f"invalid value ({kind})"
