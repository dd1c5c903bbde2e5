"""Is a live action exactly what a create would have made? (a concurrent apply's create)

Two applies of the same manifests started together both plan `create X`; the second POST gets
409 ("already exists"). If the action holding the name is a managed twin of our create body
(same code under the trailer, same protect flag, same trigger, runtime and dependencies, and a
secret digest that verifies against our values), the create has converged: the applier adopts
its id instead of failing. Anything else keeps the 409 as a failure (the plan was stale).
"""

from __future__ import annotations

from typing import Any

from reconciler.core.digests import key_from_env
from reconciler.core.trailer import strip_trailer, verify

Json = dict[str, Any]


def _deps(obj: Json) -> list[tuple[Any, Any]]:
    return sorted((d.get("name"), d.get("version")) for d in obj.get("dependencies") or [])


def _trigger(obj: Json) -> tuple[Any, Any]:
    triggers = obj.get("supported_triggers") or [{}]
    return triggers[0].get("id"), triggers[0].get("version")


def is_twin(live: Json, body: Json) -> bool:
    """True when `live` (an action from the API) holds what POSTing `body` would have made."""
    try:
        live_code, live_info = strip_trailer(str(live.get("code", "")))
        want_code, want_info = strip_trailer(str(body.get("code", "")))
        if live_info is None or want_info is None or live.get("integration"):
            return False
        values = {str(s["name"]): str(s["value"]) for s in body.get("secrets") or []}
        names = sorted(str(s.get("name")) for s in live.get("secrets") or [])
        return (
            live_code == want_code
            and live_info.protect == want_info.protect
            and live_info.code_hash == want_info.code_hash
            and live.get("runtime") == body.get("runtime")
            and _deps(live) == _deps(body)
            and _trigger(live) == _trigger(body)
            and names == sorted(values)
            and (
                verify(live_info.secrets, values, key_from_env())
                if values
                else live_info.secrets == ""
            )
        )
    except (AttributeError, KeyError, TypeError, IndexError):
        return False


def _secrets_match(digest: str, values: dict[str, str]) -> bool:
    return verify(digest, values, key_from_env()) if values else digest == ""
