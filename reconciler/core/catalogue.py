"""Built-in trigger catalogue for offline validation.

Source: the real `GET /actions/triggers` response recorded Aug 2026 (auth0-actions-api.md §3.1).
A live catalogue read from the tenant wins over this one wherever both exist.
"""

from __future__ import annotations

from reconciler.core.livemodel import Trigger

_RUNTIMES = ("node18-actions", "node22")

# trigger id -> (current version, deprecated [(version, runtimes, default runtime)],
#                binding policy, runtimes of the current version)
_Deprecated = tuple[tuple[str, tuple[str, ...], str], ...]
_TABLE: dict[str, tuple[str, _Deprecated, str, tuple[str, ...]]] = {
    "post-login": (
        "v3",
        (("v2", ("node18", "node22"), "node16"), ("v1", ("node22",), "node12")),
        "trigger-bound",
        _RUNTIMES,
    ),
    "credentials-exchange": ("v2", (("v1", ("node22",), "node12"),), "trigger-bound", _RUNTIMES),
    "pre-user-registration": ("v2", (("v1", ("node22",), "node12"),), "trigger-bound", _RUNTIMES),
    "post-user-registration": ("v2", (("v1", ("node22",), "node12"),), "trigger-bound", _RUNTIMES),
    "post-change-password": ("v2", (("v1", ("node22",), "node12"),), "trigger-bound", _RUNTIMES),
    "send-phone-message": ("v2", (("v1", ("node22",), "node12"),), "trigger-bound", _RUNTIMES),
    "password-reset-post-challenge": ("v1", (), "trigger-bound", _RUNTIMES),
    "custom-phone-provider": ("v1", (), "trigger-bound", _RUNTIMES),
    "custom-email-provider": ("v1", (), "trigger-bound", _RUNTIMES),
    "custom-token-exchange": ("v1", (), "entity-bound", ("node18", "node22")),
    "event-stream": ("v1", (), "entity-bound", ("node22",)),
    "password-hash-migration": ("v1", (), "entity-bound", ("node22",)),
    "mcp-tool": ("v1", (), "entity-bound", ("node22",)),
}

#: The function each trigger calls; the code must export it (lint, saves a failed build).
HANDLERS: dict[str, str] = {
    "post-login": "onExecutePostLogin",
    "credentials-exchange": "onExecuteCredentialsExchange",
    "pre-user-registration": "onExecutePreUserRegistration",
    "post-user-registration": "onExecutePostUserRegistration",
    "post-change-password": "onExecutePostChangePassword",
    "send-phone-message": "onExecuteSendPhoneMessage",
    "password-reset-post-challenge": "onExecutePostChallenge",
    "custom-phone-provider": "onExecuteCustomPhoneProvider",
    "custom-email-provider": "onExecuteCustomEmailProvider",
    "custom-token-exchange": "onExecuteCustomTokenExchange",
    "event-stream": "onExecuteEventStream",
    "password-hash-migration": "onExecutePasswordHashMigration",
    "mcp-tool": "onExecuteMcpTool",
}


def _build() -> tuple[Trigger, ...]:
    out: list[Trigger] = []
    for tid, (current, deprecated, policy, runtimes) in _TABLE.items():
        compatible: tuple[tuple[str, str], ...] = ()
        if tid == "post-login":
            compatible = (("post-login", "v2"),)
        out.append(Trigger(tid, current, "CURRENT", runtimes, "node22", policy, compatible))
        for version, rts, default in deprecated:
            out.append(Trigger(tid, version, "DEPRECATED", rts, default, policy))
    return tuple(out)


BUILTIN_TRIGGERS: tuple[Trigger, ...] = _build()


class Catalogue:
    """Lookup over a set of triggers (built-in or live)."""

    def __init__(self, triggers: tuple[Trigger, ...] = BUILTIN_TRIGGERS) -> None:
        self.triggers = triggers

    def ids(self) -> list[str]:
        return sorted({t.id for t in self.triggers})

    def versions(self, trigger_id: str) -> list[Trigger]:
        return [t for t in self.triggers if t.id == trigger_id]

    def get(self, trigger_id: str, version: str) -> Trigger | None:
        for t in self.triggers:
            if t.id == trigger_id and t.version == version:
                return t
        return None

    def current(self, trigger_id: str) -> Trigger | None:
        versions = self.versions(trigger_id)
        for t in versions:
            if t.status == "CURRENT":
                return t
        return max(versions, key=lambda t: t.version) if versions else None

    def is_trigger_bound(self, trigger_id: str) -> bool:
        t = self.current(trigger_id)
        return t is not None and t.binding_policy == "trigger-bound"

    def handler(self, trigger_id: str) -> str | None:
        return HANDLERS.get(trigger_id)
