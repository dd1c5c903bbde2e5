"""`POST /actions/actions/{id}/test`: a static evaluation in the recorded reply shape.

Real Auth0 runs the draft in Node and answers `{"payload": {"error"?: {name, message, stack},
"stats": {...7 integer timings...}}}` (GO1-REC TestActionManager_Test #4). The emulator runs no
JavaScript. It answers in that shape from what it can tell without running the code, and says
so in every stack trace:
- the draft does not assign the trigger's handler (`exports.onExecutePostLogin = ...`): a
  `TypeError` "<handler> is not a function";
- a post-login event without a `user` object: the `TypeError` the recorded run shows ("Cannot read
  properties of undefined (reading 'id')"): the runtime reads `event.user.id` before the handler;
- otherwise no `error`, only `stats`.
The `stats` are zeros: nothing was run, so nothing was measured.
"""

from __future__ import annotations

import re
from typing import Any

from reconciler.emulator.state import Record
from reconciler.emulator.tenant import Tenant
from reconciler.emulator.triggers import HANDLERS

STATS_KEYS = (
    "total_request_duration_ms",
    "total_runtime_execution_duration_ms",
    "runtime_processing_duration_ms",
    "action_duration_ms",
    "runtime_external_call_duration_ms",
    "boot_duration_ms",
    "network_duration_ms",
)
WHERE = "    at <reconciler emulator: static evaluation, no code was run>"


def _error(name: str, message: str) -> Record:
    return {"message": message, "name": name, "stack": f"{name}: {message}\n{WHERE}"}


def _exports(code: str, handler: str) -> bool:
    pattern = rf"\b(?:module\.)?exports\s*\.\s*{re.escape(handler)}\s*="
    return (
        re.search(pattern, code) is not None
        or re.search(rf"module\.exports\s*=\s*\{{[^}}]*\b{re.escape(handler)}\b", code) is not None
    )


def find_error(trigger_id: str, code: str, event: dict[str, Any]) -> Record | None:
    handler = HANDLERS.get(trigger_id)
    if handler is not None and not _exports(code, handler):
        return _error("TypeError", f"exports.{handler} is not a function")
    if trigger_id == "post-login" and not isinstance(event.get("user"), dict):
        return _error("TypeError", "Cannot read properties of undefined (reading 'id')")
    return None


def evaluate(tenant: Tenant, rec: Record, event: dict[str, Any]) -> Record:
    """The `payload` of the test reply for the draft of `rec`."""
    triggers = rec.get("supported_triggers") or [{}]
    out: Record = {}
    error = find_error(str(triggers[0].get("id", "")), str(rec.get("code", "")), event)
    if error is not None:
        out["error"] = error
    out["stats"] = dict.fromkeys(STATS_KEYS, 0)
    return out
