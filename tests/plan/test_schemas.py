"""The published JSON Schemas: valid against the 2020-12 metaschema, one `$id` scheme, and the
plan schema accepts every plan the planner writes (golden JSON; emulator runs are checked in
tests/integration/test_plan_schema_outputs.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reconciler.plan.planfile import plan_schema

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = sorted((REPO / "schemas").glob("*.schema.json"))
GOLDEN = sorted((REPO / "tests" / "plan" / "golden").glob("*.json"))
BASE = "https://reconciler.dev/schemas/"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_three_schemas_are_published() -> None:
    assert [p.name for p in SCHEMAS] == [
        "environments.schema.json",
        "manifest.schema.json",
        "plan.schema.json",
    ]


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_against_the_metaschema(path: Path) -> None:
    schema = load(path)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_id_is_its_file_name_under_one_base(path: Path) -> None:
    assert load(path)["$id"] == BASE + path.name


def refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in refs_in(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs_in(value)]
    return []


def test_every_local_ref_resolves() -> None:
    for path in SCHEMAS:
        schema = load(path)
        for ref in refs_in(schema):
            assert ref.startswith("#/$defs/"), (path.name, ref)
            resolved: Any = schema
            for part in ref[2:].split("/"):
                resolved = resolved[part]
            assert isinstance(resolved, dict), (path.name, ref)
            jsonschema.Draft202012Validator.check_schema(resolved)
    assert "#/$defs/dependency_list" in refs_in(plan_schema())


def test_plan_schema_catches_the_old_mistake() -> None:
    """$defs hold schemas only: a field map where keywords belong (the old `action_fields`)
    fails the metaschema check."""
    broken = json.loads(json.dumps(plan_schema()))
    broken["$defs"]["action_fields"] = {"dependencies": {"type": "array"}}
    with pytest.raises(jsonschema.SchemaError):
        jsonschema.Draft202012Validator.check_schema(broken)


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_plan_json_validates(path: Path) -> None:
    jsonschema.Draft202012Validator(plan_schema()).validate(load(path))


def test_golden_files_exist() -> None:
    assert len(GOLDEN) >= 10


def test_root_and_signature_are_optional_strings() -> None:
    validator = jsonschema.Draft202012Validator(plan_schema())
    doc = load(GOLDEN[0])
    validator.validate({**doc, "root": "examples/actions", "signature": "hmac-sha256:ab"})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**doc, "root": 3})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**doc, "unknown_field": "x"})
