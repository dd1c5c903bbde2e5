"""The record `export` leaves beside the manifests it writes: what the tenant ran, per action.

Offline `validate` cannot read the tenant, yet an export must validate: the tenant may run a
runtime its trigger version no longer offers, or code that fails a lint. `export` writes
`.exported-content.json` (trigger, version, runtime and a sha256 of the code, per action name);
`validate` treats a content lint as a warning only for an action whose manifest still holds
exactly that content. Edit the code, runtime or trigger and the lint is an error again. The
record holds no secret and no code, only digests; `plan` ignores it (it reads the tenant).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from reconciler.core.model import DesiredAction

RECORD_FILE = ".exported-content.json"
MAX_RECORD_BYTES = 1024 * 1024


def content_key(trigger: str, version: str, runtime: str, code: str) -> dict[str, str]:
    digest = hashlib.sha256(code.encode("utf-8")).hexdigest()
    return {"trigger": trigger, "trigger_version": version, "runtime": runtime, "code": digest}


def record_text(tenant: str, actions: Iterable[tuple[str, dict[str, str]]]) -> str:
    """The record's JSON text: {"format": 1, "tenant": ..., "actions": {name: content_key}}."""
    doc = {"format": 1, "tenant": tenant, "actions": dict(sorted(actions))}
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def read_record(root: Path) -> tuple[Mapping[str, Any], str | None]:
    """(name -> content key) from the record in the manifest root, and a notice when a record
    exists but cannot be used; no record: ({}, None)."""
    path = (root if root.is_dir() else root.parent) / RECORD_FILE
    if not path.is_file():
        return {}, None
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_RECORD_BYTES + 1)
        doc = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_RECORD_BYTES else None
    except (OSError, ValueError):
        doc = None
    actions = doc.get("actions") if isinstance(doc, dict) and doc.get("format") == 1 else None
    if not isinstance(actions, dict):
        return {}, f"{RECORD_FILE}: not a record written by `reconciler export`; ignored"
    return actions, None


def matches(record: Mapping[str, Any], action: DesiredAction) -> bool:
    """Does the manifest still hold the content export recorded for this action?"""
    key = content_key(action.trigger, action.trigger_version, action.runtime, action.code)
    return bool(record.get(action.name) == key)
