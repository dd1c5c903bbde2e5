"""Fixtures for the manifest loader tests: a tiny manifest tree builder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from reconciler.core.errors import ManifestError
from reconciler.manifest import load_manifests

LOGIN_JS = "exports.onExecutePostLogin = async (event, api) => {};\n"
M2M_JS = "exports.onExecuteCredentialsExchange = async (event, api) => {};\n"

Write = Callable[[Mapping[str, str | bytes]], Path]


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write files (text is dedented) under root; default code files are added when missing."""
    root.mkdir(parents=True, exist_ok=True)
    defaults = {"login.js": LOGIN_JS, "m2m.js": M2M_JS}
    for name, content in {**defaults, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Write:
    """tree({"a.yaml": "..."}) -> the manifest root (tmp_path/root)."""
    return lambda files: write_tree(tmp_path / "root", files)


def problem_lines(root: Path, **kwargs: object) -> list[str]:
    """The problem lines of a load that must fail."""
    kwargs.setdefault("node_check", False)
    with pytest.raises(ManifestError) as info:
        load_manifests(root, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]
