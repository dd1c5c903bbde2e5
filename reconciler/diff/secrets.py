"""The secret-value side of the action diff: per-secret change words from a live digest,
checked with the digest's own scheme, and when a digest only needs re-writing in the wanted
scheme (a "secret digest refresh", never a value change)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from reconciler.core.digests import Scheme, prefetch
from reconciler.core.livemodel import LiveAction
from reconciler.core.model import DesiredAction, DesiredModule, DesiredState
from reconciler.core.trailer import (
    changed_values,
    digest_checks,
    digest_names,
    digest_scheme,
    needs_key,
)

UNRESOLVED = "not compared (value unresolved)"
UNKNOWN = "value unknown (not written by reconciler)"
NEW_VALUE = "new value"  # a secret whose value in the var file or environment changed
KEYED = "not compared (digest keyed; RECONCILER_DIGEST_KEY not set)"
REFRESH = (
    "secret digest refresh: the trailer's digest of the unchanged secret values is re-written "
    "with {scheme} (the values are not re-sent)"
)


def desired_values(owner: DesiredAction | DesiredModule) -> dict[str, str] | None:
    """An action's or module's secrets: name -> clear value, or None when any is unresolved."""
    values: dict[str, str] = {}
    for secret in owner.secrets:
        if secret.value is None:
            return None
        values[secret.name] = secret.value.reveal()
    return values


class Digests:
    """Memoised `changed_values` for one action's desired values (unkeyed schemes are slow)."""

    def __init__(self, values: Mapping[str, str] | None, key: bytes | None = None) -> None:
        self.values = values
        self.key = key
        self._memo: dict[str, tuple[str, ...] | None] = {}

    def changed(self, digest: str) -> tuple[str, ...] | None:
        assert self.values is not None
        if digest not in self._memo:
            self._memo[digest] = changed_values(digest, self.values, self.key)
        return self._memo[digest]

    def entries(
        self, before_names: Sequence[str], digest: str | None, desired_names: Sequence[str]
    ) -> dict[str, str]:
        """Per-secret change words against a draft or version; no value ever."""
        out = {n: "added" for n in desired_names if n not in before_names}
        out.update({n: "removed" for n in before_names if n not in desired_names})
        common = [n for n in desired_names if n in before_names]
        if self.values is None:
            out.update({n: UNRESOLVED for n in common})
            return out
        if digest is not None and not_compared(digest, self.key):
            out.update({n: KEYED for n in common})
            return dict(sorted(out.items()))
        covered = digest_names(digest) if digest is not None else None
        changed = self.changed(digest) if digest is not None and covered is not None else None
        for name in common:
            if covered is None or changed is None or name not in covered:
                out[name] = UNKNOWN
            elif name in changed:
                out[name] = NEW_VALUE
        return dict(sorted(out.items()))


def needs_refresh(reuse: str | None, values: Mapping[str, str] | None, scheme: Scheme) -> bool:
    """The live digest describes the desired values but was made with another scheme."""
    if not reuse or values is None or needs_key(reuse, scheme.key):
        return False
    return digest_scheme(reuse) != scheme.label


def not_compared(digest: str, key: bytes | None) -> bool:
    """A keyed digest read without any key: its values are left alone, not compared. (With a
    different key they are unknown, and rewritten under the key at hand.)"""
    return key is None and needs_key(digest, None)


def prefetch_digests(
    desired: DesiredState, live_actions: Iterable[LiveAction], key: bytes | None
) -> None:
    """Hash ahead, on every core, what the diff's `Digests.changed` will check: each managed
    action's draft digest against its desired values (the deployed version's digest is the
    same one unless the draft was rewritten since). The results are the cache's; the diff
    itself is unchanged and computes whatever is not there."""
    values = {a.name: v for a in desired.actions if (v := desired_values(a))}
    prefetch(digest_checks(values, ((a.name, a.code) for a in live_actions)), key)
