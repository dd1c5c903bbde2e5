"""The plan's data types and canonical form (DESIGN.md "Plan")."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.core.digests import Scheme, pbkdf2, scheme_for
from reconciler.core.model import LiveBinding
from reconciler.core.trailer import new_salt
from reconciler.diff import Drift
from reconciler.diff.types import JSON

FORMAT_VERSION = "1"
SUMMARY_KEYS = ("create", "update", "deploy", "rebind", "delete", "adopt", "unmanaged")
PRUNE_DISABLED = "would delete (prune disabled)"


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


@dataclass(frozen=True, slots=True)
class Step:
    id: str  # stable: "create:NAME", "wait_build", "deploy:NAME", "rebind:TRIGGER", ...
    kind: str  # create | update | wait_build | deploy | rebind | delete
    address: str  # "action.NAME", "bindings.TRIGGER", "actions" (wait_build)
    depends_on: tuple[str, ...]
    payload: JSON


@dataclass(frozen=True, slots=True)
class Change:
    """One resource. `planned` is False when no step carries it out (unmanaged, a delete with
    prune disabled or a protected delete); such changes have empty preconditions."""

    address: str  # "action.NAME" | "bindings.TRIGGER"
    actions: tuple[str, ...]  # words from: create update deploy rebind delete adopt unmanaged
    reason: str
    diff: JSON = field(default_factory=dict)
    drift: tuple[Drift, ...] = ()
    preconditions: JSON = field(default_factory=dict)
    planned: bool = True

    @property
    def kind(self) -> str:
        return self.address.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.address.split(".", 1)[1]


@dataclass(frozen=True, slots=True)
class Plan:
    tenant: str
    manifest_digest: str
    plan_digest: str
    created_at: str
    targets: tuple[str, ...]
    summary: dict[str, int]
    changes: tuple[Change, ...]
    steps: tuple[Step, ...]
    blocked: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    format_version: str = FORMAT_VERSION
    root: str | None = None  # the manifest root as `plan` was given it (POSIX); None: unknown

    @property
    def has_changes(self) -> bool:
        """True when applying would write anything."""
        return bool(self.steps)

    def step(self, step_id: str) -> Step | None:
        for s in self.steps:
            if s.id == step_id:
                return s
        return None


# --------------------------------------------------------------------------- canonical form


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def change_to_dict(change: Change) -> JSON:
    return {
        "address": change.address,
        "actions": list(change.actions),
        "reason": change.reason,
        "planned": change.planned,
        "diff": change.diff,
        "drift": [{"category": d.category, "detail": d.detail} for d in change.drift],
        "preconditions": change.preconditions,
    }


def step_to_dict(step: Step) -> JSON:
    return {
        "id": step.id,
        "kind": step.kind,
        "address": step.address,
        "depends_on": list(step.depends_on),
        "payload": step.payload,
    }


def plan_digest(changes: Sequence[Change], steps: Sequence[Step]) -> str:
    """sha256 over the canonical JSON of changes + steps (never over created_at)."""
    body = {
        "changes": [change_to_dict(c) for c in changes],
        "steps": [step_to_dict(s) for s in steps],
    }
    return "sha256:" + hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def bindings_digest(entries: Sequence[LiveBinding]) -> str:
    """The precondition of a rebind: sha256 of the live ordered (action_id, display_name)."""
    data = [[e.action_id, e.display_name] for e in entries]
    return "sha256:" + hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()


def summarize(changes: Sequence[Change]) -> dict[str, int]:
    counts = dict.fromkeys(SUMMARY_KEYS, 0)
    for change in changes:
        for word in change.actions:
            if change.planned or word == "unmanaged":
                counts[word] += 1
    return counts
