"""The plan document: JSON round trip, schema validation, tamper detection, bad files."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import jsonschema
import pytest

from reconciler.core.errors import ReconcilerError
from reconciler.plan import make_plan, plan_digest
from reconciler.plan.planfile import dumps, loads, plan_from_dict, plan_schema, plan_to_dict
from tests.plan.cases import CASES


def document(case: str) -> dict[str, Any]:
    desired, live, options = CASES[case]()
    return plan_to_dict(make_plan(desired, live, options=options))


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_case_round_trips_and_validates(case: str) -> None:
    desired, live, options = CASES[case]()
    plan = make_plan(desired, live, options=options)
    data = json.loads(dumps(plan))
    jsonschema.Draft202012Validator(plan_schema()).validate(data)
    assert loads(dumps(plan)) == plan


def test_top_level_fields_and_summary_keys() -> None:
    data = document("create")
    assert sorted(data) == [
        "blocked",
        "changes",
        "created_at",
        "format_version",
        "manifest_digest",
        "plan_digest",
        "steps",
        "summary",
        "targets",
        "tenant",
        "warnings",
    ]
    assert data["format_version"] == "1"
    assert sorted(data["summary"]) == sorted(
        ["create", "update", "deploy", "rebind", "delete", "adopt", "unmanaged"]
    )


def test_dumps_is_sorted_and_indented() -> None:
    text = dumps(plan_from_dict(document("create")))
    assert text.startswith('{\n  "blocked": [],\n  "changes": [\n')
    assert text.endswith("}\n")


def test_an_edited_plan_is_refused_by_its_digest() -> None:
    data = document("update")
    data["steps"][0]["payload"]["runtime"] = "node18"
    with pytest.raises(ReconcilerError, match="plan digest does not match its content"):
        plan_from_dict(data, source="plan.json")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d.pop("tenant"),
            "plan.json: invalid plan file at (top level): 'tenant' is a required",
        ),
        (
            lambda d: d.update(format_version="2"),
            "plan.json: plan format_version '2' is not supported",
        ),
        (
            lambda d: d["steps"][0].update(kind="explode"),
            "plan.json: invalid plan file at steps[0].kind: 'explode' is not one of",
        ),
        (
            lambda d: d["steps"][0]["payload"]["secrets"].append({"name": "X", "value": "v"}),
            "plan.json: invalid plan file at steps[0].payload.secrets[1]",
        ),
        (
            lambda d: d["summary"].pop("adopt"),
            "plan.json: invalid plan file at summary: 'adopt' is a required property",
        ),
    ],
)
def test_invalid_documents_name_the_problem(mutate: Any, message: str) -> None:
    data = copy.deepcopy(document("create"))
    mutate(data)
    with pytest.raises(ReconcilerError) as info:
        plan_from_dict(data, source="plan.json")
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_not_json_is_one_clear_line() -> None:
    with pytest.raises(ReconcilerError, match=r"^plan.json: not a JSON plan file: Expecting value"):
        loads("<html>", source="plan.json")


def test_unknown_dependency_is_refused() -> None:
    plan = plan_from_dict(document("update"))
    steps = list(plan.steps)
    steps[1] = replace(steps[1], depends_on=("nope",))
    data = document("update")
    data["steps"][1]["depends_on"] = ["nope"]
    data["plan_digest"] = plan_digest(plan.changes, steps)  # a consistent but wrong plan
    with pytest.raises(ReconcilerError, match="step wait_build depends on unknown nope"):
        plan_from_dict(data)
