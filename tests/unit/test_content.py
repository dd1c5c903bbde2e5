"""The one "same content" judgement, and the twin check of a concurrent create built on it."""

from __future__ import annotations

from dataclasses import replace

from reconciler.apply.twin import matches_create
from reconciler.core.content import content, of_action, of_desired, of_version, same_content
from reconciler.core.fields import ActionFields, SecretRef, TriggerRef
from reconciler.core.livemodel import LiveAction, LiveSecret, LiveVersion
from reconciler.core.model import Dependency, DesiredAction, DesiredSecret, SecretValue
from reconciler.core.trailer import compute_digest, with_trailer

CODE = "exports.onExecutePostLogin = async () => {};\n"
DEPS = (Dependency("a", "1"), Dependency("b", "2"))


def desired() -> DesiredAction:
    secret = DesiredSecret("KEY", "key", SecretValue("v"))
    return DesiredAction("x", "post-login", "v3", "node22", CODE, "x.js", DEPS, (secret,))


def live(code: str = CODE) -> LiveAction:
    return LiveAction(
        "id-1", "x", "post-login", "v3", code, "node22", DEPS, (LiveSecret("KEY", "t"),),
        "built", "", "", None,
    )  # fmt: skip


def test_order_and_trailing_whitespace_do_not_matter() -> None:
    a = content(CODE, "node22", DEPS, ["S", "T"], ("post-login", "v3"))
    b = content(CODE + "\n\n  ", "node22", DEPS[::-1], ["T", "S"], ("post-login", "v3"))
    assert same_content(a, b)
    assert not same_content(a, replace(a, runtime="node18"))
    assert not same_content(a, content(CODE, "node22", DEPS[:1], ["S", "T"], a.trigger))
    assert not same_content(a, content(CODE, "node22", DEPS, ["S"], a.trigger))
    assert not same_content(a, replace(a, trigger=("post-login", "v2")))


def test_the_caller_says_whether_the_trailer_is_content() -> None:
    managed = live(with_trailer(CODE, ""))
    assert same_content(of_action(managed, trailer=False), of_desired(desired()))
    assert not same_content(of_action(managed), of_desired(desired()))
    version = LiveVersion("v1", 1, managed.code, "node22", DEPS, ("KEY",), "built", True)
    assert same_content(of_version(version, ("post-login", "v3")), of_action(managed))
    assert not same_content(of_version(version, ("post-login", "v2")), of_action(managed))


def fields(value: str = "v", *, salt: bytes = b"0123456789abcdef") -> ActionFields:
    digest = compute_digest({"KEY": value}, salt=salt, iterations=1000)
    return ActionFields(
        supported_triggers=(TriggerRef("post-login", "v3"),),
        code=with_trailer(CODE, digest),
        runtime="node22",
        dependencies=DEPS,
        secrets=(SecretRef("KEY", "key"),),
    )


def test_a_twin_is_the_same_content_under_a_verifying_trailer() -> None:
    theirs = live(str(fields(salt=b"fedcba9876543210").code))
    values = {"KEY": SecretValue("v")}
    assert matches_create(theirs, fields(), values)
    assert not matches_create(theirs, fields(), {"KEY": SecretValue("other")})
    assert not matches_create(theirs, fields(), {})
    assert not matches_create(replace(theirs, runtime="node18"), fields(), values)
    assert not matches_create(replace(theirs, marketplace=True), fields(), values)
    assert not matches_create(live(CODE), fields(), values)  # no trailer: not ours
