"""Is a live action exactly what a create would have made? (a concurrent apply's create)

Two applies of the same manifests started together both plan `create X`; the second POST gets
409 ("already exists"). If the action holding the name is a managed twin of our create body
(same code under the trailer, same protect flag, same trigger, runtime and dependencies, and a
secret digest that verifies against our values), the create has converged: the applier adopts
its id instead of failing. Anything else keeps the 409 as a failure (the plan was stale).
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.apply.bodies import ActionBody
from reconciler.core.digests import key_from_env
from reconciler.core.trailer import strip_trailer, verify


def _entries(value: object) -> list[Mapping[str, object]]:
    """The objects of a list member of an API object (anything else: none)."""
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _deps(entries: list[Mapping[str, object]]) -> list[tuple[str, str]]:
    return sorted((str(d.get("name")), str(d.get("version"))) for d in entries)


def _trigger(entries: list[Mapping[str, object]]) -> tuple[object, object]:
    first = entries[0] if entries else {}
    return first.get("id"), first.get("version")


def is_twin(live: Mapping[str, object], body: ActionBody) -> bool:
    """True when `live` (an action from the API) holds what POSTing `body` would have made."""
    live_code, live_info = strip_trailer(str(live.get("code", "")))
    want_code, want_info = strip_trailer(body.get("code", ""))
    if live_info is None or want_info is None or live.get("integration"):
        return False
    values = {s["name"]: s["value"] for s in body.get("secrets", [])}
    names = sorted(str(s.get("name")) for s in _entries(live.get("secrets")))
    want_deps = sorted((d["name"], d["version"]) for d in body.get("dependencies", []))
    triggers = body.get("supported_triggers") or []
    want_trigger = (triggers[0]["id"], triggers[0]["version"]) if triggers else (None, None)
    return (
        live_code == want_code
        and live_info.protect == want_info.protect
        and live_info.code_hash == want_info.code_hash
        and live.get("runtime") == body.get("runtime")
        and _deps(_entries(live.get("dependencies"))) == want_deps
        and _trigger(_entries(live.get("supported_triggers"))) == want_trigger
        and names == sorted(values)
        and (
            verify(live_info.secrets, values, key_from_env()) if values else live_info.secrets == ""
        )
    )
