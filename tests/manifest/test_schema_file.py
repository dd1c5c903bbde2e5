"""The JSON Schema file itself, and the editor line at the top of every example."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema

from reconciler.manifest import manifest_schema, schema_path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "actions"
# keyed by user-chosen names; "oneOf": a test case's expected command, `method.name: [args]`
OPEN_MAPS = {"bindings", "dependencies", "secrets", "oneOf"}


def _objects(node: Any, name: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield name, node
        for key, value in node.items():
            yield from _objects(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _objects(item, name)


def test_schema_is_valid_2020_12_and_closed() -> None:
    schema = manifest_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    closed = {name for name, obj in _objects(schema) if obj.get("additionalProperties") is False}
    open_ = {name for name, obj in _objects(schema) if obj.get("additionalProperties") is not False}
    assert open_ == OPEN_MAPS
    # root, action, binding, settings, module, an action's module reference, a test case and
    # the error it expects
    assert closed == {
        "",
        "action",
        "anyOf",
        "settings",
        "module",
        "moduleRef",
        "actionTest",
        "error",
    }


def test_schema_is_found_through_the_package() -> None:
    assert schema_path().resolve() == (REPO / "schemas" / "manifest.schema.json").resolve()


def test_every_example_points_editors_at_the_schema() -> None:
    files = sorted(EXAMPLES.rglob("*.yaml"))
    assert len(files) == 5
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, path
        assert (path.parent / match.group(1)).resolve() == schema_path().resolve()
