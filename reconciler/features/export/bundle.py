"""What an export or a deploy-cli conversion writes (features.export): the Bundle, its parts,
the file names, and the variable names its secrets become."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from reconciler.core.model import Dependency

BINDINGS_FILE = "bindings.yaml"
MODULES_FILE = "modules.yaml"  # the modules' code in modules/<name>.js
ENV_FILE = ".env.example"
SCHEMA_COPY = "schemas/manifest.schema.json"  # written next to the manifests
MODELINE = f"# yaml-language-server: $schema={SCHEMA_COPY}\n"
SCHEMA_NOTE = f"# Editors check this file against {SCHEMA_COPY} (the line above).\n"


@dataclass(frozen=True, slots=True)
class SecretRef:
    name: str  # the secret's name in Auth0
    var: str  # the variable its value is read from: ${var}


@dataclass(frozen=True, slots=True)
class ExportAction:
    name: str
    trigger: str
    code: str
    trigger_version: str = ""  # "" -> omitted (the trigger's current version)
    runtime: str = ""  # "" -> omitted (the trigger version's default runtime)
    dependencies: tuple[Dependency, ...] = ()
    secrets: tuple[SecretRef, ...] = ()
    deploy: bool = True
    protect: bool = False
    modules: tuple[ExportModuleRef, ...] = ()  # in the API's order


@dataclass(frozen=True, slots=True)
class ExportModuleRef:
    """An action's use of a module: a published version number (or "latest")."""

    name: str
    version: int | str
    external: bool = False  # the module is not written by this export


@dataclass(frozen=True, slots=True)
class ExportModule:
    name: str
    code: str
    dependencies: tuple[Dependency, ...] = ()
    secrets: tuple[SecretRef, ...] = ()
    publish: bool = True
    protect: bool = False


@dataclass(frozen=True, slots=True)
class ExportBinding:
    action: str
    display_name: str = ""  # "" or the action name -> the short form
    external: bool = False
    note: str = ""  # a trailing YAML comment


@dataclass(frozen=True, slots=True)
class EnvVar:
    name: str
    comment: str


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything an export or a conversion writes, before it is laid out as files."""

    source: str  # one line for the header comment of every YAML file
    actions: tuple[ExportAction, ...]  # sorted by name
    bindings: tuple[tuple[str, tuple[ExportBinding, ...]], ...]  # (trigger, entries in order)
    env: tuple[EnvVar, ...]  # sorted by name
    warnings: tuple[str, ...] = ()
    modules: tuple[ExportModule, ...] = ()  # sorted by name


# --------------------------------------------------------------------------- names


def ident(text: str) -> str:
    """An upper-case `[A-Z_][A-Z0-9_]*` fragment: `enrich token` -> `ENRICH_TOKEN`."""
    out = re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_") or "X"
    return f"_{out}" if out[0].isdigit() else out


class VarNames:
    """Hands out unique variable names `<ACTION>_<SECRET>`; call in a deterministic order."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.taken = set(reserved)

    def new(self, action: str, secret: str) -> str:
        base = f"{ident(action)}_{ident(secret)}"
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}_{n}", n + 1
        self.taken.add(name)
        return name
