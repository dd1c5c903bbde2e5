"""How to plan (`PlanOptions`): its own module, so a command builds one before the planner is
imported (issue 16: the tenant read starts before the heavy imports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from reconciler.core.digests import Scheme, pbkdf2, scheme_for
from reconciler.core.trailer import new_salt


def _fresh_salt(name: str) -> bytes:
    return new_salt()


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """How to plan. `salt(name)` gives the salt of a new secret digest for action `name`
    (fresh random bytes by default; tests inject a fixed one); `now()` gives `created_at`."""

    allow_delete: bool = False  # OR-ed with settings.prune
    max_deletes: int | None = None
    targets: tuple[str, ...] = ()
    salt: Callable[[str], bytes] = _fresh_salt
    iterations: int | None = None  # v1 PBKDF2 digests at this count (tests); None: see below
    now: Callable[[], str] = _utc_now
    digest_key: bytes | None = field(default=None, repr=False)  # RECONCILER_DIGEST_KEY

    @property
    def digest_scheme(self) -> Scheme:
        """The scheme of new secret digests: keyed with `digest_key`, else unkeyed scrypt."""
        if self.iterations is not None:
            return pbkdf2(self.iterations)
        return scheme_for(self.digest_key)
