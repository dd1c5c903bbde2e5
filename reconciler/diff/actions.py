"""Desired vs live for one action: two questions (draft vs manifest, deployed vs manifest),
the secret digest checks, drift categories, and ownership of actions the manifests do not name.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from reconciler.core.digests import DEFAULT, Scheme
from reconciler.core.livemodel import LiveAction, LiveVersion
from reconciler.core.model import DesiredAction
from reconciler.core.trailer import (
    TrailerInfo,
    code_hash,
    digest_names,
    normalise_code,
    strip_trailer,
)
from reconciler.diff.deployed import deployed_matches, drift
from reconciler.diff.fields import Shape, StructuredDiff, code_diff, shape, structured_diff
from reconciler.diff.records import (
    CodeDiff,
    DependencyChange,
    FieldChange,
    FieldDiff,
    SecretChange,
)
from reconciler.diff.secrets import (
    KEYED,
    REFRESH,
    Digests,
    desired_values,
    needs_refresh,
)
from reconciler.diff.types import (
    ADOPT,
    CREATE,
    MANAGED,
    ORPHAN,
    UNMANAGED,
    ActionDiff,
)


def _field_diff(
    before_code: str,
    before: Shape,
    desired: DesiredAction,
    after: Shape,
    secrets: Mapping[str, str],
    label: str,
) -> FieldDiff:
    detail = structured_diff(before, after)
    code: CodeDiff | None = None
    if normalise_code(before_code) != normalise_code(desired.code):
        unified = code_diff(
            before_code,
            desired.code,
            before_label=f"{desired.name} ({label})",
            after_label=f"{desired.name} (manifest: {desired.code_file})",
        )
        code = CodeDiff(desired.code_file, unified=tuple(unified))
    return FieldDiff(
        against=label,
        trigger=detail.trigger,
        runtime=detail.runtime,
        dependencies=detail.dependencies,
        secrets=tuple(SecretChange(n, c) for n, c in secrets.items()) if secrets else None,
        code=code,
    )


def _create(desired: DesiredAction, values: Mapping[str, str] | None) -> ActionDiff:
    deps = tuple(DependencyChange(d.name, None, d.version) for d in desired.dependencies)
    diff = FieldDiff(
        against="nothing",
        trigger=FieldChange(None, f"{desired.trigger} {desired.trigger_version}"),
        runtime=FieldChange(None, desired.runtime),
        dependencies=deps or None,
        secrets=tuple(SecretChange(s.name, "added") for s in desired.secrets) or None,
        code=CodeDiff(desired.code_file, lines=len(normalise_code(desired.code).splitlines())),
    )
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


@dataclass(frozen=True)
class _Draft:
    """The live draft of an action next to its manifest."""

    code: str  # the draft's code, trailer stripped
    info: TrailerInfo | None  # its ownership trailer
    names: list[str]  # the manifest's secret names
    want: Shape  # the manifest's shape (trigger, runtime, dependencies, secret names)
    draft: Shape  # the draft's shape
    detail: StructuredDiff  # structured_diff(draft, want)
    code_changed: bool
    secrets: dict[str, str]  # secret name -> change against the draft


def _compare_draft(desired: DesiredAction, live: LiveAction, digests: Digests) -> _Draft:
    code, info = strip_trailer(live.code)
    names = [s.name for s in desired.secrets]
    live_names = [s.name for s in live.secrets]
    trigger = f"{desired.trigger} {desired.trigger_version}"
    want = shape(trigger, desired.runtime, desired.dependencies, names)
    draft = shape(
        f"{live.trigger} {live.trigger_version}", live.runtime, live.dependencies, live_names
    )
    return _Draft(
        code=code,
        info=info,
        names=names,
        want=want,
        draft=draft,
        detail=structured_diff(draft, want),
        code_changed=normalise_code(code) != normalise_code(desired.code),
        secrets=digests.entries(live_names, info.secrets if info else None, names),
    )


def _secret_reuse(
    desired: DesiredAction, d: _Draft, values: Mapping[str, str] | None, scheme: Scheme
) -> tuple[bool, str | None, bool]:
    """(the secrets need writing, the live digest when it still describes the desired secrets,
    that digest needs a refresh to the current scheme)."""
    needs_secrets = d.detail.changed("secret_names") or (
        values is not None and any(c not in ("added", "removed", KEYED) for c in d.secrets.values())
    )
    reuse: str | None = None
    if not needs_secrets:
        if not desired.secrets:
            reuse = ""
        elif d.info is not None and (
            values is None or digest_names(d.info.secrets) == tuple(sorted(d.names))
        ):
            reuse = d.info.secrets
    refresh = needs_refresh(reuse, values, scheme)
    return needs_secrets, None if refresh else reuse, refresh


def _draft_reasons(
    desired: DesiredAction,
    d: _Draft,
    needs_secrets: bool,
    update_fields: tuple[str, ...],
    refresh: bool,
    scheme: Scheme,
) -> list[str]:
    """Why the draft is written (or adopted)."""
    reasons: list[str] = []
    info = d.info
    if info is None:
        reasons.append("in the tenant without the ownership trailer: adopting it")
    changed_names = [k for k in ("trigger", "runtime", "dependencies") if d.detail.changed(k)]
    if d.code_changed:
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
    return reasons


def _deploy_reason(version: LiveVersion | None, deployed_equal: bool) -> str:
    if version is None:
        return "never deployed"
    if not deployed_equal:
        return f"deployed version {version.number} differs from the manifest"
    return "trigger changed"


def _shown_diff(
    desired: DesiredAction,
    d: _Draft,
    update_fields: tuple[str, ...],
    deploy: bool,
    version: LiveVersion | None,
    v_code: str,
    v_info: TrailerInfo | None,
    digests: Digests,
) -> FieldDiff:
    """The field diff shown: against the draft when it is written, else against the deployed
    version when only a deploy is due."""
    info = d.info
    diff = FieldDiff()
    if update_fields:
        diff = _field_diff(d.code, d.draft, desired, d.want, d.secrets, "tenant draft")
        if info is not None and info.protect != desired.protect:
            diff = replace(diff, protect=FieldChange(info.protect, desired.protect))
    elif deploy and version is not None:
        v_shape = shape(d.want.trigger, version.runtime, version.dependencies, version.secret_names)
        v_secrets = digests.entries(
            list(version.secret_names), v_info.secrets if v_info else None, d.names
        )
        label = f"deployed version {version.number}"
        diff = _field_diff(v_code, v_shape, desired, d.want, v_secrets, label)
    return diff


def diff_desired(
    desired: DesiredAction, live: LiveAction | None, scheme: Scheme = DEFAULT
) -> ActionDiff:
    """Compare one manifest action with the live action of the same name (None: absent)."""
    values = desired_values(desired)
    if live is None:
        return _create(desired, values)
    digests = Digests(values, scheme.key)
    d = _compare_draft(desired, live, digests)
    info = d.info
    needs_secrets, reuse, refresh = _secret_reuse(desired, d, values, scheme)
    trailer_stale = (
        info is None
        or info.protect != desired.protect
        or info.code_hash != code_hash(desired.code)
        or reuse != info.secrets
    )
    wanted = {
        "supported_triggers": d.detail.changed("trigger"),
        "code": d.code_changed or trailer_stale,
        "runtime": d.detail.changed("runtime"),
        "dependencies": d.detail.changed("dependencies"),
        "secrets": needs_secrets,
    }
    update_fields = tuple(f for f, on in wanted.items() if on)

    version = live.deployed_version
    deployed_equal, v_code, v_info = deployed_matches(desired, version, digests)
    deploy = desired.deploy and (not deployed_equal or "supported_triggers" in update_fields)
    reasons = _draft_reasons(desired, d, needs_secrets, update_fields, refresh, scheme)
    if deploy:
        reasons.append(_deploy_reason(version, deployed_equal))

    diff = _shown_diff(desired, d, update_fields, deploy, version, v_code, v_info, digests)
    return ActionDiff(
        name=desired.name,
        status=MANAGED if info is not None else ADOPT,
        desired=desired,
        live=live,
        trailer=info,
        update_fields=update_fields,
        deploy=deploy,
        diff=diff,
        drift=drift(live, d.code, info, version, v_code, v_info, desired),
        reasons=tuple(reasons),
        reuse_digest=reuse,
        secrets_unresolved=values is None and bool(desired.secrets),
        digest_keyed=KEYED in d.secrets.values(),
    )


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
