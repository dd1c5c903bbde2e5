"""Package attributes loaded on first use (PEP 562), shared by the packages whose `__init__`
re-exports names: importing one light submodule must not import the heavy ones (issue 16)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def loader(package: str, where: Mapping[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` for `package`: `where` maps each exported name to the submodule
    (relative to `package`) that defines it; the value is imported once, then cached on the
    package so later lookups do not come back here."""

    def __getattr__(name: str) -> object:
        sub = where.get(name)
        if sub is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{sub}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
