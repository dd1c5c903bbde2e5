"""Lookups over the emulator's own trigger catalogue (`trigger_data.RECORDED_TRIGGERS`)."""

from __future__ import annotations

import copy
from typing import Any

from reconciler.emulator.trigger_data import RECORDED_TRIGGERS

Trigger = dict[str, Any]

#: The function each trigger's runtime calls (Auth0's documented handler names), for the test
#: endpoint's static evaluation.
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


class TriggerCatalogue:
    """The triggers this tenant offers, in the recorded order and shape."""

    def __init__(self, triggers: tuple[Trigger, ...] = RECORDED_TRIGGERS) -> None:
        self.triggers = triggers

    def wire(self) -> list[Trigger]:
        """The `GET /actions/triggers` items, exactly as recorded."""
        return [copy.deepcopy(t) for t in self.triggers]

    def ids(self) -> list[str]:
        return sorted({str(t["id"]) for t in self.triggers})

    def get(self, trigger_id: str, version: str) -> Trigger | None:
        for t in self.triggers:
            if t["id"] == trigger_id and t["version"] == version:
                return t
        return None

    def current(self, trigger_id: str) -> Trigger | None:
        versions = [t for t in self.triggers if t["id"] == trigger_id]
        for t in versions:
            if t["status"] == "CURRENT":
                return t
        return max(versions, key=lambda t: str(t["version"])) if versions else None

    def is_trigger_bound(self, trigger_id: str) -> bool:
        t = self.current(trigger_id)
        return t is not None and t.get("binding_policy", "trigger-bound") == "trigger-bound"

    def runtimes(self, trigger_id: str, version: str) -> list[str]:
        t = self.get(trigger_id, version)
        return [str(r) for r in t.get("runtimes", [])] if t else []
