"""Desired vs live for one action: two questions (draft vs manifest, deployed vs manifest),
the secret digest checks, drift categories, and ownership of actions the manifests do not name.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.diff.fields import code_diff, shape, structured_diff
from reconciler.diff.secrets import (
    KEYED,
    REFRESH,
    Digests,
    desired_values,
    needs_refresh,
    not_compared,
)
from reconciler.diff.types import (
    ADOPT,
    CREATE,
    DASHBOARD_EDIT_DEPLOYED,
    JSON,
    MANAGED,
    ORPHAN,
    SECRET_ADDED,
    SECRET_REMOVED,
    UNDEPLOYED_DASHBOARD_DRAFT,
    UNMANAGED,
    ActionDiff,
    Drift,
)
from reconciler.digests import DEFAULT, Scheme
from reconciler.model import DesiredAction, LiveAction, LiveVersion
from reconciler.trailer import (
    TrailerInfo,
    code_hash,
    digest_names,
    normalise_code,
    strip_trailer,
)


def _field_diff(
    before_code: str,
    before: Mapping[str, Any],
    desired: DesiredAction,
    after: Mapping[str, Any],
    secrets: Mapping[str, str],
    label: str,
) -> JSON:
    out: JSON = {"against": label}
    detail = structured_diff(before, after)
    for key in ("trigger", "runtime", "dependencies"):
        if key in detail:
            out[key] = detail[key]
    if secrets:
        out["secrets"] = [{"name": n, "change": c} for n, c in secrets.items()]
    if normalise_code(before_code) != normalise_code(desired.code):
        out["code"] = {
            "file": desired.code_file,
            "unified": code_diff(
                before_code,
                desired.code,
                before_label=f"{desired.name} ({label})",
                after_label=f"{desired.name} (manifest: {desired.code_file})",
            ),
        }
    return out


def _create(desired: DesiredAction, values: Mapping[str, str] | None) -> ActionDiff:
    diff: JSON = {
        "against": "nothing",
        "trigger": {"before": None, "after": f"{desired.trigger} {desired.trigger_version}"},
        "runtime": {"before": None, "after": desired.runtime},
        "code": {
            "file": desired.code_file,
            "lines": len(normalise_code(desired.code).splitlines()),
        },
    }
    if desired.dependencies:
        diff["dependencies"] = [
            {"name": d.name, "before": None, "after": d.version} for d in desired.dependencies
        ]
    if desired.secrets:
        diff["secrets"] = [{"name": s.name, "change": "added"} for s in desired.secrets]
    return ActionDiff(
        name=desired.name,
        status=CREATE,
        desired=desired,
        update_fields=("supported_triggers", "code", "runtime", "dependencies", "secrets"),
        deploy=desired.deploy,
        diff=diff,
        reasons=("not in the tenant",),
        secrets_unresolved=values is None,
    )


def diff_desired(
    desired: DesiredAction, live: LiveAction | None, scheme: Scheme = DEFAULT
) -> ActionDiff:
    """Compare one manifest action with the live action of the same name (None: absent)."""
    values = desired_values(desired)
    if live is None:
        return _create(desired, values)
    digests = Digests(values, scheme.key)
    code, info = strip_trailer(live.code)
    names = [s.name for s in desired.secrets]
    live_names = [s.name for s in live.secrets]
    trigger = f"{desired.trigger} {desired.trigger_version}"
    want = shape(trigger, desired.runtime, desired.dependencies, names)
    draft = shape(
        f"{live.trigger} {live.trigger_version}", live.runtime, live.dependencies, live_names
    )
    detail = structured_diff(draft, want)
    code_changed = normalise_code(code) != normalise_code(desired.code)
    draft_secrets = digests.entries(live_names, info.secrets if info else None, names)

    needs_secrets = "secret_names" in detail or (
        values is not None
        and any(c not in ("added", "removed", KEYED) for c in draft_secrets.values())
    )
    reuse: str | None = None  # the live digest, when it still describes the desired secrets
    if not needs_secrets:
        if not desired.secrets:
            reuse = ""
        elif info is not None and (
            values is None or digest_names(info.secrets) == tuple(sorted(names))
        ):
            reuse = info.secrets
    refresh = needs_refresh(reuse, values, scheme)
    if refresh:
        reuse = None
    trailer_stale = (
        info is None
        or info.protect != desired.protect
        or info.code_hash != code_hash(desired.code)
        or reuse != info.secrets
    )
    wanted = {
        "supported_triggers": "trigger" in detail,
        "code": code_changed or trailer_stale,
        "runtime": "runtime" in detail,
        "dependencies": "dependencies" in detail,
        "secrets": needs_secrets,
    }
    update_fields = tuple(f for f, on in wanted.items() if on)

    version = live.deployed_version
    deployed_equal, v_code, v_info = _deployed_equal(desired, version, want, digests)
    deploy = desired.deploy and (not deployed_equal or "supported_triggers" in update_fields)

    reasons: list[str] = []
    if info is None:
        reasons.append("in the tenant without the ownership trailer: adopting it")
    changed_names: list[str] = [k for k in ("trigger", "runtime", "dependencies") if k in detail]
    if code_changed:
        changed_names.insert(0, "code")
    if needs_secrets:
        changed_names.append("secrets")
    if changed_names:
        reasons.append("draft differs from the manifest: " + ", ".join(changed_names))
    elif update_fields and info is not None:
        if info.protect != desired.protect:
            reasons.append("protect changed")
        elif refresh and info.code_hash == code_hash(desired.code):
            reasons.append(REFRESH.format(scheme=scheme.name))
        else:
            reasons.append("ownership trailer out of date")
    if deploy:
        if version is None:
            reasons.append("never deployed")
        elif not deployed_equal:
            reasons.append(f"deployed version {version.number} differs from the manifest")
        else:
            reasons.append("trigger changed")

    diff: JSON = {}
    if update_fields:
        diff = _field_diff(code, draft, desired, want, draft_secrets, "tenant draft")
        if info is not None and info.protect != desired.protect:
            diff["protect"] = {"before": info.protect, "after": desired.protect}
    elif deploy and version is not None:
        v_shape = shape(trigger, version.runtime, version.dependencies, version.secret_names)
        v_secrets = digests.entries(
            list(version.secret_names), v_info.secrets if v_info else None, names
        )
        label = f"deployed version {version.number}"
        diff = _field_diff(v_code, v_shape, desired, want, v_secrets, label)

    drift = _drift(live, code, info, version, v_code, v_info, desired, want)
    return ActionDiff(
        name=desired.name,
        status=MANAGED if info is not None else ADOPT,
        desired=desired,
        live=live,
        trailer=info,
        update_fields=update_fields,
        deploy=deploy,
        diff=diff,
        drift=drift,
        reasons=tuple(reasons),
        reuse_digest=reuse,
        secrets_unresolved=values is None and bool(desired.secrets),
        digest_keyed=KEYED in draft_secrets.values(),
    )


def _deployed_equal(
    desired: DesiredAction,
    version: LiveVersion | None,
    want: Mapping[str, Any],
    digests: Digests,
) -> tuple[bool, str, TrailerInfo | None]:
    if version is None:
        return False, "", None
    v_code, v_info = strip_trailer(version.code)
    v_shape = shape(want["trigger"], version.runtime, version.dependencies, version.secret_names)
    equal = normalise_code(v_code) == normalise_code(desired.code) and v_shape == want
    if equal and desired.secrets and digests.values is not None:
        names = tuple(sorted(digests.values))
        equal = (
            v_info is not None
            and digest_names(v_info.secrets) == names
            and (not_compared(v_info.secrets, digests.key) or digests.changed(v_info.secrets) == ())
        )
    return equal, v_code, v_info


def _drift(
    live: LiveAction,
    code: str,
    info: TrailerInfo | None,
    version: LiveVersion | None,
    v_code: str,
    v_info: TrailerInfo | None,
    desired: DesiredAction,
    want: Mapping[str, Any],
) -> tuple[Drift, ...]:
    if info is None:
        return ()
    out: list[Drift] = []
    norm = normalise_code
    if version is not None and v_info is not None and v_info.code_hash:
        v_shape = shape(
            want["trigger"], version.runtime, version.dependencies, version.secret_names
        )
        v_differs = norm(v_code) != norm(desired.code) or v_shape != want
        if v_differs and v_info.code_hash != code_hash(v_code):
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


def ignore_glob(name: str, globs: Sequence[str]) -> str | None:
    """The first settings.ignore glob matching `name` (case-sensitive), or None."""
    for glob in globs:
        if fnmatch.fnmatchcase(name, glob):
            return glob
    return None


def classify_leftover(live: LiveAction, globs: Sequence[str]) -> ActionDiff:
    """A live action the manifests do not name: orphan (ours, may be deleted) or unmanaged."""
    if live.marketplace:
        return ActionDiff(live.name, UNMANAGED, live=live, reasons=("marketplace integration",))
    glob = ignore_glob(live.name, globs)
    if glob is not None:
        reason = f"matches settings.ignore glob {glob!r}"
        return ActionDiff(live.name, UNMANAGED, live=live, reasons=(reason,))
    _, info = strip_trailer(live.code)
    if info is None:
        reason = "not in the manifests and has no ownership trailer"
        return ActionDiff(live.name, UNMANAGED, live=live, reasons=(reason,))
    reason = "managed by reconciler and no longer in the manifests"
    return ActionDiff(live.name, ORPHAN, live=live, trailer=info, reasons=(reason,))
