"""Bugs the soak and the concurrency tests found, pinned with exact expectations."""

from __future__ import annotations

from typing import Any

from reconciler.core.model import Dependency
from reconciler.core.trailer import compute_digest, with_trailer
from reconciler.diff.fields import StructuredDiff, shape, structured_diff
from reconciler.diff.records import DependencyChange
from tests.raw import check_deployed, is_twin


def test_a_dependency_replaced_by_another_is_one_removal_and_one_addition() -> None:
    # deepdiff reports a map whose only key was swapped as one changed value (no key in the
    # path); the plan used to crash with IndexError on it
    before = shape("post-login v3", "node22", [Dependency("axios", "1.7.9")], [])
    after = shape("post-login v3", "node22", [Dependency("uuid", "10.0.0")], [])
    assert structured_diff(before, after) == StructuredDiff(
        dependencies=(
            DependencyChange(name="axios", before="1.7.9", after=None),
            DependencyChange(name="uuid", before=None, after="10.0.0"),
        )
    )


def test_all_dependencies_replaced_keeps_unchanged_ones_out() -> None:
    before = shape("t v1", "node22", [Dependency("a", "1"), Dependency("b", "2")], [])
    after = shape("t v1", "node22", [Dependency("c", "3"), Dependency("d", "4")], [])
    assert structured_diff(before, after) == StructuredDiff(
        dependencies=(
            DependencyChange(name="a", before="1", after=None),
            DependencyChange(name="b", before="2", after=None),
            DependencyChange(name="c", before=None, after="3"),
            DependencyChange(name="d", before=None, after="4"),
        )
    )


def test_a_deploy_replaced_by_a_newer_concurrent_deploy_is_done() -> None:
    check = check_deployed("ver-7", 7)
    assert check({"deployed_version": {"id": "ver-6", "number": 6}}) is None
    assert check({"deployed_version": {"id": "ver-7", "number": 7}}) == (
        True,
        "deployed version 7",
    )
    assert check({"deployed_version": {"id": "ver-8", "number": 8}}) == (
        True,
        "deployed version 7, since replaced by version 8",
    )
    assert check({}) is None
    assert check_deployed("ver-7")({"deployed_version": {"id": "ver-8", "number": 8}}) is None


CODE = "exports.onExecutePostLogin = async () => {};\n"
SALT = b"0123456789abcdef"


def body(value: str = "v4lue-one", *, protect: bool = False, salt: bytes = SALT) -> dict[str, Any]:
    digest = compute_digest({"KEY": value}, salt=salt, iterations=1000)
    return {
        "name": "twin",
        "supported_triggers": [{"id": "post-login", "version": "v3"}],
        "code": with_trailer(CODE, digest, protect=protect),
        "runtime": "node22",
        "dependencies": [{"name": "axios", "version": "1.7.9"}],
        "secrets": [{"name": "KEY", "value": value}],
    }


def live(sent: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What the API shows for an action created with `sent` (secret values write-only)."""
    shown = {k: v for k, v in sent.items() if k != "secrets"}
    shown["secrets"] = [{"name": s["name"], "updated_at": "2026-01-01"} for s in sent["secrets"]]
    shown.update(changes)
    return shown


def test_a_concurrent_identical_create_is_a_twin_even_with_another_salt() -> None:
    mine, theirs = body(), body(salt=b"fedcba9876543210")
    assert is_twin(live(theirs), mine) is True


def test_anything_else_holding_the_name_is_not_a_twin() -> None:
    mine = body()
    assert is_twin(live(body("another-value")), mine) is False
    assert is_twin(live(body(protect=True)), mine) is False
    assert is_twin(live(mine, runtime="node18-actions"), mine) is False
    assert is_twin(live(mine, dependencies=[]), mine) is False
    assert is_twin(live(mine, code=CODE), mine) is False  # no trailer: not ours
    assert (
        is_twin(live(mine, supported_triggers=[{"id": "post-login", "version": "v2"}]), mine)
        is False
    )
    assert is_twin(live(mine, integration={"id": "x"}), mine) is False
    assert is_twin(live(mine, secrets=[]), mine) is False
    assert is_twin({"code": 5, "secrets": "x"}, mine) is False
