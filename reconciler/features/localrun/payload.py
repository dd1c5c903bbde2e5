"""The event file of a test run: a JSON or YAML object, errors located at file:line:col."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reconciler.core.errors import ReconcilerError
from reconciler.manifest.yamlload import load_yaml

MAX_PAYLOAD_BYTES = 1024 * 1024


def _kind(data: Any) -> str:
    return "a list" if isinstance(data, list) else f"a {type(data).__name__}"


def _json(path: Path, raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ReconcilerError(f"{path}: payload file is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ReconcilerError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None


def _yaml(path: Path) -> Any:
    doc, problems = load_yaml(path, str(path))
    if problems:
        raise ReconcilerError(str(problems[0]))
    return None if doc is None else doc.data


def load_payload(path: Path) -> dict[str, Any]:
    """The event object in `path` (.yaml/.yml: YAML, else JSON); errors name file:line:col."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReconcilerError(f"cannot read payload file {path}: {exc.strerror}") from None
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise ReconcilerError(f"{path}: payload file is larger than 1 MB")
    is_yaml = path.suffix.lower() in (".yaml", ".yml")
    data = _yaml(path) if is_yaml else _json(path, raw)
    if not isinstance(data, dict):
        what = "YAML mapping" if is_yaml else "JSON object"
        raise ReconcilerError(
            f"{path}:1:1: the payload must be a {what} (an event), not {_kind(data)}"
        )
    return data
