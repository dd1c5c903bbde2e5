"""Environments: an optional `reconciler.yaml` at the manifest root naming tenants.

    environments:
      staging:
        domain: acme-staging.eu.auth0.com
        client_id_env: STAGING_AUTH0_CLIENT_ID        # names of variables, never values
        client_secret_env: STAGING_AUTH0_CLIENT_SECRET
        var_file: env/staging.env                     # relative to reconciler.yaml
        rate_limit: 2

`--env NAME` selects one environment, `--env all` every one. Without the file, nothing changes.

The same file in the current directory may name the manifest root (`root: actions`, relative to
the file) for commands run without ROOT; its environments then apply to that root.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reconciler.core.errors import ManifestError, Problem, ReconcilerError
from reconciler.manifest.files import CONFIG_FILES
from reconciler.manifest.problems import did_you_mean
from reconciler.manifest.schema import validate_document
from reconciler.manifest.yamlload import Document, load_yaml

SCHEMA = "environments.schema.json"
ALL = "all"


@dataclass(frozen=True, slots=True)
class Environment:
    name: str
    domain: str
    client_id_env: str = "AUTH0_CLIENT_ID"
    client_secret_env: str = "AUTH0_CLIENT_SECRET"  # noqa: S105 (a variable name)
    access_token_env: str = "AUTH0_ACCESS_TOKEN"  # noqa: S105 (a variable name)
    var_file: str | None = None  # absolute or relative to the cwd, resolved from the file
    rate_limit: float | None = None

    def credentials_env(self, environ: Mapping[str, str]) -> dict[str, str]:
        """The AUTH0_* variables the client reads, taken from this environment's names."""
        out: dict[str, str] = {}
        for target, source in (
            ("AUTH0_CLIENT_ID", self.client_id_env),
            ("AUTH0_CLIENT_SECRET", self.client_secret_env),
            ("AUTH0_ACCESS_TOKEN", self.access_token_env),
        ):
            if environ.get(source):
                out[target] = environ[source]
        if not out:
            names = f"{self.client_id_env} and {self.client_secret_env}, or {self.access_token_env}"
            raise ReconcilerError(f"environment {self.name}: no credentials: set {names}")
        return out


def _config_in(base: Path) -> Path | None:
    for name in sorted(CONFIG_FILES):
        if (base / name).is_file():
            return base / name
    return None


def read_config(path: Path) -> Document:
    """reconciler.yaml parsed and checked against its schema, or a ManifestError."""
    doc, problems = load_yaml(path, path.name)
    if doc is None or problems:
        raise ManifestError(problems)
    schema_problems = [p for _, p in validate_document(doc, SCHEMA)]
    if schema_problems:
        raise ManifestError(schema_problems)
    return doc


def configured_root(cwd: Path = Path(".")) -> str | None:
    """`root:` of reconciler.yaml in `cwd`, resolved against the file's directory (checked to
    exist), or None without the file or the key."""
    path = _config_in(cwd)
    if path is None:
        return None
    doc = read_config(path)
    value = doc.data.get("root")
    if value is None:
        return None
    root = os.path.normpath(path.parent / str(value))
    if not Path(root).exists():
        mark = doc.mark(("root",))
        message = f"manifest root not found: {value}"
        raise ManifestError([Problem(path.name, mark.line, mark.column, "root", message)])
    return root


def config_file(root: str | Path) -> Path | None:
    """reconciler.yaml at the manifest root, else the one in the current directory whose
    `root:` names this root."""
    base = Path(root)
    if base.is_file():
        base = base.parent
    found = _config_in(base)
    if found is not None:
        return found
    here = _config_in(Path("."))
    if here is not None and base.resolve() != Path(".").resolve():
        named = configured_root()
        if named is not None and Path(named).resolve() == base.resolve():
            return here
    return None


def load_environments(root: str | Path) -> list[Environment]:
    """The environments of `reconciler.yaml` at the root, in file order ([] without the file)."""
    path = config_file(root)
    if path is None:
        return []
    doc = read_config(path)
    out: list[Environment] = []
    for name, raw in doc.data.get("environments", {}).items():
        var_file = raw.get("var_file")
        if var_file is not None:
            var_file = os.path.normpath(path.parent / var_file)
            if not Path(var_file).is_file():
                mark = doc.mark(("environments", name, "var_file"))
                key = f"environments.{name}.var_file"
                message = f"file not found: {raw['var_file']}"
                raise ManifestError([Problem(path.name, mark.line, mark.column, key, message)])
        fields = {k: raw.get(k) for k in ("client_id_env", "client_secret_env", "access_token_env")}
        out.append(
            Environment(
                name=name,
                domain=raw["domain"],
                var_file=var_file,
                rate_limit=float(raw["rate_limit"]) if "rate_limit" in raw else None,
                **{k: v for k, v in fields.items() if v is not None},
            )
        )
    return out


def select(root: str | Path, name: str) -> list[Environment]:
    """`--env NAME` or `--env all`: the environments to run, or a clear error."""
    environments = load_environments(root)
    if not environments:
        raise ReconcilerError(
            f"--env {name}: no environments in a reconciler.yaml at the manifest root {root}"
        )
    if name == ALL:
        return environments
    for env in environments:
        if env.name == name:
            return [env]
    known = [e.name for e in environments]
    hint = did_you_mean(name, known)
    raise ReconcilerError(
        f"--env {name}: no such environment in reconciler.yaml (known: {', '.join(known)}){hint}"
    )
