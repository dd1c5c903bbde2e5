"""Manifest loading and validation: YAML + JSON Schema + checks -> DesiredState.

    load_manifests(root, *, resolve=True, env=None, var_files=(), catalogue=None,
                   node_check=True, notices=None) -> DesiredState

raises ManifestError (reconciler.core.errors) listing every problem of every file.

The names below are loaded on first use (PEP 562), so a light submodule (`nodeproc`, which
`plan` and `apply` use to start node before the loader and jsonschema are imported) does not
import the rest (issue 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.core.errors import ManifestError, Problem
from reconciler.core.lazy import loader

if TYPE_CHECKING:
    from reconciler.manifest.canonical import compute_digest
    from reconciler.manifest.codefile import MAX_CODE_BYTES
    from reconciler.manifest.interpolate import MAX_VALUE_LEN, parse_var_file, reference_var
    from reconciler.manifest.lint import exports_handler
    from reconciler.manifest.loader import discover, load_manifests
    from reconciler.manifest.schema import manifest_schema, schema_path
    from reconciler.manifest.yamlload import MAX_FILE_BYTES, MAX_NODES

_WHERE = {
    "compute_digest": "canonical",
    "MAX_CODE_BYTES": "codefile",
    "MAX_VALUE_LEN": "interpolate",
    "parse_var_file": "interpolate",
    "reference_var": "interpolate",
    "exports_handler": "lint",
    "discover": "loader",
    "load_manifests": "loader",
    "manifest_schema": "schema",
    "schema_path": "schema",
    "MAX_FILE_BYTES": "yamlload",
    "MAX_NODES": "yamlload",
}

__all__ = [
    "MAX_CODE_BYTES",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MAX_VALUE_LEN",
    "ManifestError",
    "Problem",
    "compute_digest",
    "discover",
    "exports_handler",
    "load_manifests",
    "manifest_schema",
    "parse_var_file",
    "reference_var",
    "schema_path",
]

__getattr__ = loader(__name__, _WHERE)
