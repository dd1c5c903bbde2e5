"""The plan file's root and signature fields (pure: no tenant)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace

import pytest

from reconciler.core.errors import GuardError, ReconcilerError
from reconciler.core.plankey import plan_key
from reconciler.plan import Plan, canonical, make_plan
from reconciler.plan.planfile import dumps, loads, plan_to_dict, recorded_root
from reconciler.plan.sign import sign
from tests.plan.cases import CASES

KEY = "k" * 16


def a_plan() -> Plan:
    desired, live, options = CASES["create"]()
    return make_plan(desired, live, options=options)


@pytest.mark.parametrize(
    ("given", "recorded"),
    [(".", "."), ("./actions/", "actions"), ("a//b", "a/b"), ("/abs/root", "/abs/root")],
)
def test_the_root_is_recorded_as_given_in_posix_form(given: str, recorded: str) -> None:
    assert recorded_root(given) == recorded


def test_the_root_round_trips_and_is_absent_when_unknown() -> None:
    plan = a_plan()
    assert "root" not in plan_to_dict(plan)
    rooted = replace(plan, root="manifests")
    assert json.loads(dumps(rooted))["root"] == "manifests"
    assert loads(dumps(rooted)).root == "manifests"


def test_the_signature_is_an_hmac_over_the_canonical_document_without_it() -> None:
    plan = a_plan()
    data = json.loads(dumps(plan, key=KEY))
    signature = data.pop("signature")
    expected = hmac.new(KEY.encode(), canonical(data).encode(), hashlib.sha256).hexdigest()
    assert signature == f"hmac-sha256:{expected}"
    assert sign(data, KEY) == signature


def test_loads_checks_the_signature_only_with_a_key() -> None:
    plan = a_plan()
    signed = dumps(plan, key=KEY)
    assert loads(signed, key=KEY) == plan
    assert loads(signed) == plan  # no key: the signature is not checked
    with pytest.raises(GuardError, match="signature does not match"):
        loads(signed, source="p.json", key="x" * 16)
    with pytest.raises(GuardError, match="^p.json: the plan is not signed"):
        loads(dumps(plan), source="p.json", key=KEY)


def test_plan_key_reads_the_environment() -> None:
    assert plan_key({}) is None
    assert plan_key({"RECONCILER_PLAN_KEY": KEY}) == KEY
    with pytest.raises(ReconcilerError, match="is not set"):
        plan_key({}, require=True)
    for value in ("1", "true", "YES", "on"):
        with pytest.raises(ReconcilerError, match="is not set"):
            plan_key({"RECONCILER_REQUIRE_SIGNED_PLAN": value})
    assert plan_key({"RECONCILER_REQUIRE_SIGNED_PLAN": "0"}) is None
