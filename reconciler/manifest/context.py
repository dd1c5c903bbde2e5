"""State shared by the checks of one load: where the root is, the catalogue, found problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.core.catalogue import Catalogue
from reconciler.core.errors import Problem
from reconciler.core.model import Lint, Location
from reconciler.manifest.interpolate import Variables
from reconciler.manifest.problems import KeyPath, problem
from reconciler.manifest.yamlload import Document


@dataclass
class Context:
    root_dir: Path  # the directory paths must stay inside (a file root's parent)
    catalogue: Catalogue
    variables: Variables | None  # None: references are checked, not resolved
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    #: None: content lints are problems like any other; a list: they are collected here, to be
    #: settled against the live tenant (reconciler.manifest.deferred).
    lints: list[Lint] | None = None

    def lint(self, doc: Document, path: KeyPath, message: str, action: str, kind: str) -> None:
        mark = doc.mark(path)
        found = problem(doc.file, mark, path, message)
        if self.lints is None:
            self.problems.append(found)
        else:
            self.lints.append(Lint(action, kind, found))

    def report(self, doc: Document, path: KeyPath, message: str, *, at_key: bool = False) -> None:
        mark = doc.key_mark(path) if at_key else doc.mark(path)
        self.problems.append(problem(doc.file, mark, path, message))


@dataclass(frozen=True)
class Entry:
    """One raw item of a manifest (an action, a trigger's binding list, a settings block)."""

    doc: Document
    path: KeyPath
    raw: Any
    clean: bool  # no schema problem at or below `path`

    def location(self, sub: KeyPath = ()) -> Location:
        mark = self.doc.mark((*self.path, *sub))
        return Location(self.doc.file, mark.line, mark.column)

    def key_location(self) -> Location:
        mark = self.doc.key_mark(self.path)
        return Location(self.doc.file, mark.line, mark.column)
