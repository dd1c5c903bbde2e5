"""Property: whatever the YAML, the loader returns a DesiredState or raises ManifestError."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.core.errors import ManifestError
from reconciler.manifest import load_manifests

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "actions"
MANIFESTS = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.yaml"))
KEYS = ["actions", "bindings", "settings", "name", "trigger", "trigger_version", "runtime",
        "code", "dependencies", "secrets", "deploy", "protect", "action", "display_name",
        "external", "prune", "ignore", "post-login", "axios", "API_KEY"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "${X}",
            "${}",
            "post-login",
            "node22",
            "v3",
            "login/enrich-token.js",
            "../x.js",
            "/etc/passwd",
            "a\0b",
            "1.7.9",
            "^1.0.0",
            "Fraud Shield",
        ]
    ),  # fmt: skip
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=4),
    ),
    max_leaves=12,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


@st.composite
def mutated_documents(draw: st.DrawFn) -> tuple[str, str | bytes]:
    name = draw(st.sampled_from(MANIFESTS))
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    kind = draw(st.sampled_from(["structure", "structure", "text", "bytes", "random"]))
    if kind == "random":
        return name, yaml.safe_dump(draw(values))
    if kind == "bytes":
        return name, draw(st.binary(max_size=200))
    if kind == "text":
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 20))
        insert = draw(st.text(alphabet="{}[]:-&*!|>'\"#% \n\tabc$", max_size=10))
        return name, text[:at] + insert + text[at + cut :]
    data = yaml.safe_load(text)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["drop", "rename", "replace"]))
        if not path:
            data = draw(values) if action == "replace" else data
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        if action == "drop":
            del parent[last]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = parent.pop(last)
        else:
            parent[last] = draw(values)
    return name, yaml.safe_dump(data, sort_keys=False)


@pytest.mark.slow
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_documents(), st.booleans())
def test_loader_only_raises_manifest_error(doc: tuple[str, str | bytes], resolve: bool) -> None:
    name, content = doc
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "actions"
        shutil.copytree(EXAMPLES, root)
        target = root / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        problems = []
        try:
            state = load_manifests(root, resolve=resolve, env={"X": "value"}, node_check=False)
        except ManifestError as exc:
            problems = exc.problems
        else:
            assert len(state.digest) == 64
        assert all(p.line >= 1 and p.column >= 1 and p.message for p in problems)
