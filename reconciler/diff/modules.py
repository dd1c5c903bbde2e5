"""Desired vs live for Actions Modules: ownership by the code's trailer (create / managed /
adopt / orphan / unmanaged, as for actions), the draft's differing fields (code without the
trailer, dependencies, secret names, secret values through the trailer's digest), and whether
a new version must be published. Decisions about ordering, deletes and pins are the planner's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.core.digests import DEFAULT, Scheme
from reconciler.core.livemodel import LiveModule
from reconciler.core.model import DesiredModule
from reconciler.core.trailer import TrailerInfo, code_hash, normalise_code, strip_trailer
from reconciler.diff.actions import ignore_glob
from reconciler.diff.fields import code_diff
from reconciler.diff.records import CodeDiff, DependencyChange, FieldChange, FieldDiff, SecretChange
from reconciler.diff.secrets import NEW_VALUE, UNKNOWN, Digests, desired_values
from reconciler.diff.types import ADOPT, CREATE, MANAGED, ORPHAN, UNMANAGED

#: The draft fields an update may send, in payload order.
MODULE_FIELDS = ("code", "dependencies", "secrets")


@dataclass(frozen=True, slots=True)
class ModuleDiff:
    """Desired vs live for one module name. `update_fields`: the draft members to write (all
    of MODULE_FIELDS for a create); `publish`: a new version is due after the write;
    `reuse_digest`: the live secret digest when it still describes the desired secrets."""

    name: str
    status: str
    desired: DesiredModule | None = None
    live: LiveModule | None = None
    trailer: TrailerInfo | None = None
    update_fields: tuple[str, ...] = ()
    publish: bool = False
    diff: FieldDiff = FieldDiff()
    reasons: tuple[str, ...] = ()
    reuse_digest: str | None = None
    secrets_unresolved: bool = False

    @property
    def protected(self) -> bool:
        if self.desired is not None:
            return self.desired.protect
        return self.trailer is not None and self.trailer.protect

    @property
    def changed(self) -> bool:
        return bool(self.update_fields) or self.publish or self.status == ORPHAN


def _deps_changes(
    before: Sequence[tuple[str, str]], after: Sequence[tuple[str, str]]
) -> tuple[DependencyChange, ...]:
    old, new = dict(before), dict(after)
    return tuple(
        DependencyChange(n, old.get(n), new.get(n))
        for n in sorted(set(old) | set(new))
        if old.get(n) != new.get(n)
    )


def _create(desired: DesiredModule) -> ModuleDiff:
    deps = tuple(DependencyChange(d.name, None, d.version) for d in desired.dependencies)
    diff = FieldDiff(
        against="nothing",
        dependencies=deps or None,
        secrets=tuple(SecretChange(s.name, "added") for s in desired.secrets) or None,
        code=CodeDiff(desired.code_file, lines=len(normalise_code(desired.code).splitlines())),
    )
    return ModuleDiff(
        desired.name,
        CREATE,
        desired=desired,
        update_fields=MODULE_FIELDS,
        publish=desired.publish,
        diff=diff,
        reasons=("not in the tenant",),
        secrets_unresolved=desired_values(desired) is None,
    )


def _shown(
    desired: DesiredModule,
    code: str,
    info: TrailerInfo | None,
    deps: tuple[DependencyChange, ...],
    secrets: dict[str, str],
) -> FieldDiff:
    """The field diff shown against the tenant's draft."""
    code_changed = normalise_code(code) != normalise_code(desired.code)
    unified = code_diff(
        code,
        desired.code,
        before_label=f"{desired.name} (tenant draft)",
        after_label=f"{desired.name} (manifest: {desired.code_file})",
    )
    protect = info is not None and info.protect != desired.protect
    return FieldDiff(
        against="tenant draft",
        dependencies=deps or None,
        secrets=tuple(SecretChange(n, c) for n, c in secrets.items()) or None,
        code=CodeDiff(desired.code_file, unified=tuple(unified)) if code_changed else None,
        protect=FieldChange(info.protect, desired.protect) if protect and info else None,
    )


