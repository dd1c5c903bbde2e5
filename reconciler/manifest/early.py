"""The actions' secret values, read ahead of the loader (issue 16): what the digest hashing needs.

Checking the live secret digests (scrypt, ~2 ms of CPU each, one per managed action) is the
longest step between the tenant's action list and the plan. It needs the manifests' secret
values, which the loader has only once it has imported jsonschema and the model and validated
every file. This reads just the `name` and `secrets` of each `actions:` entry (with libyaml when
PyYAML has it), resolves each `${VAR}` the loader's way (the environment overlaid by the var
files, the same length rules) and returns them, so that the hashing can start as soon as the
action list is in, while the loader is still at work.

It is a guess to start early, never a verdict: it raises nothing and leaves out whatever it
cannot read. The loader stays the authority. A value it resolves differently only costs the
diff its own hash (the cache is keyed by value and salt), and a manifest the loader refuses
still stops the run before any write.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from reconciler.manifest.files import discover
from reconciler.manifest.filetext import decode, read_bytes
from reconciler.manifest.interpolate import Variables, read_var_files, reference_var

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def secret_values(
    root: str | Path,
    var_files: Sequence[str | Path] = (),
    env: Mapping[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """action name -> {secret name: value} for every action whose secrets all resolve (the
    first entry of a name wins, as in the loader); {} when nothing can be read."""
    try:
        _, files = discover(Path(root))
        variables = Variables.build(
            os.environ if env is None else env, read_var_files(var_files)[0]
        )
    except Exception:  # the loader reports it
        return {}
    found: dict[str, dict[str, str]] = {}
    for path, rel in files:
        for name, values in _file_secrets(path, rel, variables):
            found.setdefault(name, values)
    return found


def _file_secrets(path: Path, rel: str, variables: Variables) -> list[tuple[str, dict[str, str]]]:
    data, _ = read_bytes(path, rel)  # bounded: at most a manifest's 1 MB
    text = decode(data, rel)[0] if data is not None else None
    if text is None:
        return []
    try:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except Exception:  # yaml.YAMLError, or recursion in a hostile file: the loader reports it
        return []
    entries = doc.get("actions") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        return []
    out = []
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            values = _resolve(entry.get("secrets"), variables)
            if values:
                out.append((entry["name"], values))
    return out


def _resolve(secrets: object, variables: Variables) -> dict[str, str] | None:
    """The loader's `Variables.resolve` (its rules, and the masker registration) for every
    secret, or None when any would fail."""
    if not isinstance(secrets, dict):
        return None
    values: dict[str, str] = {}
    for secret, ref in secrets.items():
        var = reference_var(ref) if isinstance(ref, str) else None
        value = variables.resolve(var)[0] if var is not None else None
        if not isinstance(secret, str) or value is None:
            return None
        values[secret] = value.reveal()
    return values
