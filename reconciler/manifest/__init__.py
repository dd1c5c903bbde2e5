"""Manifest loading and validation: YAML + JSON Schema + checks -> DesiredState.

    load_manifests(root, *, resolve=True, env=None, var_files=(), catalogue=None,
                   node_check=True, notices=None) -> DesiredState

raises ManifestError (reconciler.core.errors) listing every problem of every file.
"""

from __future__ import annotations

from reconciler.core.errors import ManifestError, Problem
from reconciler.manifest.canonical import compute_digest
from reconciler.manifest.codefile import MAX_CODE_BYTES
from reconciler.manifest.interpolate import MAX_VALUE_LEN, parse_var_file, reference_var
from reconciler.manifest.lint import exports_handler
from reconciler.manifest.loader import discover, load_manifests
from reconciler.manifest.schema import manifest_schema, schema_path
from reconciler.manifest.yamlload import MAX_FILE_BYTES, MAX_NODES

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