def _reasons(
    desired: DesiredModule, info: TrailerInfo | None, fields: tuple[str, ...], differing: list[str]
) -> list[str]:
    """Why the draft is written (or adopted)."""
    reasons = [] if info else ["in the tenant without the ownership trailer: adopting it"]
    if differing:
        reasons.append("draft differs from the manifest: " + ", ".join(differing))
    elif fields and info is not None:
        changed = info.protect != desired.protect
        reasons.append("protect changed" if changed else "ownership trailer out of date")
    return reasons


def _publish_reason(live: LiveModule) -> str:
    number = live.latest_version_number
    return "never published" if number == 0 else f"draft differs from published version {number}"


def diff_module(
    desired: DesiredModule, live: LiveModule | None, scheme: Scheme = DEFAULT
) -> ModuleDiff:
    """Compare one manifest module with the live module of the same name (None: absent)."""
    if live is None:
        return _create(desired)
    values = desired_values(desired)
    code, info = strip_trailer(live.code)
    names = [s.name for s in desired.secrets]
    live_names = [s.name for s in live.secrets]
    secrets = Digests(values, scheme.key).entries(live_names, info.secrets if info else None, names)
    code_changed = normalise_code(code) != normalise_code(desired.code)
    want_deps = [(d.name, d.version) for d in desired.dependencies]
    deps = _deps_changes([(d.name, d.version) for d in live.dependencies], want_deps)
    needs_secrets = sorted(names) != sorted(live_names) or (
        values is not None and any(c in (NEW_VALUE, UNKNOWN) for c in secrets.values())
    )
    reuse = None if needs_secrets or info is None else info.secrets
    if not desired.secrets and not needs_secrets:
        reuse = ""
    stale = (
        info is None
        or info.protect != desired.protect
        or info.code_hash != code_hash(desired.code)
        or reuse != info.secrets
    )
    wanted = {"code": code_changed or stale, "dependencies": bool(deps), "secrets": needs_secrets}
    fields = tuple(f for f, on in wanted.items() if on)
    differing = [n for n, on in (("code", code_changed), ("dependencies", bool(deps))) if on]
    reasons = _reasons(desired, info, fields, differing + (["secrets"] if needs_secrets else []))
    unpublished = bool(fields) or not live.all_changes_published or live.latest_version_number == 0
    publish = desired.publish and unpublished
    if publish:
        reasons.append(_publish_reason(live))
    return ModuleDiff(
        desired.name,
        MANAGED if info is not None else ADOPT,
        desired=desired,
        live=live,
        trailer=info,
        update_fields=fields,
        publish=publish,
        diff=_shown(desired, code, info, deps, secrets) if fields else FieldDiff(),
        reasons=tuple(reasons),
        reuse_digest=reuse,
        secrets_unresolved=values is None and bool(desired.secrets),
    )


def classify_module(live: LiveModule, globs: Sequence[str]) -> ModuleDiff:
    """A live module the manifests do not declare: orphan (ours) or unmanaged."""
    glob = ignore_glob(live.name, globs)
    if glob is not None:
        reason = f"matches settings.ignore glob {glob!r}"
        return ModuleDiff(live.name, UNMANAGED, live=live, reasons=(reason,))
    _, info = strip_trailer(live.code)
    if info is None:
        reason = "not in the manifests and has no ownership trailer"
        return ModuleDiff(live.name, UNMANAGED, live=live, reasons=(reason,))
    reason = "managed by reconciler and no longer in the manifests"
    return ModuleDiff(live.name, ORPHAN, live=live, trailer=info, reasons=(reason,))


def diff_modules(
    desired: Sequence[DesiredModule],
    live: Sequence[LiveModule],
    globs: Sequence[str],
    scheme: Scheme = DEFAULT,
) -> tuple[ModuleDiff, ...]:
    """Every declared module against the tenant, then the tenant's other modules; by name."""
    by_name = {m.name: m for m in live}
    names = {m.name for m in desired}
    out = [diff_module(m, by_name.get(m.name), scheme) for m in desired]
    out += [classify_module(m, globs) for m in live if m.name not in names]
    return tuple(sorted(out, key=lambda d: d.name))
