"""Secret digest schemes (issue 12, point 4): keyed HMAC, unkeyed scrypt, v1 PBKDF2 trailers,
and the "secret digest refresh" when the scheme changes."""

from __future__ import annotations

import dataclasses
import json

import pytest

from reconciler.core.digests import HMAC, PBKDF2, SCRYPT, Scheme, keyed, parse, scrypt
from reconciler.core.trailer import (
    changed_values,
    compute_digest,
    digest_scheme,
    needs_key,
    verify,
    with_trailer,
)
from reconciler.plan import Plan, PlanOptions, make_plan, step_to_dict
from reconciler.render import render_json, render_markdown, render_text
from tests.plan.factory import OPTIONS, action, desired_state, live, live_state

SALT = b"0123456789abcdef"
KEY = b"a digest key that CI keeps secret"
OLD, NEW = "old-secret-value-1234", "new-secret-value-5678"
CHEAP = scrypt(n=16, r=1, p=1)  # fast in tests; the format records the cost


def test_each_scheme_is_named_in_the_digest() -> None:
    v1 = compute_digest({"A": "x"}, salt=SALT, iterations=50)
    assert v1.startswith("pbkdf2-sha256$50$MDEyMzQ1Njc4OWFiY2RlZg$A:")
    unkeyed = compute_digest({"A": "x"}, salt=SALT)
    assert unkeyed.startswith("scrypt$n=1024,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$A:")
    made = compute_digest({"A": "x"}, salt=SALT, scheme=keyed(KEY))
    assert made.split("$")[0] == "hmac-sha256"
    assert made.split("$")[1] == keyed(KEY).params
    assert len(keyed(KEY).params) == len("k=") + 8
    assert KEY.decode() not in made
    assert [digest_scheme(d) for d in (v1, unkeyed)] == [
        "pbkdf2-sha256$50",
        "scrypt$n=1024,r=8,p=1",
    ]


@pytest.mark.parametrize("scheme", [CHEAP, keyed(KEY), None], ids=["scrypt", "hmac", "v1"])
def test_every_scheme_detects_a_changed_value(scheme: Scheme | None) -> None:
    values = {"A": OLD, "B": "b"}
    if scheme is None:
        digest = compute_digest(values, salt=SALT, iterations=50)
    else:
        digest = compute_digest(values, salt=SALT, scheme=scheme)
    assert verify(digest, values, KEY)
    assert changed_values(digest, {"A": NEW, "B": "b"}, KEY) == ("A",)
    assert not verify(digest, {"A": NEW, "B": "b"}, KEY)
    assert OLD not in digest


def test_a_keyed_digest_needs_its_own_key() -> None:
    digest = compute_digest({"A": OLD}, salt=SALT, scheme=keyed(KEY))
    assert needs_key(digest, None)
    assert needs_key(digest, b"another key")
    assert not needs_key(digest, KEY)
    assert changed_values(digest, {"A": OLD}, None) is None
    assert changed_values(digest, {"A": OLD}, b"another key") is None
    assert changed_values(digest, {"A": OLD}, KEY) == ()


@pytest.mark.parametrize(
    "digest",
    [
        "scrypt$n=1048576,r=8,p=1$MDEy$A:x",  # 1 GiB per hash: refused before computing
        "scrypt$n=1000,r=8,p=1$MDEy$A:x",  # not a power of two
        "scrypt$n=1024,r=99,p=1$MDEy$A:x",
        "hmac-sha256$k=short$MDEy$A:x",
        "hmac-sha256$MDEy$A:x",
    ],
)
def test_hostile_or_broken_digests_are_unreadable(digest: str) -> None:
    assert parse(digest) is None
    assert changed_values(digest, {"A": "x"}) is None


def _plan_text(desired_secret: str, live_digest: str, options: PlanOptions) -> tuple[str, Plan]:
    a = action("enrich", secrets={"API_KEY": desired_secret})
    written = with_trailer(a.code, live_digest, protect=a.protect)
    plan = make_plan(
        desired_state([a]),
        live_state([live(a, code=written)]),
        options=options,
    )
    out = render_text(plan) + render_markdown(plan) + render_json(plan)
    return out, plan


KEYED_OPTIONS = dataclasses.replace(OPTIONS, iterations=None, digest_key=KEY)
CHEAP_OPTIONS = dataclasses.replace(OPTIONS, iterations=None)


