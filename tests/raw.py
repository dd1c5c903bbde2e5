"""Raw API dicts through the typed checks: the applier reads model records only, so tests
written against the API's JSON shapes convert them here first (as auth0.live does)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconciler.apply import waits
from reconciler.apply.twin import matches_create
from reconciler.auth0.live import to_action
from reconciler.core.errors import ApiError
from reconciler.core.fields import ActionFields, SecretRef, TriggerRef
from reconciler.core.livemodel import LiveAction
from reconciler.core.model import Dependency, SecretValue

Json = dict[str, Any]


def as_action(obj: Json) -> LiveAction:
    """A raw action as the typed checks read it (a cut-down object gets placeholder ids)."""
    return to_action({"id": "?", "name": "?", **obj})


def build_errors(obj: Json) -> str:
    return waits.draft_failure(as_action(obj))


def check_build(expect_deployed: bool) -> Callable[[Json], waits.Outcome]:
    check = waits.built(expect_deployed)
    return lambda obj: check(as_action(obj))


def check_deployed(version_id: str, number: int | None = None) -> Callable[[Json], waits.Outcome]:
    check = waits.deployed(version_id, number)
    return lambda obj: check(as_action(obj))


def _fields(body: Json) -> tuple[ActionFields, dict[str, SecretValue]]:
    """A create body back as the records it was made from."""
    secrets = body.get("secrets") or []
    fields = ActionFields(
        supported_triggers=tuple(
            TriggerRef(str(t["id"]), str(t["version"]))
            for t in body.get("supported_triggers") or []
        ),
        code=str(body.get("code", "")),
        runtime=str(body.get("runtime", "")),
        dependencies=tuple(
            Dependency(str(d["name"]), str(d["version"])) for d in body.get("dependencies") or []
        ),
        secrets=tuple(SecretRef(str(s["name"]), "") for s in secrets),
    )
    return fields, {str(s["name"]): SecretValue(str(s["value"])) for s in secrets}


def is_twin(live: Json, body: Json) -> bool:
    """`matches_create` for a raw live action and a create body (a malformed live action, which
    the client refuses before the applier sees it, is no twin)."""
    try:
        fields, values = _fields(body)
        return matches_create(as_action(live), fields, values)
    except (ApiError, AttributeError, KeyError, TypeError):
        return False
