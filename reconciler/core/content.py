"""What a deploy freezes, and the one judgement of "same content" on the tool's side.

An action's draft, a deployed version and a manifest action are all reduced to a `Content`
(code, runtime, dependencies, secret names, trigger) and compared with `same_content`. Code is
compared in its normalised form (`normalise_code`); the caller decides whether the ownership
trailer is part of it (the client compares the code as stored, trailer included, since the
trailer carries the secret digest; the diff and the twin check compare the code without it and
judge the trailer on their own). Dependencies are compared as a name -> version map and secrets
by their names, so order never matters.

The tenant emulator keeps its own judgement (`reconciler.emulator.views.content`): it stands for
the server, and the conformance suite checks it against recorded replies instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reconciler.core.livemodel import LiveAction, LiveVersion
from reconciler.core.model import Dependency, DesiredAction
from reconciler.core.trailer import normalise_code, strip_trailer


@dataclass(frozen=True, slots=True)
class Content:
    code: str  # normalised
    runtime: str
    dependencies: frozenset[tuple[str, str]]  # (name, version), one version per name
    secret_names: frozenset[str]
    trigger: tuple[str, str]  # (id, version) of the first supported trigger; ("", "") if none


def content(
    code: str,
    runtime: str,
    dependencies: Iterable[Dependency],
    secret_names: Iterable[str],
    trigger: tuple[str, str],
) -> Content:
    deps = {d.name: d.version for d in dependencies}
    return Content(
        normalise_code(code), runtime, frozenset(deps.items()), frozenset(secret_names), trigger
    )


def of_desired(desired: DesiredAction) -> Content:
    """A manifest action (its code has no trailer)."""
    return content(
        desired.code,
        desired.runtime,
        desired.dependencies,
        (s.name for s in desired.secrets),
        (desired.trigger, desired.trigger_version),
    )


def of_action(action: LiveAction, *, trailer: bool = True) -> Content:
    """A live action's draft; `trailer=False` compares its code without the ownership trailer."""
    code = action.code if trailer else strip_trailer(action.code)[0]
    names = (s.name for s in action.secrets)
    trigger = (action.trigger, action.trigger_version)
    return content(code, action.runtime, action.dependencies, names, trigger)


def of_version(version: LiveVersion, trigger: tuple[str, str], *, trailer: bool = True) -> Content:
    """A version (`LiveVersion` does not carry its trigger: the caller says which it has)."""
    code = version.code if trailer else strip_trailer(version.code)[0]
    return content(code, version.runtime, version.dependencies, version.secret_names, trigger)


def same_content(a: Content, b: Content) -> bool:
    """Do the two hold the same code, runtime, dependencies, secret names and trigger?"""
    return a == b
