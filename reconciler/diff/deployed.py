"""The deployed version of a managed action next to its manifest: is it equal (judged by
reconciler.core.content, without the trailer), and what was edited outside reconciler (drift
categories)."""

from __future__ import annotations

from reconciler.core.content import of_desired, of_version, same_content
from reconciler.core.livemodel import LiveAction, LiveVersion
from reconciler.core.model import DesiredAction
from reconciler.core.trailer import (
    TrailerInfo,
    code_hash,
    digest_names,
    normalise_code,
    strip_trailer,
)
from reconciler.diff.secrets import Digests, not_compared
from reconciler.diff.types import (
    DASHBOARD_EDIT_DEPLOYED,
    SECRET_ADDED,
    SECRET_REMOVED,
    UNDEPLOYED_DASHBOARD_DRAFT,
    Drift,
)


def same_as_manifest(desired: DesiredAction, version: LiveVersion) -> bool:
    """The version holds the manifest's code (trailer aside), runtime, dependencies and secret
    names. A version carries no trigger: the trigger is judged on the draft (a changed trigger
    updates and deploys anyway)."""
    trigger = (desired.trigger, desired.trigger_version)
    return same_content(of_version(version, trigger, trailer=False), of_desired(desired))


def deployed_matches(
    desired: DesiredAction,
    version: LiveVersion | None,
    digests: Digests,
) -> tuple[bool, str, TrailerInfo | None]:
    if version is None:
        return False, "", None
    v_code, v_info = strip_trailer(version.code)
    equal = same_as_manifest(desired, version)
    if equal and desired.secrets and digests.values is not None:
        names = tuple(sorted(digests.values))
        equal = (
            v_info is not None
            and digest_names(v_info.secrets) == names
            and (not_compared(v_info.secrets, digests.key) or digests.changed(v_info.secrets) == ())
        )
    return equal, v_code, v_info


def drift(
    live: LiveAction,
    code: str,
    info: TrailerInfo | None,
    version: LiveVersion | None,
    v_code: str,
    v_info: TrailerInfo | None,
    desired: DesiredAction,
) -> tuple[Drift, ...]:
    if info is None:
        return ()
    out: list[Drift] = []
    norm = normalise_code
    if (
        version is not None
        and v_info is not None
        and v_info.code_hash
        and not same_as_manifest(desired, version)
        and v_info.code_hash != code_hash(v_code)
    ):
        out.append(
            Drift(
                DASHBOARD_EDIT_DEPLOYED,
                f"deployed version {version.number} was edited outside reconciler "
                "and differs from the manifest",
            )
        )
    draft_edited = bool(info.code_hash) and info.code_hash != code_hash(code)
    if draft_edited and norm(code) != norm(desired.code):
        same_as_deployed = (
            version is not None
            and norm(code) == norm(v_code)
            and live.runtime == version.runtime
            and live.dependencies == version.dependencies
        )
        if not same_as_deployed:
            out.append(
                Drift(
                    UNDEPLOYED_DASHBOARD_DRAFT,
                    "the draft was edited outside reconciler and not deployed; "
                    "this plan overwrites it",
                )
            )
    # A secret value that differs from the digest reconciler last wrote is a change of the
    # input (var file / environment), never drift: values are write-only, so a dashboard edit
    # of a value cannot be seen at all. The field diff says "new value" instead.
    covered = digest_names(info.secrets)
    if covered is not None:
        live_names = {s.name for s in live.secrets}
        for name in sorted(live_names - set(covered)):
            out.append(Drift(SECRET_ADDED, f"secret {name} was added outside reconciler"))
        for name in sorted(set(covered) - live_names):
            out.append(Drift(SECRET_REMOVED, f"secret {name} was removed outside reconciler"))
    return tuple(out)