@pytest.mark.parametrize(
    ("live_scheme", "options"),
    [
        (keyed(KEY), KEYED_OPTIONS),
        (scrypt(), CHEAP_OPTIONS),
        (None, OPTIONS),
    ],
    ids=["keyed", "scrypt", "v1"],
)
def test_a_changed_value_is_planned_and_never_printed(
    live_scheme: Scheme | None, options: PlanOptions
) -> None:
    values = {"API_KEY": OLD}
    if live_scheme is None:
        digest = compute_digest(values, salt=SALT, iterations=50)
    else:
        digest = compute_digest(values, salt=SALT, scheme=live_scheme)
    out, plan = _plan_text(NEW, digest, options)
    assert "secret API_KEY: new value" in out
    assert "draft differs from the manifest: secrets" in out
    assert OLD not in out
    assert NEW not in out
    assert "refresh" not in out


def _refresh_reason(live_digest: str, options: PlanOptions) -> str:
    out, plan = _plan_text(OLD, live_digest, options)
    assert OLD not in out
    (change,) = [c for c in plan.changes if c.address == "action.enrich"]
    assert "new value" not in out
    step = next(s for s in plan.steps if s.kind == "update")
    assert sorted(step_to_dict(step)["payload"]) == [
        "action_id",
        "code",
        "name",
    ]  # no secret value re-sent
    return str(change.reason)


def test_a_v1_trailer_of_the_same_value_is_refreshed_not_changed() -> None:
    digest = compute_digest({"API_KEY": OLD}, salt=SALT, iterations=50)
    assert verify(digest, {"API_KEY": OLD})
    reason = _refresh_reason(digest, CHEAP_OPTIONS)
    assert reason == (
        "secret digest refresh: the trailer's digest of the unchanged secret values is "
        "re-written with scrypt (the values are not re-sent)"
    )


def test_a_keyless_trailer_is_recognised_with_the_key_set() -> None:
    digest = compute_digest({"API_KEY": OLD}, salt=SALT)
    reason = _refresh_reason(digest, KEYED_OPTIONS)
    assert reason.startswith("secret digest refresh:")
    assert "re-written with hmac-sha256" in reason


def test_a_keyed_trailer_without_the_key_is_kept_and_not_compared() -> None:
    digest = compute_digest({"API_KEY": OLD}, salt=SALT, scheme=keyed(KEY))
    out, plan = _plan_text(NEW, digest, CHEAP_OPTIONS)
    assert not plan.steps
    assert plan.warnings == (
        "action enrich: secret values were not compared: its digest is keyed and "
        "RECONCILER_DIGEST_KEY is not set",
    )
    assert NEW not in out
    assert OLD not in out


def test_the_same_scheme_and_value_plans_nothing() -> None:
    for options in (KEYED_OPTIONS, CHEAP_OPTIONS):
        scheme = options.digest_scheme
        assert scheme.name in (HMAC, SCRYPT)
        digest = compute_digest({"API_KEY": OLD}, salt=SALT, scheme=scheme)
        _, plan = _plan_text(OLD, digest, options)
        assert not plan.steps
    assert OPTIONS.digest_scheme.name == PBKDF2


def test_the_plan_file_carries_no_key_and_no_value() -> None:
    digest = compute_digest({"API_KEY": OLD}, salt=SALT)
    out, plan = _plan_text(NEW, digest, KEYED_OPTIONS)
    document = render_json(plan)
    assert KEY.decode() not in document
    assert NEW not in document
    trailer = json.loads(document)["steps"][0]["payload"]["code"].splitlines()[-1]
    assert '"v":1,"secrets":"hmac-sha256$k=' in trailer


def test_a_trailer_keyed_with_another_key_is_rewritten_under_the_new_key() -> None:
    digest = compute_digest({"API_KEY": OLD}, salt=SALT, scheme=keyed(b"the rotated-out key"))
    out, plan = _plan_text(OLD, digest, KEYED_OPTIONS)
    assert "secret API_KEY: value unknown (not written by reconciler)" in out
    step = next(s for s in plan.steps if s.kind == "update")
    assert step_to_dict(step)["payload"]["secrets"] == [
        {"name": "API_KEY", "var": "ENRICH_API_KEY"}
    ]  # re-sent
    trailer = str(step_to_dict(step)["payload"]["code"]).splitlines()[-1]
    assert f'"secrets":"hmac-sha256${keyed(KEY).params}$' in trailer
    assert OLD not in out
    assert any(s.kind == "deploy" for s in plan.steps)
